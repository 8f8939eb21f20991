package identitystore

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// ref is an index record: the ID it points to.
type ref struct{ ID string }

var (
	userNames  = records.Of[ref](records.Account, store.RecordIdentityStoreUserName)
	groupNames = records.Of[ref](records.Account, store.RecordIdentityStoreGroupName)
)

// "Administrator and AWSAdministrators are reserved names and can't be
// used for users or groups." (Identity Store API reference, CreateUser)
func reserved(name string) bool {
	return strings.EqualFold(name, "Administrator") || strings.EqualFold(name, "AWSAdministrators")
}

// nameKey is a name's key in its index: names are unique without regard
// to case.
func nameKey(name string) string { return strings.ToLower(name) }

// claim records name as id's in the index, in the caller's transaction;
// ConflictException when another holds it.
func (s *Service) claim(ctx context.Context, index records.Kind[ref], d dir, attr, name, id string) error {
	_, err := index.Put(ctx, s.st, d.account, d.key(nameKey(name)), func(cur *ref) (*ref, error) {
		if cur != nil && cur.ID != id {
			return nil, identitystoreapi.NewConflictException("Duplicate %s: %s is already used in the identity store.", attr, name).
				WithReason(identitystoreapi.ConflictExceptionReasonUniquenessConstraintViolation)
		}
		return &ref{ID: id}, nil
	})
	return err
}

// release removes name from the index when id holds it.
func (s *Service) release(ctx context.Context, index records.Kind[ref], d dir, name, id string) error {
	cur, ok, err := index.Get(ctx, s.st, d.account, d.key(nameKey(name)))
	if err != nil || !ok || cur.ID != id {
		return err
	}
	_, err = index.Remove(ctx, s.st, d.account, d.key(nameKey(name)))
	return err
}

// lookup returns the ID that holds name in the index, "" when none.
func (s *Service) lookup(ctx context.Context, index records.Kind[ref], d dir, name string) (string, error) {
	cur, ok, err := index.Get(ctx, s.st, d.account, d.key(nameKey(name)))
	if err != nil || !ok {
		return "", err
	}
	return cur.ID, nil
}
