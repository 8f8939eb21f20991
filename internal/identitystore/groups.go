package identitystore

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// "Groups in the Identity Center directory: 100,000" (IAM Identity
// Center quotas).
const maxGroups = 100000

var groups = records.Of[identitystoreapi.Group](records.Account, store.RecordIdentityStoreGroup).Max(maxGroups, func() error {
	return identitystoreapi.NewServiceQuotaExceededException("The identity store holds the maximum number of groups (%d).", maxGroups)
})

func groupNotFound(id string) error {
	return identitystoreapi.NewResourceNotFoundException("Group %s does not exist.", id).
		WithResourceType(identitystoreapi.ResourceTypeGroup).WithResourceId(id)
}

func (s *Service) CreateGroup(ctx context.Context, in *identitystoreapi.CreateGroupRequest) (*identitystoreapi.CreateGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	name := opt.Deref(in.DisplayName)
	switch {
	case name == "":
		return nil, identitystoreapi.NewValidationException("DisplayName is required.")
	case reserved(name):
		return nil, identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", name)
	}
	g := &identitystoreapi.Group{IdentityStoreId: d.id, GroupId: d.newID(), DisplayName: in.DisplayName, Description: in.Description,
		CreatedAt: s.now(), UpdatedAt: s.now(), CreatedBy: opt.NonEmpty(d.caller), UpdatedBy: opt.NonEmpty(d.caller)}
	if err := groupKind.put(ctx, s, d, g, ""); err != nil {
		return nil, err
	}
	return &identitystoreapi.CreateGroupResponse{IdentityStoreId: d.id, GroupId: g.GroupId}, nil
}

func (s *Service) DescribeGroup(ctx context.Context, in *identitystoreapi.DescribeGroupRequest) (*identitystoreapi.DescribeGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	g, err := groupKind.get(ctx, s, d, in.GroupId)
	if err != nil {
		return nil, err
	}
	return convert[identitystoreapi.DescribeGroupResponse](g), nil
}

// ListGroups lists the groups by ID, or the one whose DisplayName a
// filter names.
func (s *Service) ListGroups(ctx context.Context, in *identitystoreapi.ListGroupsRequest) (*identitystoreapi.ListGroupsResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	l, next, err := groupKind.list(ctx, s, d, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.ListGroupsResponse{Groups: l, NextToken: next}, nil
}

func (s *Service) GetGroupId(ctx context.Context, in *identitystoreapi.GetGroupIdRequest) (*identitystoreapi.GetGroupIdResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	// "For the unique attribute, the only valid path is displayName."
	// (Identity Store API reference, GetGroupId)
	unique := uniqueAttrs{"displayname": func(ctx context.Context, name string) (string, error) {
		return s.lookup(ctx, groupNames, d, name)
	}}
	id, err := s.alternate(ctx, in.AlternateIdentifier, unique, groupKind.external(s, d))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, identitystoreapi.NewResourceNotFoundException("No group matches the alternate identifier.").WithResourceType(identitystoreapi.ResourceTypeGroup)
	}
	return &identitystoreapi.GetGroupIdResponse{IdentityStoreId: d.id, GroupId: id}, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *identitystoreapi.UpdateGroupRequest) (*identitystoreapi.UpdateGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	err = groupKind.update(ctx, s, d, in.GroupId, func(g *identitystoreapi.Group) error {
		if err := applyGroup(g, in.Operations); err != nil {
			return err
		}
		g.UpdatedAt, g.UpdatedBy = s.now(), opt.NonEmpty(d.caller)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.UpdateGroupResponse{}, nil
}

// DeleteGroup deletes a group with its memberships.
func (s *Service) DeleteGroup(ctx context.Context, in *identitystoreapi.DeleteGroupRequest) (*identitystoreapi.DeleteGroupResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := groupKind.delete(ctx, s, d, in.GroupId); err != nil {
		return nil, err
	}
	return &identitystoreapi.DeleteGroupResponse{}, nil
}
