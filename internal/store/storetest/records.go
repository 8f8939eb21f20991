package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/store"
)

func testOrgRecords(t *testing.T, s store.Store) {
	acct := newAccountID()
	testRecords(t, records.Org(s), func(t *testing.T) string { return mkOrg(t, s, acct).ID })
	t.Run("method=Put/case=unknown organization", func(t *testing.T) {
		_, err := s.PutOrgRecord(context.Background(), newOrgID(), store.RecordMailboxPermission, "k", 0,
			func(*store.Record) ([]byte, error) { return []byte(`{}`), nil })
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown organization: %v", err)
		}
	})
}

func testAccountRecords(t *testing.T, s store.Store) {
	testRecords(t, records.Account(s), func(*testing.T) string { return newAccountID() })
}

// testRecords proves one table of scoped records; newScope makes a fresh
// scope to write in.
func testRecords(t *testing.T, tbl records.Table, newScope func(*testing.T) string) {
	ctx := context.Background()
	const kind = store.RecordMailboxPermission
	put := func(orgID, key, doc string, max int) (*store.Record, error) {
		return tbl.Put(ctx, orgID, kind, key, max, func(*store.Record) ([]byte, error) { return []byte(doc), nil })
	}

	t.Run("method=Put/case=insert then update keeps the creation time", func(t *testing.T) {
		o := newScope(t)
		a, err := put(o, "m1/u1", `{"p":["FULL_ACCESS"]}`, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := tbl.Put(ctx, o, kind, "m1/u1", 0, func(cur *store.Record) ([]byte, error) {
			if cur == nil || string(cur.Doc) != `{"p":["FULL_ACCESS"]}` {
				t.Fatalf("updater saw %+v", cur)
			}
			return []byte(`{"p":["SEND_AS"]}`), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !b.CreatedAt.Equal(a.CreatedAt) || string(b.Doc) != `{"p":["SEND_AS"]}` {
			t.Fatalf("update: %+v after %+v", b, a)
		}
		got, err := tbl.Get(ctx, o, kind, "m1/u1")
		if err != nil || string(got.Doc) != `{"p":["SEND_AS"]}` {
			t.Fatalf("get: %+v, %v", got, err)
		}
	})
	t.Run("method=Put/case=quota per kind counts new records only", func(t *testing.T) {
		o := newScope(t)
		for i := 0; i < 2; i++ {
			if _, err := put(o, fmt.Sprint("k", i), `{}`, 2); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := put(o, "k2", `{}`, 2); !errors.Is(err, store.ErrLimitExceeded) {
			t.Fatalf("third record: %v", err)
		}
		if _, err := put(o, "k1", `{"again":true}`, 2); err != nil {
			t.Fatalf("update at the quota: %v", err)
		}
		if _, err := tbl.Put(ctx, o, store.RecordAccessControlRule, "k2", 2, func(*store.Record) ([]byte, error) { return []byte(`{}`), nil }); err != nil {
			t.Fatalf("another kind has its own quota: %v", err)
		}
	})
	t.Run("method=Put/case=nil document writes nothing, an error rolls back", func(t *testing.T) {
		o := newScope(t)
		if _, err := tbl.Put(ctx, o, kind, "x", 0, func(*store.Record) ([]byte, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if _, err := tbl.Put(ctx, o, kind, "y", 0, func(*store.Record) ([]byte, error) { return []byte(`{}`), boom }); !errors.Is(err, boom) {
			t.Fatalf("updater error: %v", err)
		}
		for _, k := range []string{"x", "y"} {
			if _, err := tbl.Get(ctx, o, kind, k); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: %v", k, err)
			}
		}
	})
	t.Run("method=List/case=prefix and pages in key order", func(t *testing.T) {
		o := newScope(t)
		for _, k := range []string{"m2/b", "m1/c", "m1/a", "m10/z", "m1/b"} {
			if _, err := put(o, k, `{}`, 0); err != nil {
				t.Fatal(err)
			}
		}
		var keys []string
		after := ""
		for {
			page, err := tbl.List(ctx, o, kind, "m1/", store.Page{After: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				keys = append(keys, r.Key)
			}
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].Key
		}
		if fmt.Sprint(keys) != "[m1/a m1/b m1/c]" {
			t.Fatalf("keys under m1/: %v", keys)
		}
	})
	t.Run("method=Delete/case=one, then a prefix", func(t *testing.T) {
		o := newScope(t)
		for _, k := range []string{"m1/a", "m1/b", "m2/a"} {
			if _, err := put(o, k, `{}`, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := tbl.Delete(ctx, o, kind, "m1/a"); err != nil {
			t.Fatal(err)
		}
		if err := tbl.Delete(ctx, o, kind, "m1/a"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if n, err := tbl.DeleteAll(ctx, o, kind, "m1/"); err != nil || n != 1 {
			t.Fatalf("prefix delete: %d, %v", n, err)
		}
		if rest, err := tbl.List(ctx, o, kind, "", store.Page{}); err != nil || len(rest) != 1 || rest[0].Key != "m2/a" {
			t.Fatalf("left: %+v, %v", rest, err)
		}
	})
	t.Run("method=Put/case=concurrent writers to one key serialize", func(t *testing.T) {
		o := newScope(t)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := tbl.Put(ctx, o, kind, "n", 0, func(cur *store.Record) ([]byte, error) {
					n := 0
					if cur != nil {
						fmt.Sscan(string(cur.Doc), &n)
					}
					return []byte(fmt.Sprint(n + 1)), nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, err := tbl.Get(ctx, o, kind, "n")
		if err != nil || string(got.Doc) != "8" {
			t.Fatalf("after 8 increments: %+v, %v", got, err)
		}
	})
}
