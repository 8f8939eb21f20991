package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// inlineQuota is the size all inline policies of an entity may have
// together.
func inlineQuota(kind string) int {
	switch kind {
	case store.IAMRole:
		return maxRoleInlineSize
	case store.IAMUser:
		return maxUserInlineSize
	}
	return maxGroupInlineSize
}

func (s *Service) putInline(ctx context.Context, kind, name, policyName, doc string) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	if err := checkDocument(&doc, policy.Identity, 0, ""); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		e, err := s.entity(ctx, sc, kind, name)
		if err != nil {
			return err
		}
		if err := protected(e); err != nil {
			return err
		}
		others, err := s.st.ListInlinePolicies(ctx, e.ID)
		if err != nil {
			return err
		}
		total := policy.Size(doc)
		for _, p := range others {
			if !strings.EqualFold(p.Name, policyName) {
				total += policy.Size(p.Document)
			}
		}
		if limit := inlineQuota(kind); total > limit {
			return iamapi.NewLimitExceededException("Maximum policy size of %d bytes exceeded for %s %s", limit, noun(kind), e.Name)
		}
		return s.st.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: e.ID, Name: policyName, Document: doc})
	})
}

func (s *Service) getInline(ctx context.Context, kind, name, policyName string) (*store.IAMEntity, *store.InlinePolicy, error) {
	_, e, err := s.scopedEntity(ctx, kind, name)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.st.GetInlinePolicy(ctx, e.ID, policyName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, iamapi.NewNoSuchEntityException("The %s policy with name %s cannot be found.", noun(kind), policyName)
	}
	return e, p, err
}

func (s *Service) listInline(ctx context.Context, kind, name string, marker *string, max *int32) ([]string, *bool, *string, error) {
	_, e, err := s.scopedEntity(ctx, kind, name)
	if err != nil {
		return nil, nil, nil, err
	}
	ps, err := s.st.ListInlinePolicies(ctx, e.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return paginate(names, marker, max)
}

func (s *Service) deleteInline(ctx context.Context, kind, name, policyName string) error {
	return s.inEntityTx(ctx, kind, name, func(ctx context.Context, sc scope, e *store.IAMEntity) error {
		if err := protected(e); err != nil {
			return err
		}
		err := s.st.DeleteInlinePolicy(ctx, e.ID, policyName)
		if errors.Is(err, store.ErrNotFound) {
			return iamapi.NewNoSuchEntityException("The %s policy with name %s cannot be found.", noun(kind), policyName)
		}
		return err
	})
}

func (s *Service) PutRolePolicy(ctx context.Context, in *iamapi.PutRolePolicyRequest) error {
	return s.putInline(ctx, store.IAMRole, in.RoleName, in.PolicyName, in.PolicyDocument)
}

func (s *Service) PutUserPolicy(ctx context.Context, in *iamapi.PutUserPolicyRequest) error {
	return s.putInline(ctx, store.IAMUser, in.UserName, in.PolicyName, in.PolicyDocument)
}

func (s *Service) PutGroupPolicy(ctx context.Context, in *iamapi.PutGroupPolicyRequest) error {
	return s.putInline(ctx, store.IAMGroup, in.GroupName, in.PolicyName, in.PolicyDocument)
}

func (s *Service) GetRolePolicy(ctx context.Context, in *iamapi.GetRolePolicyRequest) (*iamapi.GetRolePolicyResponse, error) {
	e, p, err := s.getInline(ctx, store.IAMRole, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetRolePolicyResponse{RoleName: e.Name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

func (s *Service) GetUserPolicy(ctx context.Context, in *iamapi.GetUserPolicyRequest) (*iamapi.GetUserPolicyResponse, error) {
	e, p, err := s.getInline(ctx, store.IAMUser, in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetUserPolicyResponse{UserName: e.Name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

func (s *Service) GetGroupPolicy(ctx context.Context, in *iamapi.GetGroupPolicyRequest) (*iamapi.GetGroupPolicyResponse, error) {
	e, p, err := s.getInline(ctx, store.IAMGroup, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetGroupPolicyResponse{GroupName: e.Name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

func (s *Service) ListRolePolicies(ctx context.Context, in *iamapi.ListRolePoliciesRequest) (*iamapi.ListRolePoliciesResponse, error) {
	names, trunc, next, err := s.listInline(ctx, store.IAMRole, in.RoleName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListRolePoliciesResponse{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListUserPolicies(ctx context.Context, in *iamapi.ListUserPoliciesRequest) (*iamapi.ListUserPoliciesResponse, error) {
	names, trunc, next, err := s.listInline(ctx, store.IAMUser, in.UserName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListUserPoliciesResponse{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) ListGroupPolicies(ctx context.Context, in *iamapi.ListGroupPoliciesRequest) (*iamapi.ListGroupPoliciesResponse, error) {
	names, trunc, next, err := s.listInline(ctx, store.IAMGroup, in.GroupName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupPoliciesResponse{PolicyNames: names, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) DeleteRolePolicy(ctx context.Context, in *iamapi.DeleteRolePolicyRequest) error {
	return s.deleteInline(ctx, store.IAMRole, in.RoleName, in.PolicyName)
}

func (s *Service) DeleteUserPolicy(ctx context.Context, in *iamapi.DeleteUserPolicyRequest) error {
	return s.deleteInline(ctx, store.IAMUser, in.UserName, in.PolicyName)
}

func (s *Service) DeleteGroupPolicy(ctx context.Context, in *iamapi.DeleteGroupPolicyRequest) error {
	return s.deleteInline(ctx, store.IAMGroup, in.GroupName, in.PolicyName)
}

// ---- tags of roles and users ----

func (s *Service) tagEntity(ctx context.Context, kind, name string, tags []iamapi.Tag) error {
	return s.inEntityTx(ctx, kind, name, func(ctx context.Context, sc scope, e *store.IAMEntity) error {
		return s.putTags(ctx, e.ID, tags)
	})
}

func (s *Service) untagEntity(ctx context.Context, kind, name string, keys []string) error {
	return s.inEntityTx(ctx, kind, name, func(ctx context.Context, sc scope, e *store.IAMEntity) error {
		return s.st.DeleteIAMTags(ctx, e.ID, keys)
	})
}

func (s *Service) listEntityTags(ctx context.Context, kind, name string, marker *string, max *int32) ([]iamapi.Tag, *bool, *string, error) {
	_, e, err := s.scopedEntity(ctx, kind, name)
	if err != nil {
		return nil, nil, nil, err
	}
	return s.listTags(ctx, e.ID, marker, max)
}
