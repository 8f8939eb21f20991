package mailauth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/mailgate/mailgate/internal/mailauth"
)

var ctx = context.Background()

// issuer is an OpenID Connect provider run in-process: a discovery
// document and a JWKS over httptest, RS256 keys signed with go-jose.
type issuer struct {
	srv *httptest.Server

	mu        sync.Mutex
	keys      map[string]*rsa.PrivateKey // kid -> key
	published []string                   // kids in the JWKS
	current   string                     // the kid tokens are signed with
	// claimedIssuer is the issuer the discovery document names ("": the
	// server's URL); down makes discovery fail.
	claimedIssuer string
	down          bool
	discoveries   int
	jwksFetches   int
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	iss := &issuer{keys: map[string]*rsa.PrivateKey{}}
	iss.publish(iss.newKey(t, "k1"))
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss.mu.Lock()
		defer iss.mu.Unlock()
		iss.discoveries++
		if iss.down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		claimed := iss.claimedIssuer
		if claimed == "" {
			claimed = iss.srv.URL
		}
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": claimed, "jwks_uri": iss.srv.URL + "/jwks", "authorization_endpoint": iss.srv.URL + "/auth",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		iss.mu.Lock()
		defer iss.mu.Unlock()
		iss.jwksFetches++
		var set jose.JSONWebKeySet
		for _, kid := range iss.published {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &iss.keys[kid].PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

// newKey makes a key under kid, unpublished, and returns kid.
func (iss *issuer) newKey(t *testing.T, kid string) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	iss.mu.Lock()
	iss.keys[kid] = k
	iss.mu.Unlock()
	return kid
}

// publish adds kid to the JWKS and signs new tokens with it.
func (iss *issuer) publish(kid string) {
	iss.mu.Lock()
	iss.published = append(iss.published, kid)
	iss.current = kid
	iss.mu.Unlock()
}

// fetches counts the discovery and JWKS downloads so far.
func (iss *issuer) fetches() (discoveries, jwks int) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	return iss.discoveries, iss.jwksFetches
}

func (iss *issuer) set(f func(*issuer)) {
	iss.mu.Lock()
	f(iss)
	iss.mu.Unlock()
}

// token signs claims (over defaults: this issuer, subject "user-1",
// audience "mailgate", issued now, expiring in an hour) with the key kid
// ("": the current one) under the header kid.
func (iss *issuer) token(t *testing.T, claims map[string]any, signWith, headerKid string) string {
	t.Helper()
	iss.mu.Lock()
	if signWith == "" {
		signWith = iss.current
	}
	if headerKid == "" {
		headerKid = signWith
	}
	key := iss.keys[signWith]
	iss.mu.Unlock()
	now := time.Now()
	all := map[string]any{"iss": iss.srv.URL, "sub": "user-1", "aud": "mailgate", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", headerKid))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(all).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (iss *issuer) config(f func(*mailauth.ProviderConfig)) mailauth.ProviderConfig {
	c := mailauth.ProviderConfig{Issuer: iss.srv.URL, ClientID: "mailgate"}
	if f != nil {
		f(&c)
	}
	return c
}

func verifier(t *testing.T, cfg mailauth.ProviderConfig, now func() time.Time) *mailauth.OIDCVerifier {
	t.Helper()
	cfg, err := cfg.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return mailauth.NewOIDCVerifier(cfg, nil, now)
}

func wantInvalid(t *testing.T, user string, err error, detail string) {
	t.Helper()
	if !errors.Is(err, mailauth.ErrInvalidIDToken) || errors.Is(err, mailauth.ErrProviderUnavailable) {
		t.Fatalf("want ErrInvalidIDToken, got %q %v", user, err)
	}
	if user != "" {
		t.Fatalf("a refused token named user %q", user)
	}
	if !strings.Contains(err.Error(), detail) {
		t.Fatalf("error %q does not say %q", err, detail)
	}
}

func TestOIDCVerifier(t *testing.T) {
	iss := newIssuer(t)
	v := verifier(t, iss.config(nil), nil)

	t.Run("method=Verify/case=valid", func(t *testing.T) {
		user, err := v.Verify(ctx, iss.token(t, nil, "", ""))
		if err != nil || user != "user-1" {
			t.Fatalf("Verify: %q %v", user, err)
		}
	})
	t.Run("method=Verify/case=audience-among-several", func(t *testing.T) {
		user, err := v.Verify(ctx, iss.token(t, map[string]any{"aud": []string{"other", "mailgate"}, "azp": "mailgate"}, "", ""))
		if err != nil || user != "user-1" {
			t.Fatalf("Verify: %q %v", user, err)
		}
	})

	// Refusals: each check go-oidc makes, and mailgate's own.
	for _, tc := range []struct {
		name   string
		claims map[string]any
		detail string
	}{
		{"expired", map[string]any{"iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()}, "expired"},
		{"wrong-audience", map[string]any{"aud": "someone-else"}, "audience"},
		{"no-audience", map[string]any{"aud": nil}, "audience"},
		{"wrong-issuer", map[string]any{"iss": "https://evil.example"}, "issued by a different provider"},
		{"another-client-as-azp", map[string]any{"azp": "someone-else"}, "issued to another client"},
		{"no-subject", map[string]any{"sub": nil}, "no sub claim"},
		{"empty-subject", map[string]any{"sub": ""}, "no sub claim"},
		{"subject-not-a-string", map[string]any{"sub": 42}, ""},
	} {
		t.Run("method=Verify/case="+tc.name, func(t *testing.T) {
			user, err := v.Verify(ctx, iss.token(t, tc.claims, "", ""))
			wantInvalid(t, user, err, tc.detail)
		})
	}
	t.Run("method=Verify/case=bad-signature-under-a-known-key-id", func(t *testing.T) {
		forger := iss.newKey(t, "forger")
		user, err := v.Verify(ctx, iss.token(t, nil, forger, "k1"))
		wantInvalid(t, user, err, "")
	})
	t.Run("method=Verify/case=unknown-key-id", func(t *testing.T) {
		iss.newKey(t, "unpublished")
		user, err := v.Verify(ctx, iss.token(t, nil, "unpublished", ""))
		wantInvalid(t, user, err, "")
	})
	t.Run("method=Verify/case=tampered-payload", func(t *testing.T) {
		parts := strings.Split(iss.token(t, nil, "", ""), ".")
		other := strings.Split(iss.token(t, map[string]any{"sub": "admin"}, "", ""), ".")
		user, err := v.Verify(ctx, parts[0]+"."+other[1]+"."+parts[2])
		wantInvalid(t, user, err, "")
	})
	t.Run("method=Verify/case=not-a-jwt", func(t *testing.T) {
		for _, raw := range []string{"", "garbage", "a.b.c", "a.b"} {
			user, err := v.Verify(ctx, raw)
			wantInvalid(t, user, err, "")
		}
	})
	t.Run("method=Verify/case=unsigned", func(t *testing.T) {
		parts := strings.Split(iss.token(t, nil, "", ""), ".")
		header := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0" // {"alg":"none","typ":"JWT"}
		user, err := v.Verify(ctx, header+"."+parts[1]+".")
		wantInvalid(t, user, err, "")
	})
	t.Run("method=Verify/case=rotated-key-without-restart", func(t *testing.T) {
		_, before := iss.fetches()
		iss.publish(iss.newKey(t, "k2"))
		user, err := v.Verify(ctx, iss.token(t, map[string]any{"sub": "user-2"}, "", ""))
		if err != nil || user != "user-2" {
			t.Fatalf("a token under the new key: %q %v", user, err)
		}
		if _, after := iss.fetches(); after == before {
			t.Fatal("the new key was found without fetching the JWKS again")
		}
		// The old key still verifies the tokens it signed.
		if user, err := v.Verify(ctx, iss.token(t, nil, "k1", "")); err != nil || user != "user-1" {
			t.Fatalf("a token under the old key: %q %v", user, err)
		}
	})
	t.Run("method=Verify/case=discovery-once", func(t *testing.T) {
		if n, _ := iss.fetches(); n != 1 {
			t.Fatalf("the discovery document was fetched %d times", n)
		}
	})
}

func TestOIDCVerifierOptions(t *testing.T) {
	iss := newIssuer(t)

	t.Run("method=Verify/case=injected-clock-decides-expiry", func(t *testing.T) {
		now := time.Now()
		later := verifier(t, iss.config(nil), func() time.Time { return now.Add(2 * time.Hour) })
		user, err := later.Verify(ctx, iss.token(t, nil, "", ""))
		wantInvalid(t, user, err, "expired")
		earlier := verifier(t, iss.config(nil), func() time.Time { return now.Add(-2 * time.Hour) })
		old := iss.token(t, map[string]any{"iat": now.Add(-3 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}, "", "")
		if user, err := earlier.Verify(ctx, old); err != nil || user != "user-1" {
			t.Fatalf("a token valid on the verifier's clock: %q %v", user, err)
		}
	})
	t.Run("method=Verify/case=audience-other-than-client-id", func(t *testing.T) {
		v := verifier(t, iss.config(func(c *mailauth.ProviderConfig) { c.Audience = "api://mail" }), nil)
		if user, err := v.Verify(ctx, iss.token(t, map[string]any{"aud": "api://mail", "azp": "mailgate"}, "", "")); err != nil || user != "user-1" {
			t.Fatalf("Verify: %q %v", user, err)
		}
		user, err := v.Verify(ctx, iss.token(t, map[string]any{"aud": "mailgate"}, "", ""))
		wantInvalid(t, user, err, "audience")
	})
	t.Run("method=Verify/case=azp-unchecked-without-client-id", func(t *testing.T) {
		v := verifier(t, iss.config(func(c *mailauth.ProviderConfig) { c.ClientID, c.Audience = "", "mailgate" }), nil)
		if user, err := v.Verify(ctx, iss.token(t, map[string]any{"azp": "anyone"}, "", "")); err != nil || user != "user-1" {
			t.Fatalf("Verify: %q %v", user, err)
		}
	})
	t.Run("method=Verify/case=user-claim", func(t *testing.T) {
		v := verifier(t, iss.config(func(c *mailauth.ProviderConfig) { c.UserClaim = "oid" }), nil)
		if user, err := v.Verify(ctx, iss.token(t, map[string]any{"oid": "object-7"}, "", "")); err != nil || user != "object-7" {
			t.Fatalf("Verify: %q %v", user, err)
		}
		user, err := v.Verify(ctx, iss.token(t, nil, "", ""))
		wantInvalid(t, user, err, "no oid claim")
	})
	t.Run("method=Config/case=as-given", func(t *testing.T) {
		cfg, _ := iss.config(nil).WithDefaults()
		if got := mailauth.NewOIDCVerifier(cfg, nil, nil).Config(); got != cfg {
			t.Fatalf("Config: %+v, want %+v", got, cfg)
		}
	})
}

func TestOIDCVerifierProviderUnavailable(t *testing.T) {
	wantUnavailable := func(t *testing.T, v *mailauth.OIDCVerifier, raw string) {
		t.Helper()
		user, err := v.Verify(ctx, raw)
		if !errors.Is(err, mailauth.ErrProviderUnavailable) || errors.Is(err, mailauth.ErrInvalidIDToken) || user != "" {
			t.Fatalf("want ErrProviderUnavailable, got %q %v", user, err)
		}
	}
	t.Run("method=Verify/case=discovery-fails-then-waits-before-retrying", func(t *testing.T) {
		iss := newIssuer(t)
		iss.set(func(i *issuer) { i.down = true })
		v := verifier(t, iss.config(nil), nil)
		raw := iss.token(t, nil, "", "")
		wantUnavailable(t, v, raw)
		iss.set(func(i *issuer) { i.down = false })
		wantUnavailable(t, v, raw) // within the retry delay: not asked again
		if n, _ := iss.fetches(); n != 1 {
			t.Fatalf("discovery fetched %d times, want once", n)
		}
	})
	t.Run("method=Verify/case=discovery-names-another-issuer", func(t *testing.T) {
		iss := newIssuer(t)
		iss.set(func(i *issuer) { i.claimedIssuer = "https://elsewhere.example" })
		v := verifier(t, iss.config(nil), nil)
		wantUnavailable(t, v, iss.token(t, nil, "", ""))
	})
	t.Run("method=Verify/case=issuer-unreachable", func(t *testing.T) {
		iss := newIssuer(t)
		raw := iss.token(t, nil, "", "")
		iss.srv.Close()
		wantUnavailable(t, verifier(t, iss.config(nil), nil), raw)
	})
}

func TestProviderConfigWithDefaults(t *testing.T) {
	const issuerURL = "https://idp.example.com/tenant"
	t.Run("case=defaults", func(t *testing.T) {
		c, err := mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "mailgate"}.WithDefaults()
		if err != nil {
			t.Fatal(err)
		}
		if c.Audience != "mailgate" || c.UserClaim != "sub" || c.InstanceARN != mailauth.DefaultInstanceARN(issuerURL) {
			t.Fatalf("defaults: %+v", c)
		}
		if !regexp.MustCompile(`^d-[0-9a-f]{10}$`).MatchString(c.IdentityStoreID) {
			t.Fatalf("identity store ID %q", c.IdentityStoreID)
		}
		again, _ := mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "other"}.WithDefaults()
		if again.InstanceARN != c.InstanceARN || again.IdentityStoreID != c.IdentityStoreID {
			t.Fatal("the same issuer derived another instance or identity store")
		}
	})
	t.Run("case=default-instance-arn", func(t *testing.T) {
		a, b := mailauth.DefaultInstanceARN(issuerURL), mailauth.DefaultInstanceARN(issuerURL+"/")
		re := regexp.MustCompile(`^arn:aws:sso:::instance/ssoins-[0-9a-f]{16}$`)
		if !re.MatchString(a) || !re.MatchString(b) || a == b || a != mailauth.DefaultInstanceARN(issuerURL) {
			t.Fatalf("DefaultInstanceARN: %s %s", a, b)
		}
	})
	t.Run("case=given-values-kept", func(t *testing.T) {
		in := mailauth.ProviderConfig{Issuer: "http://localhost:8080", Audience: "aud", UserClaim: "email",
			InstanceARN: "arn:aws-us-gov:sso:::instance/ins-abcdefgh12345678", IdentityStoreID: "d-0123456789"}
		c, err := in.WithDefaults()
		if err != nil || c != in {
			t.Fatalf("WithDefaults: %+v %v, want %+v", c, err, in)
		}
	})
	t.Run("case=identity-store-follows-the-instance", func(t *testing.T) {
		a, _ := mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "c", InstanceARN: "arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa"}.WithDefaults()
		b, _ := mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "c", InstanceARN: "arn:aws:sso:::instance/ssoins-bbbbbbbbbbbbbbbb"}.WithDefaults()
		if a.IdentityStoreID == b.IdentityStoreID {
			t.Fatal("two instances share an identity store ID")
		}
	})
	for _, tc := range []struct {
		name string
		in   mailauth.ProviderConfig
		want string
	}{
		{"no-issuer", mailauth.ProviderConfig{ClientID: "c"}, `OIDC issuer must be an http(s) URL, got ""`},
		{"issuer-not-http", mailauth.ProviderConfig{Issuer: "ftp://idp.example", ClientID: "c"}, `OIDC issuer must be an http(s) URL, got "ftp://idp.example"`},
		{"issuer-without-host", mailauth.ProviderConfig{Issuer: "https://", ClientID: "c"}, `OIDC issuer must be an http(s) URL, got "https://"`},
		{"issuer-relative", mailauth.ProviderConfig{Issuer: "idp.example", ClientID: "c"}, `OIDC issuer must be an http(s) URL, got "idp.example"`},
		{"issuer-unparsable", mailauth.ProviderConfig{Issuer: "https://idp.example/%zz", ClientID: "c"}, `OIDC issuer must be an http(s) URL, got "https://idp.example/%zz"`},
		{"no-client-id-nor-audience", mailauth.ProviderConfig{Issuer: issuerURL}, "OIDC provider needs a client ID or an audience"},
		{"bad-instance-arn", mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "c", InstanceARN: "arn:aws:sso:::instance/ssoins-short"},
			`instance ARN "arn:aws:sso:::instance/ssoins-short" does not match arn:aws:sso:::instance/ssoins-<16 characters>`},
		{"instance-arn-of-another-service", mailauth.ProviderConfig{Issuer: issuerURL, ClientID: "c", InstanceARN: "arn:aws:iam:::instance/ssoins-aaaaaaaaaaaaaaaa"},
			`instance ARN "arn:aws:iam:::instance/ssoins-aaaaaaaaaaaaaaaa" does not match arn:aws:sso:::instance/ssoins-<16 characters>`},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			_, err := tc.in.WithDefaults()
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
