package identitystore

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

var (
	memberships = records.Of[identitystoreapi.GroupMembership](records.Account, store.RecordIdentityStoreMembership)
	// byGroup keys a membership "<group>/<user>", byMember "<user>/<group>".
	byGroup  = records.Of[ref](records.Account, store.RecordIdentityStoreByGroup)
	byMember = records.Of[ref](records.Account, store.RecordIdentityStoreByMember)
)

func membershipNotFound(id string) error {
	return identitystoreapi.NewResourceNotFoundException("Group membership %s does not exist.", id).
		WithResourceType(identitystoreapi.ResourceTypeGroupMembership).WithResourceId(id)
}

// memberOf is the user a MemberId names.
func memberOf(m *identitystoreapi.MemberId) (string, error) {
	if m == nil || opt.Deref(m.UserId) == "" {
		return "", identitystoreapi.NewValidationException("MemberId must name a UserId.")
	}
	return *m.UserId, nil
}

func (s *Service) CreateGroupMembership(ctx context.Context, in *identitystoreapi.CreateGroupMembershipRequest) (*identitystoreapi.CreateGroupMembershipResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	userID, err := memberOf(in.MemberId)
	if err != nil {
		return nil, err
	}
	m := &identitystoreapi.GroupMembership{IdentityStoreId: d.id, MembershipId: opt.Ptr(d.newID()), GroupId: &in.GroupId,
		MemberId: &identitystoreapi.MemberId{UserId: &userID}, CreatedAt: s.now(), UpdatedAt: s.now(),
		CreatedBy: opt.NonEmpty(d.caller), UpdatedBy: opt.NonEmpty(d.caller)}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		if _, err := groupKind.get(ctx, s, d, in.GroupId); err != nil {
			return err
		}
		if _, err := userKind.get(ctx, s, d, userID); err != nil {
			return err
		}
		_, err := byGroup.Put(ctx, s.st, d.account, d.key(in.GroupId, userID), func(cur *ref) (*ref, error) {
			if cur != nil {
				return nil, identitystoreapi.NewConflictException("The user %s is already a member of the group %s.", userID, in.GroupId).
					WithReason(identitystoreapi.ConflictExceptionReasonUniquenessConstraintViolation)
			}
			return &ref{ID: *m.MembershipId}, nil
		})
		if err != nil {
			return err
		}
		if _, err := byMember.Put(ctx, s.st, d.account, d.key(userID, in.GroupId), func(*ref) (*ref, error) { return &ref{ID: *m.MembershipId}, nil }); err != nil {
			return err
		}
		_, err = memberships.Put(ctx, s.st, d.account, d.key(*m.MembershipId), func(*identitystoreapi.GroupMembership) (*identitystoreapi.GroupMembership, error) { return m, nil })
		return err
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.CreateGroupMembershipResponse{IdentityStoreId: d.id, MembershipId: *m.MembershipId}, nil
}

func (s *Service) membership(ctx context.Context, d dir, id string) (*identitystoreapi.GroupMembership, error) {
	m, ok, err := memberships.Get(ctx, s.st, d.account, d.key(id))
	if err == nil && !ok {
		return nil, membershipNotFound(id)
	}
	return m, err
}

// removeMembership deletes a membership and its index records.
func (s *Service) removeMembership(ctx context.Context, d dir, m *identitystoreapi.GroupMembership) error {
	g, u := opt.Deref(m.GroupId), opt.Deref(m.MemberId.UserId)
	for _, rm := range []func() (bool, error){
		func() (bool, error) { return byGroup.Remove(ctx, s.st, d.account, d.key(g, u)) },
		func() (bool, error) { return byMember.Remove(ctx, s.st, d.account, d.key(u, g)) },
		func() (bool, error) { return memberships.Remove(ctx, s.st, d.account, d.key(*m.MembershipId)) },
	} {
		if _, err := rm(); err != nil {
			return err
		}
	}
	return nil
}

// removeMemberships deletes every membership of a group (index byGroup)
// or of a user (byMember).
func (s *Service) removeMemberships(ctx context.Context, d dir, index records.Kind[ref], id string) error {
	refs, err := index.All(ctx, s.st, d.account, d.key(id, ""))
	if err != nil {
		return err
	}
	for _, r := range refs {
		m, ok, err := memberships.Get(ctx, s.st, d.account, d.key(r.ID))
		if err != nil {
			return err
		}
		if ok {
			if err := s.removeMembership(ctx, d, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) DeleteGroupMembership(ctx context.Context, in *identitystoreapi.DeleteGroupMembershipRequest) (*identitystoreapi.DeleteGroupMembershipResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		m, err := s.membership(ctx, d, in.MembershipId)
		if err != nil {
			return err
		}
		return s.removeMembership(ctx, d, m)
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.DeleteGroupMembershipResponse{}, nil
}

func (s *Service) DescribeGroupMembership(ctx context.Context, in *identitystoreapi.DescribeGroupMembershipRequest) (*identitystoreapi.DescribeGroupMembershipResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	m, err := s.membership(ctx, d, in.MembershipId)
	if err != nil {
		return nil, err
	}
	return convert[identitystoreapi.DescribeGroupMembershipResponse](m), nil
}

func (s *Service) GetGroupMembershipId(ctx context.Context, in *identitystoreapi.GetGroupMembershipIdRequest) (*identitystoreapi.GetGroupMembershipIdResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	userID, err := memberOf(in.MemberId)
	if err != nil {
		return nil, err
	}
	r, ok, err := byGroup.Get(ctx, s.st, d.account, d.key(in.GroupId, userID))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, identitystoreapi.NewResourceNotFoundException("The user %s is not a member of the group %s.", userID, in.GroupId).
			WithResourceType(identitystoreapi.ResourceTypeGroupMembership)
	}
	return &identitystoreapi.GetGroupMembershipIdResponse{IdentityStoreId: d.id, MembershipId: r.ID}, nil
}

func (s *Service) IsMemberInGroups(ctx context.Context, in *identitystoreapi.IsMemberInGroupsRequest) (*identitystoreapi.IsMemberInGroupsResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	userID, err := memberOf(in.MemberId)
	if err != nil {
		return nil, err
	}
	out := &identitystoreapi.IsMemberInGroupsResponse{Results: []identitystoreapi.GroupMembershipExistenceResult{}}
	for _, g := range in.GroupIds {
		_, ok, err := byMember.Get(ctx, s.st, d.account, d.key(userID, g))
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, identitystoreapi.GroupMembershipExistenceResult{GroupId: opt.Ptr(g),
			MemberId: &identitystoreapi.MemberId{UserId: &userID}, MembershipExists: opt.Ptr(ok)})
	}
	return out, nil
}

// listMemberships pages through the memberships an index holds under id
// (a group's, a user's).
func (s *Service) listMemberships(ctx context.Context, d dir, index records.Kind[ref], id string, maxResults *int32, token *string) ([]identitystoreapi.GroupMembership, *string, error) {
	p, err := pageOf(maxResults, token)
	if err != nil {
		return nil, nil, err
	}
	refs, err := index.Page(ctx, s.st, d.account, d.key(id, ""), p.fetch())
	if err != nil {
		return nil, nil, err
	}
	out, next := []identitystoreapi.GroupMembership{}, (*string)(nil)
	for i := 0; i < len(refs) && i < p.limit; i++ {
		m, ok, err := memberships.Get(ctx, s.st, d.account, d.key(refs[i].Value.ID))
		if err != nil {
			return nil, nil, err
		}
		if ok {
			out = append(out, *m)
		}
		next = p.next(len(refs), refs[i].Key)
	}
	return out, next, nil
}

func (s *Service) ListGroupMemberships(ctx context.Context, in *identitystoreapi.ListGroupMembershipsRequest) (*identitystoreapi.ListGroupMembershipsResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if _, err := groupKind.get(ctx, s, d, in.GroupId); err != nil {
		return nil, err
	}
	ms, next, err := s.listMemberships(ctx, d, byGroup, in.GroupId, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.ListGroupMembershipsResponse{GroupMemberships: ms, NextToken: next}, nil
}

func (s *Service) ListGroupMembershipsForMember(ctx context.Context, in *identitystoreapi.ListGroupMembershipsForMemberRequest) (*identitystoreapi.ListGroupMembershipsForMemberResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	userID, err := memberOf(in.MemberId)
	if err != nil {
		return nil, err
	}
	if _, err := userKind.get(ctx, s, d, userID); err != nil {
		return nil, err
	}
	ms, next, err := s.listMemberships(ctx, d, byMember, userID, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.ListGroupMembershipsForMemberResponse{GroupMemberships: ms, NextToken: next}, nil
}
