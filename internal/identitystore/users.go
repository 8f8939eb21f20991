package identitystore

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// "Users in the Identity Center directory: 100,000" (IAM Identity Center
// quotas).
const maxUsers = 100000

var users = records.Of[identitystoreapi.User](records.Account, store.RecordIdentityStoreUser).Max(maxUsers, func() error {
	return identitystoreapi.NewServiceQuotaExceededException("The identity store holds the maximum number of users (%d).", maxUsers)
})

// convert copies the members of one generated shape into another shape
// with members of the same names (a request into the stored user, the
// stored user into a response).
func convert[T any](from any) *T {
	out := new(T)
	if err := model.Bind(model.ToDocument(from), out); err != nil {
		panic("identitystore: convert: " + err.Error())
	}
	return out
}

func userNotFound(id string) error {
	return identitystoreapi.NewResourceNotFoundException("User %s does not exist.", id).
		WithResourceType(identitystoreapi.ResourceTypeUser).WithResourceId(id)
}

func (s *Service) CreateUser(ctx context.Context, in *identitystoreapi.CreateUserRequest) (*identitystoreapi.CreateUserResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	// UserName and, in IAM Identity Center, DisplayName are required
	// (Identity Store API reference, CreateUser).
	name := opt.Deref(in.UserName)
	switch {
	case name == "":
		return nil, identitystoreapi.NewValidationException("UserName is required.")
	case reserved(name):
		return nil, identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", name)
	case opt.Deref(in.DisplayName) == "":
		return nil, identitystoreapi.NewValidationException("DisplayName is required.")
	}
	u := convert[identitystoreapi.User](in)
	u.UserId, u.UserStatus = d.newID(), opt.Ptr(identitystoreapi.UserStatusEnabled)
	u.CreatedAt, u.UpdatedAt, u.CreatedBy, u.UpdatedBy = s.now(), s.now(), opt.NonEmpty(d.caller), opt.NonEmpty(d.caller)
	if err := userKind.put(ctx, s, d, u, ""); err != nil {
		return nil, err
	}
	return &identitystoreapi.CreateUserResponse{IdentityStoreId: d.id, UserId: u.UserId}, nil
}

func (s *Service) DescribeUser(ctx context.Context, in *identitystoreapi.DescribeUserRequest) (*identitystoreapi.DescribeUserResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	u, err := userKind.get(ctx, s, d, in.UserId)
	if err != nil {
		return nil, err
	}
	return convert[identitystoreapi.DescribeUserResponse](u), nil
}

// ListUsers lists the users by ID, or the one whose UserName a filter
// names (the only attribute ListUsers filters on).
func (s *Service) ListUsers(ctx context.Context, in *identitystoreapi.ListUsersRequest) (*identitystoreapi.ListUsersResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	l, next, err := userKind.list(ctx, s, d, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.ListUsersResponse{Users: l, NextToken: next}, nil
}

// filtered answers a List operation's filter, on the one attribute its
// operation filters on: the ID of the user or group that holds the name,
// "" when none does.
func (s *Service) filtered(ctx context.Context, index records.Kind[ref], d dir, filters []identitystoreapi.Filter, attr string) (string, error) {
	if len(filters) != 1 || filters[0].AttributePath != attr {
		return "", identitystoreapi.NewValidationException("Only one filter, on the attribute path %s, is supported.", attr)
	}
	return s.lookup(ctx, index, d, filters[0].AttributeValue)
}

// GetUserId finds a user by an alternate identifier: an external ID, or
// a unique attribute.
func (s *Service) GetUserId(ctx context.Context, in *identitystoreapi.GetUserIdRequest) (*identitystoreapi.GetUserIdResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	// "For the unique attribute, the only valid paths are userName and
	// emails.value." (Identity Store API reference, GetUserId)
	unique := uniqueAttrs{
		"username": func(ctx context.Context, name string) (string, error) {
			return s.lookup(ctx, userNames, d, name)
		},
		"emails.value": func(ctx context.Context, email string) (string, error) {
			return s.userByEmail(ctx, d, email)
		},
	}
	id, err := s.alternate(ctx, in.AlternateIdentifier, unique, userKind.external(s, d))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, identitystoreapi.NewResourceNotFoundException("No user matches the alternate identifier.").WithResourceType(identitystoreapi.ResourceTypeUser)
	}
	return &identitystoreapi.GetUserIdResponse{IdentityStoreId: d.id, UserId: id}, nil
}

// userByEmail is the ID of the first user (by ID) with an email address
// of value, compared without regard to case; "" when none has one.
func (s *Service) userByEmail(ctx context.Context, d dir, value string) (string, error) {
	all, err := users.All(ctx, s.st, d.account, d.key())
	if err != nil {
		return "", err
	}
	for _, u := range all {
		for _, e := range u.Emails {
			if strings.EqualFold(opt.Deref(e.Value), value) {
				return u.UserId, nil
			}
		}
	}
	return "", nil
}

func (s *Service) UpdateUser(ctx context.Context, in *identitystoreapi.UpdateUserRequest) (*identitystoreapi.UpdateUserResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	err = userKind.update(ctx, s, d, in.UserId, func(u *identitystoreapi.User) error {
		if err := applyUser(u, in.Operations); err != nil {
			return err
		}
		u.UpdatedAt, u.UpdatedBy = s.now(), opt.NonEmpty(d.caller)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &identitystoreapi.UpdateUserResponse{}, nil
}

// DeleteUser deletes a user with its group memberships.
func (s *Service) DeleteUser(ctx context.Context, in *identitystoreapi.DeleteUserRequest) (*identitystoreapi.DeleteUserResponse, error) {
	d, err := s.open(ctx, in.IdentityStoreId)
	if err != nil {
		return nil, err
	}
	if err := userKind.delete(ctx, s, d, in.UserId); err != nil {
		return nil, err
	}
	return &identitystoreapi.DeleteUserResponse{}, nil
}
