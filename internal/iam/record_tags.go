package iam

import (
	"context"
	"slices"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Tags of resources kept as account records (OIDC and SAML providers,
// virtual MFA devices, server certificates) live in the record itself;
// they follow the same rules as the tags of roles and users (toStoreTags),
// the same quota, and are kept in key order, as IAM lists them.

// newTags validates the tags of a new resource.
func newTags(in []iamapi.Tag) ([]store.Tag, error) {
	return withTags(nil, in)
}

// withTags returns cur with tags added or replaced (keys compare without
// case, as IAM's do), in key order.
func withTags(cur []store.Tag, tags []iamapi.Tag) ([]store.Tag, error) {
	add, err := toStoreTags(tags)
	if err != nil {
		return nil, err
	}
	out := append([]store.Tag(nil), cur...)
	for _, t := range add {
		i := tagIndex(out, t.Key)
		if i >= 0 {
			out[i] = t
			continue
		}
		out = append(out, t)
	}
	if len(out) > maxTagsPerResource {
		return nil, iamapi.NewLimitExceededException("The number of tags has reached the maximum limit of %d.", maxTagsPerResource)
	}
	slices.SortFunc(out, func(a, b store.Tag) int { return strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)) })
	return out, nil
}

// withoutTags returns cur without the tags of keys.
func withoutTags(cur []store.Tag, keys []string) []store.Tag {
	out := make([]store.Tag, 0, len(cur))
	for _, t := range cur {
		drop := false
		for _, k := range keys {
			drop = drop || strings.EqualFold(k, t.Key)
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

func tagIndex(tags []store.Tag, key string) int {
	for i, t := range tags {
		if strings.EqualFold(t.Key, key) {
			return i
		}
	}
	return -1
}

// recordTags are the tag operations of one kind of record-kept resource:
// update changes a resource's tags in one transaction, get reads them
// (both answer NoSuchEntity for a resource that does not exist).
type recordTags struct {
	update func(ctx context.Context, id string, fn func(tags *[]store.Tag) error) error
	get    func(ctx context.Context, id string) ([]store.Tag, error)
}

func (r recordTags) tag(ctx context.Context, id string, tags []iamapi.Tag) error {
	return r.update(ctx, id, func(cur *[]store.Tag) error {
		next, err := withTags(*cur, tags)
		*cur = next
		return err
	})
}

func (r recordTags) untag(ctx context.Context, id string, keys []string) error {
	return r.update(ctx, id, func(cur *[]store.Tag) error {
		*cur = withoutTags(*cur, keys)
		return nil
	})
}

func (r recordTags) list(ctx context.Context, id string, marker *string, max *int32) ([]iamapi.Tag, *bool, *string, error) {
	tags, err := r.get(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return paginate(toAPITags(tags), marker, max)
}
