package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// testTx: InTx makes the writes of several domains one transaction.
func testTx(t *testing.T, s store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	// write makes an account, its root key and an organization in ctx.
	write := func(ctx context.Context, acct string) error {
		if err := s.CreateAccount(ctx, store.Account{ID: acct, CreatedAt: time.Now()}); err != nil {
			return err
		}
		if err := s.PutAccessKey(ctx, store.AccessKey{AccessKeyID: "AKIA" + acct, SecretAccessKey: "s", AccountID: acct, Status: "Active", CreatedAt: time.Now()}); err != nil {
			return err
		}
		_, _, err := s.CreateOrganization(ctx, store.Organization{ID: "m-" + acct, AccountID: acct, Region: testRegion, Alias: "tx" + randHex(6), CreatedAt: time.Now()}, nil, 0)
		return err
	}
	// present counts which of those three ctx sees.
	present := func(t *testing.T, ctx context.Context, acct string) int {
		t.Helper()
		n := 0
		_, e1 := s.GetAccount(ctx, acct)
		_, e2 := s.GetAccessKey(ctx, "AKIA"+acct)
		_, e3 := s.GetOrganization(ctx, "m-"+acct)
		for _, err := range []error{e1, e2, e3} {
			switch {
			case err == nil:
				n++
			case !errors.Is(err, store.ErrNotFound):
				t.Fatal(err)
			}
		}
		return n
	}

	t.Run("method=InTx/case=commits-every-domain", func(t *testing.T) {
		acct := newAccountID()
		if err := s.InTx(ctx, func(ctx context.Context) error { return write(ctx, acct) }); err != nil {
			t.Fatal(err)
		}
		if n := present(t, ctx, acct); n != 3 {
			t.Fatalf("%d of 3 writes committed", n)
		}
	})
	t.Run("method=InTx/case=error-rolls-back-every-domain", func(t *testing.T) {
		acct := newAccountID()
		err := s.InTx(ctx, func(ctx context.Context) error {
			if err := write(ctx, acct); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want fn's error", err)
		}
		if n := present(t, ctx, acct); n != 0 {
			t.Fatalf("%d of 3 writes survived the rollback", n)
		}
	})
	t.Run("method=InTx/case=nested-joins-the-outer-transaction", func(t *testing.T) {
		acct := newAccountID()
		err := s.InTx(ctx, func(ctx context.Context) error {
			if err := s.InTx(ctx, func(ctx context.Context) error { return write(ctx, acct) }); err != nil {
				return err
			}
			if n := present(t, ctx, acct); n != 3 {
				t.Errorf("the transaction sees %d of its 3 writes", n)
			}
			if n := present(t, context.Background(), acct); n != 0 {
				t.Errorf("the inner InTx committed %d writes on its own", n)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want fn's error", err)
		}
		if n := present(t, ctx, acct); n != 0 {
			t.Fatalf("%d of 3 writes of the inner InTx survived the outer rollback", n)
		}
	})
}
