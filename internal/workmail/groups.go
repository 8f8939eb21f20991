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
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	e := store.Entity{
		OrgID: o.ID, ID: newEntityID(), Type: store.EntityGroup, Name: in.Name, State: store.EntityDisabled,
		Hidden: opt.Deref(in.HiddenFromGlobalAddressList), CreatedAt: s.now(),
	}
	if err := s.st.CreateEntity(ctx, e); err != nil {
		return nil, createErr(err, &e)
	}
	return &workmailapi.CreateGroupResponse{GroupId: &e.ID}, nil
}

func (s *Service) DescribeGroup(ctx context.Context, in *workmailapi.DescribeGroupRequest) (*workmailapi.DescribeGroupResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	g, err := s.entity(ctx, o.ID, in.GroupId, store.EntityGroup)
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeGroupResponse{
		GroupId:                     &g.ID,
		Name:                        &g.Name,
		Email:                       opt.NonEmpty(g.Email),
		State:                       opt.Ptr(workmailapi.EntityState(g.State)),
		EnabledDate:                 tstamp(g.EnabledAt),
		DisabledDate:                tstamp(g.DisabledAt),
		HiddenFromGlobalAddressList: opt.Ptr(g.Hidden),
	}, nil
}

func (s *Service) ListGroups(ctx context.Context, in *workmailapi.ListGroupsRequest) (*workmailapi.ListGroupsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	f := store.EntityFilter{Type: store.EntityGroup, DeletedSince: s.deletedSince()}
	if in.Filters != nil {
		x := in.Filters
		if err := oneFilter(opt.Deref(x.NamePrefix) != "", opt.Deref(x.PrimaryEmailPrefix) != "", x.State != nil); err != nil {
			return nil, err
		}
		f.NamePrefix, f.EmailPrefix, f.State = opt.Deref(x.NamePrefix), opt.Deref(x.PrimaryEmailPrefix), string(opt.Deref(x.State))
	}
	lst := listing("ListGroups", o.ID, f.NamePrefix, f.EmailPrefix, f.State)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	es, err := s.st.ListEntities(ctx, o.ID, f, p)
	if err != nil {
		return nil, err
	}
	es, next, err := finishPage(ctx, s, lst, es, limit, func(e store.Entity) string { return e.ID })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListGroupsResponse{Groups: []workmailapi.Group{}, NextToken: next}
	for _, g := range es {
		out.Groups = append(out.Groups, workmailapi.Group{
			Id:           opt.Ptr(g.ID),
			Email:        opt.NonEmpty(g.Email),
			Name:         opt.Ptr(g.Name),
			State:        opt.Ptr(workmailapi.EntityState(g.State)),
			EnabledDate:  tstamp(g.EnabledAt),
			DisabledDate: tstamp(g.DisabledAt),
		})
	}
	return out, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *workmailapi.UpdateGroupRequest) (*workmailapi.UpdateGroupResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	g, err := s.entity(ctx, o.ID, in.GroupId, store.EntityGroup)
	if err != nil {
		return nil, err
	}
	_, err = s.st.UpdateEntity(ctx, o.ID, g.ID, func(g *store.Entity) error {
		if g.State == store.EntityDeleted {
			return deletedErr(g)
		}
		if in.HiddenFromGlobalAddressList != nil {
			g.Hidden = *in.HiddenFromGlobalAddressList
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateGroupResponse{}, nil
}

// DeleteGroup deletes a group whether or not it is registered (its
// addresses and memberships go with it), leaving a DELETED tombstone.
// Like DeleteUser it succeeds for groups that do not exist or are
// already deleted.
func (s *Service) DeleteGroup(ctx context.Context, in *workmailapi.DeleteGroupRequest) (*workmailapi.DeleteGroupResponse, error) {
	err := s.deleteEntity(ctx, in.OrganizationId, in.GroupId, store.EntityGroup, func(g *store.Entity, now time.Time) error {
		if g.State == store.EntityEnabled {
			g.DisabledAt, g.MailboxDeprovisionedAt = now, now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.DeleteGroupResponse{}, nil
}

// groupAndMember resolves the two sides of a membership change.
func (s *Service) groupAndMember(ctx context.Context, orgID, groupID, memberID string) (*store.Entity, *store.Entity, error) {
	g, err := s.entity(ctx, orgID, groupID, store.EntityGroup)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.entity(ctx, orgID, memberID, store.EntityUser, store.EntityGroup)
	if err != nil {
		return nil, nil, err
	}
	if g.State == store.EntityDeleted {
		return nil, nil, deletedErr(g)
	}
	return g, m, nil
}

// AssociateMemberToGroup adds a user or group to a group; adding an
// existing member succeeds. A group cannot contain itself, directly or
// through other groups.
func (s *Service) AssociateMemberToGroup(ctx context.Context, in *workmailapi.AssociateMemberToGroupRequest) (*workmailapi.AssociateMemberToGroupResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	g, m, err := s.groupAndMember(ctx, o.ID, in.GroupId, in.MemberId)
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
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	g, m, err := s.groupAndMember(ctx, o.ID, in.GroupId, in.MemberId)
	if err != nil {
		return nil, err
	}
	err = s.st.RemoveGroupMember(ctx, o.ID, g.ID, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewEntityNotFoundException("The %s %s is not a member of the group %s.", entityNoun(m.Type), m.ID, g.ID)
	}
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DisassociateMemberFromGroupResponse{}, nil
}

func (s *Service) ListGroupMembers(ctx context.Context, in *workmailapi.ListGroupMembersRequest) (*workmailapi.ListGroupMembersResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	g, err := s.entity(ctx, o.ID, in.GroupId, store.EntityGroup)
	if err != nil {
		return nil, err
	}
	if g.State == store.EntityDeleted {
		return nil, deletedErr(g)
	}
	lst := listing("ListGroupMembers", o.ID, g.ID)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	es, err := s.st.ListGroupMembers(ctx, o.ID, g.ID, p)
	if err != nil {
		return nil, err
	}
	es, next, err := finishPage(ctx, s, lst, es, limit, func(e store.Entity) string { return e.ID })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListGroupMembersResponse{Members: []workmailapi.Member{}, NextToken: next}
	for _, m := range es {
		out.Members = append(out.Members, workmailapi.Member{
			Id:           opt.Ptr(m.ID),
			Name:         opt.Ptr(m.Name),
			Type:         opt.Ptr(workmailapi.MemberType(m.Type)),
			State:        opt.Ptr(workmailapi.EntityState(m.State)),
			EnabledDate:  tstamp(m.EnabledAt),
			DisabledDate: tstamp(m.DisabledAt),
		})
	}
	return out, nil
}

func (s *Service) ListGroupsForEntity(ctx context.Context, in *workmailapi.ListGroupsForEntityRequest) (*workmailapi.ListGroupsForEntityResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	e, err := s.entity(ctx, o.ID, in.EntityId)
	if err != nil {
		return nil, err
	}
	if e.State == store.EntityDeleted {
		return nil, deletedErr(e)
	}
	prefix := ""
	if in.Filters != nil {
		prefix = opt.Deref(in.Filters.GroupNamePrefix)
	}
	lst := listing("ListGroupsForEntity", o.ID, e.ID, prefix)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	gs, err := s.st.ListGroupsForEntity(ctx, o.ID, e.ID, prefix, p)
	if err != nil {
		return nil, err
	}
	gs, next, err := finishPage(ctx, s, lst, gs, limit, func(e store.Entity) string { return e.ID })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListGroupsForEntityResponse{Groups: []workmailapi.GroupIdentifier{}, NextToken: next}
	for _, g := range gs {
		out.Groups = append(out.Groups, workmailapi.GroupIdentifier{GroupId: opt.Ptr(g.ID), GroupName: opt.Ptr(g.Name)})
	}
	return out, nil
}
