package iam

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

func (s *Service) user(ctx context.Context, sc scope, e *store.IAMEntity, full bool) (*iamapi.User, error) {
	u := &iamapi.User{Path: e.Path, UserName: e.Name, UserId: e.ID, Arn: sc.entityARN(e), CreateDate: e.CreatedAt}
	if !full {
		return u, nil
	}
	b, err := s.boundary(ctx, sc, e)
	if err != nil {
		return nil, err
	}
	u.PermissionsBoundary = b
	tags, err := s.st.ListIAMTags(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	u.Tags = tagsOrNil(tags)
	return u, nil
}

func (s *Service) CreateUser(ctx context.Context, in *iamapi.CreateUserRequest) (*iamapi.CreateUserResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := toStoreTags(in.Tags)
	if err != nil {
		return nil, err
	}
	e := store.IAMEntity{AccountID: sc.account, Kind: store.IAMUser, ID: ids.Unique(ids.PrefixUser), Name: in.UserName, Path: pathOr(in.Path), CreatedAt: s.now()}
	var out *iamapi.User
	if err := s.materialize(ctx, opt.Deref(in.PermissionsBoundary)); err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		if in.PermissionsBoundary != nil {
			p, err := s.policyByARN(ctx, sc, *in.PermissionsBoundary, scopeNotFound)
			if err != nil {
				return err
			}
			e.BoundaryPolicyID = p.ID
		}
		if err := s.st.CreateIAMEntity(ctx, e, tags); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return iamapi.NewEntityAlreadyExistsException("User with name %s already exists.", in.UserName)
			}
			return err
		}
		var err error
		out, err = s.user(ctx, sc, &e, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateUserResponse{User: out}, nil
}

// GetUser without a name describes the caller: an IAM user, or the
// account root (no name and path, the root ARN, the account ID as ID).
func (s *Service) GetUser(ctx context.Context, in *iamapi.GetUserRequest) (*iamapi.GetUserResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	name := opt.Deref(in.UserName)
	if name == "" {
		name = sc.callerUserName()
	}
	if name == "" {
		a, err := s.st.GetAccount(ctx, sc.account)
		if err != nil {
			return nil, err
		}
		return &iamapi.GetUserResponse{User: &iamapi.User{UserId: sc.account, Arn: "arn:" + sc.partition + ":iam::" + sc.account + ":root", CreateDate: a.CreatedAt.UTC()}}, nil
	}
	e, err := s.entity(ctx, sc, store.IAMUser, name)
	if err != nil {
		return nil, err
	}
	u, err := s.user(ctx, sc, e, true)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetUserResponse{User: u}, nil
}

func (s *Service) ListUsers(ctx context.Context, in *iamapi.ListUsersRequest) (*iamapi.ListUsersResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	es, trunc, next, err := s.listEntities(ctx, sc, store.IAMUser, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &iamapi.ListUsersResponse{Users: make([]iamapi.User, 0, len(es)), IsTruncated: trunc, Marker: next}
	for i := range es {
		u, _ := s.user(ctx, sc, &es[i], false)
		out.Users = append(out.Users, *u)
	}
	return out, nil
}

func (s *Service) UpdateUser(ctx context.Context, in *iamapi.UpdateUserRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = s.update(ctx, sc, store.IAMUser, in.UserName, func(e *store.IAMEntity) error {
		if in.NewPath != nil {
			e.Path = *in.NewPath
		}
		if in.NewUserName != nil {
			e.Name = *in.NewUserName
		}
		return nil
	})
	return renameErr(err, store.IAMUser, in.NewUserName)
}

// renameErr words a rename clash with the new name.
func renameErr(err error, kind string, newName *string) error {
	if e, ok := apierror.As(err); ok && newName != nil && e.ErrorCode() == iamapi.CodeEntityAlreadyExistsException {
		return iamapi.NewEntityAlreadyExistsException("%s with name %s already exists.", upperNoun(kind), *newName)
	}
	return err
}

func (s *Service) DeleteUser(ctx context.Context, in *iamapi.DeleteUserRequest) error {
	return s.deleteEntity(ctx, store.IAMUser, in.UserName)
}

func (s *Service) deleteEntity(ctx context.Context, kind, name string) error {
	return s.inEntityTx(ctx, kind, name, func(ctx context.Context, sc scope, e *store.IAMEntity) error {
		if err := s.checkNoDependents(ctx, sc, e); err != nil {
			return err
		}
		return s.st.DeleteIAMEntity(ctx, sc.account, kind, e.Name)
	})
}

func (s *Service) PutUserPermissionsBoundary(ctx context.Context, in *iamapi.PutUserPermissionsBoundaryRequest) error {
	return s.putBoundary(ctx, store.IAMUser, in.UserName, in.PermissionsBoundary)
}

func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, in *iamapi.DeleteUserPermissionsBoundaryRequest) error {
	return s.deleteBoundary(ctx, store.IAMUser, in.UserName)
}

func (s *Service) TagUser(ctx context.Context, in *iamapi.TagUserRequest) error {
	return s.tagEntity(ctx, store.IAMUser, in.UserName, in.Tags)
}

func (s *Service) UntagUser(ctx context.Context, in *iamapi.UntagUserRequest) error {
	return s.untagEntity(ctx, store.IAMUser, in.UserName, in.TagKeys)
}

func (s *Service) ListUserTags(ctx context.Context, in *iamapi.ListUserTagsRequest) (*iamapi.ListUserTagsResponse, error) {
	tags, trunc, next, err := s.listEntityTags(ctx, store.IAMUser, in.UserName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListUserTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}
