package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
)

// The store seals secrets for the services' records under its master
// key, bound to their owner.
func TestSealSecret(t *testing.T) {
	db, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: filepath.Join(t.TempDir(), "mailgate.db"), Box: testBox(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sl store.Sealer = db
	sealed := sl.SealSecret("private key", "ASCAEXAMPLE")
	if sealed == "private key" {
		t.Fatal("not sealed")
	}
	if got, err := sl.OpenSecret(sealed, "ASCAEXAMPLE"); err != nil || got != "private key" {
		t.Fatalf("opened %q, %v", got, err)
	}
	if _, err := sl.OpenSecret(sealed, "ASCAOTHER"); err == nil {
		t.Fatal("opened for another owner")
	}
}
