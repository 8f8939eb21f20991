// Package records is the typed view of the store's scoped JSON records
// (store.Record): a service declares each kind once, with its Go type,
// scope and quota, and its operations read and write values of that type.
//
//	var accessRules = records.Of[accessRule](records.Org, store.RecordAccessControlRule)
//	var oidcProviders = records.Of[oidcProvider](records.Account, store.RecordOpenIDConnectProvider).Max(100, quotaErr)
//
// A kind's key is chosen by its operations: a name for upserts by name,
// "<mailbox>/<grantee>" for grants, so that a prefix finds all of one
// mailbox's.
package records

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mailgate/mailgate/internal/store"
)

// Table is one scope's records, as the store serves them.
type Table interface {
	Put(ctx context.Context, scope, kind, key string, maxPerKind int, fn func(cur *store.Record) ([]byte, error)) (*store.Record, error)
	Get(ctx context.Context, scope, kind, key string) (*store.Record, error)
	List(ctx context.Context, scope, kind, prefix string, p store.Page) ([]store.Record, error)
	Delete(ctx context.Context, scope, kind, key string) error
	DeleteAll(ctx context.Context, scope, kind, prefix string) (int, error)
}

// Scope picks a store's table of records.
type Scope func(st store.Store) Table

// Org is the scope of organization records: the scope ID is an
// organization ID, which must be live for a write.
func Org(st store.Store) Table { return orgTable{st} }

// Account is the scope of account records: the scope ID is an account ID.
func Account(st store.Store) Table { return accountTable{st} }

// Kind is one kind of record, whose values are Ts.
type Kind[T any] struct {
	scope Scope
	kind  string
	// max bounds the records of the kind per scope (0: none); beyond it
	// Put answers limitErr.
	max      int
	limitErr func() error
}

// Of declares a kind of records of type T in scope.
func Of[T any](scope Scope, kind string) Kind[T] {
	return Kind[T]{scope: scope, kind: kind}
}

// Max bounds the kind to n records per scope; a Put beyond it answers
// err() (store.ErrLimitExceeded when err is nil).
func (r Kind[T]) Max(n int, err func() error) Kind[T] {
	r.max, r.limitErr = n, err
	return r
}

// Put writes the record under key: fn sees the current one (nil when
// there is none) and returns the one to write, nil to write nothing. It
// returns the record as it stands afterwards.
func (r Kind[T]) Put(ctx context.Context, st store.Store, scope, key string, fn func(cur *T) (*T, error)) (*T, error) {
	var out *T
	_, err := r.scope(st).Put(ctx, scope, r.kind, key, r.max, func(cur *store.Record) ([]byte, error) {
		var old *T
		if cur != nil {
			t, err := r.decode(cur)
			if err != nil {
				return nil, err
			}
			old = t
		}
		next, err := fn(old)
		if err != nil || next == nil {
			out = old
			return nil, err
		}
		out = next
		return json.Marshal(next)
	})
	if errors.Is(err, store.ErrLimitExceeded) && r.limitErr != nil {
		return nil, r.limitErr()
	}
	return out, err
}

// Get returns the record under key; ok is false when there is none.
func (r Kind[T]) Get(ctx context.Context, st store.Store, scope, key string) (*T, bool, error) {
	rec, err := r.scope(st).Get(ctx, scope, r.kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t, err := r.decode(rec)
	return t, err == nil, err
}

// All returns every record under prefix, in key order.
func (r Kind[T]) All(ctx context.Context, st store.Store, scope, prefix string) ([]T, error) {
	var out []T
	p := store.Page{Limit: 500}
	for {
		page, err := r.Page(ctx, st, scope, prefix, p)
		if err != nil {
			return nil, err
		}
		for _, k := range page {
			out = append(out, k.Value)
		}
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = page[len(page)-1].Key
	}
}

// Page returns one page of the records under prefix, with each record's
// key, for List operations.
func (r Kind[T]) Page(ctx context.Context, st store.Store, scope, prefix string, p store.Page) ([]Keyed[T], error) {
	recs, err := r.scope(st).List(ctx, scope, r.kind, prefix, p)
	if err != nil {
		return nil, err
	}
	out := make([]Keyed[T], 0, len(recs))
	for i := range recs {
		t, err := r.decode(&recs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, Keyed[T]{Key: recs[i].Key, Value: *t})
	}
	return out, nil
}

// Keyed is a record with its key.
type Keyed[T any] struct {
	Key   string
	Value T
}

// Remove deletes the record under key; ok is false when there was none.
func (r Kind[T]) Remove(ctx context.Context, st store.Store, scope, key string) (bool, error) {
	err := r.scope(st).Delete(ctx, scope, r.kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// RemoveAll deletes every record under prefix.
func (r Kind[T]) RemoveAll(ctx context.Context, st store.Store, scope, prefix string) error {
	_, err := r.scope(st).DeleteAll(ctx, scope, r.kind, prefix)
	return err
}

func (r Kind[T]) decode(rec *store.Record) (*T, error) {
	t := new(T)
	if err := json.Unmarshal(rec.Doc, t); err != nil {
		return nil, fmt.Errorf("%s %s of %s: %w", r.kind, rec.Key, rec.Scope, err)
	}
	return t, nil
}

type orgTable struct{ st store.Store }

func (t orgTable) Put(ctx context.Context, scope, kind, key string, max int, fn func(*store.Record) ([]byte, error)) (*store.Record, error) {
	return t.st.PutOrgRecord(ctx, scope, kind, key, max, fn)
}
func (t orgTable) Get(ctx context.Context, scope, kind, key string) (*store.Record, error) {
	return t.st.GetOrgRecord(ctx, scope, kind, key)
}
func (t orgTable) List(ctx context.Context, scope, kind, prefix string, p store.Page) ([]store.Record, error) {
	return t.st.ListOrgRecords(ctx, scope, kind, prefix, p)
}
func (t orgTable) Delete(ctx context.Context, scope, kind, key string) error {
	return t.st.DeleteOrgRecord(ctx, scope, kind, key)
}
func (t orgTable) DeleteAll(ctx context.Context, scope, kind, prefix string) (int, error) {
	return t.st.DeleteOrgRecords(ctx, scope, kind, prefix)
}

type accountTable struct{ st store.Store }

func (t accountTable) Put(ctx context.Context, scope, kind, key string, max int, fn func(*store.Record) ([]byte, error)) (*store.Record, error) {
	return t.st.PutAccountRecord(ctx, scope, kind, key, max, fn)
}
func (t accountTable) Get(ctx context.Context, scope, kind, key string) (*store.Record, error) {
	return t.st.GetAccountRecord(ctx, scope, kind, key)
}
func (t accountTable) List(ctx context.Context, scope, kind, prefix string, p store.Page) ([]store.Record, error) {
	return t.st.ListAccountRecords(ctx, scope, kind, prefix, p)
}
func (t accountTable) Delete(ctx context.Context, scope, kind, key string) error {
	return t.st.DeleteAccountRecord(ctx, scope, kind, key)
}
func (t accountTable) DeleteAll(ctx context.Context, scope, kind, prefix string) (int, error) {
	return t.st.DeleteAccountRecords(ctx, scope, kind, prefix)
}
