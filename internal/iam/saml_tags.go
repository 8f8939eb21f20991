package iam

import (
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Tags of resources kept as account records (SAML providers, virtual MFA
// devices) live in the record itself; they follow the same rules as the
// tags of roles and users (toStoreTags) and the same quota.

// withTags returns cur with tags added or replaced (keys compare without
// case, as IAM's do).
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
