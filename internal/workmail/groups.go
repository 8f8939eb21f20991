package workmail

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

func (s *Service) CreateGroup(ctx context.Context, in *workmailapi.CreateGroupRequest) (*workmailapi.CreateGroupResponse, error) {
	id, err := s.createEntity(ctx, groupKind, in.OrganizationId, in.Name, nil, func(_ *store.Organization, e *store.Entity) error {
		e.Hidden = opt.Deref(in.HiddenFromGlobalAddressList)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.CreateGroupResponse{GroupId: &id}, nil
}

func (s *Service) DescribeGroup(ctx context.Context, in *workmailapi.DescribeGroupRequest) (*workmailapi.DescribeGroupResponse, error) {
	_, g, err := s.orgEntity(ctx, in.OrganizationId, in.GroupId, groupKind)
	if err != nil {
		return nil, err
	}
	return describe[workmailapi.DescribeGroupResponse](g, "GroupId"), nil
}

func (s *Service) ListGroups(ctx context.Context, in *workmailapi.ListGroupsRequest) (*workmailapi.ListGroupsResponse, error) {
	_, es, next, err := s.listEntities(ctx, groupKind, in.OrganizationId, in.NextToken, in.MaxResults, func(f *store.EntityFilter) ([]string, error) {
		x := opt.Deref(in.Filters)
		return nameEmailStateFilter(f, x.NamePrefix, x.PrimaryEmailPrefix, x.State)
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListGroupsResponse{Groups: apiList(es, func(g *store.Entity) workmailapi.Group {
		return *describe[workmailapi.Group](g, "Id")
	}), NextToken: next}, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *workmailapi.UpdateGroupRequest) (*workmailapi.UpdateGroupResponse, error) {
	err := s.updateEntity(ctx, in.OrganizationId, in.GroupId, groupKind, nil, func(g *store.Entity) error {
		if in.HiddenFromGlobalAddressList != nil {
			g.Hidden = *in.HiddenFromGlobalAddressList
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.UpdateGroupResponse{}, nil
}

// DeleteGroup deletes a group whether or not it is registered (its
// addresses and memberships go with it), leaving a DELETED tombstone.
// Like DeleteUser it succeeds for groups that do not exist or are
// already deleted.
func (s *Service) DeleteGroup(ctx context.Context, in *workmailapi.DeleteGroupRequest) (*workmailapi.DeleteGroupResponse, error) {
	if err := s.deleteEntity(ctx, in.OrganizationId, in.GroupId, groupKind); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteGroupResponse{}, nil
}

// retireGroup records that deleting an enabled group disables it.
func retireGroup(g *store.Entity, now time.Time) error {
	if g.State == store.EntityEnabled {
		g.DisabledAt, g.MailboxDeprovisionedAt = now, now
	}
	return nil
}

// groupAndMember starts a membership change: the active organization,
// the group (not deleted) and the member.
func (s *Service) groupAndMember(ctx context.Context, orgID, groupID, memberID string) (*store.Organization, *store.Entity, *store.Entity, error) {
	o, g, err := s.orgEntity(ctx, orgID, groupID, groupKind)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := s.entity(ctx, o.ID, memberID, memberKinds...)
	if err != nil {
		return nil, nil, nil, err
	}
	if g.State == store.EntityDeleted {
		return nil, nil, nil, deletedErr(g)
	}
	return o, g, m, nil
}

// AssociateMemberToGroup adds a user or group to a group; adding an
// existing member succeeds. A group cannot contain itself, directly or
// through other groups.
func (s *Service) AssociateMemberToGroup(ctx context.Context, in *workmailapi.AssociateMemberToGroupRequest) (*workmailapi.AssociateMemberToGroupResponse, error) {
	o, g, m, err := s.groupAndMember(ctx, in.OrganizationId, in.GroupId, in.MemberId)
	if err != nil {
		return nil, err
	}
	if m.State == store.EntityDeleted {
		return nil, deletedErr(m)
	}
	if g.ID == m.ID {
		return nil, workmailapi.NewInvalidParameterException("The group %s cannot be a member of itself.", g.ID)
	}
	err = s.st.AddGroupMember(ctx, o.ID, g.ID, m.ID, s.now())
	switch {
	case errors.Is(err, store.ErrMembershipCycle):
		return nil, workmailapi.NewInvalidParameterException("The group %s contains the group %s; adding it as a member would make a cycle.", m.ID, g.ID)
	case errors.Is(err, store.ErrNotFound):
		return nil, workmailapi.NewEntityStateException("The group %s or its new member %s was deleted meanwhile.", g.ID, m.ID)
	case err != nil:
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.AssociateMemberToGroupResponse{}, nil
}

func (s *Service) DisassociateMemberFromGroup(ctx context.Context, in *workmailapi.DisassociateMemberFromGroupRequest) (*workmailapi.DisassociateMemberFromGroupResponse, error) {
	o, g, m, err := s.groupAndMember(ctx, in.OrganizationId, in.GroupId, in.MemberId)
	if err != nil {
		return nil, err
	}
	err = s.st.RemoveGroupMember(ctx, o.ID, g.ID, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewEntityNotFoundException("The %s %s is not a member of the group %s.", nounOf(m), m.ID, g.ID)
	}
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DisassociateMemberFromGroupResponse{}, nil
}

func (s *Service) ListGroupMembers(ctx context.Context, in *workmailapi.ListGroupMembersRequest) (*workmailapi.ListGroupMembersResponse, error) {
	o, g, err := s.liveEntity(ctx, in.OrganizationId, in.GroupId, groupKind)
	if err != nil {
		return nil, err
	}
	es, next, err := page(ctx, s, listing("ListGroupMembers", o.ID, g.ID), in.NextToken, in.MaxResults, func(p store.Page) ([]store.Entity, error) {
		return s.st.ListGroupMembers(ctx, o.ID, g.ID, p)
	}, entityID)
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListGroupMembersResponse{Members: apiList(es, func(m *store.Entity) workmailapi.Member {
		return *describe[workmailapi.Member](m, "Id")
	}), NextToken: next}, nil
}

func (s *Service) ListGroupsForEntity(ctx context.Context, in *workmailapi.ListGroupsForEntityRequest) (*workmailapi.ListGroupsForEntityResponse, error) {
	o, e, err := s.liveEntity(ctx, in.OrganizationId, in.EntityId)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if in.Filters != nil {
		prefix = opt.Deref(in.Filters.GroupNamePrefix)
	}
	gs, next, err := page(ctx, s, listing("ListGroupsForEntity", o.ID, e.ID, prefix), in.NextToken, in.MaxResults, func(p store.Page) ([]store.Entity, error) {
		return s.st.ListGroupsForEntity(ctx, o.ID, e.ID, prefix, p)
	}, entityID)
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListGroupsForEntityResponse{Groups: apiList(gs, func(g *store.Entity) workmailapi.GroupIdentifier {
		return workmailapi.GroupIdentifier{GroupId: opt.Ptr(g.ID), GroupName: opt.Ptr(g.Name)}
	}), NextToken: next}, nil
}
