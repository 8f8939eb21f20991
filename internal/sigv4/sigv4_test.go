package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestHeaderSignedFormPOST(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime.Add(3*time.Minute)))
	body := []byte("Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision_abc%2F")
	req := h.newReq(t, "POST", "/", body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)

	res := h.mustOK(t, req)
	if res.AccessKeyID != testAKID || res.Region != "us-east-1" || res.Service != "iam" ||
		!res.SignedAt.Equal(signTime) || res.Presigned || res.Credential.Principal != "user/alice" {
		t.Fatalf("unexpected result %+v", res)
	}
}

func TestHeaderSignedJSON(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime.Add(-14*time.Minute)))
	body := []byte(`{"OrganizationId":"m-0123456789abcdef","MaxResults":10}`)
	req := h.newReq(t, "POST", "/", body)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "WorkMailService.ListUsers")
	signGo(t, req, permCreds(), sha256Hex(body), "workmail", signTime)

	res := h.mustOK(t, req)
	if res.Service != "workmail" {
		t.Fatalf("service = %q", res.Service)
	}
}

func TestEmptyBodyGET(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	req := h.newReq(t, "GET", "/?Action=ListUsers&Version=2010-05-08", nil)
	signGo(t, req, permCreds(), emptySHA256, "iam", signTime)
	h.mustOK(t, req)
}

func TestQueryRepeatedKeysAndSpecialChars(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	q := url.Values{}
	q.Add("b", "2")
	q.Add("a", "z")
	q.Add("a", "y y")
	q.Add("a", "a/b")
	q.Add("a", "a-b")
	q.Add("a", "")
	q.Add("sp ace", "pl+us & eq=uals")
	q.Add("tilde~", "ünïcödé ☃")
	q.Add("Empty", "")
	for name, raw := range map[string]string{
		"plus-for-space": q.Encode(),
		"percent20":      strings.ReplaceAll(q.Encode(), "+", "%20"),
		"bare-key":       "acl&b=1&a=%7e%2f",
	} {
		t.Run(name, func(t *testing.T) {
			req := h.newReq(t, "GET", "/?"+raw, nil)
			signGo(t, req, permCreds(), emptySHA256, "iam", signTime)
			h.mustOK(t, req)

			// The query is signed: changing one repeated value must fail.
			req = h.newReq(t, "GET", "/?"+raw, nil)
			signGo(t, req, permCreds(), emptySHA256, "iam", signTime)
			req.URL.RawQuery += "&b=3"
			_, err := h.send(t, req)
			wantKind(t, err, KindSignatureMismatch)
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	// Sorting happens after encoding: "a%2Fb" < "a-b" although '/' > '-'.
	got := canonicalQuery(parseQuery("x=a-b&x=a/b&y=a+b&y=c%20d&z=%7E"), false)
	want := "x=a%2Fb&x=a-b&y=a%20b&y=c%20d&z=~"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	got = canonicalQuery(parseQuery("X-Amz-Signature=abc&X-Amz-Date=1"), true)
	if got != "X-Amz-Date=1" {
		t.Fatalf("presigned query kept the signature: %q", got)
	}
}

func TestPathsNonS3(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	for _, p := range []string{"/", "/foo/bar", "/foo%20bar/%2Fbaz", "/a/./b/../c//d/", "/%E2%98%83/x~y"} {
		t.Run(p, func(t *testing.T) {
			body := []byte("Action=ListUsers")
			req := h.newReq(t, "POST", p, body)
			signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
			h.mustOK(t, req)
		})
	}
}

func TestPathS3NotDoubleEncoded(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("hello")
	req := h.newReq(t, "PUT", "/bucket/my%20key/a%2Bb", body)
	req.Header.Set("X-Amz-Content-Sha256", sha256Hex(body))
	signGo(t, req, permCreds(), sha256Hex(body), "s3", signTime, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	res := h.mustOK(t, req)
	if res.Service != "s3" {
		t.Fatal(res.Service)
	}
}

func TestPresignedGET(t *testing.T) {
	for _, tc := range []struct {
		name, payload string
	}{
		{"unsigned-payload", unsignedPayload}, // S3's presigning, allowed below
		{"empty-sha256", emptySHA256},         // what the SDKs use for non-S3 presigning
	} {
		t.Run(tc.name, func(t *testing.T) {
			allow := tc.payload == unsignedPayload
			fixedVerifier := func(now time.Time) *Verifier {
				v := fixedVerifier(now)
				v.AllowUnsignedPayload = allow
				return v
			}
			h := newHarness(t, fixedVerifier(signTime.Add(4*time.Minute)))
			req := h.newReq(t, "GET", "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=300", nil)
			u, hdr := presignGo(t, req, permCreds(), tc.payload, "sts", signTime)
			if !strings.Contains(u, "X-Amz-Signature=") {
				t.Fatalf("not presigned: %s", u)
			}
			get := func() *http.Request {
				r, err := http.NewRequest("GET", u, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range hdr {
					if k != "Host" {
						r.Header[k] = v
					}
				}
				return r
			}
			res := h.mustOK(t, get())
			if !res.Presigned || res.Service != "sts" {
				t.Fatalf("result %+v", res)
			}

			// Past X-Amz-Expires.
			h.v = fixedVerifier(signTime.Add(301 * time.Second))
			_, err := h.send(t, get())
			if e := wantKind(t, err, KindExpired); e.Message != MsgRequestExpired {
				t.Fatalf("message %q", e.Message)
			}
			// Signed in the future beyond the skew.
			h.v = fixedVerifier(signTime.Add(-16 * time.Minute))
			_, err = h.send(t, get())
			if e := wantKind(t, err, KindExpired); !strings.HasPrefix(e.Message, "Signature not yet current") {
				t.Fatalf("message %q", e.Message)
			}
			// Tampered query parameter.
			h.v = fixedVerifier(signTime)
			r := get()
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "Version=2011-06-15", "Version=2011-06-16", 1)
			_, err = h.send(t, r)
			wantKind(t, err, KindSignatureMismatch)
		})
	}
}

// TestPresignedUnsignedPayload: outside S3 a presigned URL signs the hash
// of the body it is for, as the SDKs presign for every other service, so
// no body can be added to it; one over UNSIGNED-PAYLOAD is refused.
func TestPresignedUnsignedPayload(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	req := h.newReq(t, "POST", "/?X-Amz-Expires=300", nil)
	u, _ := presignGo(t, req, permCreds(), unsignedPayload, "iam", signTime)
	for _, body := range []string{"", "Action=CreateUser&UserName=mallory&Version=2010-05-08"} {
		r, _ := http.NewRequest("POST", u, strings.NewReader(body))
		_, err := h.send(t, r)
		wantKind(t, err, KindSignatureMismatch)
	}
	// Declared in the query, as S3 presigners may.
	req = h.newReq(t, "POST", "/?X-Amz-Expires=300&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", nil)
	u, _ = presignGo(t, req, permCreds(), unsignedPayload, "iam", signTime)
	r, _ := http.NewRequest("POST", u, strings.NewReader("Action=ListUsers"))
	_, err := h.send(t, r)
	wantKind(t, err, KindSignatureMismatch)

	// A presigned URL over the body's hash takes that body and no other.
	body := "Action=ListUsers&Version=2010-05-08"
	req = h.newReq(t, "POST", "/?X-Amz-Expires=300", nil)
	u, _ = presignGo(t, req, permCreds(), sha256Hex([]byte(body)), "iam", signTime)
	r, _ = http.NewRequest("POST", u, strings.NewReader(body))
	h.mustOK(t, r)
	r, _ = http.NewRequest("POST", u, strings.NewReader("Action=CreateUser&UserName=mallory&Version=2010-05-08"))
	_, err = h.send(t, r)
	wantKind(t, err, KindSignatureMismatch)
}

func TestPresignedSessionToken(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	req := h.newReq(t, "GET", "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	u, _ := presignGo(t, req, tempCreds(), emptySHA256, "sts", signTime)
	r, _ := http.NewRequest("GET", u, nil)
	res := h.mustOK(t, r)
	if res.AccessKeyID != tempAKID {
		t.Fatal(res.AccessKeyID)
	}
	// Removing the token breaks the signature (it is in the canonical query).
	r, _ = http.NewRequest("GET", u, nil)
	q := r.URL.Query()
	q.Del("X-Amz-Security-Token")
	r.URL.RawQuery = q.Encode()
	_, err := h.send(t, r)
	wantKind(t, err, KindSignatureMismatch)
}

func TestPresignedMalformed(t *testing.T) {
	v := fixedVerifier(signTime)
	good := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("0", 64)
	cases := map[string]string{
		"no credential":   strings.Replace(good, "X-Amz-Credential=", "X-Amz-Cred=", 1),
		"no date":         strings.Replace(good, "X-Amz-Date=", "X-Amz-Dat=", 1),
		"no signature":    strings.Replace(good, "X-Amz-Signature=", "X-Amz-Sig=", 1),
		"no headers":      strings.Replace(good, "X-Amz-SignedHeaders=host", "", 1),
		"bad algorithm":   strings.Replace(good, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1),
		"expires zero":    strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=0", 1),
		"expires huge":    strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=604801", 1),
		"expires nan":     strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=x", 1),
		"host unsigned":   strings.Replace(good, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date", 1),
		"scope date":      strings.Replace(good, "%2F20260101%2F", "%2F20260102%2F", 1),
		"bad date format": strings.Replace(good, "20260101T000000Z", "2026-01-01T00:00:00Z", 1),
		"bad terminator":  strings.Replace(good, "aws4_request", "aws5_request", 1),
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://sts.example.com/?"+q, nil)
			_, err := v.Verify(context.Background(), r, nil)
			e := wantKind(t, err, KindIncomplete)
			if strings.Contains(e.Message, strings.Repeat("0", 64)) {
				t.Fatalf("message echoes the signature: %q", e.Message)
			}
		})
	}
	// The upper bound itself is fine (fails later on the signature).
	r := httptest.NewRequest("GET", "http://sts.example.com/?"+strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=604800", 1), nil)
	_, err := v.Verify(context.Background(), r, nil)
	wantKind(t, err, KindSignatureMismatch)
}

func TestBadSignature(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers&Version=2010-05-08")
	for name, mutate := range map[string]func(string) string{
		"flipped hex": func(a string) string {
			i := strings.LastIndexByte(a, '=') + 1
			c := byte('0')
			if a[i] == '0' {
				c = '1'
			}
			return a[:i] + string(c) + a[i+1:]
		},
		"truncated":  func(a string) string { return a[:len(a)-2] },
		"not hex":    func(a string) string { return a[:len(a)-1] + "g" },
		"upper case": func(a string) string { return a[:len(a)-64] + strings.Repeat("Z", 64) },
	} {
		t.Run(name, func(t *testing.T) {
			req := h.newReq(t, "POST", "/", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
			req.Header.Set("Authorization", mutate(req.Header.Get("Authorization")))
			_, err := h.send(t, req)
			if e := wantKind(t, err, KindSignatureMismatch); e.Message != MsgSignatureMismatch {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

func TestWrongSecret(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers")
	req := h.newReq(t, "POST", "/", body)
	c := permCreds()
	c.SecretAccessKey = "not-the-secret"
	signGo(t, req, c, sha256Hex(body), "iam", signTime)
	_, err := h.send(t, req)
	wantKind(t, err, KindSignatureMismatch)
}

func TestUnknownKey(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers")
	req := h.newReq(t, "POST", "/", body)
	c := permCreds()
	c.AccessKeyID = "AKIDUNKNOWN"
	signGo(t, req, c, sha256Hex(body), "iam", signTime)
	_, err := h.send(t, req)
	if e := wantKind(t, err, KindUnknownKey); e.Message != MsgInvalidToken {
		t.Fatalf("message %q", e.Message)
	}
}

type failingCreds struct{}

func (failingCreds) LookupCredential(context.Context, string) (*Credential, error) {
	return nil, fmt.Errorf("database down")
}

func TestLookupErrorIsNotAuthError(t *testing.T) {
	r := httptest.NewRequest("POST", "http://iam.example.com/", nil)
	signGo(t, r, permCreds(), emptySHA256, "iam", signTime)
	v := &Verifier{Credentials: failingCreds{}, Now: func() time.Time { return signTime }}
	_, err := v.Verify(context.Background(), r, nil)
	var e *Error
	if err == nil || errorsAs(err, &e) {
		t.Fatalf("want a plain error, got %v", err)
	}
}

func errorsAs(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestSkew(t *testing.T) {
	body := []byte("Action=ListUsers")
	for _, tc := range []struct {
		name   string
		now    time.Time
		prefix string
	}{
		{"exactly 15 min late", signTime.Add(15 * time.Minute), ""},
		{"exactly 15 min early", signTime.Add(-15 * time.Minute), ""},
		{"16 min late", signTime.Add(16 * time.Minute), "Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z (20260101T001600Z - 15 min.)"},
		{"16 min early", signTime.Add(-16 * time.Minute), "Signature not yet current: 20260101T000000Z is still later than 20251231T235900Z (20251231T234400Z + 15 min.)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, fixedVerifier(tc.now))
			req := h.newReq(t, "POST", "/", body)
			signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
			res, err := h.send(t, req)
			if tc.prefix == "" {
				wantOK(t, res, err)
				return
			}
			if e := wantKind(t, err, KindExpired); e.Message != tc.prefix {
				t.Fatalf("message %q\nwant    %q", e.Message, tc.prefix)
			}
		})
	}
	// A custom MaxSkew is honoured.
	h := newHarness(t, &Verifier{Credentials: testCreds(), Now: func() time.Time { return signTime.Add(2 * time.Minute) }, MaxSkew: time.Minute})
	req := h.newReq(t, "POST", "/", body)
	signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
	_, err := h.send(t, req)
	wantKind(t, err, KindExpired)
}

func TestSessionToken(t *testing.T) {
	body := []byte("Action=GetUser")
	h := newHarness(t, fixedVerifier(signTime))
	sign := func(c func(*http.Request)) *http.Request {
		req := h.newReq(t, "POST", "/", body)
		c(req)
		return req
	}

	// Present and correct.
	req := sign(func(r *http.Request) { signGo(t, r, tempCreds(), sha256Hex(body), "iam", signTime) })
	res := h.mustOK(t, req)
	if res.Credential.Principal != "role/bob" {
		t.Fatal(res.Credential.Principal)
	}

	// Temporary key without the token.
	req = sign(func(r *http.Request) {
		c := tempCreds()
		c.SessionToken = ""
		signGo(t, r, c, sha256Hex(body), "iam", signTime)
	})
	_, err := h.send(t, req)
	wantKind(t, err, KindInvalidToken)

	// Wrong token, correctly signed.
	req = sign(func(r *http.Request) {
		c := tempCreds()
		c.SessionToken = tempToken + "x"
		signGo(t, r, c, sha256Hex(body), "iam", signTime)
	})
	_, err = h.send(t, req)
	wantKind(t, err, KindInvalidToken)

	// Token on a permanent key.
	req = sign(func(r *http.Request) {
		c := permCreds()
		c.SessionToken = "some-token"
		signGo(t, r, c, sha256Hex(body), "iam", signTime)
	})
	_, err = h.send(t, req)
	wantKind(t, err, KindInvalidToken)

	// Token swapped after signing: the signature catches it first.
	req = sign(func(r *http.Request) { signGo(t, r, tempCreds(), sha256Hex(body), "iam", signTime) })
	req.Header.Set("X-Amz-Security-Token", "other")
	_, err = h.send(t, req)
	wantKind(t, err, KindSignatureMismatch)
}

func TestUnsignedHost(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers")
	req := h.newReq(t, "POST", "/", body)
	signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
	a := req.Header.Get("Authorization")
	a = strings.Replace(a, "SignedHeaders=content-length;host;", "SignedHeaders=content-length;", 1)
	req.Header.Set("Authorization", a)
	_, err := h.send(t, req)
	e := wantKind(t, err, KindIncomplete)
	if !strings.Contains(e.Message, "'Host'") {
		t.Fatalf("message %q", e.Message)
	}
}

func TestTamperedSignedHeader(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte(`{}`)
	for name, tamper := range map[string]func(*http.Request){
		"target":       func(r *http.Request) { r.Header.Set("X-Amz-Target", "WorkMailService.DeleteUser") },
		"content-type": func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
		"date":         func(r *http.Request) { r.Header.Set("X-Amz-Date", "20260101T000001Z") },
		"host":         func(r *http.Request) { r.Host = "other.example.com" },
		"method":       func(r *http.Request) { r.Method = "PUT" },
		"path":         func(r *http.Request) { r.URL.Path = "/x" },
		"extra value":  func(r *http.Request) { r.Header.Add("X-Amz-Target", "WorkMailService.ListUsers") },
	} {
		t.Run(name, func(t *testing.T) {
			req := h.newReq(t, "POST", "/", body)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			req.Header.Set("X-Amz-Target", "WorkMailService.ListUsers")
			signGo(t, req, permCreds(), sha256Hex(body), "workmail", signTime)
			tamper(req)
			_, err := h.send(t, req)
			wantKind(t, err, KindSignatureMismatch)
		})
	}
	// An unsigned header may change freely.
	req := h.newReq(t, "POST", "/", body)
	signGo(t, req, permCreds(), sha256Hex(body), "workmail", signTime)
	req.Header.Set("User-Agent", "changed")
	req.Header.Set("X-Unsigned", "whatever")
	h.mustOK(t, req)
}

func TestTamperedBody(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers&MaxItems=10")
	signed := h.newReq(t, "POST", "/", body)
	signGo(t, signed, permCreds(), sha256Hex(body), "iam", signTime)
	req := h.newReq(t, "POST", "/", []byte("Action=ListUsers&MaxItems=99")) // same length
	req.Header = signed.Header
	_, err := h.send(t, req)
	wantKind(t, err, KindSignatureMismatch)
}

func TestContentSHA256Header(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("Action=ListUsers&MaxItems=10")

	// Declared hash signed and correct.
	req := h.newReq(t, "POST", "/", body)
	req.Header.Set("X-Amz-Content-Sha256", sha256Hex(body))
	signGo(t, req, permCreds(), sha256Hex(body), "iam", signTime)
	h.mustOK(t, req)

	// Declared hash does not match the body actually sent.
	hdr := req.Header.Clone()
	req, _ = http.NewRequest("POST", h.srv.URL+"/", strings.NewReader("Action=ListUsers&MaxItems=99"))
	req.Header = hdr
	_, err := h.send(t, req)
	if e := wantKind(t, err, KindSignatureMismatch); e.Message != MsgPayloadMismatch {
		t.Fatalf("message %q", e.Message)
	}

	// UNSIGNED-PAYLOAD: refused, as by every AWS service but S3, whatever
	// the body; where allowed (S3), any body verifies.
	req = h.newReq(t, "POST", "/", body)
	req.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
	signGo(t, req, permCreds(), unsignedPayload, "iam", signTime)
	hdr = req.Header.Clone()
	for _, b := range []string{string(body), "Action=ListUsers&MaxItems=99"} {
		req, _ = http.NewRequest("POST", h.srv.URL+"/", strings.NewReader(b))
		req.Header = hdr
		_, err = h.send(t, req)
		if e := wantKind(t, err, KindSignatureMismatch); e.Message != MsgSignatureMismatch {
			t.Fatalf("message %q", e.Message)
		}
	}
	h.v.AllowUnsignedPayload = true
	req, _ = http.NewRequest("POST", h.srv.URL+"/", strings.NewReader("Action=ListUsers&MaxItems=99"))
	req.Header = hdr
	h.mustOK(t, req)
	h.v.AllowUnsignedPayload = false

	// Streaming payloads are not supported.
	req = h.newReq(t, "POST", "/", body)
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	signGo(t, req, permCreds(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "iam", signTime)
	_, err = h.send(t, req)
	wantKind(t, err, KindSignatureMismatch)
}

func TestMissing(t *testing.T) {
	v := fixedVerifier(signTime)
	for _, r := range []*http.Request{
		httptest.NewRequest("POST", "http://iam.example.com/", nil),
		httptest.NewRequest("GET", "http://iam.example.com/?Action=ListUsers&X-Amz-Signature=abc", nil),
		func() *http.Request {
			r := httptest.NewRequest("GET", "http://iam.example.com/", nil)
			r.Header.Set("Authorization", "  ")
			return r
		}(),
	} {
		_, err := v.Verify(context.Background(), r, nil)
		if e := wantKind(t, err, KindMissing); e.Message != MsgMissing {
			t.Fatalf("message %q", e.Message)
		}
	}
}

func TestHeaderAndQueryBoth(t *testing.T) {
	v := fixedVerifier(signTime)
	r := httptest.NewRequest("GET", "http://iam.example.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil)
	signGo(t, r, permCreds(), emptySHA256, "iam", signTime)
	_, err := v.Verify(context.Background(), r, nil)
	wantKind(t, err, KindIncomplete)
}

func TestDateProblems(t *testing.T) {
	v := fixedVerifier(signTime)
	base := func() *http.Request {
		r := httptest.NewRequest("POST", "http://iam.example.com/", nil)
		signGo(t, r, permCreds(), emptySHA256, "iam", signTime)
		return r
	}
	r := base()
	r.Header.Del("X-Amz-Date")
	_, err := v.Verify(context.Background(), r, nil)
	if e := wantKind(t, err, KindIncomplete); !strings.Contains(e.Message, "'X-Amz-Date' or a 'Date' header") ||
		strings.Contains(e.Message, r.Header.Get("Authorization")[len(r.Header.Get("Authorization"))-64:]) {
		t.Fatalf("message %q", e.Message)
	}

	r = base()
	r.Header.Set("X-Amz-Date", "20260102T000000Z") // scope says 20260101
	_, err = v.Verify(context.Background(), r, nil)
	if e := wantKind(t, err, KindIncomplete); !strings.HasPrefix(e.Message, "Date in Credential scope does not match") {
		t.Fatalf("message %q", e.Message)
	}

	r = base()
	r.Header.Set("X-Amz-Date", "2026-01-01T00:00:00Z")
	_, err = v.Verify(context.Background(), r, nil)
	wantKind(t, err, KindIncomplete)

	// Date header fallback is parsed (signature then differs: Go signs X-Amz-Date).
	r = base()
	r.Header.Del("X-Amz-Date")
	r.Header.Set("Date", "Thu, 01 Jan 2026 00:00:00 GMT")
	_, err = v.Verify(context.Background(), r, nil)
	wantKind(t, err, KindSignatureMismatch)
}

// TestDateHeaderFallback signs by hand with a Date header, since the Go
// signer always uses X-Amz-Date (botocore's Date form is tested separately).
func TestDateHeaderFallback(t *testing.T) {
	r := httptest.NewRequest("GET", "http://iam.example.com/?Action=ListUsers", nil)
	r.Header.Set("Date", "Thu, 01 Jan 2026 00:00:00 -0000")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=date;host, Signature="+strings.Repeat("0", 64))
	canon := "GET\n/\nAction=ListUsers\ndate:Thu, 01 Jan 2026 00:00:00 -0000\nhost:iam.example.com\n\ndate;host\n" + emptySHA256
	sts := "AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/iam/aws4_request\n" + sha256Hex([]byte(canon))
	m := hmac.New(sha256.New, deriveKey(testSecret, "20260101", "us-east-1", "iam"))
	m.Write([]byte(sts))
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), strings.Repeat("0", 64), fmt.Sprintf("%x", m.Sum(nil)), 1))
	res, err := fixedVerifier(signTime.Add(time.Minute)).Verify(context.Background(), r, nil)
	wantOK(t, res, err)
}

func TestMalformedAuthorization(t *testing.T) {
	const sig = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
	const cred = "Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws4_request"
	cases := []string{
		"",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 ",
		"AWS4-HMAC-SHA256 ,,,",
		"AWS4-HMAC-SHA256 Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;x-amz-date",
		"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=",
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date, Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature " + sig,
		"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + sig + ", Signature=" + sig,
		"AWS4-HMAC-SHA256 " + cred + " SignedHeaders=host Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws4_request/x, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws5_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026-01-01/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261301/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101//iam/aws4_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1//aws4_request, SignedHeaders=host, Signature=" + sig,
		"AWS4-HMAC-SHA1 " + cred + ", SignedHeaders=host, Signature=" + sig,
		"AWS AKIDEXAMPLE:" + sig,
		"Basic dXNlcjpwYXNzd29yZA==",
		"Bearer " + sig,
		"AWS4-HMAC-SHA256 \x00\xff\n" + sig,
		strings.Repeat("AWS4-HMAC-SHA256 ", 1000),
		"AWS4-HMAC-SHA256 " + strings.Repeat("a=b, ", 1000),
	}
	v := fixedVerifier(signTime)
	for i, h := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, err := ParseAuthorization(h)
			e := wantKind(t, err, KindIncomplete)
			for _, secret := range []string{sig, "dXNlcjpwYXNzd29yZA=="} {
				if strings.Contains(e.Message, secret) {
					t.Fatalf("message echoes %q: %q", secret, e.Message)
				}
			}
			if len(e.Message) > 2000 {
				t.Fatalf("message too long: %d", len(e.Message))
			}

			r := httptest.NewRequest("POST", "http://iam.example.com/", nil)
			r.Header["Authorization"] = []string{h}
			r.Header.Set("X-Amz-Date", "20260101T000000Z")
			_, err = v.Verify(context.Background(), r, nil)
			if strings.TrimSpace(h) == "" {
				wantKind(t, err, KindMissing)
				return
			}
			e = wantKind(t, err, KindIncomplete)
			if strings.Contains(e.Message, sig) {
				t.Fatalf("message echoes the signature: %q", e.Message)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/iam/aws4_request,SignedHeaders=Content-Type;Host;X-Amz-Date,Signature=abc")
	if err != nil {
		t.Fatal(err)
	}
	want := Authorization{Algorithm: algorithm, AccessKeyID: "AKID", Date: "20260101", Region: "eu-west-1", Service: "iam",
		Terminator: terminator, SignedHeaders: []string{"content-type", "host", "x-amz-date"}, Signature: "abc",
		signedList: "content-type;host;x-amz-date"}
	if fmt.Sprint(*a) != fmt.Sprint(want) {
		t.Fatalf("got %+v\nwant %+v", *a, want)
	}
	// The message for an incomplete header follows AWS's wording.
	_, err = ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/iam/aws4_request")
	const msg = "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/iam/aws4_request"
	if err.(*Error).Message != msg {
		t.Fatalf("message %q", err.(*Error).Message)
	}
}

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"":               "/",
		"/":              "/",
		"//":             "/",
		"/a/b":           "/a/b",
		"/a/b/":          "/a/b/",
		"/a/./b/../c//d": "/a/c/d",
		"/a/.b/..c":      "/a/.b/..c",
		"/../a":          "/a",
		"/a/..":          "/",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHMACMatchesStdlib(t *testing.T) {
	key := deriveKey(testSecret, "20260101", "us-east-1", "iam")
	k := newHMACKey(key)
	sc := getScratch()
	defer putScratch(sc)
	for _, msg := range []string{"", "x", strings.Repeat("abc", 100)} {
		k.sum(sc, []byte(msg))
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		if !hmac.Equal(sc.mac[:], m.Sum(nil)) {
			t.Fatalf("mismatch for %q", msg)
		}
	}
}

func TestKeyCacheBounded(t *testing.T) {
	var c keyCache
	for i := range keyCacheSize + 100 {
		c.get(fmt.Sprint("secret", i), "20260101", "us-east-1", "iam")
	}
	if n := len(c.m); n > keyCacheSize {
		t.Fatalf("cache holds %d entries", n)
	}
	a := c.get("s", "20260101", "us-east-1", "iam")
	if b := c.get("s", "20260101", "us-east-1", "iam"); a != b {
		t.Fatal("cache miss for a repeated key")
	}
	if b := c.get("s", "20260102", "us-east-1", "iam"); a == b {
		t.Fatal("cache ignores the date")
	}
}

func TestConcurrentVerify(t *testing.T) {
	v := fixedVerifier(signTime)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				body := fmt.Appendf(nil, "Action=ListUsers&n=%d", i)
				r := httptest.NewRequest("POST", "http://iam.example.com/", strings.NewReader(string(body)))
				region := fmt.Sprint("region-", (g+i)%3)
				if err := v4.NewSigner().SignHTTP(context.Background(), permCreds(), r, sha256Hex(body), "iam", region, signTime); err != nil {
					t.Error(err)
					return
				}
				if _, err := v.Verify(context.Background(), r, body); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestVerifyDoesNotReadBody(t *testing.T) {
	body := []byte("Action=ListUsers")
	r := httptest.NewRequest("POST", "http://iam.example.com/", strings.NewReader(string(body)))
	signGo(t, r, permCreds(), sha256Hex(body), "iam", signTime)
	r.Body = panicBody{}
	res, err := fixedVerifier(signTime).Verify(context.Background(), r, body)
	wantOK(t, res, err)
}

type panicBody struct{}

func (panicBody) Read([]byte) (int, error) { panic("Verify read r.Body") }
func (panicBody) Close() error             { return nil }

func TestHeaderValueWhitespace(t *testing.T) {
	h := newHarness(t, fixedVerifier(signTime))
	body := []byte("{}")
	req := h.newReq(t, "POST", "/", body)
	req.Header.Set("X-Amz-Meta-Note", "  a   b  c ")
	req.Header.Add("X-Amz-Meta-Multi", "one")
	req.Header.Add("X-Amz-Meta-Multi", " two  three")
	signGo(t, req, permCreds(), sha256Hex(body), "workmail", signTime)
	if !strings.Contains(req.Header.Get("Authorization"), "x-amz-meta-multi;x-amz-meta-note") {
		t.Fatalf("headers not signed: %s", req.Header.Get("Authorization"))
	}
	h.mustOK(t, req)
}
