package ssoadmin

import (
	"context"
	"slices"

	"github.com/mailgate/mailgate/internal/api/ssoadminapi"
)

// Tags: of the taggable resources, mailgate has instances.

// maxTags bounds an instance's tags, as CreateInstance's TagList does.
const maxTags = 75

// taggedInstance returns the instance a tagging operation names by
// ResourceArn (and, when given, InstanceArn).
func (s *Service) taggedInstance(ctx context.Context, resource string, instance *string) (*Instance, error) {
	if instance != nil && *instance != resource {
		return nil, ssoadminapi.NewResourceNotFoundException("The resource %s does not exist.", resource)
	}
	if !instanceARN.MatchString(resource) {
		return nil, ssoadminapi.NewResourceNotFoundException("The resource %s does not exist.", resource)
	}
	return s.instance(ctx, resource)
}

// retag rewrites an instance's tags with fn.
func (s *Service) retag(ctx context.Context, i *Instance, fn func(tags []ssoadminapi.Tag) ([]ssoadminapi.Tag, error)) error {
	_, err := firstUseInstances.Put(ctx, s.st, i.OwnerAccountID, i.ID, func(cur *Instance) (*Instance, error) {
		if cur == nil {
			return nil, notFound(i.ARN)
		}
		tags, err := fn(cur.Tags)
		cur.Tags = tags
		return cur, err
	})
	return err
}

func (s *Service) TagResource(ctx context.Context, in *ssoadminapi.TagResourceRequest) (*ssoadminapi.TagResourceResponse, error) {
	i, err := s.taggedInstance(ctx, in.ResourceArn, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	err = s.retag(ctx, i, func(tags []ssoadminapi.Tag) ([]ssoadminapi.Tag, error) {
		for _, t := range in.Tags {
			k := slices.IndexFunc(tags, func(x ssoadminapi.Tag) bool { return x.Key == t.Key })
			if k >= 0 {
				tags[k].Value = t.Value
			} else {
				tags = append(tags, t)
			}
		}
		if len(tags) > maxTags {
			return nil, ssoadminapi.NewServiceQuotaExceededException("A resource can have at most %d tags.", maxTags)
		}
		return tags, nil
	})
	if err != nil {
		return nil, err
	}
	return &ssoadminapi.TagResourceResponse{}, nil
}

func (s *Service) UntagResource(ctx context.Context, in *ssoadminapi.UntagResourceRequest) (*ssoadminapi.UntagResourceResponse, error) {
	i, err := s.taggedInstance(ctx, in.ResourceArn, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	err = s.retag(ctx, i, func(tags []ssoadminapi.Tag) ([]ssoadminapi.Tag, error) {
		return slices.DeleteFunc(tags, func(t ssoadminapi.Tag) bool { return slices.Contains(in.TagKeys, t.Key) }), nil
	})
	if err != nil {
		return nil, err
	}
	return &ssoadminapi.UntagResourceResponse{}, nil
}

// ListTagsForResource answers every tag in one page (there are at most
// maxTags).
func (s *Service) ListTagsForResource(ctx context.Context, in *ssoadminapi.ListTagsForResourceRequest) (*ssoadminapi.ListTagsForResourceResponse, error) {
	i, err := s.taggedInstance(ctx, in.ResourceArn, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	tags := i.Tags
	if tags == nil {
		tags = []ssoadminapi.Tag{}
	}
	return &ssoadminapi.ListTagsForResourceResponse{Tags: tags}, nil
}
