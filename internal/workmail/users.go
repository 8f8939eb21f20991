package workmail

import (
	"context"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// reservedNames are the built-in accounts and groups of the Active
// Directory that backs a WorkMail directory; users, groups and resources
// share one namespace, so they are refused for each (createEntity).
var reservedNames = map[string]bool{
	"administrator": true, "guest": true, "krbtgt": true, "administrators": true,
	"domain admins": true, "domain users": true, "domain guests": true, "domain computers": true,
	"domain controllers": true, "enterprise admins": true, "schema admins": true,
}

// maxExternalUserName: "WorkMail directory user names have a maximum length
// of 64. All others have a maximum length of 20" (CreateUser).
const maxExternalUserName = 20

// checkName refuses reserved names.
func checkName(name string) error {
	if reservedNames[strings.ToLower(strings.TrimSpace(name))] {
		return workmailapi.NewReservedNameException("The name %s is reserved.", name)
	}
	return nil
}

// checkRole refuses the roles callers may not set.
func checkRole(r *workmailapi.UserRole) error {
	if r != nil && (*r == workmailapi.UserRoleSystemUser || *r == workmailapi.UserRoleResource) {
		return workmailapi.NewInvalidParameterException("The role %s cannot be assigned to a user.", string(*r))
	}
	return nil
}

func (s *Service) CreateUser(ctx context.Context, in *workmailapi.CreateUserRequest) (*workmailapi.CreateUserResponse, error) {
	if err := s.checkIdentityProviderUserID(ctx, in.OrganizationId, in.IdentityProviderUserId); err != nil {
		return nil, err
	}
	id, err := s.createEntity(ctx, userKind, in.OrganizationId, in.Name, func() error { return checkRole(in.Role) }, func(o *store.Organization, e *store.Entity) error {
		if o.DirectoryID != "" && len(in.Name) > maxExternalUserName {
			return workmailapi.NewInvalidParameterException("User names of organizations with an external directory are at most %d characters long.", maxExternalUserName)
		}
		e.Role = string(workmailapi.UserRoleUser)
		if in.Role != nil {
			e.Role = string(*in.Role)
		}
		e.DisplayName, e.FirstName, e.LastName = in.DisplayName, opt.Deref(in.FirstName), opt.Deref(in.LastName)
		e.Hidden, e.IdentityProviderUserID = opt.Deref(in.HiddenFromGlobalAddressList), opt.Deref(in.IdentityProviderUserId)
		if in.Password == nil {
			return nil
		}
		if err := checkPassword(*in.Password, in.Name); err != nil {
			return err
		}
		var err error
		e.PasswordHash, err = hashPassword(*in.Password)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.CreateUserResponse{UserId: &id}, nil
}

func (s *Service) DescribeUser(ctx context.Context, in *workmailapi.DescribeUserRequest) (*workmailapi.DescribeUserResponse, error) {
	o, u, err := s.orgEntity(ctx, in.OrganizationId, in.UserId, userKind)
	if err != nil {
		return nil, err
	}
	u.IdentityProviderIdentityStoreID = s.identityStoreIDs(ctx, o.ID)(u)
	return describe[workmailapi.DescribeUserResponse](u, "UserId"), nil
}

func (s *Service) ListUsers(ctx context.Context, in *workmailapi.ListUsersRequest) (*workmailapi.ListUsersResponse, error) {
	o, es, next, err := s.listEntities(ctx, userKind, in.OrganizationId, in.NextToken, in.MaxResults, func(f *store.EntityFilter) ([]string, error) {
		x := opt.Deref(in.Filters)
		if err := oneFilter(opt.Deref(x.UsernamePrefix) != "", opt.Deref(x.DisplayNamePrefix) != "", opt.Deref(x.PrimaryEmailPrefix) != "",
			x.State != nil, opt.Deref(x.IdentityProviderUserIdPrefix) != ""); err != nil {
			return nil, err
		}
		f.NamePrefix, f.DisplayNamePrefix, f.EmailPrefix = opt.Deref(x.UsernamePrefix), opt.Deref(x.DisplayNamePrefix), opt.Deref(x.PrimaryEmailPrefix)
		f.State, f.IdentityProviderUserIDPrefix = string(opt.Deref(x.State)), opt.Deref(x.IdentityProviderUserIdPrefix)
		return []string{f.NamePrefix, f.DisplayNamePrefix, f.EmailPrefix, f.State, f.IdentityProviderUserIDPrefix}, nil
	})
	if err != nil {
		return nil, err
	}
	storeID := s.identityStoreIDs(ctx, o.ID)
	return &workmailapi.ListUsersResponse{Users: apiList(es, func(u *store.Entity) workmailapi.User {
		u.IdentityProviderIdentityStoreID = storeID(u)
		return *describe[workmailapi.User](u, "Id")
	}), NextToken: next}, nil
}

// UpdateUser sets the attributes present in the request; an empty string
// clears an attribute, an absent one is left alone.
func (s *Service) UpdateUser(ctx context.Context, in *workmailapi.UpdateUserRequest) (*workmailapi.UpdateUserResponse, error) {
	if err := s.checkIdentityProviderUserID(ctx, in.OrganizationId, in.IdentityProviderUserId); err != nil {
		return nil, err
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	err := s.updateEntity(ctx, in.OrganizationId, in.UserId, userKind, func() error { return checkRole(in.Role) }, func(u *store.Entity) error {
		if in.Role != nil {
			u.Role = string(*in.Role)
		}
		if in.HiddenFromGlobalAddressList != nil {
			u.Hidden = *in.HiddenFromGlobalAddressList
		}
		set(&u.DisplayName, in.DisplayName)
		set(&u.FirstName, in.FirstName)
		set(&u.LastName, in.LastName)
		set(&u.Initials, in.Initials)
		set(&u.Telephone, in.Telephone)
		set(&u.Street, in.Street)
		set(&u.JobTitle, in.JobTitle)
		set(&u.City, in.City)
		set(&u.Company, in.Company)
		set(&u.ZipCode, in.ZipCode)
		set(&u.Department, in.Department)
		set(&u.Country, in.Country)
		set(&u.Office, in.Office)
		set(&u.IdentityProviderUserID, in.IdentityProviderUserId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.UpdateUserResponse{}, nil
}

// DeleteUser turns a DISABLED user into a DELETED tombstone. Deleting a
// user that does not exist or is already deleted succeeds: the operation
// is idempotent and its model lists no not-found error.
func (s *Service) DeleteUser(ctx context.Context, in *workmailapi.DeleteUserRequest) (*workmailapi.DeleteUserResponse, error) {
	if err := s.deleteEntity(ctx, in.OrganizationId, in.UserId, userKind); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteUserResponse{}, nil
}

// retireUser refuses to delete an enabled user.
func retireUser(u *store.Entity, _ time.Time) error {
	if u.State == store.EntityEnabled {
		return workmailapi.NewEntityStateException("The user %s is enabled. Deregister it from WorkMail before deleting it.", u.ID)
	}
	return nil
}

func (s *Service) ResetPassword(ctx context.Context, in *workmailapi.ResetPasswordRequest) (*workmailapi.ResetPasswordResponse, error) {
	o, u, err := s.liveEntity(ctx, in.OrganizationId, in.UserId, userKind)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(in.Password, u.Name); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	err = s.writeLive(ctx, o.ID, u.ID, func(u *store.Entity) error {
		u.PasswordHash = hash
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.ResetPasswordResponse{}, nil
}
