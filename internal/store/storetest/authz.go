package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testAuthz(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	now := time.Now().UTC()
	ent := func(kind, name string) store.IAMEntity {
		e := store.IAMEntity{AccountID: acct, Kind: kind, ID: "AIDA" + randHex(8), Name: name, Path: "/", CreatedAt: now}
		if err := s.CreateIAMEntity(ctx, e, nil); err != nil {
			t.Fatal(err)
		}
		return e
	}
	pol := func(name, doc string) store.ManagedPolicy {
		p := store.ManagedPolicy{AccountID: acct, ID: "ANPA" + randHex(8), Name: name, Path: "/p/", DefaultVersion: "v2", NextVersion: 3, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateManagedPolicy(ctx, p, store.PolicyVersion{PolicyID: p.ID, VersionID: "v1", Document: "old", CreatedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.PutPolicyVersion(ctx, store.PolicyVersion{PolicyID: p.ID, VersionID: "v2", Document: doc, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	u, g, other := ent(store.IAMUser, "u"), ent(store.IAMGroup, "g"), ent(store.IAMUser, "other")
	must(t, s.AddIAMGroupMember(ctx, g.ID, u.ID))
	must(t, s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: u.ID, Name: "own", Document: "d-own"}))
	must(t, s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: g.ID, Name: "grp", Document: "d-grp"}))
	must(t, s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: other.ID, Name: "x", Document: "d-other"}))
	att, bnd := pol("att", "d-att"), pol("bnd", "d-bnd")
	must(t, s.AttachPolicy(ctx, acct, g, att.ID))
	_, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "u", func(e *store.IAMEntity) error { e.BoundaryPolicyID = bnd.ID; return nil })
	must(t, err)

	t.Run("method=PrincipalPolicyDocuments/case=user-groups-boundary", func(t *testing.T) {
		docs, boundary, found, err := s.PrincipalPolicyDocuments(ctx, u.ID)
		must(t, err)
		var got []string
		for _, d := range docs {
			got = append(got, d.Use+":"+d.OwnerKind+":"+d.Name+":"+d.PolicyAccount+d.PolicyPath+":"+d.Document)
		}
		want := []string{"inline:group:grp::d-grp", "inline:user:own::d-own", "attached:group:att:" + acct + "/p/:d-att", "boundary:user:bnd:" + acct + "/p/:d-bnd"}
		if !found || boundary != bnd.ID || len(got) != len(want) {
			t.Fatalf("docs: %v %q %v", got, boundary, found)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("docs[%d]: %s, want %s", i, got[i], want[i])
			}
		}
	})
	t.Run("method=PrincipalPolicyDocuments/case=missing", func(t *testing.T) {
		if _, _, found, err := s.PrincipalPolicyDocuments(ctx, "AIDANOSUCHENTITY"); err != nil || found {
			t.Fatalf("missing entity: %v %v", found, err)
		}
	})
	testAuthzGeneration(t, s)
}

// testAuthzGeneration: every write that can change what a principal may
// do moves its account's authorization generation, in the write itself;
// reads and other writes leave it, and other accounts keep theirs. Each
// step is a subtest method=<the write>/case=<...>-moves-generation (or
// -keeps-generation); they run in order on one account.
func testAuthzGeneration(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	acct, other := newAccountID(), newAccountID()
	gen := func(t *testing.T, a string) int64 {
		t.Helper()
		n, err := s.AuthzGeneration(ctx, a)
		must(t, err)
		return n
	}
	t.Run("method=AuthzGeneration/case=untouched-account-at-0", func(t *testing.T) {
		if g := gen(t, acct); g != 0 {
			t.Fatalf("untouched account at generation %d", g)
		}
	})
	// step runs fn as the subtest method=<first word of name>/case=<the
	// rest>-moves-generation or -keeps-generation.
	step := func(name string, bumps bool, fn func(t *testing.T) error) {
		t.Helper()
		method, what, _ := strings.Cut(name, " ")
		if what == "" {
			what = "write"
		}
		what = strings.ReplaceAll(what, " ", "-")
		if bumps {
			what += "-moves-generation"
		} else {
			what += "-keeps-generation"
		}
		t.Run("method="+method+"/case="+what, func(t *testing.T) {
			before, beforeOther := gen(t, acct), gen(t, other)
			if err := fn(t); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			after := gen(t, acct)
			if bumps && after <= before {
				t.Errorf("%s: generation %d -> %d, want it to move", name, before, after)
			}
			if !bumps && after != before {
				t.Errorf("%s: generation %d -> %d, want it unchanged", name, before, after)
			}
			if o := gen(t, other); o != beforeOther {
				t.Errorf("%s: another account's generation moved %d -> %d", name, beforeOther, o)
			}
		})
	}
	ent := func(kind, prefix, name string) store.IAMEntity {
		return store.IAMEntity{AccountID: acct, Kind: kind, ID: prefix + randHex(8), Name: name, Path: "/", MaxSessionDuration: 3600, TrustPolicy: "{}", CreatedAt: now}
	}
	u, g, r := ent(store.IAMUser, "AIDA", "u"), ent(store.IAMGroup, "AGPA", "g"), ent(store.IAMRole, "AROA", "r")
	p := store.ManagedPolicy{AccountID: acct, ID: "ANPA" + randHex(8), Name: "p", Path: "/", DefaultVersion: "v1", NextVersion: 2, CreatedAt: now, UpdatedAt: now}
	bnd := store.ManagedPolicy{AccountID: acct, ID: "ANPA" + randHex(8), Name: "bnd", Path: "/", DefaultVersion: "v1", NextVersion: 2, CreatedAt: now, UpdatedAt: now}
	version := func(id, v string) store.PolicyVersion {
		return store.PolicyVersion{PolicyID: id, VersionID: v, Document: "doc-" + v, CreatedAt: now}
	}

	// Creations and tags change no one's permissions.
	step("CreateIAMEntity user", false, func(*testing.T) error { return s.CreateIAMEntity(ctx, u, []store.Tag{{Key: "k", Value: "v"}}) })
	step("CreateIAMEntity group", false, func(*testing.T) error { return s.CreateIAMEntity(ctx, g, nil) })
	step("CreateIAMEntity role", false, func(*testing.T) error { return s.CreateIAMEntity(ctx, r, nil) })
	step("CreateManagedPolicy", false, func(*testing.T) error { return s.CreateManagedPolicy(ctx, p, version(p.ID, "v1"), nil) })
	step("CreateManagedPolicy boundary", false, func(*testing.T) error { return s.CreateManagedPolicy(ctx, bnd, version(bnd.ID, "v1"), nil) })
	step("PutIAMTags", false, func(*testing.T) error { return s.PutIAMTags(ctx, u.ID, []store.Tag{{Key: "team", Value: "a"}}, 50) })
	step("DeleteIAMTags", false, func(*testing.T) error { return s.DeleteIAMTags(ctx, u.ID, []string{"team"}) })
	step("UpdateIAMEntity last use", false, func(*testing.T) error {
		_, err := s.UpdateIAMEntity(ctx, acct, store.IAMRole, "r", func(e *store.IAMEntity) error {
			e.LastUsedAt, e.LastUsedRegion, e.Description = now, "eu-west-1", "d"
			return nil
		})
		return err
	})

	// Writes that change what a principal may do.
	step("PutInlinePolicy user", true, func(*testing.T) error {
		return s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: u.ID, Name: "own", Document: "a"})
	})
	step("PutInlinePolicy replace", true, func(*testing.T) error {
		return s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: u.ID, Name: "OWN", Document: "b"})
	})
	step("PutInlinePolicy group", true, func(*testing.T) error {
		return s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: g.ID, Name: "grp", Document: "c"})
	})
	step("DeleteInlinePolicy", true, func(*testing.T) error { return s.DeleteInlinePolicy(ctx, g.ID, "grp") })
	step("AttachPolicy", true, func(*testing.T) error { return s.AttachPolicy(ctx, acct, r, p.ID) })
	step("AttachPolicy again", false, func(*testing.T) error { return s.AttachPolicy(ctx, acct, r, p.ID) })
	step("AddIAMGroupMember", true, func(*testing.T) error { return s.AddIAMGroupMember(ctx, g.ID, u.ID) })
	step("AddIAMGroupMember again", false, func(*testing.T) error { return s.AddIAMGroupMember(ctx, g.ID, u.ID) })
	step("PutPolicyVersion", true, func(*testing.T) error { return s.PutPolicyVersion(ctx, version(p.ID, "v2")) })
	step("UpdateManagedPolicy default version", true, func(*testing.T) error {
		_, err := s.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error { m.DefaultVersion, m.NextVersion = "v2", 3; return nil })
		return err
	})
	step("UpdateManagedPolicy same default", false, func(*testing.T) error {
		_, err := s.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error { m.UpdatedAt = now.Add(time.Second); return nil })
		return err
	})
	step("DeletePolicyVersion", true, func(*testing.T) error { return s.DeletePolicyVersion(ctx, p.ID, "v1") })
	step("UpdateIAMEntity boundary", true, func(*testing.T) error {
		_, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "u", func(e *store.IAMEntity) error { e.BoundaryPolicyID = bnd.ID; return nil })
		return err
	})
	step("PutPolicyVersion of a boundary", true, func(*testing.T) error { return s.PutPolicyVersion(ctx, version(bnd.ID, "v2")) })
	step("UpdateIAMEntity rename", true, func(*testing.T) error {
		_, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "u", func(e *store.IAMEntity) error { e.Name = "u2"; return nil })
		return err
	})
	step("UpdateIAMEntity path", true, func(*testing.T) error {
		_, err := s.UpdateIAMEntity(ctx, acct, store.IAMRole, "r", func(e *store.IAMEntity) error { e.Path = "/x/"; return nil })
		return err
	})
	step("UpdateIAMEntity trust policy", true, func(*testing.T) error {
		_, err := s.UpdateIAMEntity(ctx, acct, store.IAMRole, "r", func(e *store.IAMEntity) error { e.TrustPolicy = `{"x":1}`; return nil })
		return err
	})

	// Reads leave it, and return it with the principal.
	step("GetIAMPrincipal reads", false, func(t *testing.T) error {
		want := gen(t, acct)
		e, n, err := s.GetIAMPrincipal(ctx, acct, store.IAMUser, "U2")
		if err != nil || e.ID != u.ID || n != want {
			return fmt.Errorf("GetIAMPrincipal: %+v %d %v, want generation %d", e, n, err, want)
		}
		e, n, err = s.GetIAMPrincipalByID(ctx, r.ID)
		if err != nil || e.Name != "r" || e.Path != "/x/" || n != want {
			return fmt.Errorf("GetIAMPrincipalByID: %+v %d %v, want generation %d", e, n, err, want)
		}
		if _, _, err := s.GetIAMPrincipalByID(ctx, "AROANOSUCHENTITY"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("GetIAMPrincipalByID missing: %v", err)
		}
		if _, _, err := s.GetIAMPrincipal(ctx, acct, store.IAMRole, "nosuch"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("GetIAMPrincipal missing: %v", err)
		}
		if _, _, _, err := s.PrincipalPolicyDocuments(ctx, u.ID); err != nil {
			return err
		}
		if _, err := s.GetIAMEntity(ctx, acct, store.IAMUser, "u2"); err != nil {
			return err
		}
		_, err = s.ListAttachedPolicies(ctx, r.ID)
		return err
	})

	// A policy another account uses (as AWS-managed ones are) moves that
	// account's generation too.
	shared := store.ManagedPolicy{AccountID: store.AWSManagedAccount, ID: "ANPA" + randHex(8), Name: "Shared" + randHex(4), Path: "/", DefaultVersion: "v1", NextVersion: 2, CreatedAt: now, UpdatedAt: now}
	ou := store.IAMEntity{AccountID: other, Kind: store.IAMUser, ID: "AIDA" + randHex(8), Name: "ou", Path: "/", CreatedAt: now}
	must(t, s.CreateManagedPolicy(ctx, shared, version(shared.ID, "v1"), nil))
	must(t, s.CreateIAMEntity(ctx, ou, nil))
	must(t, s.AttachPolicy(ctx, other, ou, shared.ID))
	step("AttachPolicy AWS-managed", true, func(*testing.T) error { return s.AttachPolicy(ctx, acct, u, shared.ID) })
	t.Run("method=UpdateManagedPolicy/case=shared-default-version-moves-every-user-account", func(t *testing.T) {
		o := gen(t, other)
		must(t, s.PutPolicyVersion(ctx, version(shared.ID, "v2")))
		if _, err := s.UpdateManagedPolicy(ctx, shared.ID, func(m *store.ManagedPolicy) error { m.DefaultVersion = "v2"; return nil }); err != nil {
			t.Fatal(err)
		}
		if n := gen(t, other); n < o+2 {
			t.Errorf("a shared policy's new default version left the other account at %d (was %d)", n, o)
		}
		if n, err := s.AuthzGeneration(ctx, store.AWSManagedAccount); err != nil || n != 0 {
			t.Errorf("the AWS-managed account has generation %d %v", n, err)
		}
	})
	must(t, s.DetachPolicy(ctx, ou.ID, shared.ID))
	step("DetachPolicy AWS-managed", true, func(*testing.T) error { return s.DetachPolicy(ctx, u.ID, shared.ID) })
	must(t, s.DeleteManagedPolicy(ctx, shared.ID))

	// Removals.
	step("DetachPolicy", true, func(*testing.T) error { return s.DetachPolicy(ctx, r.ID, p.ID) })
	step("DetachPolicy missing", false, func(*testing.T) error {
		if err := s.DetachPolicy(ctx, r.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("want ErrNotFound, got %v", err)
		}
		return nil
	})
	step("RemoveIAMGroupMember", true, func(*testing.T) error { return s.RemoveIAMGroupMember(ctx, g.ID, u.ID) })
	step("DeleteManagedPolicy", true, func(*testing.T) error { return s.DeleteManagedPolicy(ctx, p.ID) })
	step("DeleteIAMEntity", true, func(*testing.T) error { return s.DeleteIAMEntity(ctx, acct, store.IAMRole, "r") })

	// In a transaction, the generation moves with the write and only if
	// it commits.
	step("InTx rolled back", false, func(*testing.T) error {
		err := s.InTx(ctx, func(ctx context.Context) error {
			if err := s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: u.ID, Name: "tx", Document: "d"}); err != nil {
				return err
			}
			return errors.New("abort")
		})
		if err == nil || err.Error() != "abort" {
			return fmt.Errorf("InTx: %v", err)
		}
		return nil
	})
}
