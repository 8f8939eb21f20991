package workmail

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// reservedNames are the built-in accounts and groups of the Active
// Directory that backs a WorkMail directory; users and groups share one
// namespace, so both are refused for either.
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

// createErr maps the errors of creating an entity.
func createErr(err error, e *store.Entity) error {
	if errors.Is(err, store.ErrConflict) {
		return workmailapi.NewNameAvailabilityException("The name %s is already in use in organization %s.", e.Name, e.OrgID)
	}
	return writeErr(err, e.OrgID)
}

// checkRole refuses the roles callers may not set.
func checkRole(r *workmailapi.UserRole) error {
	if r != nil && (*r == workmailapi.UserRoleSystemUser || *r == workmailapi.UserRoleResource) {
		return workmailapi.NewInvalidParameterException("The role %s cannot be assigned to a user.", string(*r))
	}
	return nil
}

func (s *Service) CreateUser(ctx context.Context, in *workmailapi.CreateUserRequest) (*workmailapi.CreateUserResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := checkRole(in.Role); err != nil {
		return nil, err
	}
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	if o.DirectoryID != "" && len(in.Name) > maxExternalUserName {
		return nil, workmailapi.NewInvalidParameterException("User names of organizations with an external directory are at most %d characters long.", maxExternalUserName)
	}
	role := workmailapi.UserRoleUser
	if in.Role != nil {
		role = *in.Role
	}
	e := store.Entity{
		OrgID: o.ID, ID: newEntityID(), Type: store.EntityUser, Name: in.Name, State: store.EntityDisabled,
		DisplayName: in.DisplayName, Role: string(role), FirstName: opt.Deref(in.FirstName), LastName: opt.Deref(in.LastName),
		Hidden: opt.Deref(in.HiddenFromGlobalAddressList), IdentityProviderUserID: opt.Deref(in.IdentityProviderUserId),
		CreatedAt: s.now(),
	}
	if in.Password != nil {
		if err := checkPassword(*in.Password, in.Name); err != nil {
			return nil, err
		}
		if e.PasswordHash, err = hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	if err := s.st.CreateEntity(ctx, e); err != nil {
		return nil, createErr(err, &e)
	}
	return &workmailapi.CreateUserResponse{UserId: &e.ID}, nil
}

func (s *Service) DescribeUser(ctx context.Context, in *workmailapi.DescribeUserRequest) (*workmailapi.DescribeUserResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	u, err := s.entity(ctx, o.ID, in.UserId, store.EntityUser)
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeUserResponse{
		UserId:                          &u.ID,
		Name:                            &u.Name,
		Email:                           opt.NonEmpty(u.Email),
		DisplayName:                     opt.NonEmpty(u.DisplayName),
		State:                           opt.Ptr(workmailapi.EntityState(u.State)),
		UserRole:                        opt.Ptr(workmailapi.UserRole(u.Role)),
		EnabledDate:                     tstamp(u.EnabledAt),
		DisabledDate:                    tstamp(u.DisabledAt),
		MailboxProvisionedDate:          tstamp(u.MailboxProvisionedAt),
		MailboxDeprovisionedDate:        tstamp(u.MailboxDeprovisionedAt),
		FirstName:                       opt.NonEmpty(u.FirstName),
		LastName:                        opt.NonEmpty(u.LastName),
		HiddenFromGlobalAddressList:     opt.Ptr(u.Hidden),
		Initials:                        opt.NonEmpty(u.Initials),
		Telephone:                       opt.NonEmpty(u.Telephone),
		Street:                          opt.NonEmpty(u.Street),
		JobTitle:                        opt.NonEmpty(u.JobTitle),
		City:                            opt.NonEmpty(u.City),
		Company:                         opt.NonEmpty(u.Company),
		ZipCode:                         opt.NonEmpty(u.ZipCode),
		Department:                      opt.NonEmpty(u.Department),
		Country:                         opt.NonEmpty(u.Country),
		Office:                          opt.NonEmpty(u.Office),
		IdentityProviderUserId:          opt.NonEmpty(u.IdentityProviderUserID),
		IdentityProviderIdentityStoreId: opt.NonEmpty(s.identityStoreIDs(ctx, o.ID)(u)),
	}, nil
}

// oneFilter enforces "You can only use one filter per request".
func oneFilter(set ...bool) error {
	n := 0
	for _, b := range set {
		if b {
			n++
		}
	}
	if n > 1 {
		return workmailapi.NewInvalidParameterException("Only one filter can be used per request.")
	}
	return nil
}

func (s *Service) ListUsers(ctx context.Context, in *workmailapi.ListUsersRequest) (*workmailapi.ListUsersResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	f := store.EntityFilter{Type: store.EntityUser, DeletedSince: s.deletedSince()}
	if in.Filters != nil {
		x := in.Filters
		if err := oneFilter(opt.Deref(x.UsernamePrefix) != "", opt.Deref(x.DisplayNamePrefix) != "", opt.Deref(x.PrimaryEmailPrefix) != "",
			x.State != nil, opt.Deref(x.IdentityProviderUserIdPrefix) != ""); err != nil {
			return nil, err
		}
		f.NamePrefix, f.DisplayNamePrefix, f.EmailPrefix = opt.Deref(x.UsernamePrefix), opt.Deref(x.DisplayNamePrefix), opt.Deref(x.PrimaryEmailPrefix)
		f.State, f.IdentityProviderUserIDPrefix = string(opt.Deref(x.State)), opt.Deref(x.IdentityProviderUserIdPrefix)
	}
	lst := listing("ListUsers", o.ID, f.NamePrefix, f.DisplayNamePrefix, f.EmailPrefix, f.State, f.IdentityProviderUserIDPrefix)
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
	out := &workmailapi.ListUsersResponse{Users: []workmailapi.User{}, NextToken: next}
	storeID := s.identityStoreIDs(ctx, o.ID)
	for _, u := range es {
		out.Users = append(out.Users, workmailapi.User{
			Id:                              opt.Ptr(u.ID),
			Email:                           opt.NonEmpty(u.Email),
			Name:                            opt.Ptr(u.Name),
			DisplayName:                     opt.NonEmpty(u.DisplayName),
			State:                           opt.Ptr(workmailapi.EntityState(u.State)),
			UserRole:                        opt.Ptr(workmailapi.UserRole(u.Role)),
			EnabledDate:                     tstamp(u.EnabledAt),
			DisabledDate:                    tstamp(u.DisabledAt),
			IdentityProviderUserId:          opt.NonEmpty(u.IdentityProviderUserID),
			IdentityProviderIdentityStoreId: opt.NonEmpty(storeID(&u)),
		})
	}
	return out, nil
}

// UpdateUser sets the attributes present in the request; an empty string
// clears an attribute, an absent one is left alone.
func (s *Service) UpdateUser(ctx context.Context, in *workmailapi.UpdateUserRequest) (*workmailapi.UpdateUserResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := checkRole(in.Role); err != nil {
		return nil, err
	}
	u, err := s.entity(ctx, o.ID, in.UserId, store.EntityUser)
	if err != nil {
		return nil, err
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	_, err = s.st.UpdateEntity(ctx, o.ID, u.ID, func(u *store.Entity) error {
		if u.State == store.EntityDeleted {
			return deletedErr(u)
		}
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
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateUserResponse{}, nil
}

// DeleteUser turns a DISABLED user into a DELETED tombstone. Deleting a
// user that does not exist or is already deleted succeeds: the operation
// is idempotent and its model lists no not-found error.
func (s *Service) DeleteUser(ctx context.Context, in *workmailapi.DeleteUserRequest) (*workmailapi.DeleteUserResponse, error) {
	err := s.deleteEntity(ctx, in.OrganizationId, in.UserId, store.EntityUser, func(u *store.Entity, _ time.Time) error {
		if u.State == store.EntityEnabled {
			return workmailapi.NewEntityStateException("The user %s is enabled. Deregister it from WorkMail before deleting it.", u.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.DeleteUserResponse{}, nil
}

// deleteEntity turns a user or group into a DELETED tombstone, after
// check (which may refuse, or adjust the record) passes. An identifier
// that names nothing of that type, or something already deleted,
// succeeds: the delete operations are idempotent and model no not-found
// error.
func (s *Service) deleteEntity(ctx context.Context, orgID, identifier, typ string, check func(e *store.Entity, now time.Time) error) error {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return err
	}
	e, err := s.st.ResolveEntity(ctx, o.ID, identifier)
	if errors.Is(err, store.ErrNotFound) || err == nil && e.Type != typ {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	_, err = s.st.UpdateEntity(ctx, o.ID, e.ID, func(e *store.Entity) error {
		if e.State == store.EntityDeleted {
			return nil
		}
		if err := check(e, now); err != nil {
			return err
		}
		e.State, e.DeletedAt = store.EntityDeleted, now
		return nil
	})
	if err != nil {
		return writeErr(err, o.ID)
	}
	return nil
}

func (s *Service) ResetPassword(ctx context.Context, in *workmailapi.ResetPasswordRequest) (*workmailapi.ResetPasswordResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	u, err := s.entity(ctx, o.ID, in.UserId, store.EntityUser)
	if err != nil {
		return nil, err
	}
	if u.State == store.EntityDeleted {
		return nil, deletedErr(u)
	}
	if err := checkPassword(in.Password, u.Name); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	_, err = s.st.UpdateEntity(ctx, o.ID, u.ID, func(u *store.Entity) error {
		if u.State == store.EntityDeleted {
			return deletedErr(u)
		}
		u.PasswordHash = hash
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.ResetPasswordResponse{}, nil
}
