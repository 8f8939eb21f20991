package testenv

import (
	"bytes"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// HTTPSOIDCIssuer is an OIDCIssuer served over TLS, as IAM requires of
// an OIDC provider's URL: a TLS front forwards to the issuer and writes
// its own URL in place of the issuer's in what it answers. Tokens are
// issued under the https URL; CAPEM is the certificate to trust.
type HTTPSOIDCIssuer struct {
	*OIDCIssuer
	URL   string
	CAPEM []byte
}

// NewHTTPSOIDCIssuer starts an issuer over TLS that stops when the test
// ends.
func NewHTTPSOIDCIssuer(t testing.TB) *HTTPSOIDCIssuer {
	t.Helper()
	iss := NewOIDCIssuer(t)
	h := &HTTPSOIDCIssuer{OIDCIssuer: iss}
	front := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(iss.URL + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		w.Write(bytes.ReplaceAll(b, []byte(iss.URL), []byte(h.URL)))
	}))
	t.Cleanup(front.Close)
	h.URL = front.URL
	h.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw})
	return h
}

// Token signs an ID token issued under the https URL.
func (h *HTTPSOIDCIssuer) Token(t testing.TB, c Claims) string {
	t.Helper()
	if c.Issuer == "" {
		c.Issuer = h.URL
	}
	return h.IDToken(t, c)
}
