package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/sts/aws4_request,SignedHeaders=host,Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/x/y/aws4_request",
		"AWS4-HMAC-SHA256 SignedHeaders=host;;a, Signature",
		"AWS4-HMAC-SHA256 ,=,==,Credential==/,",
		"Basic dXNlcjpwYXNz",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindIncomplete {
				t.Fatalf("error %v is not KindIncomplete", err)
			}
			if a != nil {
				t.Fatal("non-nil result with error")
			}
			return
		}
		if a.Algorithm != algorithm || a.AccessKeyID == "" || len(a.Date) != 8 || a.Region == "" ||
			a.Service == "" || a.Terminator != terminator || a.Signature == "" || !slices.Contains(a.SignedHeaders, "host") {
			t.Fatalf("accepted an invalid header %q: %+v", h, a)
		}
		for _, n := range a.SignedHeaders {
			if n == "" || n != strings.ToLower(n) {
				t.Fatalf("bad signed header name %q", n)
			}
		}
	})
}

// FuzzVerify feeds arbitrary header, query, path and body values; Verify must
// never panic and must fail with an *Error (the credential source never
// errors). Seeds come from a correctly signed request so mutations explore
// near-valid inputs.
func FuzzVerify(f *testing.F) {
	body := []byte(`{"OrganizationId":"m-1"}`)
	r := httptest.NewRequest("POST", "http://workmail.example.com/?a=1&b=%20", nil)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "WorkMailService.ListUsers")
	signGo(f, r, tempCreds(), sha256Hex(body), "workmail", signTime)
	f.Add(r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), tempToken, "", "", "a=1&b=%20", "/", "application/x-amz-json-1.1", string(body))
	f.Add(r.Header.Get("Authorization"), "", "", sha256Hex(body), "Thu, 01 Jan 2026 00:00:00 GMT", "", "/a/./b", "", "")
	f.Add("", "", "", "UNSIGNED-PAYLOAD", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIATEMPEXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Security-Token=x", "/%zz", "", "")

	v := fixedVerifier(signTime)
	f.Fuzz(func(t *testing.T, authz, amzDate, token, contentSHA, date, rawQuery, path, ctype, body string) {
		req := &http.Request{
			Method:        "POST",
			URL:           &url.URL{Scheme: "http", Host: "workmail.example.com", Path: path, RawQuery: rawQuery},
			Host:          "workmail.example.com",
			Header:        http.Header{},
			ContentLength: int64(len(body)),
		}
		set := func(k, v string) {
			if v != "" {
				req.Header[k] = []string{v}
			}
		}
		set("Authorization", authz)
		set("X-Amz-Date", amzDate)
		set("X-Amz-Security-Token", token)
		set("X-Amz-Content-Sha256", contentSHA)
		set("Date", date)
		set("Content-Type", ctype)
		set("X-Amz-Target", "WorkMailService.ListUsers")
		res, err := v.Verify(context.Background(), req, []byte(body))
		if err == nil {
			if res == nil || res.Credential == nil {
				t.Fatal("success without a result")
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("non-auth error %v", err)
		}
		if e.Kind < KindMissing || e.Kind > KindInvalidToken || e.Message == "" {
			t.Fatalf("bad error %+v", e)
		}
		if strings.Contains(e.Message, testSecret) || strings.Contains(e.Message, tempSecret) {
			t.Fatal("secret in message")
		}
	})
}
