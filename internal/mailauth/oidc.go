package mailauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// ProviderConfig is an OpenID Connect provider an operator configures,
// and the Identity Center instance it stands for in the WorkMail API.
type ProviderConfig struct {
	// InstanceARN names the provider in the WorkMail API
	// (arn:aws:sso:::instance/ssoins-<16 characters>); default
	// DefaultInstanceARN(Issuer).
	InstanceARN string
	// IdentityStoreID is reported as IdentityProviderIdentityStoreId
	// (d-<10 hex digits>); default derived from InstanceARN.
	IdentityStoreID string
	// Issuer is the issuer URL; its discovery document is
	// <Issuer>/.well-known/openid-configuration.
	Issuer string
	// ClientID is mailgate's client ID at the provider. When an ID token
	// names an authorized party (azp), it must be this one.
	ClientID string
	// Audience is the audience ID tokens must carry (default ClientID).
	Audience string
	// UserClaim is the claim whose value is a user's
	// IdentityProviderUserId (default "sub").
	UserClaim string
}

var instanceARNPattern = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`)

// DefaultInstanceARN derives a stable instance ARN from an issuer URL, so
// that every replica configured with the same issuer agrees on it.
func DefaultInstanceARN(issuer string) string {
	h := sha256.Sum256([]byte(issuer))
	return "arn:aws:sso:::instance/ssoins-" + hex.EncodeToString(h[:8])
}

// WithDefaults fills the defaults and checks the configuration.
func (c ProviderConfig) WithDefaults() (ProviderConfig, error) {
	u, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, fmt.Errorf("OIDC issuer must be an http(s) URL, got %q", c.Issuer)
	}
	if c.ClientID == "" && c.Audience == "" {
		return c, errors.New("OIDC provider needs a client ID or an audience")
	}
	if c.Audience == "" {
		c.Audience = c.ClientID
	}
	if c.UserClaim == "" {
		c.UserClaim = "sub"
	}
	if c.InstanceARN == "" {
		c.InstanceARN = DefaultInstanceARN(c.Issuer)
	}
	if !instanceARNPattern.MatchString(c.InstanceARN) {
		return c, fmt.Errorf("instance ARN %q does not match arn:aws:sso:::instance/ssoins-<16 characters>", c.InstanceARN)
	}
	if c.IdentityStoreID == "" {
		h := sha256.Sum256([]byte(c.InstanceARN))
		c.IdentityStoreID = "d-" + hex.EncodeToString(h[:5])
	}
	return c, nil
}

// ErrInvalidIDToken is any ID token that does not verify. Its details are
// never shown to callers.
var ErrInvalidIDToken = errors.New("invalid ID token")

// ErrProviderUnavailable means the issuer's discovery document could not
// be fetched; sign-ins with ID tokens fail until it can.
var ErrProviderUnavailable = errors.New("OIDC provider unavailable")

// discoveryRetry bounds how often a failed discovery is retried.
const discoveryRetry = 5 * time.Second

// OIDCVerifier verifies the ID tokens of one provider. It fetches the
// discovery document on first use (and again after a failure, at most
// every few seconds); the signing keys are fetched from the published
// JWKS and refetched when a token names a key ID not seen yet, so key
// rotation at the provider needs no restart.
type OIDCVerifier struct {
	cfg    ProviderConfig
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	failedAt time.Time
}

// NewOIDCVerifier returns a verifier for a configuration that passed
// WithDefaults. client may be nil (http.DefaultClient); now is the clock
// expiry is checked against (nil: time.Now).
func NewOIDCVerifier(cfg ProviderConfig, client *http.Client, now func() time.Time) *OIDCVerifier {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &OIDCVerifier{cfg: cfg, client: client, now: now}
}

// Config returns the provider's configuration.
func (v *OIDCVerifier) Config() ProviderConfig { return v.cfg }

func (v *OIDCVerifier) idTokenVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	if !v.failedAt.IsZero() && time.Since(v.failedAt) < discoveryRetry {
		return nil, ErrProviderUnavailable
	}
	// The key set outlives this request: it must not inherit its
	// cancellation, only the HTTP client.
	p, err := oidc.NewProvider(oidc.ClientContext(context.WithoutCancel(ctx), v.client), v.cfg.Issuer)
	if err != nil {
		v.failedAt = time.Now()
		return nil, fmt.Errorf("%w: %s: %v", ErrProviderUnavailable, v.cfg.Issuer, err)
	}
	v.verifier = p.Verifier(&oidc.Config{ClientID: v.cfg.Audience, Now: v.now})
	return v.verifier, nil
}

// Verify checks a raw ID token and returns the value of the user claim.
// Errors are ErrInvalidIDToken or ErrProviderUnavailable (wrapped).
func (v *OIDCVerifier) Verify(ctx context.Context, raw string) (string, error) {
	iv, err := v.idTokenVerifier(ctx)
	if err != nil {
		return "", err
	}
	tok, err := iv.Verify(oidc.ClientContext(ctx, v.client), raw)
	if err != nil {
		// go-oidc's messages name the failed check (issuer, audience,
		// expiry, signature), never the token itself.
		return "", fmt.Errorf("%w: %v", ErrInvalidIDToken, err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return "", fmt.Errorf("%w: claims: %v", ErrInvalidIDToken, err)
	}
	if azp, ok := claims["azp"].(string); ok && v.cfg.ClientID != "" && azp != v.cfg.ClientID {
		return "", fmt.Errorf("%w: issued to another client", ErrInvalidIDToken)
	}
	user, _ := claims[v.cfg.UserClaim].(string)
	if user == "" {
		return "", fmt.Errorf("%w: no %s claim", ErrInvalidIDToken, v.cfg.UserClaim)
	}
	return user, nil
}
