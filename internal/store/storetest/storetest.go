// Package storetest is the conformance suite every store backend passes.
// A backend's test calls Run with a constructor for a fresh, empty store.
// Tests use random identifiers so that suites can share one database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// NewStore returns an empty store; the suite closes it.
type NewStore func(t *testing.T) store.Store

// Run runs every conformance test: one subtest a domain of the store
// (one file each here), each on a fresh store, with subtests named
// method=<store method>/case=<what it shows>.
func Run(t *testing.T, newStore NewStore) {
	for _, d := range []struct {
		name string
		test func(*testing.T, store.Store)
	}{
		{"accounts", testAccounts},
		{"directory", testDirectory},
		{"iam", testIAM},
		{"impersonation", testImpersonation},
		{"sts", testSTS},
		{"authz", testAuthz},
		{"identityprovider", testIdentityProvider},
		{"tx", testTx},
		{"orgrecords", testOrgRecords},
		{"accountrecords", testAccountRecords},
		{"audit", testAudit},
	} {
		t.Run("domain="+d.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			d.test(t, s)
		})
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

const testRegion = "us-east-1"

func newAccountID() string { return "8" + randHex(6)[:11] }

func newOrgID() string { return "m-" + randHex(16) }

func newEntityID() string {
	h := randHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// mkOrg creates an active organization with its test domain and extra
// domains.
func mkOrg(t *testing.T, s store.Store, acct string, extra ...string) *store.Organization {
	t.Helper()
	alias := "org" + randHex(6)
	test := alias + ".awsapps.com"
	o := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: alias, State: store.OrganizationActive,
		DirectoryType: "WorkMailDirectory", DefaultMailDomain: test, CreatedAt: time.Now(), CompletedAt: time.Now()}
	domains := []store.MailDomain{{Name: test, IsTest: true, OwnershipStatus: "VERIFIED", DkimStatus: "VERIFIED"}}
	for _, d := range extra {
		domains = append(domains, store.MailDomain{Name: d, OwnershipStatus: "VERIFIED", DkimStatus: "VERIFIED"})
	}
	got, replayed, err := s.CreateOrganization(context.Background(), o, domains, 0)
	if err != nil || replayed {
		t.Fatalf("CreateOrganization: %v (replayed %v)", err, replayed)
	}
	return got
}

func mkEntity(t *testing.T, s store.Store, orgID, typ, name string) *store.Entity {
	t.Helper()
	e := store.Entity{OrgID: orgID, ID: newEntityID(), Type: typ, Name: name, State: store.EntityDisabled, Role: "USER", CreatedAt: time.Now()}
	if err := s.CreateEntity(context.Background(), e); err != nil {
		t.Fatalf("CreateEntity %s: %v", name, err)
	}
	return &e
}

// enable registers an entity with an address.
func enable(t *testing.T, s store.Store, orgID, id, email string) *store.Entity {
	t.Helper()
	e, err := s.UpdateEntity(context.Background(), orgID, id, func(e *store.Entity) error {
		e.State, e.Email, e.EnabledAt = store.EntityEnabled, email, time.Now()
		return nil
	})
	if err != nil {
		t.Fatalf("enable %s with %s: %v", id, email, err)
	}
	return e
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("want %v, got %v", target, err)
	}
}

func wantConflict(t *testing.T, err error, key string) {
	t.Helper()
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Key != key || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("want conflict on %s, got %v", key, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pageAll walks a keyset listing from the start, limit entries a page,
// until a short page: list returns the page for p, key is the key the
// next page starts after, name what the test compares. No page may be
// longer than limit, and the walk must end.
func pageAll[E any](t *testing.T, limit int, list func(p store.Page) ([]E, error), key, name func(E) string) []string {
	t.Helper()
	var names []string
	p := store.Page{Limit: limit}
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		page, err := list(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > limit {
			t.Fatalf("page of %d, limit %d", len(page), limit)
		}
		for _, e := range page {
			names = append(names, name(e))
		}
		if len(page) < limit {
			return names
		}
		p.After = key(page[len(page)-1])
	}
}
