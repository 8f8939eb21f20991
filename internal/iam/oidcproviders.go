package iam

import (
	"context"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// OIDC provider quotas (IAM user guide, "IAM and AWS STS quotas"; the
// CreateOpenIDConnectProvider reference: 100 client IDs, five
// thumbprints).
const (
	maxOIDCProviders     = 100
	maxOIDCClientIDs     = 100
	maxOIDCThumbprints   = 5
	oidcProviderResource = "oidc-provider/"
)

// OIDCProvider is an IAM OpenID Connect provider, kept as an account
// record under its URL without the scheme (host and path, "host/path"),
// which is also what its ARN names. STS reads it to verify web identity
// tokens (LookupOIDCProvider).
type OIDCProvider struct {
	URL         string      `json:"url"`
	ClientIDs   []string    `json:"clientIds"`
	Thumbprints []string    `json:"thumbprints"`
	Tags        []store.Tag `json:"tags,omitempty"`
	CreatedAt   time.Time   `json:"createdAt"`
}

var oidcProviders = records.Of[OIDCProvider](records.Account, store.RecordOpenIDConnectProvider).
	Max(maxOIDCProviders, func() error { return quotaExceeded("OpenIdConnectProvidersPerAccount", maxOIDCProviders) })

func quotaExceeded(quota string, n int) error {
	return iamapi.NewLimitExceededException("Cannot exceed quota for %s: %d", quota, n)
}

// LookupOIDCProvider returns the account's provider for an issuer URL
// (https://host/path); ok is false when the account has none.
func LookupOIDCProvider(ctx context.Context, st store.Store, account, issuer string) (*OIDCProvider, bool, error) {
	key, ok := oidcProviderKey(issuer)
	if !ok {
		return nil, false, nil
	}
	return oidcProviders.Get(ctx, st, account, key)
}

// oidcProviderKey is the host and path of a provider URL: https only,
// no query, fragment or user info; the host lower-cased. The path stays
// as written, a trailing slash included: it must match the tokens' iss.
func oidcProviderKey(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return "", false
	}
	return strings.ToLower(u.Host) + u.EscapedPath(), true
}

// oidcKeyOfARN is the record key an OIDC provider ARN of the account
// names.
func (sc scope) oidcKeyOfARN(a string) (string, error) {
	prefix := "arn:" + sc.partition + ":iam::" + sc.account + ":" + oidcProviderResource
	key, ok := strings.CutPrefix(a, prefix)
	if !ok || key == "" {
		if strings.Contains(a, ":"+oidcProviderResource) && strings.HasPrefix(a, "arn:") {
			return "", noSuchOIDCProvider(a)
		}
		return "", iamapi.NewInvalidInputException("ARN %s is not valid.", a)
	}
	return key, nil
}

func noSuchOIDCProvider(a string) error {
	return iamapi.NewNoSuchEntityException("OpenIDConnect Provider not found for arn %s", a)
}

func (sc scope) oidcARN(key string) string {
	return "arn:" + sc.partition + ":iam::" + sc.account + ":" + oidcProviderResource + key
}

// CreateOpenIDConnectProviderTarget names the provider to be created.
func (s *Service) CreateOpenIDConnectProviderTarget(_ context.Context, req *reqctx.Request, in *iamapi.CreateOpenIDConnectProviderRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if key, ok := oidcProviderKey(in.Url); ok && req.Caller != nil {
		sc := scope{account: req.Caller.AccountID, partition: req.ARNPartition()}
		t.Resources = append(t.Resources, sc.oidcARN(key))
	}
	return t, nil
}

func (s *Service) CreateOpenIDConnectProvider(ctx context.Context, in *iamapi.CreateOpenIDConnectProviderRequest) (*iamapi.CreateOpenIDConnectProviderResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	key, ok := oidcProviderKey(in.Url)
	if !ok {
		return nil, iamapi.NewInvalidInputException("Invalid Open ID Connect Provider URL")
	}
	clients, err := checkClientIDs(dedupe(in.ClientIDList))
	if err != nil {
		return nil, err
	}
	thumbs, err := checkThumbprints(in.ThumbprintList)
	if err != nil {
		return nil, err
	}
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	now := s.now()
	_, err = oidcProviders.Put(ctx, s.st, sc.account, key, func(cur *OIDCProvider) (*OIDCProvider, error) {
		if cur != nil {
			return nil, iamapi.NewEntityAlreadyExistsException("Provider with url https://%s already exists.", key)
		}
		return &OIDCProvider{URL: key, ClientIDs: clients, Thumbprints: thumbs, Tags: tags, CreatedAt: now}, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateOpenIDConnectProviderResponse{OpenIDConnectProviderArn: opt.Ptr(sc.oidcARN(key)), Tags: tagsOrNil(tags)}, nil
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func checkClientIDs(ids []string) ([]string, error) {
	if len(ids) > maxOIDCClientIDs {
		return nil, quotaExceeded("ClientIdsPerOpenIdConnectProvider", maxOIDCClientIDs)
	}
	return ids, nil
}

// checkThumbprints: each a 40-character hex SHA-1 (the length is the
// model's), at most five. They are kept as given (lower-cased).
func checkThumbprints(in []string) ([]string, error) {
	out := dedupe(in)
	if len(out) > maxOIDCThumbprints {
		return nil, quotaExceeded("ThumbprintsPerOpenIdConnectProvider", maxOIDCThumbprints)
	}
	for i, t := range out {
		if _, err := hex.DecodeString(t); err != nil {
			return nil, iamapi.NewInvalidInputException("Thumbprint %s is not a valid hex-encoded SHA-1 fingerprint.", t)
		}
		out[i] = strings.ToLower(t)
	}
	return out, nil
}

// oidcProvider reads one provider by ARN (NoSuchEntity when absent).
func (s *Service) oidcProvider(ctx context.Context, providerARN string) (scope, *OIDCProvider, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, nil, err
	}
	key, err := sc.oidcKeyOfARN(providerARN)
	if err != nil {
		return sc, nil, err
	}
	p, ok, err := oidcProviders.Get(ctx, s.st, sc.account, key)
	if err == nil && !ok {
		err = noSuchOIDCProvider(providerARN)
	}
	return sc, p, err
}

// updateOIDCProvider changes a provider in one transaction through fn.
func (s *Service) updateOIDCProvider(ctx context.Context, providerARN string, fn func(p *OIDCProvider) error) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	key, err := sc.oidcKeyOfARN(providerARN)
	if err != nil {
		return err
	}
	_, err = oidcProviders.Put(ctx, s.st, sc.account, key, func(cur *OIDCProvider) (*OIDCProvider, error) {
		if cur == nil {
			return nil, noSuchOIDCProvider(providerARN)
		}
		return cur, fn(cur)
	})
	return err
}

func (s *Service) GetOpenIDConnectProvider(ctx context.Context, in *iamapi.GetOpenIDConnectProviderRequest) (*iamapi.GetOpenIDConnectProviderResponse, error) {
	_, p, err := s.oidcProvider(ctx, in.OpenIDConnectProviderArn)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetOpenIDConnectProviderResponse{Url: &p.URL, ClientIDList: nonNil(p.ClientIDs), ThumbprintList: nonNil(p.Thumbprints),
		CreateDate: &p.CreatedAt, Tags: tagsOrNil(p.Tags)}, nil
}

func (s *Service) ListOpenIDConnectProviders(ctx context.Context, _ *iamapi.ListOpenIDConnectProvidersRequest) (*iamapi.ListOpenIDConnectProvidersResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	all, err := oidcProviders.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	out := make([]iamapi.OpenIDConnectProviderListEntry, 0, len(all))
	for _, p := range all {
		out = append(out, iamapi.OpenIDConnectProviderListEntry{Arn: opt.Ptr(sc.oidcARN(p.URL))})
	}
	return &iamapi.ListOpenIDConnectProvidersResponse{OpenIDConnectProviderList: out}, nil
}

// DeleteOpenIDConnectProvider: deleting one that does not exist is
// NoSuchEntity; roles that trust it keep their trust policies.
func (s *Service) DeleteOpenIDConnectProvider(ctx context.Context, in *iamapi.DeleteOpenIDConnectProviderRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	key, err := sc.oidcKeyOfARN(in.OpenIDConnectProviderArn)
	if err != nil {
		return err
	}
	ok, err := oidcProviders.Remove(ctx, s.st, sc.account, key)
	if err == nil && !ok {
		err = noSuchOIDCProvider(in.OpenIDConnectProviderArn)
	}
	return err
}

// AddClientIDToOpenIDConnectProvider adds a client ID; one already
// registered is left as it is.
func (s *Service) AddClientIDToOpenIDConnectProvider(ctx context.Context, in *iamapi.AddClientIDToOpenIDConnectProviderRequest) error {
	return s.updateOIDCProvider(ctx, in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		if slices.Contains(p.ClientIDs, in.ClientID) {
			return nil
		}
		ids, err := checkClientIDs(append(p.ClientIDs, in.ClientID))
		p.ClientIDs = ids
		return err
	})
}

// RemoveClientIDFromOpenIDConnectProvider removes a client ID; one that
// is not registered is no error.
func (s *Service) RemoveClientIDFromOpenIDConnectProvider(ctx context.Context, in *iamapi.RemoveClientIDFromOpenIDConnectProviderRequest) error {
	return s.updateOIDCProvider(ctx, in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(c string) bool { return c == in.ClientID })
		return nil
	})
}

// UpdateOpenIDConnectProviderThumbprint replaces the whole list.
func (s *Service) UpdateOpenIDConnectProviderThumbprint(ctx context.Context, in *iamapi.UpdateOpenIDConnectProviderThumbprintRequest) error {
	thumbs, err := checkThumbprints(in.ThumbprintList)
	if err != nil {
		return err
	}
	return s.updateOIDCProvider(ctx, in.OpenIDConnectProviderArn, func(p *OIDCProvider) error {
		p.Thumbprints = thumbs
		return nil
	})
}

// oidcTags are the tag operations of OIDC providers.
func (s *Service) oidcTags() recordTags {
	return recordTags{
		update: func(ctx context.Context, arn string, fn func(*[]store.Tag) error) error {
			return s.updateOIDCProvider(ctx, arn, func(p *OIDCProvider) error { return fn(&p.Tags) })
		},
		get: func(ctx context.Context, arn string) ([]store.Tag, error) {
			_, p, err := s.oidcProvider(ctx, arn)
			if err != nil {
				return nil, err
			}
			return p.Tags, nil
		},
	}
}

func (s *Service) TagOpenIDConnectProvider(ctx context.Context, in *iamapi.TagOpenIDConnectProviderRequest) error {
	return s.oidcTags().tag(ctx, in.OpenIDConnectProviderArn, in.Tags)
}

func (s *Service) UntagOpenIDConnectProvider(ctx context.Context, in *iamapi.UntagOpenIDConnectProviderRequest) error {
	return s.oidcTags().untag(ctx, in.OpenIDConnectProviderArn, in.TagKeys)
}

func (s *Service) ListOpenIDConnectProviderTags(ctx context.Context, in *iamapi.ListOpenIDConnectProviderTagsRequest) (*iamapi.ListOpenIDConnectProviderTagsResponse, error) {
	tags, more, marker, err := s.oidcTags().list(ctx, in.OpenIDConnectProviderArn, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListOpenIDConnectProviderTagsResponse{Tags: tags, IsTruncated: more, Marker: marker}, nil
}
