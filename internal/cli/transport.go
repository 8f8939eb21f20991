package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/protocol/awsjson"
	"github.com/mailgate/mailgate/internal/protocol/awsquery"
)

// client sends one operation's request: the body from the shared codecs,
// signed with the SDK's SigV4 signer, the answer decoded by the same codecs.
type client struct {
	svc     *model.Service
	res     *resolved
	http    *http.Client
	sign    bool
	debug   io.Writer // nil unless --debug
	agent   string
	creds   aws.Credentials
	credsOK bool
}

// connError is a failure to reach the endpoint (exit 255).
type connError struct {
	url string
	err error
}

func (e *connError) Error() string {
	return fmt.Sprintf("Could not connect to the endpoint URL: \"%s\"", e.url)
}

func newClient(ctx context.Context, inv *invocation) (*client, error) {
	g := &inv.cl.globals
	res, err := resolve(ctx, inv.io, g, inv.cfg, inv.svc)
	if err != nil {
		return nil, err
	}
	c := &client{svc: inv.svc, res: res, sign: !g.flag("no-sign-request"), agent: "mailgate-cli/" + inv.io.Version}
	if g.flag("debug") {
		c.debug = inv.io.Stderr
	}
	tlsConf := &tls.Config{}
	if g.flag("no-verify-ssl") {
		tlsConf.InsecureSkipVerify = true
	}
	if res.caBundle != "" {
		pem, err := os.ReadFile(res.caBundle)
		if err != nil {
			return nil, &configError{msg: fmt.Sprintf("Unable to read the CA bundle %s: %v", res.caBundle, err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &configError{msg: fmt.Sprintf("The CA bundle %s holds no PEM certificates", res.caBundle)}
		}
		tlsConf.RootCAs = pool
	}
	connect := time.Duration(g.intOpt("cli-connect-timeout", 60)) * time.Second
	read := time.Duration(g.intOpt("cli-read-timeout", 60)) * time.Second
	dialer := &net.Dialer{Timeout: connect} // 0: no timeout
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: read,
	}
	c.http = &http.Client{Transport: tr}
	if c.sign {
		creds, err := res.creds.Retrieve(ctx)
		if err != nil || !creds.HasKeys() {
			return nil, &configError{msg: "Unable to locate credentials. You can configure credentials by running \"mailgate configure\"."}
		}
		c.creds, c.credsOK = creds, true
	}
	return c, nil
}

// do sends op with input doc and returns the decoded output document.
func (c *client) do(ctx context.Context, op *model.Operation, doc map[string]any) (map[string]any, error) {
	req, err := c.newRequest(ctx, op, doc)
	if err != nil {
		return nil, err
	}
	if c.debug != nil {
		c.debugRequest(op, req, doc)
	}
	url := c.url()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &connError{url: url, err: err}
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &connError{url: url, err: err}
	}
	if resp.StatusCode/100 != 2 {
		if c.debug != nil {
			fmt.Fprintf(c.debug, "DEBUG response: %s\n%s\n%s\n", resp.Status, headerText(resp.Header), rb)
		}
		if c.svc.Protocol == "json" {
			return nil, &apiCallError{op: op.Name, err: awsjson.DecodeError(resp.StatusCode, resp.Header, rb)}
		}
		return nil, &apiCallError{op: op.Name, err: awsquery.DecodeError(resp.StatusCode, rb)}
	}
	return c.decodeResponse(op, resp, rb)
}

// url is where every request goes.
func (c *client) url() string { return strings.TrimRight(c.res.endpoint, "/") + "/" }

// newRequest encodes doc in the service's protocol and signs the request.
func (c *client) newRequest(ctx context.Context, op *model.Operation, doc map[string]any) (*http.Request, error) {
	var body []byte
	hdr := http.Header{}
	switch c.svc.Protocol {
	case "json":
		b, err := awsjson.EncodeRequest(op.Input, doc)
		if err != nil {
			return nil, err
		}
		body = b
		hdr.Set("Content-Type", "application/x-amz-json-"+firstNonEmpty(c.svc.JSONVersion, "1.1"))
		hdr.Set("X-Amz-Target", c.svc.TargetPrefix+"."+op.Name)
	default:
		body = []byte(awsquery.EncodeRequest(op, doc).Encode())
		hdr.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url(), bytes.NewReader(body))
	if err != nil {
		return nil, &configError{msg: fmt.Sprintf("Invalid endpoint: %s", c.res.endpoint)}
	}
	req.Header = hdr
	req.Header.Set("User-Agent", c.agent)
	sum := sha256.Sum256(body)
	if c.sign {
		signer := v4.NewSigner()
		if err := signer.SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), c.svc.SigningName, c.res.region, time.Now().UTC()); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// decodeResponse decodes a successful answer (and shows it with --debug).
func (c *client) decodeResponse(op *model.Operation, resp *http.Response, rb []byte) (map[string]any, error) {
	var out map[string]any
	var err error
	if c.svc.Protocol == "json" {
		out, err = awsjson.DecodeResponse(op.Output, rb)
	} else {
		out, err = awsquery.DecodeResponse(op, rb)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to parse the %s response: %v", op.Name, err)
	}
	if out == nil {
		out = map[string]any{}
	}
	if c.debug != nil {
		fmt.Fprintf(c.debug, "DEBUG response: %s\n%s\n", resp.Status, headerText(resp.Header))
		if hasSensitive(op.Output, nil) {
			masked, _ := awsjson.EncodeResponse(op.Output, maskDoc(op.Output, out).(map[string]any))
			fmt.Fprintf(c.debug, "DEBUG response body (decoded, sensitive members masked):\n%s\n", masked)
		} else {
			fmt.Fprintf(c.debug, "DEBUG response body:\n%s\n", rb)
		}
	}
	return out, nil
}

var reSignature = regexp.MustCompile(`Signature=[0-9a-f]+`)

func (c *client) debugRequest(op *model.Operation, req *http.Request, doc map[string]any) {
	h := req.Header.Clone()
	if a := h.Get("Authorization"); a != "" {
		h.Set("Authorization", reSignature.ReplaceAllString(a, "Signature=****"))
	}
	if h.Get("X-Amz-Security-Token") != "" {
		h.Set("X-Amz-Security-Token", "****")
	}
	var body string
	masked, _ := maskDoc(op.Input, doc).(map[string]any)
	if c.svc.Protocol == "json" {
		b, _ := awsjson.EncodeRequest(op.Input, masked)
		body = string(b)
	} else {
		body = awsquery.EncodeRequest(op, masked).Encode()
	}
	fmt.Fprintf(c.debug, "DEBUG request: %s %s (signed for %s in %s)\n%s\n%s\n", req.Method, req.URL, c.svc.SigningName, c.res.region, headerText(h), body)
}

func headerText(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(h[k], ", "))
	}
	return b.String()
}

const maskText = "*** sensitive ***"

// maskDoc copies doc with every sensitive member replaced.
func maskDoc(sh *model.Shape, v any) any {
	if sh == nil || v == nil {
		return v
	}
	if sh.Sensitive {
		if sh.Type == model.TypeString {
			return maskText
		}
		if sh.Type == model.TypeBlob {
			return []byte(maskText)
		}
	}
	switch sh.Type {
	case model.TypeStructure:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, e := range m {
			if mem := sh.Members[k]; mem != nil {
				out[k] = maskDoc(mem.Shape, e)
			} else {
				out[k] = e
			}
		}
		return out
	case model.TypeList:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = maskDoc(sh.Member.Shape, e)
		}
		return out
	case model.TypeMap:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = maskDoc(sh.Value.Shape, e)
		}
		return out
	}
	return v
}

func hasSensitive(sh *model.Shape, seen map[*model.Shape]bool) bool {
	if sh == nil {
		return false
	}
	if seen == nil {
		seen = map[*model.Shape]bool{}
	}
	if seen[sh] {
		return false
	}
	seen[sh] = true
	if sh.Sensitive {
		return true
	}
	switch sh.Type {
	case model.TypeStructure:
		for _, m := range sh.Members {
			if hasSensitive(m.Shape, seen) {
				return true
			}
		}
	case model.TypeList:
		return hasSensitive(sh.Member.Shape, seen)
	case model.TypeMap:
		return hasSensitive(sh.Value.Shape, seen)
	}
	return false
}
