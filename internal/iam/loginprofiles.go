package iam

import (
	"context"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/passhash"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// A login profile (a user's console password) is an account record keyed
// by the user's ID, so a user created again under the same name starts
// without one. Passwords are kept only as argon2id hashes, with the
// previous ones the password policy's reuse prevention needs.
type loginProfile struct {
	UserName      string
	Hash          string
	Created       time.Time
	Changed       time.Time
	ResetRequired bool
	LastUsed      time.Time `json:",omitzero"`
	Previous      []string  `json:",omitempty"`
}

var loginProfiles = records.Of[loginProfile](records.Account, store.RecordLoginProfile)

func noLoginProfile(user string) error {
	return iamapi.NewNoSuchEntityException("Login Profile for User %s cannot be found.", user)
}

// loginProfileUser names the user of a login-profile operation: the one
// named, else the caller.
func loginProfileUser(sc scope, name *string) string {
	if n := opt.Deref(name); n != "" {
		return n
	}
	return sc.callerUserName()
}

// setPassword checks a new password against the policy and the previous
// ones it may not reuse, and puts its hash in lp.
func (s *Service) setPassword(ctx context.Context, sc scope, lp *loginProfile, password string) error {
	pol, err := s.passwordPolicy(ctx, sc.account)
	if err != nil {
		return err
	}
	if err := checkPassword(pol, password, lp.UserName); err != nil {
		return err
	}
	reuse := 0
	if pol != nil {
		reuse = pol.ReusePrevented
	}
	if lp.Hash != "" {
		lp.Previous = append([]string{lp.Hash}, lp.Previous...)
	}
	lp.Previous = lp.Previous[:min(len(lp.Previous), reuse)]
	for _, h := range lp.Previous {
		if ok, _ := passhash.Verify(h, password); ok {
			return violation("Password should not be one of your last %d passwords", reuse)
		}
	}
	h, err := passhash.Hash(password)
	if err != nil {
		return err
	}
	lp.Hash, lp.Changed = h, s.now()
	return nil
}

func (s *Service) CreateLoginProfile(ctx context.Context, in *iamapi.CreateLoginProfileRequest) (*iamapi.CreateLoginProfileResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if in.Password == nil {
		return nil, apiValidation("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	var out *iamapi.LoginProfile
	err = s.inEntityTx(ctx, store.IAMUser, loginProfileUser(sc, in.UserName), func(ctx context.Context, sc scope, u *store.IAMEntity) error {
		lp := &loginProfile{UserName: u.Name, Created: s.now(), ResetRequired: opt.Deref(in.PasswordResetRequired)}
		if err := s.setPassword(ctx, sc, lp, *in.Password); err != nil {
			return err
		}
		_, err := loginProfiles.Put(ctx, s.st, sc.account, u.ID, func(cur *loginProfile) (*loginProfile, error) {
			if cur != nil {
				return nil, iamapi.NewEntityAlreadyExistsException("Login Profile for user %s already exists.", u.Name)
			}
			return lp, nil
		})
		out = &iamapi.LoginProfile{UserName: u.Name, CreateDate: lp.Created, PasswordResetRequired: opt.Ptr(lp.ResetRequired)}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateLoginProfileResponse{LoginProfile: out}, nil
}

// loginProfileOf loads a user's login profile.
func (s *Service) loginProfileOf(ctx context.Context, sc scope, u *store.IAMEntity) (*loginProfile, error) {
	lp, ok, err := loginProfiles.Get(ctx, s.st, sc.account, u.ID)
	if err == nil && !ok {
		return nil, noLoginProfile(u.Name)
	}
	return lp, err
}

func (s *Service) GetLoginProfile(ctx context.Context, in *iamapi.GetLoginProfileRequest) (*iamapi.GetLoginProfileResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.entity(ctx, sc, store.IAMUser, loginProfileUser(sc, in.UserName))
	if err != nil {
		return nil, err
	}
	lp, err := s.loginProfileOf(ctx, sc, u)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetLoginProfileResponse{LoginProfile: &iamapi.LoginProfile{UserName: u.Name, CreateDate: lp.Created,
		PasswordResetRequired: opt.Ptr(lp.ResetRequired)}}, nil
}

// updateLoginProfile changes a user's login profile through fn in one
// transaction.
func (s *Service) updateLoginProfile(ctx context.Context, userName string, fn func(ctx context.Context, sc scope, lp *loginProfile) error) error {
	return s.inEntityTx(ctx, store.IAMUser, userName, func(ctx context.Context, sc scope, u *store.IAMEntity) error {
		_, err := loginProfiles.Put(ctx, s.st, sc.account, u.ID, func(cur *loginProfile) (*loginProfile, error) {
			if cur == nil {
				return nil, noLoginProfile(u.Name)
			}
			return cur, fn(ctx, sc, cur)
		})
		return err
	})
}

func (s *Service) UpdateLoginProfile(ctx context.Context, in *iamapi.UpdateLoginProfileRequest) error {
	return s.updateLoginProfile(ctx, in.UserName, func(ctx context.Context, sc scope, lp *loginProfile) error {
		if in.PasswordResetRequired != nil {
			lp.ResetRequired = *in.PasswordResetRequired
		}
		if in.Password == nil {
			return nil
		}
		return s.setPassword(ctx, sc, lp, *in.Password)
	})
}

func (s *Service) DeleteLoginProfile(ctx context.Context, in *iamapi.DeleteLoginProfileRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.inEntityTx(ctx, store.IAMUser, loginProfileUser(sc, in.UserName), func(ctx context.Context, sc scope, u *store.IAMEntity) error {
		ok, err := loginProfiles.Remove(ctx, s.st, sc.account, u.ID)
		if err == nil && !ok {
			return noLoginProfile(u.Name)
		}
		return err
	})
}

// ChangePassword changes the calling IAM user's own password, once the
// old one is verified; it clears a required reset.
func (s *Service) ChangePassword(ctx context.Context, in *iamapi.ChangePasswordRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	name := sc.callerUserName()
	if sc.caller.Root || name == "" {
		return iamapi.NewInvalidUserTypeException("Only IAM users can change their own password.")
	}
	return s.updateLoginProfile(ctx, name, func(ctx context.Context, sc scope, lp *loginProfile) error {
		if ok, _ := passhash.Verify(lp.Hash, in.OldPassword); !ok {
			return iamapi.NewInvalidUserTypeException("The old password is incorrect.")
		}
		lp.ResetRequired = false
		return s.setPassword(ctx, sc, lp, in.NewPassword)
	})
}

// checkNoLoginProfile refuses to delete a user who still has a console
// password, as IAM does.
func (s *Service) checkNoLoginProfile(ctx context.Context, sc scope, u *store.IAMEntity) error {
	_, ok, err := loginProfiles.Get(ctx, s.st, sc.account, u.ID)
	if err == nil && ok {
		return iamapi.NewDeleteConflictException("Cannot delete entity, must delete login profile first.")
	}
	return err
}
