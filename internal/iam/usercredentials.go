package iam

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// A user's credentials other than access keys (SSH public keys, signing
// certificates, service-specific credentials) are account records keyed
// "<user ID>/<id>", so that a prefix finds all of one user's and a rename
// carries them along; the account root's signing certificates are under
// "/<id>". Responses name the user as it is named now.

// userCredentials is one kind of such credentials.
type userCredentials[T any] struct {
	kind records.Kind[T]
	// quota is the most a user may have, named as IAM names it in
	// LimitExceeded ("SSHPublicKeysPerUser").
	max   int
	quota string
	// notFound is the NoSuchEntity error for an ID.
	notFound func(id string) error
	// usersOnly: the account root has none.
	usersOnly bool
}

// owner is the user a credential belongs to; both empty for the root.
type owner struct{ id, name string }

func credKey(o owner, id string) string { return o.id + "/" + id }

// all lists a user's credentials, in ID order.
func (u userCredentials[T]) all(ctx context.Context, s *Service, sc scope, o owner) ([]T, error) {
	return u.kind.All(ctx, s.st, sc.account, o.id+"/")
}

// add writes a new credential of user in one transaction with the check
// of the user's quota; check refuses one that clashes with one of the
// user's (a duplicate).
func (u userCredentials[T]) add(ctx context.Context, s *Service, sc scope, o owner, id string, v *T, check func(have []T) error) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		have, err := u.all(ctx, s, sc, o)
		if err != nil {
			return err
		}
		if len(have) >= u.max {
			return iamapi.NewLimitExceededException("Cannot exceed quota for %s: %d", u.quota, u.max)
		}
		if check != nil {
			if err := check(have); err != nil {
				return err
			}
		}
		_, err = u.kind.Put(ctx, s.st, sc.account, credKey(o, id), func(*T) (*T, error) { return v, nil })
		return err
	})
}

// get loads one credential of user.
func (u userCredentials[T]) get(ctx context.Context, s *Service, sc scope, o owner, id string) (*T, error) {
	v, ok, err := u.kind.Get(ctx, s.st, sc.account, credKey(o, id))
	if err == nil && !ok {
		return nil, u.notFound(id)
	}
	return v, err
}

// change rewrites one credential of user through fn.
func (u userCredentials[T]) change(ctx context.Context, s *Service, sc scope, o owner, id string, fn func(*T) error) (*T, error) {
	return u.kind.Put(ctx, s.st, sc.account, credKey(o, id), func(cur *T) (*T, error) {
		if cur == nil {
			return nil, u.notFound(id)
		}
		return cur, fn(cur)
	})
}

// remove deletes one credential of user.
func (u userCredentials[T]) remove(ctx context.Context, s *Service, sc scope, o owner, id string) error {
	ok, err := u.kind.Remove(ctx, s.st, sc.account, credKey(o, id))
	if err == nil && !ok {
		return u.notFound(id)
	}
	return err
}

// checkStatus accepts the statuses a user may set on a credential.
func checkStatus(st iamapi.StatusType) error {
	if st != iamapi.StatusTypeActive && st != iamapi.StatusTypeInactive {
		return iamapi.NewInvalidInputException("Status must be Active or Inactive, got %s.", st)
	}
	return nil
}

// credentialOwner is the user a credential operation is about: the
// named user, which must exist, or else the caller: an IAM user, or the
// account root (whose credentials only signing certificates can be).
func (s *Service) credentialOwner(ctx context.Context, sc scope, name *string) (owner, error) {
	if name != nil && *name != "" {
		e, err := s.entity(ctx, sc, store.IAMUser, *name)
		if err != nil {
			return owner{}, err
		}
		return owner{e.ID, e.Name}, nil
	}
	switch {
	case sc.caller.Root:
		return owner{}, nil
	case sc.caller.Type == "User":
		return owner{sc.caller.EntityID, sc.caller.UserName}, nil
	}
	return owner{}, apiValidation("Must specify userName when calling with non-User credentials")
}

// namedUser is credentialOwner for a required user name.
func (s *Service) namedUser(ctx context.Context, sc scope, name string) (owner, error) {
	return s.credentialOwner(ctx, sc, &name)
}

// checkNoUserCredentials keeps a user with credentials from deletion, as
// IAM does (DeleteUser: they must be deleted first).
func (s *Service) checkNoUserCredentials(ctx context.Context, sc scope, e *store.IAMEntity) error {
	o := owner{e.ID, e.Name}
	for _, c := range []struct {
		what string
		has  func() (bool, error)
	}{
		{"signing certificates", func() (bool, error) { l, err := signingCerts.all(ctx, s, sc, o); return len(l) > 0, err }},
		{"SSH public keys", func() (bool, error) { l, err := sshKeys.all(ctx, s, sc, o); return len(l) > 0, err }},
		{"service specific credentials", func() (bool, error) { l, err := serviceCreds.all(ctx, s, sc, o); return len(l) > 0, err }},
		{"MFA devices", func() (bool, error) {
			l, err := s.userMFADevices(ctx, sc, mfaOwner{e.Name, e.ID})
			return len(l) > 0, err
		}},
	} {
		has, err := c.has()
		if err != nil {
			return err
		}
		if has {
			return iamapi.NewDeleteConflictException("Cannot delete entity, must delete %s first.", c.what)
		}
	}
	return nil
}

// owned starts an operation on one credential: the caller's scope and
// the credential's owner (named, or the caller).
func (u userCredentials[T]) owned(ctx context.Context, s *Service, name *string, id string) (scope, owner, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, owner{}, err
	}
	o, err := s.credentialOwner(ctx, sc, name)
	if err == nil && u.usersOnly && o.id == "" {
		err = u.notFound(id)
	}
	return sc, o, err
}

// setStatus is the Update operation of a kind: set writes the status.
func (u userCredentials[T]) setStatus(ctx context.Context, s *Service, name *string, id string, st iamapi.StatusType, set func(*T, string)) error {
	if err := checkStatus(st); err != nil {
		return err
	}
	sc, o, err := u.owned(ctx, s, name, id)
	if err != nil {
		return err
	}
	_, err = u.change(ctx, s, sc, o, id, func(v *T) error {
		set(v, string(st))
		return nil
	})
	return err
}

// delete is the Delete operation of a kind.
func (u userCredentials[T]) delete(ctx context.Context, s *Service, name *string, id string) error {
	sc, o, err := u.owned(ctx, s, name, id)
	if err != nil {
		return err
	}
	return u.remove(ctx, s, sc, o, id)
}

// list is the List operation of a kind: every credential of the named
// user (or the caller), as out renders it with the user's name, a page
// at a time.
func list[T, A any](ctx context.Context, s *Service, u userCredentials[T], name, marker *string, max *int32, out func(user string, v *T) A) ([]A, *bool, *string, error) {
	sc, o, err := u.owned(ctx, s, name, "")
	if err != nil {
		return nil, nil, nil, err
	}
	vs, err := u.all(ctx, s, sc, o)
	if err != nil {
		return nil, nil, nil, err
	}
	all := make([]A, 0, len(vs))
	for i := range vs {
		all = append(all, out(o.name, &vs[i]))
	}
	return paginate(all, marker, max)
}
