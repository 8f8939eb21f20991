package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailgate/mailgate/internal/secretbox"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
	"github.com/mailgate/mailgate/internal/store/storetest"
)

func testBox(t *testing.T) *secretbox.Box {
	b, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: filepath.Join(t.TempDir(), "mailgate.db"), Box: testBox(t)})
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

// TestPostgres runs the suite on PostgreSQL when MAILGATE_TEST_POSTGRES
// names a database URL (CI sets it).
func TestPostgres(t *testing.T) {
	url := os.Getenv("MAILGATE_TEST_POSTGRES")
	if url == "" {
		t.Skip("MAILGATE_TEST_POSTGRES not set")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: url, Box: testBox(t)})
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
