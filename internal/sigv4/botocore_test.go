package sigv4

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// botocoreSigner signs a list of requests with botocore (what AWS CLI v1/v2
// and boto3 use) and prints the signed URL and headers as JSON.
const botocoreSigner = `
import json, sys
import botocore.auth, botocore.awsrequest, botocore.credentials
out = []
for c in json.load(sys.stdin):
    creds = botocore.credentials.Credentials(c["akid"], c["secret"], c.get("token"))
    req = botocore.awsrequest.AWSRequest(method=c["method"], url=c["url"],
                                         data=c["body"].encode(), headers=c["headers"])
    kind = c.get("kind", "header")
    if kind == "query":
        auth = botocore.auth.SigV4QueryAuth(creds, c["service"], "us-east-1", expires=300)
    elif kind == "s3query":
        auth = botocore.auth.S3SigV4QueryAuth(creds, c["service"], "us-east-1", expires=300)
    elif kind == "s3":
        auth = botocore.auth.S3SigV4Auth(creds, c["service"], "us-east-1")
    else:
        auth = botocore.auth.SigV4Auth(creds, c["service"], "us-east-1")
    auth.add_auth(req)
    out.append({"url": req.url, "headers": dict(req.headers.items())})
json.dump(out, sys.stdout)
`

type botoCase struct {
	Name    string            `json:"name"`
	Kind    string            `json:"kind,omitempty"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    string            `json:"body"`
	Headers map[string]string `json:"headers"`
	Service string            `json:"service"`
	AKID    string            `json:"akid"`
	Secret  string            `json:"secret"`
	Token   *string           `json:"token,omitempty"`
}

type botoSigned struct {
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

func TestBotocore(t *testing.T) {
	if err := exec.Command("python3", "-c", "import botocore.auth, botocore.awsrequest, botocore.credentials").Run(); err != nil {
		t.Skipf("python3 with botocore not available: %v", err)
	}
	// botocore signs with the current time.
	h := newHarness(t, &Verifier{Credentials: testCreds(), Now: time.Now})
	token := tempToken
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	cases := []botoCase{
		{Name: "iam form POST", Method: "POST", URL: "/", Body: "Action=ListUsers&Version=2010-05-08", Headers: form, Service: "iam"},
		{Name: "json target", Method: "POST", URL: "/", Body: `{"OrganizationId":"m-1"}`, Service: "workmail",
			Headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "WorkMailService.ListUsers"}},
		{Name: "session token", Method: "POST", URL: "/", Body: "Action=GetCallerIdentity&Version=2011-06-15", Headers: form,
			Service: "sts", AKID: tempAKID, Secret: tempSecret, Token: &token},
		{Name: "dot segments", Method: "POST", URL: "/a/./b/../c//d/", Body: "Action=ListUsers", Headers: form, Service: "iam"},
		{Name: "escaped path", Method: "GET", URL: "/x%20y/%2F/~z", Body: "", Headers: map[string]string{}, Service: "iam"},
		{Name: "query", Method: "GET", URL: "/?b=2&a=x%20y&a=x%2Fy&a=x-y&c=%7E&d=&e", Body: "", Headers: map[string]string{}, Service: "iam"},
		{Name: "plus in query", Method: "GET", URL: "/?q=a+b&r=%2B", Body: "", Headers: map[string]string{}, Service: "iam"},
		{Name: "date header", Method: "POST", URL: "/", Body: "Action=ListUsers", Service: "iam",
			Headers: map[string]string{"Content-Type": form["Content-Type"], "Date": "placeholder"}},
		{Name: "whitespace", Method: "POST", URL: "/", Body: "{}", Service: "workmail",
			Headers: map[string]string{"X-Amz-Target": "WorkMailService.ListUsers", "X-Note": " a \t  b   c "}},
		{Name: "presigned", Kind: "query", Method: "GET", URL: "/?Action=GetCallerIdentity&Version=2011-06-15", Service: "sts"},
		{Name: "presigned token", Kind: "query", Method: "GET", URL: "/?Action=GetCallerIdentity&Version=2011-06-15", Service: "sts",
			AKID: tempAKID, Secret: tempSecret, Token: &token},
		{Name: "s3 put", Kind: "s3", Method: "PUT", URL: "/bucket/my%20key.txt", Body: "hello", Headers: map[string]string{}, Service: "s3"},
		{Name: "s3 presigned", Kind: "s3query", Method: "GET", URL: "/bucket/my%20key.txt", Service: "s3"},
	}
	for i := range cases {
		c := &cases[i]
		c.URL = h.srv.URL + c.URL
		if c.AKID == "" {
			c.AKID, c.Secret = testAKID, testSecret
		}
		if c.Headers == nil {
			c.Headers = map[string]string{}
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("python3", "-c", botocoreSigner)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore signer: %v\n%s", err, stderr.String())
	}
	var signed []botoSigned
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(cases) {
		t.Fatalf("botocore output: %v %s", err, out)
	}

	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s := signed[i]
			// S3 alone takes unsigned payloads (its presigned URLs).
			h.v.AllowUnsignedPayload = strings.HasPrefix(c.Kind, "s3")
			req, err := http.NewRequest(c.Method, s.URL, strings.NewReader(c.Body))
			if err != nil {
				t.Fatal(err)
			}
			if c.Body == "" {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			for k, v := range s.Headers {
				req.Header.Set(k, v)
			}
			res := h.mustOK(t, req)
			if res.Service != c.Service || res.AccessKeyID != c.AKID || res.Presigned != strings.Contains(c.Kind, "query") {
				t.Fatalf("result %+v", res)
			}

			// And the same request with a tampered body or query must fail.
			req, _ = http.NewRequest(c.Method, s.URL+map[bool]string{true: "&", false: "?"}[strings.Contains(s.URL, "?")]+"extra=1", strings.NewReader(c.Body))
			for k, v := range s.Headers {
				req.Header.Set(k, v)
			}
			_, err = h.send(t, req)
			wantKind(t, err, KindSignatureMismatch)
		})
	}
}
