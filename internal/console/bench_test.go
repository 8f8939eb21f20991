package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/store"
)

// BenchmarkUsersPage renders the users page of an organization of
// 100,000 users, server-side, through the whole stack (session, access
// key, ListUsers through the operation frame and the policy engine, the
// template), as a browser asks for it: the first page, a search by name
// prefix, and a page deep in the directory. It reports the 95th
// percentile of the render time (p95-ms).
func BenchmarkUsersPage(b *testing.B) {
	e := newEnv(b)
	c := e.client(b)
	c.signIn(e.KeyID, e.Secret)
	org := c.createOrg("big")
	const users = 100_000
	seedUsers(b, e.Store, org, users)
	analyze(b)
	base := "/console/organizations/" + org + "/users"
	_, _, first := c.get(base)
	next := regexp.MustCompile(`href="[^"]*next=([^"&]+)`).FindStringSubmatch(first)
	if next == nil {
		b.Fatalf("no next page:\n%s", first)
	}
	deep := base + "?next=" + next[1]
	for _, tc := range []struct{ name, path string }{
		{"first", base},
		{"search", base + "?q=user0777"},
		{"next", deep},
	} {
		b.Run(tc.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				status, _, body := c.get(tc.path)
				times = append(times, time.Since(start))
				if status != http.StatusOK || len(body) < 1000 {
					b.Fatalf("%s: %d", tc.path, status)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// seedUsers writes n users straight into the store, in transactions of
// 5,000: creating them through the API would only time the password
// hashing.
func seedUsers(b *testing.B, st store.Store, org string, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < n; {
		err := st.InTx(ctx, func(ctx context.Context) error {
			for end := min(i+5000, n); i < end; i++ {
				name := fmt.Sprintf("user%06d", i)
				if err := st.CreateEntity(ctx, store.Entity{OrgID: org, ID: uuid.NewString(), Type: store.EntityUser, Name: name,
					State: store.EntityDisabled, DisplayName: "User " + name, Role: "USER", CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// analyze refreshes PostgreSQL's statistics after the bulk load, as its
// autovacuum would soon after: the plans measured are the ones a server
// that has been running uses.
func analyze(b *testing.B) {
	url := os.Getenv("MAILGATE_TEST_STORE")
	if !strings.HasPrefix(url, "postgres") {
		return
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ANALYZE workmail_entities`); err != nil {
		b.Fatal(err)
	}
}
