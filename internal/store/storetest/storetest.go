// Package storetest is the conformance suite every store backend passes.
// A backend's test calls Run with a constructor for a fresh, empty store.
// Tests use random identifiers so that suites can share one database.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/mailgate/mailgate/internal/store"
)

// NewStore returns an empty store; the suite closes it.
type NewStore func(t *testing.T) store.Store

// Run runs every conformance test.
func Run(t *testing.T, newStore NewStore) {
	t.Run("domain=accounts", func(t *testing.T) { testAccounts(t, newStore(t)) })
	t.Run("domain=directory", func(t *testing.T) { testDirectory(t, newStore(t)) })
	t.Run("domain=iam", func(t *testing.T) { testIAM(t, newStore(t)) })
	t.Run("domain=impersonation", func(t *testing.T) { testImpersonation(t, newStore(t)) })
	t.Run("domain=sts", func(t *testing.T) { testSTS(t, newStore(t)) })
	t.Run("domain=authz", func(t *testing.T) { testAuthz(t, newStore(t)) })
	t.Run("domain=authz/generation", func(t *testing.T) { testAuthzGeneration(t, newStore(t)) })
	t.Run("domain=identityprovider", func(t *testing.T) { testIdentityProvider(t, newStore(t)) })
	t.Run("domain=orgrecords", func(t *testing.T) { testOrgRecords(t, newStore(t)) })
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
