package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
	"github.com/mailgate/mailgate/internal/testenv"
)

// TestWipe: Wipe empties every table in one transaction, and a rolled-back
// wipe leaves everything in place. On PostgreSQL it runs in a schema of
// its own: a wipe takes the whole current schema.
func TestWipe(t *testing.T) {
	urls := map[string]string{"sqlite": filepath.Join(t.TempDir(), "mailgate.db")}
	if pg := os.Getenv("MAILGATE_TEST_POSTGRES"); pg != "" {
		urls["postgres"] = testenv.PostgresSchemaURL(t, pg)
	}
	for name, url := range urls {
		t.Run("store="+name, func(t *testing.T) {
			ctx := context.Background()
			open := func() *sqlstore.DB {
				db, err := sqlstore.Open(ctx, sqlstore.Config{URL: url, Box: testBox(t)})
				if err != nil {
					t.Fatal(err)
				}
				return db
			}
			db := open()
			defer func() { db.Close() }()
			now := time.Now().UTC()
			fill := func() {
				t.Helper()
				if err := db.CreateAccount(ctx, store.Account{ID: "123456789012", CreatedAt: now}); err != nil {
					t.Fatal(err)
				}
				if err := db.PutAccessKey(ctx, store.AccessKey{AccessKeyID: "AKIAWIPEWIPEWIPE0001", SecretAccessKey: "s", AccountID: "123456789012", UserName: "u", Status: "Active", CreatedAt: now}); err != nil {
					t.Fatal(err)
				}
				if err := db.CreateIAMEntity(ctx, store.IAMEntity{AccountID: "123456789012", Kind: store.IAMUser, ID: "AIDAWIPEWIPEWIPEWIPE1", Name: "u", Path: "/", CreatedAt: now}, []store.Tag{{Key: "k", Value: "v"}}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.PutSettingIfAbsent(ctx, "marker", "x"); err != nil {
					t.Fatal(err)
				}
			}
			present := func() bool {
				t.Helper()
				_, e1 := db.GetAccessKey(ctx, "AKIAWIPEWIPEWIPE0001")
				_, e2 := db.GetIAMEntity(ctx, "123456789012", store.IAMUser, "u")
				_, e3 := db.GetSetting(ctx, "marker")
				for _, err := range []error{e1, e2, e3} {
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						t.Fatal(err)
					}
				}
				if (e1 == nil) != (e2 == nil) || (e2 == nil) != (e3 == nil) {
					t.Fatalf("partly wiped: %v %v %v", e1, e2, e3)
				}
				return e1 == nil
			}
			fill()

			boom := errors.New("boom")
			err := db.InTx(ctx, func(ctx context.Context) error {
				if err := db.Wipe(ctx); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) || !present() {
				t.Fatalf("rolled-back wipe: %v, present %v", err, present())
			}

			if err := db.Wipe(ctx); err != nil {
				t.Fatal(err)
			}
			if present() {
				t.Fatal("wipe left state")
			}
			// The schema is intact: the same rows fit again, and a restart
			// finds its migrations applied.
			fill()
			db.Close()
			db = open()
			if !present() {
				t.Fatal("state lost on reopen")
			}
		})
	}
}
