package iam

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/store"
)

func group(sc scope, e *store.IAMEntity) iamapi.Group {
	return iamapi.Group{Path: e.Path, GroupName: e.Name, GroupId: e.ID, Arn: sc.entityARN(e), CreateDate: e.CreatedAt}
}

func groups(sc scope, es []store.IAMEntity) []iamapi.Group {
	out := make([]iamapi.Group, 0, len(es))
	for i := range es {
		out = append(out, group(sc, &es[i]))
	}
	return out
}

func (s *Service) CreateGroup(ctx context.Context, in *iamapi.CreateGroupRequest) (*iamapi.CreateGroupResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	e := store.IAMEntity{AccountID: sc.account, Kind: store.IAMGroup, ID: ids.Unique(ids.PrefixGroup), Name: in.GroupName, Path: pathOr(in.Path), CreatedAt: s.now()}
	if err := s.st.CreateIAMEntity(ctx, e, nil); err != nil {
		if errors.Is(err, store.ErrAlreadyExists) {
			return nil, iamapi.NewEntityAlreadyExistsException("Group with name %s already exists.", in.GroupName)
		}
		return nil, err
	}
	g := group(sc, &e)
	return &iamapi.CreateGroupResponse{Group: &g}, nil
}

func (s *Service) GetGroup(ctx context.Context, in *iamapi.GetGroupRequest) (*iamapi.GetGroupResponse, error) {
	sc, e, err := s.scopedEntity(ctx, store.IAMGroup, in.GroupName)
	if err != nil {
		return nil, err
	}
	members, err := s.st.ListIAMGroupMembers(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	page, trunc, next, err := paginate(members, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	g := group(sc, e)
	out := &iamapi.GetGroupResponse{Group: &g, Users: make([]iamapi.User, 0, len(page)), IsTruncated: trunc, Marker: next}
	for i := range page {
		u, _ := s.user(ctx, sc, &page[i], false)
		out.Users = append(out.Users, *u)
	}
	return out, nil
}

func (s *Service) ListGroups(ctx context.Context, in *iamapi.ListGroupsRequest) (*iamapi.ListGroupsResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	es, trunc, next, err := s.listEntities(ctx, sc, store.IAMGroup, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupsResponse{Groups: groups(sc, es), IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) UpdateGroup(ctx context.Context, in *iamapi.UpdateGroupRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = s.update(ctx, sc, store.IAMGroup, in.GroupName, func(e *store.IAMEntity) error {
		if in.NewPath != nil {
			e.Path = *in.NewPath
		}
		if in.NewGroupName != nil {
			e.Name = *in.NewGroupName
		}
		return nil
	})
	return renameErr(err, store.IAMGroup, in.NewGroupName)
}

func (s *Service) DeleteGroup(ctx context.Context, in *iamapi.DeleteGroupRequest) error {
	return s.deleteEntity(ctx, store.IAMGroup, in.GroupName)
}

// inMembershipTx runs fn in one transaction on a group and a user.
func (s *Service) inMembershipTx(ctx context.Context, group, user string, fn func(ctx context.Context, g, u *store.IAMEntity) error) error {
	return s.inEntityTx(ctx, store.IAMGroup, group, func(ctx context.Context, sc scope, g *store.IAMEntity) error {
		u, err := s.entity(ctx, sc, store.IAMUser, user)
		if err != nil {
			return err
		}
		return fn(ctx, g, u)
	})
}

func (s *Service) AddUserToGroup(ctx context.Context, in *iamapi.AddUserToGroupRequest) error {
	return s.inMembershipTx(ctx, in.GroupName, in.UserName, func(ctx context.Context, g, u *store.IAMEntity) error {
		gs, err := s.st.ListIAMUserGroups(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, x := range gs {
			if x.ID == g.ID {
				return nil
			}
		}
		if len(gs) >= maxGroupsPerUser {
			return iamapi.NewLimitExceededException("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		return s.st.AddIAMGroupMember(ctx, g.ID, u.ID)
	})
}

func (s *Service) RemoveUserFromGroup(ctx context.Context, in *iamapi.RemoveUserFromGroupRequest) error {
	return s.inMembershipTx(ctx, in.GroupName, in.UserName, func(ctx context.Context, g, u *store.IAMEntity) error {
		if err := s.st.RemoveIAMGroupMember(ctx, g.ID, u.ID); errors.Is(err, store.ErrNotFound) {
			return iamapi.NewNoSuchEntityException("The user with name %s is not a member of group %s.", u.Name, g.Name)
		} else if err != nil {
			return err
		}
		return nil
	})
}

func (s *Service) ListGroupsForUser(ctx context.Context, in *iamapi.ListGroupsForUserRequest) (*iamapi.ListGroupsForUserResponse, error) {
	sc, u, err := s.scopedEntity(ctx, store.IAMUser, in.UserName)
	if err != nil {
		return nil, err
	}
	gs, err := s.st.ListIAMUserGroups(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	page, trunc, next, err := paginate(groups(sc, gs), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListGroupsForUserResponse{Groups: page, IsTruncated: trunc, Marker: next}, nil
}
