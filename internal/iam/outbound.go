package iam

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// Outbound web identity federation (IAM user guide, "Federating AWS
// identities to external services"): once an account enables it, its
// principals call sts:GetWebIdentityToken for JWTs that STS signs, and
// external services verify them with the keys the account's issuer
// publishes (OIDC discovery at <issuer>/.well-known/openid-configuration,
// keys at <issuer>/.well-known/jwks.json). Here the issuer is served by
// the server itself, under OutboundIssuerPath; its URL is unique to the
// account and kept when the feature is disabled and enabled again.

// OutboundIssuerPath is where the server serves the accounts' issuers:
// <public URL>/_mailgate/issuer/<account>/<issuer ID>.
const OutboundIssuerPath = "/_mailgate/issuer/"

// OutboundFederation is an account's outbound federation, with the
// issuer's signing keys: one RSA (RS256) and one P-384 (ES384) key, as
// PKCS #8 DER.
type OutboundFederation struct {
	Enabled   bool      `json:"enabled"`
	IssuerID  string    `json:"issuerId"`
	Issuer    string    `json:"issuer"`
	RSAKey    []byte    `json:"rsaKey"`
	ECKey     []byte    `json:"ecKey"`
	CreatedAt time.Time `json:"createdAt"`
}

const outboundKey = "config"

var outboundFederation = records.Of[OutboundFederation](records.Account, store.RecordOutboundFederation)

// LookupOutboundFederation returns the account's outbound federation;
// ok is false when it was never enabled.
func LookupOutboundFederation(ctx context.Context, st store.Store, account string) (*OutboundFederation, bool, error) {
	return outboundFederation.Get(ctx, st, account, outboundKey)
}

// SigningKeys are the issuer's private keys.
func (o *OutboundFederation) SigningKeys() (*rsa.PrivateKey, *ecdsa.PrivateKey, error) {
	rk, err := x509.ParsePKCS8PrivateKey(o.RSAKey)
	if err != nil {
		return nil, nil, err
	}
	ek, err := x509.ParsePKCS8PrivateKey(o.ECKey)
	if err != nil {
		return nil, nil, err
	}
	r, ok1 := rk.(*rsa.PrivateKey)
	e, ok2 := ek.(*ecdsa.PrivateKey)
	if !ok1 || !ok2 {
		return nil, nil, errors.New("iam: outbound federation keys of the wrong kind")
	}
	return r, e, nil
}

// KeyID names a public key in the JWKS: a digest of the issuer and the
// algorithm, stable for the keys' life.
func (o *OutboundFederation) KeyID(alg string) string {
	return strings.ToLower(alg) + "-" + o.IssuerID[:16]
}

func newOutboundFederation(issuerBase, account string, now time.Time) (*OutboundFederation, error) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rb, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		return nil, err
	}
	eb, err := x509.MarshalPKCS8PrivateKey(ek)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	hid := hex.EncodeToString(id)
	return &OutboundFederation{IssuerID: hid, Issuer: strings.TrimSuffix(issuerBase, "/") + OutboundIssuerPath + account + "/" + hid,
		RSAKey: rb, ECKey: eb, CreatedAt: now}, nil
}

// issuerBase is the URL the server is reached at.
func (s *Service) issuerBase() string {
	if s.opts.PublicURL != nil {
		if u := s.opts.PublicURL(); u != "" {
			return u
		}
	}
	return defaultPublicURL
}

// defaultPublicURL is the server's default listening address.
const defaultPublicURL = "http://127.0.0.1:4599"

func (s *Service) EnableOutboundWebIdentityFederation(ctx context.Context) (*iamapi.EnableOutboundWebIdentityFederationResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	fresh, err := newOutboundFederation(s.issuerBase(), sc.account, s.now())
	if err != nil {
		return nil, err
	}
	out, err := outboundFederation.Put(ctx, s.st, sc.account, outboundKey, func(cur *OutboundFederation) (*OutboundFederation, error) {
		if cur != nil && cur.Enabled {
			return nil, iamapi.NewFeatureEnabledException("Outbound identity federation is already enabled for this account.")
		}
		if cur != nil {
			cur.Enabled = true // the same issuer and keys again
			return cur, nil
		}
		fresh.Enabled = true
		return fresh, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.EnableOutboundWebIdentityFederationResponse{IssuerIdentifier: &out.Issuer}, nil
}

func (s *Service) DisableOutboundWebIdentityFederation(ctx context.Context) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = outboundFederation.Put(ctx, s.st, sc.account, outboundKey, func(cur *OutboundFederation) (*OutboundFederation, error) {
		if cur == nil || !cur.Enabled {
			return nil, featureDisabled()
		}
		cur.Enabled = false
		return cur, nil
	})
	return err
}

func featureDisabled() error {
	return iamapi.NewFeatureDisabledException("Outbound identity federation is disabled for this account.")
}

func (s *Service) GetOutboundWebIdentityFederationInfo(ctx context.Context) (*iamapi.GetOutboundWebIdentityFederationInfoResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	o, ok, err := LookupOutboundFederation(ctx, s.st, sc.account)
	if err != nil {
		return nil, err
	}
	if !ok || !o.Enabled {
		return nil, featureDisabled()
	}
	return &iamapi.GetOutboundWebIdentityFederationInfoResponse{IssuerIdentifier: &o.Issuer, JwtVendingEnabled: opt.Ptr(o.Enabled)}, nil
}
