package sts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Issuers are cached: each one's discovery document for issuerTTL, and
// with it go-oidc's key set, which keeps the keys it fetched and fetches
// them again when a token names a key ID it does not have (rotation).
// An issuer that could not be reached is not asked again for
// issuerRetry: unsigned requests naming it are answered at once rather
// than each waiting on it.
const (
	issuerTTL        = time.Hour
	issuerRetry      = 30 * time.Second
	issuerFetchLimit = 10 * time.Second
)

// webIdentity verifies web identity tokens against their issuers.
type webIdentity struct {
	client *http.Client
	mu     sync.Mutex
	cache  map[string]cachedIssuer
}

type cachedIssuer struct {
	provider *oidc.Provider // nil: the last fetch failed
	at       time.Time
}

func newWebIdentity(client *http.Client) *webIdentity {
	if client == nil {
		client = &http.Client{Timeout: issuerFetchLimit}
	}
	return &webIdentity{client: client, cache: map[string]cachedIssuer{}}
}

// provider is the issuer's discovery, fetched or from the cache; a
// failure is IDPCommunicationError and is not cached.
func (w *webIdentity) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	w.mu.Lock()
	c, ok := w.cache[issuer]
	w.mu.Unlock()
	switch {
	case ok && c.provider != nil && time.Since(c.at) < issuerTTL:
		return c.provider, nil
	case ok && c.provider == nil && time.Since(c.at) < issuerRetry:
		return nil, idpUnreachable()
	}
	fetch, cancel := context.WithTimeout(oidc.ClientContext(ctx, w.client), issuerFetchLimit)
	defer cancel()
	p, err := oidc.NewProvider(fetch, issuer)
	if err != nil {
		slog.Default().Info("web identity issuer unreachable", "issuer", issuer, "error", err.Error())
	}
	w.mu.Lock()
	w.cache[issuer] = cachedIssuer{provider: p, at: time.Now()}
	w.mu.Unlock()
	if err != nil {
		return nil, idpUnreachable()
	}
	return p, nil
}

// IssuerClient is an HTTP client for web identity issuers that trusts
// the system's roots and the PEM certificates given (issuers behind a
// private CA).
func IssuerClient(pemCerts []byte) (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemCerts) {
		return nil, errors.New("sts: no PEM certificate in the issuers' CA file")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: issuerFetchLimit}, nil
}
