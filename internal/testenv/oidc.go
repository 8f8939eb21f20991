package testenv

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// OIDCIssuer is a real OpenID Connect issuer for tests, run in-process:
// it publishes a discovery document and a JWKS, and signs ID tokens with
// RS256 keys (go-jose). Keys can be rotated; tokens can be signed with a
// key it does not publish, to prove that signatures are checked.
type OIDCIssuer struct {
	URL string

	mu        sync.Mutex
	signing   *rsa.PrivateKey
	kid       string
	published []jose.JSONWebKey
	// JWKSFetches counts the JWKS downloads.
	JWKSFetches int
}

// NewOIDCIssuer starts an issuer that stops when the test ends.
func NewOIDCIssuer(t testing.TB) *OIDCIssuer {
	t.Helper()
	iss := &OIDCIssuer{}
	iss.Rotate(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                iss.URL,
			"authorization_endpoint":                iss.URL + "/authorize",
			"token_endpoint":                        iss.URL + "/token",
			"jwks_uri":                              iss.URL + "/keys",
			"response_types_supported":              []string{"code", "id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		iss.mu.Lock()
		iss.JWKSFetches++
		set := jose.JSONWebKeySet{Keys: append([]jose.JSONWebKey(nil), iss.published...)}
		iss.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(set)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss.URL = srv.URL
	return iss
}

func newRSAKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	return k, hex.EncodeToString(b)
}

// Rotate makes a new signing key and publishes it beside the old ones.
func (iss *OIDCIssuer) Rotate(t testing.TB) {
	k, kid := newRSAKey(t)
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.signing, iss.kid = k, kid
	iss.published = append(iss.published, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"})
}

// Claims of an ID token. Zero times default to now (iat) and an hour
// from now (exp).
type Claims struct {
	Subject  string
	Audience []string
	Issuer   string // default the issuer's URL
	AZP      string
	IssuedAt time.Time
	Expiry   time.Time
	Extra    map[string]any
}

// IDToken signs an ID token with the current key.
func (iss *OIDCIssuer) IDToken(t testing.TB, c Claims) string {
	t.Helper()
	iss.mu.Lock()
	k, kid := iss.signing, iss.kid
	iss.mu.Unlock()
	return iss.sign(t, k, kid, c)
}

// ForgedIDToken signs an ID token with a key the issuer does not publish
// (under the current key ID, and under an unknown one).
func (iss *OIDCIssuer) ForgedIDToken(t testing.TB, c Claims, sameKeyID bool) string {
	t.Helper()
	k, kid := newRSAKey(t)
	if sameKeyID {
		iss.mu.Lock()
		kid = iss.kid
		iss.mu.Unlock()
	}
	return iss.sign(t, k, kid, c)
}

func (iss *OIDCIssuer) sign(t testing.TB, k *rsa.PrivateKey, kid string, c Claims) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.Expiry.IsZero() {
		c.Expiry = c.IssuedAt.Add(time.Hour)
	}
	if c.Issuer == "" {
		c.Issuer = iss.URL
	}
	std := jwt.Claims{Issuer: c.Issuer, Subject: c.Subject, Audience: jwt.Audience(c.Audience),
		IssuedAt: jwt.NewNumericDate(c.IssuedAt), Expiry: jwt.NewNumericDate(c.Expiry)}
	extra := map[string]any{}
	for k, v := range c.Extra {
		extra[k] = v
	}
	if c.AZP != "" {
		extra["azp"] = c.AZP
	}
	raw, err := jwt.Signed(signer).Claims(std).Claims(extra).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
