package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	wmtypes "github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// botoSign signs requests with botocore (what the AWS CLI and boto3 use)
// and returns them ready to send. kind "header" is SigV4Auth, "query"
// SigV4QueryAuth (a presigned URL).
const botoSign = `
import json, sys, urllib.parse
import botocore.auth, botocore.awsrequest, botocore.credentials
out = []
for c in json.load(sys.stdin):
    creds = botocore.credentials.Credentials(c["akid"], c["secret"])
    data = c["body"].encode()
    if c["kind"] == "query" and data:
        # botocore's query serializer hands the signer a dict
        data = dict(urllib.parse.parse_qsl(c["body"]))
    req = botocore.awsrequest.AWSRequest(method=c["method"], url=c["url"], data=data, headers=c["headers"])
    if c["kind"] == "query":
        auth = botocore.auth.SigV4QueryAuth(creds, c["service"], "us-east-1", expires=300)
    else:
        auth = botocore.auth.SigV4Auth(creds, c["service"], "us-east-1")
    auth.add_auth(req)
    out.append({"url": req.url, "headers": dict(req.headers.items()), "body": req.body.decode() if isinstance(req.body, bytes) else (req.body or "")})
json.dump(out, sys.stdout)
`

type botoReq struct {
	Kind    string            `json:"kind"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    string            `json:"body"`
	Headers map[string]string `json:"headers"`
	Service string            `json:"service"`
	AKID    string            `json:"akid"`
	Secret  string            `json:"secret"`
}

type botoSigned struct {
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

func requireBotocore(t *testing.T) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import botocore.auth").Run(); err != nil {
		t.Skipf("python3 with botocore not available: %v", err)
	}
}

// botoRequests signs reqs with botocore as e's root.
func botoRequests(t *testing.T, e *testenv.Env, reqs []botoReq) []botoSigned {
	t.Helper()
	for i := range reqs {
		reqs[i].AKID, reqs[i].Secret = e.AccessKey, e.SecretKey
		if reqs[i].Headers == nil {
			reqs[i].Headers = map[string]string{}
		}
		if reqs[i].Kind == "" {
			reqs[i].Kind = "header"
		}
	}
	in, _ := json.Marshal(reqs)
	cmd := exec.Command("python3", "-c", botoSign)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v\n%s", err, stderr.String())
	}
	var signed []botoSigned
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(reqs) {
		t.Fatalf("botocore output: %v %s", err, out)
	}
	return signed
}

// send builds the signed request with body (the signed one when body is
// nil) and sends it.
func (b botoSigned) send(t *testing.T, method string, body *string) response {
	t.Helper()
	payload := b.Body
	if body != nil {
		payload = *body
	}
	req, err := http.NewRequest(method, b.URL, strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range b.Headers {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

const formCT = "application/x-www-form-urlencoded; charset=utf-8"

// TestUnsignedPayloadRefused: a signature over UNSIGNED-PAYLOAD covers no
// byte of the body, so whoever sees the request's headers could send any
// body (any Action) with them for the signature's lifetime. AWS honours
// it only in S3; IAM, STS and WorkMail answer it as a signature mismatch.
func TestUnsignedPayloadRefused(t *testing.T) {
	requireBotocore(t)
	e := testenv.New(t)
	unsigned := map[string]string{"Content-Type": formCT, "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
	jsonUnsigned := map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "WorkMailService.ListOrganizations", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
	signed := botoRequests(t, e, []botoReq{
		{Method: "POST", URL: e.URL + "/", Body: "Action=GetCallerIdentity&Version=2011-06-15", Headers: unsigned, Service: "sts"},
		{Method: "POST", URL: e.URL + "/", Body: "Action=ListUsers&Version=2010-05-08", Headers: unsigned, Service: "iam"},
		{Method: "POST", URL: e.URL + "/", Body: "{}", Headers: jsonUnsigned, Service: "workmail"},
		// The same requests signed over their bodies work.
		{Method: "POST", URL: e.URL + "/", Body: "Action=GetCallerIdentity&Version=2011-06-15", Headers: map[string]string{"Content-Type": formCT}, Service: "sts"},
		{Method: "POST", URL: e.URL + "/", Body: "{}", Service: "workmail",
			Headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "WorkMailService.ListOrganizations"}},
	})
	hostile := "Action=CreateUser&UserName=mallory&Version=2010-05-08"
	for _, c := range []struct {
		name   string
		req    botoSigned
		body   *string
		status int
		code   string
	}{
		{"sts as signed", signed[0], nil, 403, "SignatureDoesNotMatch"},
		{"iam as signed", signed[1], nil, 403, "SignatureDoesNotMatch"},
		{"iam with another body", signed[1], &hostile, 403, "SignatureDoesNotMatch"},
		{"workmail as signed", signed[2], nil, 400, "InvalidSignatureException"},
	} {
		t.Run("case="+c.name, func(t *testing.T) {
			r := c.req.send(t, "POST", c.body)
			if r.status != c.status || !(strings.Contains(r.body, "<Code>"+c.code+"</Code>") || r.errType() == c.code) {
				t.Fatalf("want %d %s, got %d %s", c.status, c.code, r.status, r.body)
			}
			if !strings.Contains(r.body, "The request signature we calculated does not match") {
				t.Fatalf("message: %s", r.body)
			}
		})
	}
	if r := signed[3].send(t, "POST", nil); r.status != 200 {
		t.Fatalf("signed sts: %d %s", r.status, r.body)
	}
	if r := signed[4].send(t, "POST", nil); r.status != 200 {
		t.Fatalf("signed workmail: %d %s", r.status, r.body)
	}
	if r := do(t, signedQuery(t, e, "iam", "Action=GetUser&UserName=mallory&Version=2010-05-08", time.Now())); r.status != 404 {
		t.Fatalf("mallory was created: %d %s", r.status, r.body)
	}
}

// TestPresignedSignsTheOperation: a presigned request is good only for
// what its signature covers. botocore presigns a query call with every
// parameter in the signed query string and the empty body's hash; a body
// added to it, or to a URL presigned over UNSIGNED-PAYLOAD, is refused.
func TestPresignedSignsTheOperation(t *testing.T) {
	requireBotocore(t)
	e := testenv.New(t)
	signed := botoRequests(t, e, []botoReq{
		{Kind: "query", Method: "GET", URL: e.URL + "/?Action=GetCallerIdentity&Version=2011-06-15", Service: "sts"},
		// Form parameters move into the signed query string.
		{Kind: "query", Method: "POST", URL: e.URL + "/", Body: "Action=GetCallerIdentity&Version=2011-06-15", Service: "sts"},
		{Kind: "query", Method: "POST", URL: e.URL + "/", Service: "iam"},
	})
	if r := signed[0].send(t, "GET", nil); r.status != 200 || !strings.Contains(r.body, "<Account>"+e.AccountID+"</Account>") {
		t.Fatalf("presigned GET: %d %s", r.status, r.body)
	}
	if !strings.Contains(signed[1].URL, "Action=GetCallerIdentity") || signed[1].Body != "" {
		t.Fatalf("botocore did not move the form into the query: %+v", signed[1])
	}
	if r := signed[1].send(t, "POST", nil); r.status != 200 {
		t.Fatalf("presigned POST: %d %s", r.status, r.body)
	}
	// A URL presigned without an Action cannot be given one in a body.
	hostile := "Action=CreateUser&UserName=mallory&Version=2010-05-08"
	signed[2].Headers["Content-Type"] = formCT
	if r := signed[2].send(t, "POST", &hostile); r.status != 403 || !strings.Contains(r.body, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("body added to a presigned URL: %d %s", r.status, r.body)
	}

	// The Go SDK presigning over UNSIGNED-PAYLOAD (S3's way): refused,
	// with or without a body.
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey}
	for path, body := range map[string]string{"/?Action=ListUsers&Version=2010-05-08": "", "/": hostile} {
		req, _ := http.NewRequest("POST", e.URL+path, nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "iam", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest("POST", u, strings.NewReader(body))
		req.Header.Set("Content-Type", formCT)
		if r := do(t, req); r.status != 403 || !strings.Contains(r.body, "<Code>SignatureDoesNotMatch</Code>") {
			t.Fatalf("presigned over UNSIGNED-PAYLOAD, body %q: %d %s", body, r.status, r.body)
		}
	}
	if r := do(t, signedQuery(t, e, "iam", "Action=GetUser&UserName=mallory&Version=2010-05-08", time.Now())); r.status != 404 {
		t.Fatalf("mallory was created: %d %s", r.status, r.body)
	}
}

// TestUnsignedTargetRefused: X-Amz-Target picks a JSON request's
// operation, so the signature must cover it.
func TestUnsignedTargetRefused(t *testing.T) {
	e := testenv.New(t)
	body := []byte(`{}`)
	req, _ := http.NewRequest("POST", e.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	creds := aws.Credentials{AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sha256Hex(body), "workmail", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "WorkMailService.ListOrganizations") // after signing
	r := do(t, req)
	if r.status != 400 || r.errType() != "IncompleteSignatureException" || !strings.Contains(r.body, "X-Amz-Target") {
		t.Fatalf("unsigned target: %d %s", r.status, r.body)
	}
}

// TestRepeatedParametersRefused: a parameter given twice (in the query
// string, in the body, or once in each) or a JSON key given twice (at any
// depth) has no one meaning, so a proxy in front could read another
// request than mailgate would: it is refused, signed or not.
func TestRepeatedParametersRefused(t *testing.T) {
	requireBotocore(t)
	e := testenv.New(t)
	form := map[string]string{"Content-Type": formCT}
	jsonH := func(target string) map[string]string {
		return map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
	}
	signed := botoRequests(t, e, []botoReq{
		{Method: "POST", URL: e.URL + "/", Body: "Action=ListUsers&Version=2010-05-08&Action=CreateUser&UserName=mallory", Headers: form, Service: "iam"},
		{Method: "POST", URL: e.URL + "/?Action=CreateUser&UserName=mallory", Body: "Action=ListUsers&Version=2010-05-08", Headers: form, Service: "iam"},
		{Method: "GET", URL: e.URL + "/?Action=GetCallerIdentity&Version=2011-06-15&Version=2011-06-15", Service: "sts"},
		{Method: "POST", URL: e.URL + "/", Body: "Action=GetUser&UserName=a&UserName=b&Version=2010-05-08", Headers: form, Service: "iam"},
		{Method: "POST", URL: e.URL + "/", Body: `{"OrganizationId":"m-00000000000000000000000000000000","OrganizationId":"m-11111111111111111111111111111111"}`,
			Headers: jsonH("WorkMailService.DescribeOrganization"), Service: "workmail"},
		{Method: "POST", URL: e.URL + "/", Body: `{"Alias":"dup","Tags":[{"Key":"k","Value":"a","Value":"b"}]}`,
			Headers: jsonH("WorkMailService.CreateOrganization"), Service: "workmail"},
	})
	for i, want := range []struct {
		status int
		code   string
	}{
		{400, "InvalidQueryParameter"}, {400, "InvalidQueryParameter"}, {400, "InvalidQueryParameter"}, {400, "InvalidQueryParameter"},
		{400, "SerializationException"}, {400, "SerializationException"},
	} {
		method := "POST"
		if i == 2 {
			method = "GET"
		}
		r := signed[i].send(t, method, nil)
		if r.status != want.status || !(strings.Contains(r.body, "<Code>"+want.code+"</Code>") || r.errType() == want.code) || !strings.Contains(r.body, "more than once") {
			t.Errorf("request %d: want %d %s, got %d %s", i, want.status, want.code, r.status, r.body)
		}
	}
	// Two X-Amz-Target headers, both signed.
	body := []byte(`{}`)
	req, _ := http.NewRequest("POST", e.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Add("X-Amz-Target", "WorkMailService.ListOrganizations")
	req.Header.Add("X-Amz-Target", "WorkMailService.DeleteOrganization")
	creds := aws.Credentials{AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sha256Hex(body), "workmail", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := do(t, req); r.status != 400 || r.errType() != "SerializationException" {
		t.Errorf("two targets: %d %s", r.status, r.body)
	}
	if r := do(t, signedQuery(t, e, "iam", "Action=GetUser&UserName=mallory&Version=2010-05-08", time.Now())); r.status != 404 {
		t.Fatalf("mallory was created: %d %s", r.status, r.body)
	}
}

// TestIntrospectionTellsStrangersNothing: a caller without permission to
// introspect gets for a valid token exactly what it gets for garbage.
func TestIntrospectionTellsStrangersNothing(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	wm := e.WorkMail()
	org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("intro-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("alice"), DisplayName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	role, err := wm.CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: org.OrganizationId, Name: aws.String("r"),
		Type: wmtypes.ImpersonationRoleTypeFullAccess, Rules: []wmtypes.ImpersonationRule{{ImpersonationRuleId: aws.String("r1"), Effect: wmtypes.AccessEffectAllow, TargetUsers: []string{"alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := wm.AssumeImpersonationRole(ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: org.OrganizationId, ImpersonationRoleId: role.ImpersonationRoleId})
	if err != nil {
		t.Fatal(err)
	}
	ic := e.IAM()
	stranger := issueUserKey(t, ic, "stranger")
	allowed := issueUserKey(t, ic, "frontend")
	orgARN := "arn:aws:workmail:us-east-1:" + e.AccountID + ":organization/" + *org.OrganizationId
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("frontend"), PolicyName: aws.String("introspect"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:IntrospectImpersonationToken","Resource":"` + orgARN + `"}]}`)}); err != nil {
		t.Fatal(err)
	}
	ask := func(k *iamtypes.AccessKey, token string) response {
		t.Helper()
		as := *e
		as.AccessKey, as.SecretKey = *k.AccessKeyId, *k.SecretAccessKey
		form := url.Values{"token": {token}, "mailbox": {"alice"}}.Encode()
		return do(t, signedPath(t, &as, server.IntrospectPath, "workmail", "application/x-www-form-urlencoded", "", []byte(form), time.Now()))
	}
	if r := ask(allowed, *tok.Token); r.status != 200 || !strings.Contains(r.body, `"active":true`) || !strings.Contains(r.body, *org.OrganizationId) {
		t.Fatalf("permitted caller: %d %s", r.status, r.body)
	}
	valid := ask(stranger, *tok.Token)
	for name, token := range map[string]string{
		"garbage":   "not-a-token",
		"unknown":   "mgi1." + strings.Repeat("A", 22) + "." + strings.Repeat("B", 43),
		"truncated": (*tok.Token)[:len(*tok.Token)-1],
		"pat":       "mgp1.nothing",
	} {
		r := ask(stranger, token)
		if r.status != valid.status || r.body != valid.body || r.header.Get("Content-Type") != valid.header.Get("Content-Type") ||
			r.header.Get("Cache-Control") != valid.header.Get("Cache-Control") {
			t.Errorf("%s: %d %v %q, valid token: %d %v %q", name, r.status, r.header, r.body, valid.status, valid.header, valid.body)
		}
	}
	if valid.status != 200 || strings.TrimSpace(valid.body) != `{"active":false}` || strings.Contains(valid.body, *org.OrganizationId) {
		t.Fatalf("stranger on a valid token: %d %s", valid.status, valid.body)
	}
}
