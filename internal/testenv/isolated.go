package testenv

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// IsolatedStoreURL returns a store of the test's own, for tests that wipe
// the whole store (the test mode's reset) and so must not share tables
// with other suites: "" (New then uses SQLite in a temporary directory),
// or, when MAILGATE_TEST_STORE names PostgreSQL, its URL with a fresh
// schema first on search_path, dropped when the test ends.
func IsolatedStoreURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("MAILGATE_TEST_STORE")
	if !strings.HasPrefix(base, "postgres") {
		return filepathTempStore(t)
	}
	return PostgresSchemaURL(t, base)
}

// PostgresSchemaURL returns base (a postgres:// URL) with a fresh schema
// first on search_path, dropped when the test ends.
func PostgresSchemaURL(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "mgtest_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func filepathTempStore(t testing.TB) string { return t.TempDir() + "/mailgate.db" }
