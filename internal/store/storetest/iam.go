package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testIAM(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	if err := s.CreateAccount(ctx, store.Account{ID: acct, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	role := func(name, path string) store.IAMEntity {
		return store.IAMEntity{AccountID: acct, Kind: store.IAMRole, ID: "AROA" + randHex(8), Name: name, Path: path,
			MaxSessionDuration: 3600, TrustPolicy: "{}", CreatedAt: time.Now()}
	}

	t.Run("method=CreateIAMEntity/case=duplicate-name-ignoring-case", func(t *testing.T) {
		r := role("Admin", "/")
		if err := s.CreateIAMEntity(ctx, r, []store.Tag{{Key: "team", Value: "a"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateIAMEntity(ctx, role("ADMIN", "/x/"), nil); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("want ErrAlreadyExists, got %v", err)
		}
		// Another kind may take the name.
		u := r
		u.Kind, u.ID = store.IAMUser, "AIDA"+randHex(8)
		if err := s.CreateIAMEntity(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetIAMEntity(ctx, acct, store.IAMRole, "admin")
		if err != nil || got.ID != r.ID || got.Name != "Admin" {
			t.Fatalf("GetIAMEntity: %+v %v", got, err)
		}
		if byID, err := s.GetIAMEntityByID(ctx, r.ID); err != nil || byID.Name != "Admin" {
			t.Fatalf("GetIAMEntityByID: %+v %v", byID, err)
		}
		tags, err := s.ListIAMTags(ctx, r.ID)
		if err != nil || len(tags) != 1 || tags[0].Key != "team" {
			t.Fatalf("tags: %v %v", tags, err)
		}
	})

	t.Run("method=ListIAMEntities/case=keyset-pages-with-prefix", func(t *testing.T) {
		for i := 0; i < 7; i++ {
			path := "/a/"
			if i%2 == 1 {
				path = "/b/"
			}
			if err := s.CreateIAMEntity(ctx, role(fmt.Sprintf("page-%d", i), path), nil); err != nil {
				t.Fatal(err)
			}
		}
		names := pageAll(t, 2, func(p store.Page) ([]store.IAMEntity, error) {
			return s.ListIAMEntities(ctx, acct, store.IAMRole, "/a/", p)
		}, store.IAMEntityCursor, func(e store.IAMEntity) string { return e.Name })
		if fmt.Sprint(names) != "[page-0 page-2 page-4 page-6]" {
			t.Fatalf("pages: %v", names)
		}
		all, err := s.ListIAMEntities(ctx, acct, store.IAMRole, "", store.Page{Limit: 100})
		if err != nil || len(all) != 8 || all[0].Name != "Admin" {
			t.Fatalf("all: %d %v", len(all), err)
		}
	})

	t.Run("method=UpdateIAMEntity/case=rename-carries-keys", func(t *testing.T) {
		u := store.IAMEntity{AccountID: acct, Kind: store.IAMUser, ID: "AIDA" + randHex(8), Name: "bob", Path: "/", CreatedAt: time.Now()}
		if err := s.CreateIAMEntity(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
		key := store.AccessKey{AccessKeyID: "AKIA" + randHex(8), SecretAccessKey: "x", AccountID: acct, UserName: "bob", Status: "Active", CreatedAt: time.Now()}
		if err := s.PutAccessKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "bob", func(e *store.IAMEntity) error { e.Name = "ADMIN"; return nil }); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("rename onto a taken name: %v", err)
		}
		e, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "BOB", func(e *store.IAMEntity) error { e.Name, e.Path = "robert", "/p/"; return nil })
		if err != nil || e.Name != "robert" || e.Path != "/p/" {
			t.Fatalf("rename: %+v %v", e, err)
		}
		keys, err := s.ListUserAccessKeys(ctx, acct, "robert")
		if err != nil || len(keys) != 1 || keys[0].AccessKeyID != key.AccessKeyID {
			t.Fatalf("keys after rename: %v %v", keys, err)
		}
		if err := s.SetAccessKeyStatus(ctx, key.AccessKeyID, "Inactive"); err != nil {
			t.Fatal(err)
		}
		if k, _ := s.GetAccessKey(ctx, key.AccessKeyID); k.Status != "Inactive" || k.UserName != "robert" {
			t.Fatalf("key: %+v", k)
		}
		at := time.Now().UTC().Truncate(time.Millisecond)
		if err := s.TouchAccessKey(ctx, key.AccessKeyID, store.AccessKeyUsage{At: at, Region: "us-east-1", Service: "iam"}); err != nil {
			t.Fatal(err)
		}
		if u, err := s.GetAccessKeyUsage(ctx, key.AccessKeyID); err != nil || !u.At.Equal(at) || u.Service != "iam" {
			t.Fatalf("usage: %+v %v", u, err)
		}
		if _, err := s.UpdateIAMEntity(ctx, acct, store.IAMUser, "nobody", func(*store.IAMEntity) error { return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
	})

	now := time.Now()
	p := store.ManagedPolicy{AccountID: acct, ID: "ANPA" + randHex(8), Name: "Pol", Path: "/", DefaultVersion: "v1", NextVersion: 2, CreatedAt: now, UpdatedAt: now}
	t.Run("method=CreateManagedPolicy/case=duplicate-name-ignoring-case", func(t *testing.T) {
		if err := s.CreateManagedPolicy(ctx, p, store.PolicyVersion{VersionID: "v1", Document: "{1}", CreatedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		p2 := p
		p2.ID, p2.Name = "ANPA"+randHex(8), "POL"
		if err := s.CreateManagedPolicy(ctx, p2, store.PolicyVersion{VersionID: "v1", Document: "{}", CreatedAt: now}, nil); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("duplicate policy: %v", err)
		}
	})
	t.Run("method=PutPolicyVersion/case=new-default-listed-newest-first", func(t *testing.T) {
		if err := s.PutPolicyVersion(ctx, store.PolicyVersion{PolicyID: p.ID, VersionID: "v2", Document: "{2}", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateManagedPolicy(ctx, p.ID, func(m *store.ManagedPolicy) error { m.DefaultVersion, m.NextVersion = "v2", 3; return nil }); err != nil {
			t.Fatal(err)
		}
		vs, err := s.ListPolicyVersions(ctx, p.ID)
		if err != nil || len(vs) != 2 || vs[0].VersionID != "v2" {
			t.Fatalf("versions: %v %v", vs, err)
		}
		v1, err := s.GetPolicyVersion(ctx, p.ID, "v1")
		if err != nil || v1.PolicyID != p.ID || v1.VersionID != "v1" || v1.Document != "{1}" {
			t.Fatalf("GetPolicyVersion v1: %+v %v", v1, err)
		}
		if v, err := s.GetPolicyVersion(ctx, p.ID, "v9"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetPolicyVersion of a missing version: %+v %v", v, err)
		}
	})
	t.Run("method=AttachPolicy/case=twice-is-once-counted-with-boundaries", func(t *testing.T) {
		r, _ := s.GetIAMEntity(ctx, acct, store.IAMRole, "admin")
		for i := 0; i < 2; i++ { // attaching twice is one attachment
			if err := s.AttachPolicy(ctx, acct, *r, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UpdateIAMEntity(ctx, acct, store.IAMRole, "admin", func(e *store.IAMEntity) error { e.BoundaryPolicyID = p.ID; return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetManagedPolicy(ctx, acct, "pol", acct)
		if err != nil || got.AttachmentCount != 1 || got.BoundaryCount != 1 || got.DefaultVersion != "v2" || got.NextVersion != 3 {
			t.Fatalf("policy: %+v %v", got, err)
		}
		attached, err := s.ListPolicyEntities(ctx, acct, p.ID, false)
		if err != nil || len(attached) != 1 {
			t.Fatalf("entities: %v %v", attached, err)
		}
		list, err := s.ListManagedPolicies(ctx, acct, store.PolicyFilter{Accounts: []string{acct}, Attached: true, Usage: "PermissionsPolicy"}, store.Page{})
		if err != nil || len(list) != 1 || list[0].ID != p.ID {
			t.Fatalf("attached policies: %v %v", list, err)
		}
	})
	t.Run("method=DetachPolicy/case=twice-is-not-found", func(t *testing.T) {
		r, _ := s.GetIAMEntity(ctx, acct, store.IAMRole, "admin")
		if err := s.DetachPolicy(ctx, r.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DetachPolicy(ctx, r.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("detach twice: %v", err)
		}
		if got, _ := s.GetManagedPolicyByID(ctx, p.ID, acct); got.AttachmentCount != 0 {
			t.Fatalf("count after detach: %d", got.AttachmentCount)
		}
	})

	t.Run("method=PutInlinePolicy/case=replace-keeps-first-spelling", func(t *testing.T) {
		owner := "AROA" + randHex(8)
		if err := s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: owner, Name: "Inline", Document: "a"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: owner, Name: "INLINE", Document: "b"}); err != nil {
			t.Fatal(err)
		}
		ps, err := s.ListInlinePolicies(ctx, owner)
		if err != nil || len(ps) != 1 || ps[0].Name != "Inline" || ps[0].Document != "b" {
			t.Fatalf("inline: %+v %v", ps, err)
		}
		if err := s.DeleteInlinePolicy(ctx, owner, "inline"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetInlinePolicy(ctx, owner, "inline"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})

	t.Run("method=PutIAMTags/case=limit-and-case", func(t *testing.T) {
		owner := "AIDA" + randHex(8)
		if err := s.PutIAMTags(ctx, owner, []store.Tag{{Key: "A", Value: "1"}, {Key: "b", Value: "2"}}, 2); err != nil {
			t.Fatal(err)
		}
		if err := s.PutIAMTags(ctx, owner, []store.Tag{{Key: "a", Value: "3"}}, 2); err != nil {
			t.Fatal(err)
		}
		if err := s.PutIAMTags(ctx, owner, []store.Tag{{Key: "c", Value: "4"}}, 2); !errors.Is(err, store.ErrLimitExceeded) {
			t.Fatalf("limit: %v", err)
		}
		tags, _ := s.ListIAMTags(ctx, owner)
		if fmt.Sprint(tags) != "[{a 3} {b 2}]" {
			t.Fatalf("tags: %v", tags)
		}
		if err := s.DeleteIAMTags(ctx, owner, []string{"A", "zz"}); err != nil {
			t.Fatal(err)
		}
		if tags, _ := s.ListIAMTags(ctx, owner); len(tags) != 1 {
			t.Fatalf("after untag: %v", tags)
		}
	})

	t.Run("method=DeleteIAMEntity/case=drops-group-membership", func(t *testing.T) {
		g := store.IAMEntity{AccountID: acct, Kind: store.IAMGroup, ID: "AGPA" + randHex(8), Name: "devs", Path: "/", CreatedAt: time.Now()}
		u := store.IAMEntity{AccountID: acct, Kind: store.IAMUser, ID: "AIDA" + randHex(8), Name: "carol", Path: "/", CreatedAt: time.Now()}
		for _, e := range []store.IAMEntity{g, u} {
			if err := s.CreateIAMEntity(ctx, e, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddIAMGroupMember(ctx, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.AddIAMGroupMember(ctx, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.ListIAMGroupMembers(ctx, g.ID); len(ms) != 1 || ms[0].Name != "carol" {
			t.Fatalf("members: %v", ms)
		}
		if gs, _ := s.ListIAMUserGroups(ctx, u.ID); len(gs) != 1 || gs[0].Name != "devs" {
			t.Fatalf("groups: %v", gs)
		}
		if err := s.DeleteIAMEntity(ctx, acct, store.IAMUser, "CAROL"); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.ListIAMGroupMembers(ctx, g.ID); len(ms) != 0 {
			t.Fatalf("members after delete: %v", ms)
		}
		if err := s.RemoveIAMGroupMember(ctx, g.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("remove: %v", err)
		}
		if err := s.DeleteIAMEntity(ctx, acct, store.IAMUser, "carol"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}
