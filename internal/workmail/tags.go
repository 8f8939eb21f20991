package workmail

import (
	"context"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Organizations are the only taggable WorkMail resources. Their ARN is
// arn:{partition}:workmail:{region}:{account}:organization/{id}; an ARN
// of another partition, region or account, or of a deleted organization,
// names no resource the caller has.

// awsTagPrefix is reserved for tags AWS sets itself.
const awsTagPrefix = "aws:"

// taggedOrg resolves a resource ARN to an organization of the caller.
func (s *Service) taggedOrg(ctx context.Context, arn string) (*store.Organization, error) {
	notFound := workmailapi.NewResourceNotFoundException("The resource %s does not exist.", arn)
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] != sc.partition || parts[2] != "workmail" ||
		parts[3] != sc.region || parts[4] != sc.account || !strings.HasPrefix(parts[5], "organization/") {
		return nil, notFound
	}
	id := strings.TrimPrefix(parts[5], "organization/")
	o, err := s.st.GetOrganization(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !s.sees(sc, o) {
		return nil, notFound
	}
	return o, err
}

func (s *Service) TagResource(ctx context.Context, in *workmailapi.TagResourceRequest) (*workmailapi.TagResourceResponse, error) {
	o, err := s.taggedOrg(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, orgStateErr(o.ID)
	}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		if strings.HasPrefix(strings.ToLower(t.Key), awsTagPrefix) {
			return nil, workmailapi.NewInvalidParameterException("Tag keys starting with %q are reserved.", awsTagPrefix)
		}
		if seen[t.Key] {
			return nil, workmailapi.NewInvalidParameterException("The tag key %s appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	err = s.st.UpdateTags(ctx, o.ID, func(tags map[string]string) error {
		for _, t := range in.Tags {
			tags[t.Key] = t.Value
		}
		if len(tags) > maxTagsPerResource {
			return workmailapi.NewTooManyTagsException("A resource can have at most %d tags.", maxTagsPerResource)
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.TagResourceResponse{}, nil
}

// liveTaggedOrg is taggedOrg for the operations whose model knows no
// OrganizationStateException: a deleted organization has no tags left.
func (s *Service) liveTaggedOrg(ctx context.Context, arn string) (*store.Organization, error) {
	o, err := s.taggedOrg(ctx, arn)
	if err == nil && o.State != store.OrganizationActive {
		return nil, workmailapi.NewResourceNotFoundException("The resource %s does not exist.", arn)
	}
	return o, err
}

// UntagResource removes tags; keys the resource does not have are ignored.
func (s *Service) UntagResource(ctx context.Context, in *workmailapi.UntagResourceRequest) (*workmailapi.UntagResourceResponse, error) {
	o, err := s.liveTaggedOrg(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	err = s.st.UpdateTags(ctx, o.ID, func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
	if errors.Is(err, store.ErrOrganizationDeleted) {
		return nil, workmailapi.NewResourceNotFoundException("The resource %s does not exist.", in.ResourceARN)
	}
	if err != nil {
		return nil, err
	}
	return &workmailapi.UntagResourceResponse{}, nil
}

func (s *Service) ListTagsForResource(ctx context.Context, in *workmailapi.ListTagsForResourceRequest) (*workmailapi.ListTagsForResourceResponse, error) {
	o, err := s.liveTaggedOrg(ctx, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	tags, err := s.st.ListTags(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListTagsForResourceResponse{Tags: []workmailapi.Tag{}}
	for _, t := range tags {
		out.Tags = append(out.Tags, workmailapi.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}
