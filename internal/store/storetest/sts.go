package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testSTS(t *testing.T, s store.Store) {
	defer s.Close()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	sum := sha256.Sum256([]byte("token"))
	sess := store.STSSession{
		AccessKeyID: "ASIA" + randHex(8), SecretAccessKey: "secret/" + randHex(8), TokenSHA256: sum[:], AccountID: "9" + randHex(6)[:11],
		Kind: store.SessionAssumedRole, RoleID: "AROA" + randHex(8), RoleName: "r", RolePath: "/p/", SessionName: "s",
		SessionPolicies: []string{`{"Statement":[]}`}, Tags: []store.Tag{{Key: "k", Value: "v"}}, TransitiveTagKeys: []string{"k"},
		SourceIdentity: "me", Chained: true, IssuedAt: now, ExpiresAt: now.Add(time.Hour),
	}
	t.Run("method=PutSTSSession/case=roundtrip", func(t *testing.T) {
		if err := s.PutSTSSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSTSSession(ctx, sess); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("duplicate: %v", err)
		}
		got, err := s.GetSTSSession(ctx, sess.AccessKeyID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SecretAccessKey != sess.SecretAccessKey || !bytes.Equal(got.TokenSHA256, sum[:]) || got.RoleName != "r" || got.RolePath != "/p/" ||
			!got.Chained || got.SourceIdentity != "me" || len(got.Tags) != 1 || got.TransitiveTagKeys[0] != "k" || len(got.SessionPolicies) != 1 ||
			!got.IssuedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("session: %+v", got)
		}
		if _, err := s.GetSTSSession(ctx, "ASIANOTTHERE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}
	})
	t.Run("method=DeleteExpiredSTSSessions", func(t *testing.T) {
		if _, err := s.DeleteExpiredSTSSessions(ctx, now.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSTSSession(ctx, sess.AccessKeyID); err != nil {
			t.Fatalf("unexpired session deleted: %v", err)
		}
		if _, err := s.DeleteExpiredSTSSessions(ctx, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetSTSSession(ctx, sess.AccessKeyID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session kept: %v", err)
		}
	})
}

func testAuthz(t *testing.T, s store.Store) {
	defer s.Close()
	ctx := context.Background()
	acct := "8" + randHex(6)[:11]
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
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.AddIAMGroupMember(ctx, g.ID, u.ID))
	must(s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: u.ID, Name: "own", Document: "d-own"}))
	must(s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: g.ID, Name: "grp", Document: "d-grp"}))
	must(s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: other.ID, Name: "x", Document: "d-other"}))
	att, bnd := pol("att", "d-att"), pol("bnd", "d-bnd")
	must(s.AttachPolicy(ctx, acct, g, att.ID))
	_, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "u", func(e *store.IAMEntity) error { e.BoundaryPolicyID = bnd.ID; return nil })
	must(err)

	t.Run("method=PrincipalPolicyDocuments/case=user-groups-boundary", func(t *testing.T) {
		docs, boundary, found, err := s.PrincipalPolicyDocuments(ctx, u.ID)
		must(err)
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
}
