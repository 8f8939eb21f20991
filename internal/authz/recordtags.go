package authz

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// taggedRecord is the part of a record-kept IAM resource (a SAML
// provider, a virtual MFA device) that aws:ResourceTag reads.
type taggedRecord struct {
	Tags []store.Tag `json:"tags"`
}

var (
	samlProviderTags = records.Of[taggedRecord](records.Account, store.RecordSAMLProvider)
	mfaDeviceTags    = records.Of[taggedRecord](records.Account, store.RecordMFADevice)
)

// recordTags returns the tags of the IAM resource an ARN names when IAM
// keeps it as an account record, under the keys the IAM service gives
// them (internal/iam: a SAML provider's lower-cased name, an MFA device's
// path and name); none for any other resource.
func (e *Engine) recordTags(ctx context.Context, resource string) ([]store.Tag, error) {
	a, ok := arn.Parse(resource)
	if !ok || a.Service != "iam" {
		return nil, nil
	}
	var kind records.Kind[taggedRecord]
	var key string
	switch {
	case strings.HasPrefix(a.Resource, "saml-provider/"):
		kind, key = samlProviderTags, strings.ToLower(strings.TrimPrefix(a.Resource, "saml-provider/"))
	case strings.HasPrefix(a.Resource, "mfa/"):
		kind, key = mfaDeviceTags, strings.TrimPrefix(a.Resource, "mfa/")
	default:
		return nil, nil
	}
	r, found, err := kind.Get(ctx, e.st, a.Account, key)
	if err != nil || !found {
		return nil, err
	}
	return r.Tags, nil
}
