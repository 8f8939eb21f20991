package iam

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/records"
)

// A user's credentials other than access keys (SSH public keys, signing
// certificates, service-specific credentials) are account records keyed
// "<user>/<id>", so that a prefix finds all of one user's; the account
// root's signing certificates are under "/<id>" (no user name starts with
// a slash).

// userCredentials is one kind of such credentials.
type userCredentials[T any] struct {
	kind records.Kind[T]
	// quota is the most a user may have, named as IAM names it in
	// LimitExceeded ("SSHPublicKeysPerUser").
	max   int
	quota string
	// notFound is the NoSuchEntity error for an ID.
	notFound func(id string) error
}

func credKey(user, id string) string { return user + "/" + id }

// all lists a user's credentials, in ID order.
func (u userCredentials[T]) all(ctx context.Context, s *Service, sc scope, user string) ([]T, error) {
	return u.kind.All(ctx, s.st, sc.account, user+"/")
}

// add writes a new credential of user in one transaction with the check
// of the user's quota; check refuses one that clashes with one of the
// user's (a duplicate).
func (u userCredentials[T]) add(ctx context.Context, s *Service, sc scope, user, id string, v *T, check func(have []T) error) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		have, err := u.all(ctx, s, sc, user)
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
		_, err = u.kind.Put(ctx, s.st, sc.account, credKey(user, id), func(*T) (*T, error) { return v, nil })
		return err
	})
}

// get loads one credential of user.
func (u userCredentials[T]) get(ctx context.Context, s *Service, sc scope, user, id string) (*T, error) {
	v, ok, err := u.kind.Get(ctx, s.st, sc.account, credKey(user, id))
	if err == nil && !ok {
		return nil, u.notFound(id)
	}
	return v, err
}

// change rewrites one credential of user through fn.
func (u userCredentials[T]) change(ctx context.Context, s *Service, sc scope, user, id string, fn func(*T) error) (*T, error) {
	return u.kind.Put(ctx, s.st, sc.account, credKey(user, id), func(cur *T) (*T, error) {
		if cur == nil {
			return nil, u.notFound(id)
		}
		return cur, fn(cur)
	})
}

// remove deletes one credential of user.
func (u userCredentials[T]) remove(ctx context.Context, s *Service, sc scope, user, id string) error {
	ok, err := u.kind.Remove(ctx, s.st, sc.account, credKey(user, id))
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

// namedUser is the existing user name names, with its stored spelling.
func (s *Service) namedUser(ctx context.Context, sc scope, name string) (string, error) {
	return s.keyOwner(ctx, sc, &name)
}
