package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testImpersonation(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	o := mkOrg(t, s, acct)
	now := time.Now().UTC().Truncate(time.Microsecond)
	alice, bob := newEntityID(), newEntityID()

	role := func(id string, rules ...store.ImpersonationRule) store.ImpersonationRole {
		return store.ImpersonationRole{OrgID: o.ID, ID: id, Name: "role " + id, Type: "READ_ONLY", Description: "d",
			Rules: rules, RequestHash: "h-" + id, CreatedAt: now, UpdatedAt: now}
	}
	allowAlice := store.ImpersonationRule{ID: "r1", Name: "n1", Effect: "ALLOW", TargetUsers: []string{alice}}
	denyAllButBob := store.ImpersonationRule{ID: "r2", Description: "d2", Effect: "DENY", NotTargetUsers: []string{bob}}

	t.Run("method=CreateImpersonationRole/case=roundtrip", func(t *testing.T) {
		in := role("role-"+randHex(4), allowAlice, denyAllButBob)
		got, replayed, err := s.CreateImpersonationRole(ctx, in, 0)
		if err != nil || replayed || got.Version != 1 {
			t.Fatalf("create: %+v %v %v", got, replayed, err)
		}
		back, err := s.GetImpersonationRole(ctx, o.ID, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		in.Version = 1
		if !reflect.DeepEqual(*back, in) {
			t.Fatalf("roundtrip:\n got %+v\nwant %+v", *back, in)
		}
		if _, _, err := s.CreateImpersonationRole(ctx, in, 0); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("taken ID: %v", err)
		}
		_, err = s.GetImpersonationRole(ctx, o.ID, "nope-"+randHex(4))
		wantErr(t, err, store.ErrNotFound)
		_, err = s.GetImpersonationRole(ctx, newOrgID(), in.ID)
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=CreateImpersonationRole/case=client-token", func(t *testing.T) {
		tok := "ct-" + randHex(6)
		var wg sync.WaitGroup
		ids := make([]string, 6)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := role("role-"+randHex(4), allowAlice)
				in.ClientToken = tok
				got, _, err := s.CreateImpersonationRole(ctx, in, 0)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = got.ID
			}(i)
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("one client token made several roles: %v", ids)
			}
		}
		in := role("role-"+randHex(4), allowAlice)
		in.ClientToken = tok
		got, replayed, err := s.CreateImpersonationRole(ctx, in, 0)
		if err != nil || !replayed || got.ID != ids[0] || got.ClientToken != tok {
			t.Fatalf("replay: %+v %v %v", got, replayed, err)
		}
	})

	t.Run("method=CreateImpersonationRole/case=limit-and-organization", func(t *testing.T) {
		o2 := mkOrg(t, s, acct)
		for i := 0; i < 2; i++ {
			in := role("role-"+randHex(4), allowAlice)
			in.OrgID = o2.ID
			if _, _, err := s.CreateImpersonationRole(ctx, in, 2); err != nil {
				t.Fatal(err)
			}
		}
		in := role("role-"+randHex(4), allowAlice)
		in.OrgID = o2.ID
		_, _, err := s.CreateImpersonationRole(ctx, in, 2)
		wantErr(t, err, store.ErrLimitExceeded)
		in.OrgID = newOrgID()
		_, _, err = s.CreateImpersonationRole(ctx, in, 0)
		wantErr(t, err, store.ErrNotFound)
		o3 := mkOrg(t, s, acct)
		if _, err := s.DeleteOrganization(ctx, o3.ID, time.Now(), func(*store.Organization, int) error { return nil }); err != nil {
			t.Fatal(err)
		}
		in.OrgID = o3.ID
		_, _, err = s.CreateImpersonationRole(ctx, in, 0)
		wantErr(t, err, store.ErrOrganizationDeleted)
	})

	t.Run("method=ListImpersonationRoles/case=pages", func(t *testing.T) {
		o4 := mkOrg(t, s, acct)
		var want []string
		for i := 0; i < 5; i++ {
			in := role("role-"+randHex(4), allowAlice)
			in.OrgID = o4.ID
			if _, _, err := s.CreateImpersonationRole(ctx, in, 0); err != nil {
				t.Fatal(err)
			}
			want = append(want, in.ID)
		}
		roleID := func(r store.ImpersonationRole) string { return r.ID }
		got := pageAll(t, 2, func(p store.Page) ([]store.ImpersonationRole, error) { return s.ListImpersonationRoles(ctx, o4.ID, p) }, roleID, roleID)
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
	})

	t.Run("method=UpdateImpersonationRole/case=replaces-and-revokes", func(t *testing.T) {
		in := role("role-"+randHex(4), allowAlice, denyAllButBob)
		if _, _, err := s.CreateImpersonationRole(ctx, in, 0); err != nil {
			t.Fatal(err)
		}
		tok := store.ImpersonationToken{ID: "tok-" + randHex(8), SecretHash: randHex(32), OrgID: o.ID, RoleID: in.ID, RoleVersion: 1,
			IssuedTo: "arn:aws:iam::" + acct + ":root", IssuedAt: now, ExpiresAt: now.Add(15 * time.Minute)}
		if err := s.CreateImpersonationToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetImpersonationToken(ctx, tok.ID)
		if err != nil || !reflect.DeepEqual(*got, tok) {
			t.Fatalf("token roundtrip: %+v %v", got, err)
		}
		later := now.Add(time.Minute)
		upd, err := s.UpdateImpersonationRole(ctx, o.ID, in.ID, func(r *store.ImpersonationRole) error {
			r.Name, r.Type, r.Description, r.UpdatedAt = "renamed", "FULL_ACCESS", "", later
			r.Rules = []store.ImpersonationRule{denyAllButBob}
			r.CreatedAt = later // ignored
			return nil
		})
		if err != nil || upd.Version != 2 || upd.Name != "renamed" || len(upd.Rules) != 1 || !upd.CreatedAt.Equal(now) {
			t.Fatalf("update: %+v %v", upd, err)
		}
		back, _ := s.GetImpersonationRole(ctx, o.ID, in.ID)
		if !reflect.DeepEqual(back, upd) {
			t.Fatalf("after update:\n got %+v\nwant %+v", back, upd)
		}
		_, err = s.GetImpersonationToken(ctx, tok.ID)
		wantErr(t, err, store.ErrNotFound)
		tok.ID = "tok-" + randHex(8)
		wantErr(t, s.CreateImpersonationToken(ctx, tok), store.ErrNotFound) // version 1 is gone
		boom := errors.New("boom")
		_, err = s.UpdateImpersonationRole(ctx, o.ID, in.ID, func(*store.ImpersonationRole) error { return boom })
		wantErr(t, err, boom)
		_, err = s.UpdateImpersonationRole(ctx, o.ID, "nope-"+randHex(4), func(*store.ImpersonationRole) error { return nil })
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=DeleteImpersonationRole/case=drops-tokens", func(t *testing.T) {
		in := role("role-"+randHex(4), allowAlice)
		if _, _, err := s.CreateImpersonationRole(ctx, in, 0); err != nil {
			t.Fatal(err)
		}
		tok := store.ImpersonationToken{ID: "tok-" + randHex(8), SecretHash: randHex(32), OrgID: o.ID, RoleID: in.ID, RoleVersion: 1,
			IssuedAt: now, ExpiresAt: now.Add(time.Minute)}
		if err := s.CreateImpersonationToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.CreateImpersonationToken(ctx, tok), store.ErrAlreadyExists)
		if err := s.DeleteImpersonationRole(ctx, o.ID, in.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.GetImpersonationToken(ctx, tok.ID)
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.DeleteImpersonationRole(ctx, o.ID, in.ID), store.ErrNotFound)
	})

	t.Run("method=DeleteExpiredImpersonationTokens/case=expired-before-a-new-token-and-purged", func(t *testing.T) {
		in := role("role-"+randHex(4), allowAlice)
		if _, _, err := s.CreateImpersonationRole(ctx, in, 0); err != nil {
			t.Fatal(err)
		}
		// Long ago, so that the purge below touches no other suite's tokens
		// in a shared database.
		then := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		old := store.ImpersonationToken{ID: "tok-" + randHex(8), SecretHash: randHex(32), OrgID: o.ID, RoleID: in.ID, RoleVersion: 1,
			IssuedAt: then, ExpiresAt: then.Add(time.Minute)}
		if err := s.CreateImpersonationToken(ctx, old); err != nil {
			t.Fatal(err)
		}
		// Issuing a token after the old one expired drops the old one.
		fresh := old
		fresh.ID, fresh.IssuedAt, fresh.ExpiresAt = "tok-"+randHex(8), then.Add(2*time.Minute), then.Add(3*time.Minute)
		if err := s.CreateImpersonationToken(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		_, err := s.GetImpersonationToken(ctx, old.ID)
		wantErr(t, err, store.ErrNotFound)
		n, err := s.DeleteExpiredImpersonationTokens(ctx, then.Add(4*time.Minute))
		if err != nil || n < 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		_, err = s.GetImpersonationToken(ctx, fresh.ID)
		wantErr(t, err, store.ErrNotFound)
	})
}
