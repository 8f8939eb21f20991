package workmail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mailgate/mailgate/internal/store"
)

// records is the typed view of one kind of organization record
// (store.OrgRecord): access control rules, mobile device rules and
// overrides, mailbox permissions, delegates, settings. Each kind declares
// its record type T and quota once, and its operations read and write Ts:
//
//	var accessRules = records[accessRule]{kind: store.RecordAccessControlRule, max: 20}
//
// A kind's key is chosen by its operations: a name for upserts by name,
// "<mailbox>/<grantee>" for grants, so that a prefix finds all of one
// mailbox's.
type records[T any] struct {
	kind string
	// max bounds the records of the kind per organization (0: none);
	// beyond it Put answers limitErr.
	max      int
	limitErr func() error
}

// put writes the record under key: fn sees the current one (nil when
// there is none) and returns the one to write, nil to write nothing.
func (r records[T]) put(ctx context.Context, st store.Store, orgID, key string, fn func(cur *T) (*T, error)) (*T, error) {
	var out *T
	_, err := st.PutOrgRecord(ctx, orgID, r.kind, key, r.max, func(cur *store.OrgRecord) ([]byte, error) {
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

// get returns the record under key; ok is false when there is none.
func (r records[T]) get(ctx context.Context, st store.Store, orgID, key string) (*T, bool, error) {
	rec, err := st.GetOrgRecord(ctx, orgID, r.kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t, err := r.decode(rec)
	return t, err == nil, err
}

// all returns every record under prefix, in key order.
func (r records[T]) all(ctx context.Context, st store.Store, orgID, prefix string) ([]T, error) {
	var out []T
	p := store.Page{Limit: 500}
	for {
		page, err := st.ListOrgRecords(ctx, orgID, r.kind, prefix, p)
		if err != nil {
			return nil, err
		}
		for i := range page {
			t, err := r.decode(&page[i])
			if err != nil {
				return nil, err
			}
			out = append(out, *t)
		}
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = page[len(page)-1].Key
	}
}

// page returns one page of the records under prefix, for List operations
// (s.startPage and finishPage around it make NextToken), with each
// record's key.
func (r records[T]) page(ctx context.Context, st store.Store, orgID, prefix string, p store.Page) ([]keyed[T], error) {
	recs, err := st.ListOrgRecords(ctx, orgID, r.kind, prefix, p)
	if err != nil {
		return nil, err
	}
	out := make([]keyed[T], 0, len(recs))
	for i := range recs {
		t, err := r.decode(&recs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, keyed[T]{Key: recs[i].Key, Value: *t})
	}
	return out, nil
}

// keyed is a record with its key.
type keyed[T any] struct {
	Key   string
	Value T
}

// remove deletes the record under key; ok is false when there was none.
func (r records[T]) remove(ctx context.Context, st store.Store, orgID, key string) (bool, error) {
	err := st.DeleteOrgRecord(ctx, orgID, r.kind, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// removeAll deletes every record under prefix.
func (r records[T]) removeAll(ctx context.Context, st store.Store, orgID, prefix string) error {
	_, err := st.DeleteOrgRecords(ctx, orgID, r.kind, prefix)
	return err
}

func (r records[T]) decode(rec *store.OrgRecord) (*T, error) {
	t := new(T)
	if err := json.Unmarshal(rec.Doc, t); err != nil {
		return nil, fmt.Errorf("%s %s of %s: %w", r.kind, rec.Key, rec.OrgID, err)
	}
	return t, nil
}
