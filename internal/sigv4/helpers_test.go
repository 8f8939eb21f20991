package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID    = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	tempAKID    = "ASIATEMPEXAMPLE"
	tempSecret  = "tEmPsEcReT/K7MDENG+bPxRfiCYEXAMPLEKEY"
	tempToken   = "FwoGZXIvYXdzEBYaDHSessionTokenExample//////////wEaDPlus+Slash/Equals=="
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

var signTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type staticCreds map[string]*Credential

func (m staticCreds) LookupCredential(_ context.Context, id string) (*Credential, error) {
	if c, ok := m[id]; ok {
		return c, nil
	}
	return nil, ErrUnknownAccessKey
}

func testCreds() staticCreds {
	return staticCreds{
		testAKID: {AccessKeyID: testAKID, SecretAccessKey: testSecret, Principal: "user/alice"},
		tempAKID: {AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: tempToken, Principal: "role/bob"},
	}
}

func permCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
}

func tempCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: tempToken}
}

func fixedVerifier(now time.Time) *Verifier {
	return &Verifier{Credentials: testCreds(), Now: func() time.Time { return now }}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// harness is a real HTTP server whose handler runs Verify, so requests reach
// the verifier exactly as Go's server presents them (Host moved out of the
// header map, Content-Length kept, etc.).
type harness struct {
	v   *Verifier
	srv *httptest.Server
	got chan verdict
}

type verdict struct {
	res *Result
	err error
}

func newHarness(t testing.TB, v *Verifier) *harness {
	t.Helper()
	h := &harness{v: v, got: make(chan verdict, 1)}
	// A bare handler, not a ServeMux, so paths are not cleaned or redirected.
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			h.got <- verdict{err: err}
			return
		}
		res, err := h.v.Verify(r.Context(), r, body)
		h.got <- verdict{res, err}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// send transmits req and returns what the server-side Verify said.
func (h *harness) send(t testing.TB, req *http.Request) (*Result, error) {
	t.Helper()
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	resp.Body.Close()
	v := <-h.got
	return v.res, v.err
}

// newReq builds a client request to the harness. body may be nil.
func (h *harness) newReq(t testing.TB, method, pathAndQuery string, body []byte) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+pathAndQuery, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func signGo(t testing.TB, req *http.Request, creds aws.Credentials, payloadHash, service string, at time.Time, opts ...func(*v4.SignerOptions)) {
	t.Helper()
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash, service, "us-east-1", at, opts...); err != nil {
		t.Fatal(err)
	}
}

func presignGo(t testing.TB, req *http.Request, creds aws.Credentials, payloadHash, service string, at time.Time) (string, http.Header) {
	t.Helper()
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, payloadHash, service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return u, hdr
}

func wantOK(t testing.TB, res *Result, err error) *Result {
	t.Helper()
	if err != nil {
		t.Fatalf("Verify: unexpected error: %v", err)
	}
	if res == nil {
		t.Fatal("Verify: nil result without error")
	}
	return res
}

func wantKind(t testing.TB, err error, k Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("Verify succeeded, want %v", k)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	if e.Kind != k {
		t.Fatalf("kind = %v (%q), want %v", e.Kind, e.Message, k)
	}
	if strings.Contains(e.Message, testSecret) || strings.Contains(e.Message, tempSecret) {
		t.Fatalf("message leaks a secret: %q", e.Message)
	}
	return e
}

func (h *harness) mustOK(t testing.TB, req *http.Request) *Result {
	t.Helper()
	res, err := h.send(t, req)
	return wantOK(t, res, err)
}
