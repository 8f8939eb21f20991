package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/testenv"
)

var apiErr = testenv.APIError

func TestGetCallerIdentity(t *testing.T) {
	e := testenv.New(t)
	out, err := e.STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *out.Account != e.AccountID || *out.Arn != "arn:aws:iam::"+e.AccountID+":root" || *out.UserId != e.AccountID {
		t.Fatalf("identity: %+v", out)
	}
}

func TestPartitionFromRegion(t *testing.T) {
	e := testenv.New(t)
	cfg := e.AWSConfig()
	cfg.Region = "cn-north-1"
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*out.Arn, "arn:aws-cn:iam::") {
		t.Fatalf("arn %s", *out.Arn)
	}
}

func TestAuthenticationErrors(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	t.Run("case=unknown key/protocol=json", func(t *testing.T) {
		c := workmail.NewFromConfig(e.AWSConfigFor("AKIAUNKNOWNUNKNOWN00", "x", ""))
		_, err := c.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "UnrecognizedClientException", 400)
	})
	t.Run("case=unknown key/protocol=query", func(t *testing.T) {
		c := sts.NewFromConfig(e.AWSConfigFor("AKIAUNKNOWNUNKNOWN00", "x", ""))
		_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
	})
	t.Run("case=bad signature/protocol=json", func(t *testing.T) {
		c := workmail.NewFromConfig(e.AWSConfigFor(e.AccessKey, "wrong-secret", ""))
		_, err := c.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "InvalidSignatureException", 400)
	})
	t.Run("case=bad signature/protocol=query", func(t *testing.T) {
		c := iam.NewFromConfig(e.AWSConfigFor(e.AccessKey, "wrong-secret", ""))
		_, err := c.ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "SignatureDoesNotMatch", 403)
	})
	t.Run("case=clock skew", func(t *testing.T) {
		req := signedQuery(t, e, "sts", "Action=GetCallerIdentity&Version=2011-06-15", time.Now().Add(-20*time.Minute))
		resp := do(t, req)
		if resp.status != 403 || !strings.Contains(resp.body, "<Code>SignatureDoesNotMatch</Code>") || !strings.Contains(resp.body, "Signature expired") {
			t.Fatalf("skew: %d %s", resp.status, resp.body)
		}
	})
	t.Run("case=missing authentication", func(t *testing.T) {
		req, _ := http.NewRequest("POST", e.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp := do(t, req)
		if resp.status != 403 || !strings.Contains(resp.body, "<Code>MissingAuthenticationToken</Code>") || !strings.Contains(resp.body, "<RequestId>") {
			t.Fatalf("missing auth: %d %s", resp.status, resp.body)
		}
		req, _ = http.NewRequest("POST", e.URL+"/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "WorkMailService.ListOrganizations")
		resp = do(t, req)
		if resp.status != 400 || resp.errType() != "MissingAuthenticationTokenException" {
			t.Fatalf("missing auth json: %d %s", resp.status, resp.body)
		}
	})
	t.Run("case=presigned", func(t *testing.T) {
		req, _ := http.NewRequest("GET", e.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		signer := v4.NewSigner()
		url, _, err := signer.PresignHTTP(ctx, aws.Credentials{AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey}, req,
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest("GET", url, nil)
		resp := do(t, req)
		if resp.status != 200 || !strings.Contains(resp.body, "<Account>"+e.AccountID+"</Account>") {
			t.Fatalf("presigned: %d %s", resp.status, resp.body)
		}
	})
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) errType() string {
	var m map[string]string
	json.Unmarshal([]byte(r.body), &m)
	return m["__type"]
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("response without request ID: %d %s", resp.StatusCode, b)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// signedQuery signs a form POST for an awsQuery service at a given time.
func signedQuery(t testing.TB, e *testenv.Env, service, form string, at time.Time) *http.Request {
	return signed(t, e, service, "application/x-www-form-urlencoded", "", []byte(form), at)
}

func signed(t testing.TB, e *testenv.Env, service, ctype, target string, body []byte, at time.Time) *http.Request {
	t.Helper()
	return signedPath(t, e, "/", service, ctype, target, body, at)
}

func signedPath(t testing.TB, e *testenv.Env, path, service, ctype, target string, body []byte, at time.Time) *http.Request {
	t.Helper()
	req, _ := http.NewRequest("POST", e.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	sum := sha256Hex(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey}, req, sum, service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestProtocolErrors(t *testing.T) {
	e := testenv.New(t)
	now := time.Now()
	cases := []struct {
		name, ctype, target, body string
		status                    int
		code                      string
	}{
		{"unknown operation", "application/x-amz-json-1.1", "WorkMailService.NoSuchThing", "{}", 400, "UnknownOperationException"},
		{"malformed json", "application/x-amz-json-1.1", "WorkMailService.ListOrganizations", "{not json", 400, "SerializationException"},
		{"wrong json type", "application/x-amz-json-1.1", "WorkMailService.ListOrganizations", `{"MaxResults":"ten"}`, 400, "SerializationException"},
		{"wrong content type", "text/plain", "WorkMailService.ListOrganizations", "{}", 415, "UnsupportedMediaTypeException"},
		{"invalid org id", "application/x-amz-json-1.1", "WorkMailService.DescribeOrganization", `{"OrganizationId":"m-123"}`, 400, "InvalidParameterException"},
		{"missing required", "application/x-amz-json-1.1", "WorkMailService.DescribeOrganization", `{}`, 400, "InvalidParameterException"},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			resp := do(t, signed(t, e, "workmail", c.ctype, c.target, []byte(c.body), now))
			if resp.status != c.status || resp.errType() != c.code {
				t.Fatalf("want %d %s, got %d %s", c.status, c.code, resp.status, resp.body)
			}
		})
	}
	t.Run("case=validation message names member", func(t *testing.T) {
		resp := do(t, signed(t, e, "workmail", "application/x-amz-json-1.1", "WorkMailService.DescribeOrganization", []byte(`{"OrganizationId":"m-123"}`), now))
		if !strings.Contains(resp.body, "organizationId") || !strings.Contains(resp.body, "regular expression pattern") {
			t.Fatalf("message: %s", resp.body)
		}
	})
	qcases := []struct {
		name, body    string
		status        int
		code, message string
	}{
		{"unknown action", "Action=NoSuchThing&Version=2011-06-15", 400, "InvalidAction", "NoSuchThing"},
		{"missing action", "Version=2011-06-15", 400, "MissingAction", ""},
		{"bad version", "Action=GetCallerIdentity&Version=1999-01-01", 400, "InvalidAction", ""},
		{"malformed form", "Action=%zz", 400, "MalformedInput", ""},
		{"validation", "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=x", 400, "ValidationError", "accessKeyId"},
	}
	for _, c := range qcases {
		t.Run("case="+c.name, func(t *testing.T) {
			resp := do(t, signedQuery(t, e, "sts", c.body, now))
			if resp.status != c.status || !strings.Contains(resp.body, "<Code>"+c.code+"</Code>") || !strings.Contains(resp.body, c.message) {
				t.Fatalf("want %d %s, got %d %s", c.status, c.code, resp.status, resp.body)
			}
		})
	}
	t.Run("case=oversized body", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), 3<<20)
		resp := do(t, signed(t, e, "workmail", "application/x-amz-json-1.1", "WorkMailService.ListOrganizations", big, now))
		if resp.status != 413 || resp.errType() != "RequestEntityTooLargeException" {
			t.Fatalf("oversized: %d %s", resp.status, resp.body)
		}
	})
	t.Run("case=wrong scope", func(t *testing.T) {
		resp := do(t, signed(t, e, "iam", "application/x-amz-json-1.1", "WorkMailService.ListOrganizations", []byte("{}"), now))
		if resp.status != 400 || resp.errType() != "IncompleteSignatureException" {
			t.Fatalf("scope: %d %s", resp.status, resp.body)
		}
	})
}

func TestHealth(t *testing.T) {
	e := testenv.New(t)
	resp, err := http.Get(e.URL + "/_mailgate/health")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"ok"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, b)
	}
}
