package iam

import (
	"context"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// A SAML provider is an account record keyed by its lower-cased name
// (names, and so ARNs, are unique without case). Its metadata document is
// kept as given, and checked when given; its private keys, which decrypt
// encrypted assertions, are sealed and never shown.
type samlProvider struct {
	Name           string           `json:"name"`
	UUID           string           `json:"uuid"`
	Metadata       string           `json:"metadata"`
	CreatedAt      time.Time        `json:"created_at"`
	ValidUntil     time.Time        `json:"valid_until"`
	Tags           []store.Tag      `json:"tags,omitempty"`
	EncryptionMode string           `json:"encryption_mode,omitempty"`
	PrivateKeys    []samlPrivateKey `json:"private_keys,omitempty"`
}

type samlPrivateKey struct {
	KeyID   string    `json:"key_id"`
	Sealed  string    `json:"sealed"`
	AddedAt time.Time `json:"added_at"`
}

// SAML provider quotas (IAM user guide, "IAM and AWS STS quotas").
const (
	maxSAMLProviders       = 100
	maxSAMLPrivateKeys     = 2
	defaultSAMLValidity    = 100 // years, when the metadata sets no validUntil
	samlEncryptionRequired = string(iamapi.AssertionEncryptionModeTypeRequired)
)

var samlProviders = records.Of[samlProvider](records.Account, store.RecordSAMLProvider).Max(maxSAMLProviders, func() error {
	return iamapi.NewLimitExceededException("Cannot exceed quota for SAMLProvidersPerAccount: %d", maxSAMLProviders)
})

func (sc scope) samlARN(name string) string { return sc.arn("saml-provider/", "", name) }

// samlKey is the record key of a provider ARN of the caller's account.
func (sc scope) samlKey(arn string) (string, bool) {
	name, ok := strings.CutPrefix(arn, "arn:"+sc.partition+":iam::"+sc.account+":saml-provider/")
	return strings.ToLower(name), ok && name != "" && !strings.Contains(name, "/")
}

func noSuchSAMLProvider(arn string) error {
	return iamapi.NewNoSuchEntityException("Manifest not found for arn %s", arn)
}

func (s *Service) samlProvider(ctx context.Context, sc scope, arn string) (*samlProvider, error) {
	k, ok := sc.samlKey(arn)
	if !ok {
		return nil, noSuchSAMLProvider(arn)
	}
	p, found, err := samlProviders.Get(ctx, s.st, sc.account, k)
	if err == nil && !found {
		err = noSuchSAMLProvider(arn)
	}
	return p, err
}

// updateSAMLProvider changes a provider through fn in one transaction.
func (s *Service) updateSAMLProvider(ctx context.Context, arn string, fn func(sc scope, p *samlProvider) error) (*samlProvider, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	k, ok := sc.samlKey(arn)
	if !ok {
		return nil, noSuchSAMLProvider(arn)
	}
	return samlProviders.Put(ctx, s.st, sc.account, k, func(cur *samlProvider) (*samlProvider, error) {
		if cur == nil {
			return nil, noSuchSAMLProvider(arn)
		}
		next := *cur
		next.PrivateKeys = append([]samlPrivateKey(nil), cur.PrivateKeys...)
		return &next, fn(sc, &next)
	})
}

// setMetadata checks a metadata document and takes its validity.
func (p *samlProvider) setMetadata(doc string) error {
	md, ok := parseSAMLMetadata(doc)
	if !ok {
		return iamapi.NewInvalidInputException("Could not parse metadata")
	}
	p.Metadata, p.ValidUntil = doc, md.ValidUntil
	if p.ValidUntil.IsZero() {
		p.ValidUntil = p.CreatedAt.AddDate(defaultSAMLValidity, 0, 0)
	}
	return nil
}

func (s *Service) CreateSAMLProvider(ctx context.Context, in *iamapi.CreateSAMLProviderRequest) (*iamapi.CreateSAMLProviderResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := withTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	p := &samlProvider{Name: in.Name, UUID: "SAML" + ids.Unique("")[:18], CreatedAt: s.now(), Tags: tags}
	if err := p.setMetadata(in.SAMLMetadataDocument); err != nil {
		return nil, err
	}
	arn := sc.samlARN(in.Name)
	if err := s.changeSAMLKeys(p, arn, in.AddPrivateKey, nil, in.AssertionEncryptionMode); err != nil {
		return nil, err
	}
	_, err = samlProviders.Put(ctx, s.st, sc.account, strings.ToLower(in.Name), func(cur *samlProvider) (*samlProvider, error) {
		if cur != nil {
			return nil, iamapi.NewEntityAlreadyExistsException("SAMLProvider %s already exists.", cur.Name)
		}
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateSAMLProviderResponse{SAMLProviderArn: &arn, Tags: tagsOrNil(p.Tags)}, nil
}

// scopedSAMLProvider loads a provider of the caller's account.
func (s *Service) scopedSAMLProvider(ctx context.Context, arn string) (*samlProvider, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return s.samlProvider(ctx, sc, arn)
}

func (s *Service) GetSAMLProvider(ctx context.Context, in *iamapi.GetSAMLProviderRequest) (*iamapi.GetSAMLProviderResponse, error) {
	p, err := s.scopedSAMLProvider(ctx, in.SAMLProviderArn)
	if err != nil {
		return nil, err
	}
	out := &iamapi.GetSAMLProviderResponse{SAMLProviderUUID: &p.UUID, SAMLMetadataDocument: &p.Metadata,
		CreateDate: opt.Ptr(p.CreatedAt), ValidUntil: opt.Ptr(p.ValidUntil), Tags: tagsOrNil(p.Tags)}
	if p.EncryptionMode != "" {
		out.AssertionEncryptionMode = opt.Ptr(iamapi.AssertionEncryptionModeType(p.EncryptionMode))
	}
	for _, k := range p.PrivateKeys {
		out.PrivateKeyList = append(out.PrivateKeyList, iamapi.SAMLPrivateKey{KeyId: opt.Ptr(k.KeyID), Timestamp: opt.Ptr(k.AddedAt)})
	}
	return out, nil
}

func (s *Service) ListSAMLProviders(ctx context.Context, _ *iamapi.ListSAMLProvidersRequest) (*iamapi.ListSAMLProvidersResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	all, err := samlProviders.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	out := make([]iamapi.SAMLProviderListEntry, 0, len(all))
	for _, p := range all {
		out = append(out, iamapi.SAMLProviderListEntry{Arn: opt.Ptr(sc.samlARN(p.Name)), ValidUntil: opt.Ptr(p.ValidUntil), CreateDate: opt.Ptr(p.CreatedAt)})
	}
	return &iamapi.ListSAMLProvidersResponse{SAMLProviderList: out}, nil
}

// UpdateSAMLProvider replaces the metadata, adds or removes a private
// key, or changes whether assertions must be encrypted.
func (s *Service) UpdateSAMLProvider(ctx context.Context, in *iamapi.UpdateSAMLProviderRequest) (*iamapi.UpdateSAMLProviderResponse, error) {
	if in.SAMLMetadataDocument == nil && in.AddPrivateKey == nil && in.RemovePrivateKey == nil && in.AssertionEncryptionMode == nil {
		return nil, iamapi.NewInvalidInputException("No updates are defined for the SAML provider.")
	}
	_, err := s.updateSAMLProvider(ctx, in.SAMLProviderArn, func(sc scope, p *samlProvider) error {
		if in.SAMLMetadataDocument != nil {
			if err := p.setMetadata(*in.SAMLMetadataDocument); err != nil {
				return err
			}
		}
		return s.changeSAMLKeys(p, sc.samlARN(p.Name), in.AddPrivateKey, in.RemovePrivateKey, in.AssertionEncryptionMode)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UpdateSAMLProviderResponse{SAMLProviderArn: &in.SAMLProviderArn}, nil
}

// changeSAMLKeys applies AddPrivateKey, RemovePrivateKey and
// AssertionEncryptionMode with IAM's rules: one key change per request,
// at most two keys, and none fewer than one while encryption is
// required.
func (s *Service) changeSAMLKeys(p *samlProvider, arn string, add, remove *string, mode *iamapi.AssertionEncryptionModeType) error {
	if add != nil && remove != nil {
		return iamapi.NewInvalidInputException("Unable to add and remove private keys in the same request.")
	}
	if mode != nil {
		p.EncryptionMode = string(*mode)
	}
	if add != nil {
		if !validPrivateKey(*add) {
			return iamapi.NewInvalidInputException("Invalid private key: Key format is not recognized.")
		}
		if len(p.PrivateKeys) >= maxSAMLPrivateKeys {
			return iamapi.NewLimitExceededException("Private key limit of %d is reached.", maxSAMLPrivateKeys)
		}
		id := "SAML" + ids.Unique("")[:18]
		sealed, err := sealSecret(s.st, *add, arn+"/"+id)
		if err != nil {
			return err
		}
		p.PrivateKeys = append(p.PrivateKeys, samlPrivateKey{KeyID: id, Sealed: sealed, AddedAt: s.now()})
	}
	if remove != nil {
		i := 0
		for i < len(p.PrivateKeys) && p.PrivateKeys[i].KeyID != *remove {
			i++
		}
		if i == len(p.PrivateKeys) {
			return iamapi.NewInvalidInputException("Failed to remove private key because the Key ID does not match a private key of the SAML provider.")
		}
		if len(p.PrivateKeys) == 1 && p.EncryptionMode == samlEncryptionRequired {
			return iamapi.NewInvalidInputException("Failed to remove private key. A private key is required while AssertionEncryptionMode is Required.")
		}
		p.PrivateKeys = append(p.PrivateKeys[:i], p.PrivateKeys[i+1:]...)
	}
	if p.EncryptionMode == samlEncryptionRequired && len(p.PrivateKeys) == 0 {
		return iamapi.NewInvalidInputException("Unable to set AssertionEncryptionMode to Required because no private key is provided.")
	}
	return nil
}

// validPrivateKey: a PEM RSA or EC private key (PKCS #1, SEC 1 or
// PKCS #8).
func validPrivateKey(s string) bool { return pemPrivateKey(s) != nil }

func (s *Service) DeleteSAMLProvider(ctx context.Context, in *iamapi.DeleteSAMLProviderRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	k, ok := sc.samlKey(in.SAMLProviderArn)
	if ok {
		ok, err = samlProviders.Remove(ctx, s.st, sc.account, k)
	}
	if err == nil && !ok {
		err = noSuchSAMLProvider(in.SAMLProviderArn)
	}
	return err
}

// samlTags are the tag operations of SAML providers.
func (s *Service) samlTags() recordTags {
	return recordTags{
		update: func(ctx context.Context, arn string, fn func(*[]store.Tag) error) error {
			_, err := s.updateSAMLProvider(ctx, arn, func(_ scope, p *samlProvider) error { return fn(&p.Tags) })
			return err
		},
		get: func(ctx context.Context, arn string) ([]store.Tag, error) {
			p, err := s.scopedSAMLProvider(ctx, arn)
			if err != nil {
				return nil, err
			}
			return p.Tags, nil
		},
	}
}

func (s *Service) TagSAMLProvider(ctx context.Context, in *iamapi.TagSAMLProviderRequest) error {
	return s.samlTags().tag(ctx, in.SAMLProviderArn, in.Tags)
}

func (s *Service) UntagSAMLProvider(ctx context.Context, in *iamapi.UntagSAMLProviderRequest) error {
	return s.samlTags().untag(ctx, in.SAMLProviderArn, in.TagKeys)
}

func (s *Service) ListSAMLProviderTags(ctx context.Context, in *iamapi.ListSAMLProviderTagsRequest) (*iamapi.ListSAMLProviderTagsResponse, error) {
	tags, trunc, next, err := s.samlTags().list(ctx, in.SAMLProviderArn, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListSAMLProviderTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}

// CreateSAMLProviderTarget is the provider to be (the model names no
// resource member for it).
func (s *Service) CreateSAMLProviderTarget(_ context.Context, r *reqctx.Request, in *iamapi.CreateSAMLProviderRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if r.Caller != nil && r.Caller.AccountID != "" {
		sc := scope{account: r.Caller.AccountID, partition: r.ARNPartition()}
		t.Resources = []string{sc.samlARN(in.Name)}
	}
	return t, nil
}
