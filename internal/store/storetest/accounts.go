package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testAccounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()

	t.Run("method=CreateAccount/case=duplicate", func(t *testing.T) {
		if err := s.CreateAccount(ctx, store.Account{ID: acct, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, store.Account{ID: acct, CreatedAt: time.Now()}); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("want ErrAlreadyExists, got %v", err)
		}
		a, err := s.GetAccount(ctx, acct)
		if err != nil || a.ID != acct {
			t.Fatalf("GetAccount: %v %v", a, err)
		}
		if _, err := s.GetAccount(ctx, "000000000000x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
	})

	t.Run("method=ListAccounts/case=lists-the-new-one", func(t *testing.T) {
		all, err := s.ListAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range all {
			if a.ID == acct {
				n++
				if a.CreatedAt.IsZero() {
					t.Fatalf("account without its creation time: %+v", a)
				}
			}
		}
		if n != 1 {
			t.Fatalf("account %s listed %d times in %d", acct, n, len(all))
		}
	})

	t.Run("method=PutAccessKey/case=roundtrip-and-delete", func(t *testing.T) {
		id := "AKIA" + randHex(8)
		k := store.AccessKey{AccessKeyID: id, SecretAccessKey: "s3cr3t/" + randHex(8), AccountID: acct, Status: "Active", CreatedAt: time.Now()}
		if err := s.PutAccessKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccessKey(ctx, k); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("want ErrAlreadyExists, got %v", err)
		}
		got, err := s.GetAccessKey(ctx, id)
		if err != nil || got.SecretAccessKey != k.SecretAccessKey || got.AccountID != acct || got.Status != "Active" {
			t.Fatalf("GetAccessKey: %+v %v", got, err)
		}
		if err := s.DeleteAccessKey(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAccessKey(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.DeleteAccessKey(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})

	t.Run("method=GetSetting/case=after-put-if-absent", func(t *testing.T) {
		key := "k-" + randHex(4)
		if _, err := s.GetSetting(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing setting: %v", err)
		}
		if v, err := s.PutSettingIfAbsent(ctx, key, "first"); err != nil || v != "first" {
			t.Fatalf("first put: %q %v", v, err)
		}
		if v, err := s.PutSettingIfAbsent(ctx, key, "second"); err != nil || v != "first" {
			t.Fatalf("second put: %q %v, want the first value", v, err)
		}
		if v, err := s.GetSetting(ctx, key); err != nil || v != "first" {
			t.Fatalf("GetSetting: %q %v", v, err)
		}
	})

	t.Run("method=PutSettingIfAbsent/case=race", func(t *testing.T) {
		key := "k-" + randHex(4)
		var wg sync.WaitGroup
		got := make([]string, 8)
		for i := range got {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				v, err := s.PutSettingIfAbsent(ctx, key, randHex(4))
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			}(i)
		}
		wg.Wait()
		for _, v := range got[1:] {
			if v != got[0] {
				t.Fatalf("racing writers saw different winners: %v", got)
			}
		}
	})
}
