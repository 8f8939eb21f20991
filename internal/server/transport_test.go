package server_test

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// TestSignInRefusesPlainHTTP: the credential endpoints refuse plain HTTP
// from other hosts, in their own error shape, unless the request came
// over TLS, through a trusted proxy that terminated TLS, from loopback,
// or the operator allowed it. The requests are served in-process with
// the source address set; nothing is sent over a network.
func TestSignInRefusesPlainHTTP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	var h http.Handler
	testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.TrustedProxies = trusted
		h = server.New(*c)
	}})
	insecure := server.New(server.Config{AllowInsecureSignIn: true})
	form := url.Values{"username": {"alice"}, "password": {"secret"}}.Encode() // no organization_id: 400 past the guard

	cases := []struct {
		name    string
		handler http.Handler
		path    string
		remote  string
		proto   []string
		tls     bool
		refused bool
	}{
		{name: "plain from another host", remote: "198.51.100.7:5555", refused: true},
		{name: "plain to the token endpoint", path: server.PersonalAccessTokensPath, remote: "198.51.100.7:5555", refused: true},
		{name: "plain from IPv6", remote: "[2001:db9::1]:5555", refused: true},
		{name: "TLS from another host", remote: "198.51.100.7:5555", tls: true},
		{name: "loopback", remote: "127.0.0.1:5555"},
		{name: "IPv6 loopback", remote: "[::1]:5555"},
		{name: "trusted proxy that terminated TLS", remote: "192.0.2.10:5555", proto: []string{"https"}},
		{name: "trusted IPv6 proxy", remote: "[2001:db8::10]:5555", proto: []string{"https"}},
		{name: "trusted proxy saying http", remote: "192.0.2.10:5555", proto: []string{"http"}, refused: true},
		{name: "forged https before the proxy's http", remote: "192.0.2.10:5555", proto: []string{"https", "http"}, refused: true},
		{name: "forged https in a list", remote: "192.0.2.10:5555", proto: []string{"https, http"}, refused: true},
		{name: "trusted proxy without the header", remote: "192.0.2.10:5555", refused: true},
		{name: "untrusted proxy saying https", remote: "198.51.100.7:5555", proto: []string{"https"}, refused: true},
		{name: "insecure sign-in allowed", handler: insecure, remote: "198.51.100.7:5555"},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			path := server.SignInPath
			if c.path != "" {
				path = c.path
			}
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = c.remote
			for _, p := range c.proto {
				req.Header.Add("X-Forwarded-Proto", p)
			}
			if c.tls {
				req.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}
			}
			handler := h
			if c.handler != nil {
				handler = c.handler
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			var body map[string]string
			json.Unmarshal(rec.Body.Bytes(), &body)
			refused := rec.Code == http.StatusForbidden && body["error"] == "invalid_request" && body["error_description"] == "Sign-in requires HTTPS."
			if refused != c.refused {
				t.Fatalf("refused=%v, want %v: %d %s", refused, c.refused, rec.Code, rec.Body)
			}
			if !c.refused && rec.Code == http.StatusForbidden {
				t.Fatalf("passed the guard but: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
