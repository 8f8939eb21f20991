package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// testDirectory: organizations, their entities (users, groups,
// resources), addresses, group members, mail domains and tags. Each
// function below sets up what its subtests share; every subtest is named
// method=<store method>/case=<...>.
func testDirectory(t *testing.T, s store.Store) {
	testCreateOrganization(t, s)
	testListOrganizations(t, s)
	testUpdateOrganization(t, s)
	testDeleteOrganization(t, s)
	testEntities(t, s)
	testEntityAddresses(t, s)
	testListEntities(t, s)
	testGroupMembers(t, s)
	testMailDomains(t, s)
	testTags(t, s)
	testDirectoryConcurrency(t, s)
}

func testCreateOrganization(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	o := mkOrg(t, s, acct)

	t.Run("method=GetOrganization/case=roundtrip-and-missing", func(t *testing.T) {
		got, err := s.GetOrganization(ctx, o.ID)
		if err != nil || got.Alias != o.Alias || got.State != store.OrganizationActive || got.AccountID != acct ||
			got.DefaultMailDomain != o.DefaultMailDomain || got.CreatedAt.IsZero() {
			t.Fatalf("GetOrganization: %+v %v", got, err)
		}
		_, err = s.GetOrganization(ctx, newOrgID())
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=CreateOrganization/case=alias-clash-ignores-case", func(t *testing.T) {
		dup := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: "ORG" + o.Alias[3:], DefaultMailDomain: "x.awsapps.com"}
		_, _, err := s.CreateOrganization(ctx, dup, nil, 0)
		wantConflict(t, err, store.KeyAlias)
		// Other regions and accounts have their own aliases.
		dup.Region = "eu-west-1"
		if _, _, err := s.CreateOrganization(ctx, dup, nil, 0); err != nil {
			t.Fatal(err)
		}
		dup.ID, dup.Region, dup.AccountID = newOrgID(), testRegion, newAccountID()
		if _, _, err := s.CreateOrganization(ctx, dup, nil, 0); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("method=CreateOrganization/case=taken-id", func(t *testing.T) {
		dup := store.Organization{ID: o.ID, AccountID: acct, Region: testRegion, Alias: "other" + randHex(4)}
		_, _, err := s.CreateOrganization(ctx, dup, nil, 0)
		wantErr(t, err, store.ErrAlreadyExists)
	})

	t.Run("method=CreateOrganization/case=directory-clash", func(t *testing.T) {
		dir := "d-" + randHex(5)
		a := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: "dir" + randHex(4), DirectoryID: dir}
		if _, _, err := s.CreateOrganization(ctx, a, nil, 0); err != nil {
			t.Fatal(err)
		}
		b := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: "dir" + randHex(4), DirectoryID: dir}
		_, _, err := s.CreateOrganization(ctx, b, nil, 0)
		wantConflict(t, err, store.KeyDirectory)
	})

	t.Run("method=CreateOrganization/case=domain-clash-rolls-back", func(t *testing.T) {
		dom := "clash-" + randHex(4) + ".example"
		mkOrg(t, s, acct, dom)
		id := newOrgID()
		b := store.Organization{ID: id, AccountID: acct, Region: testRegion, Alias: "dom" + randHex(4)}
		_, _, err := s.CreateOrganization(ctx, b, []store.MailDomain{{Name: "fresh-" + randHex(4) + ".example"}, {Name: dom}}, 0)
		wantConflict(t, err, store.KeyDomain)
		_, err = s.GetOrganization(ctx, id)
		wantErr(t, err, store.ErrNotFound)
		// Another account may hold the same name.
		mkOrg(t, s, newAccountID(), dom)
	})

	t.Run("method=CreateOrganization/case=client-token-replays", func(t *testing.T) {
		tok := "tok-" + randHex(8)
		a := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: "tok" + randHex(4), ClientToken: tok, RequestHash: "h1"}
		first, replayed, err := s.CreateOrganization(ctx, a, nil, 0)
		if err != nil || replayed || first.ID != a.ID {
			t.Fatalf("first: %+v %v %v", first, replayed, err)
		}
		b := a
		b.ID, b.Alias, b.RequestHash = newOrgID(), "tok"+randHex(4), "h2"
		again, replayed, err := s.CreateOrganization(ctx, b, nil, 0)
		if err != nil || !replayed || again.ID != a.ID || again.RequestHash != "h1" {
			t.Fatalf("replay: %+v %v %v", again, replayed, err)
		}
		_, err = s.GetOrganization(ctx, b.ID)
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=CreateOrganization/case=limit", func(t *testing.T) {
		acct := newAccountID()
		mkOrg(t, s, acct)
		mkOrg(t, s, acct)
		o := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: "lim" + randHex(4)}
		_, _, err := s.CreateOrganization(ctx, o, nil, 2)
		wantErr(t, err, store.ErrLimitExceeded)
		if _, _, err := s.CreateOrganization(ctx, o, nil, 3); err != nil {
			t.Fatal(err)
		}
	})
}

func testListOrganizations(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, mkOrg(t, s, acct).ID)
	}
	sort.Strings(ids)
	t.Run("method=ListOrganizations/case=keyset-pages-by-region", func(t *testing.T) {
		orgID := func(o store.Organization) string { return o.ID }
		got := pageAll(t, 2, func(p store.Page) ([]store.Organization, error) {
			return s.ListOrganizations(ctx, acct, testRegion, time.Time{}, p)
		}, orgID, orgID)
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Fatalf("paged %v, want %v", got, ids)
		}
		if other, err := s.ListOrganizations(ctx, acct, "eu-west-1", time.Time{}, store.Page{}); err != nil || len(other) != 0 {
			t.Fatalf("other region sees %v %v", other, err)
		}
	})

	// Deleted organizations are listed only when deleted since the cut-off.
	t.Run("method=ListOrganizations/case=deleted-since-cut-off", func(t *testing.T) {
		long := time.Now().Add(-48 * time.Hour)
		if _, err := s.DeleteOrganization(ctx, ids[0], long, func(*store.Organization, int) error { return nil }); err != nil {
			t.Fatal(err)
		}
		all, _ := s.ListOrganizations(ctx, acct, testRegion, time.Time{}, store.Page{})
		recent, _ := s.ListOrganizations(ctx, acct, testRegion, time.Now().Add(-time.Hour), store.Page{})
		if len(all) != 5 || len(recent) != 4 {
			t.Fatalf("all %d, recent %d", len(all), len(recent))
		}
	})
}

func testUpdateOrganization(t *testing.T, s store.Store) {
	ctx := context.Background()
	dom := "upd-" + randHex(4) + ".example"
	o := mkOrg(t, s, newAccountID(), dom)

	t.Run("method=UpdateOrganization/case=default-domain-must-be-registered", func(t *testing.T) {
		_, err := s.UpdateOrganization(ctx, o.ID, func(o *store.Organization) error {
			o.DefaultMailDomain = "nowhere-" + randHex(4) + ".example"
			return nil
		})
		wantErr(t, err, store.ErrNoMailDomain)
	})

	t.Run("method=UpdateOrganization/case=error-of-fn-changes-nothing", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := s.UpdateOrganization(ctx, o.ID, func(o *store.Organization) error {
			o.DefaultMailDomain = dom
			return boom
		})
		wantErr(t, err, boom)
		if got, _ := s.GetOrganization(ctx, o.ID); got.DefaultMailDomain != o.DefaultMailDomain {
			t.Fatalf("failed update changed the default to %s", got.DefaultMailDomain)
		}
	})

	t.Run("method=UpdateOrganization/case=default-domain-ignoring-case-alias-immutable", func(t *testing.T) {
		got, err := s.UpdateOrganization(ctx, o.ID, func(o *store.Organization) error {
			o.DefaultMailDomain = "UPD" + dom[3:]
			o.Alias = "ignored" // immutable
			return nil
		})
		if err != nil || got.DefaultMailDomain != dom || got.Alias != o.Alias {
			t.Fatalf("update: %+v %v", got, err)
		}
		if got, _ := s.GetOrganization(ctx, o.ID); got.DefaultMailDomain != dom || got.Alias != o.Alias {
			t.Fatalf("stored: %+v", got)
		}
	})

	t.Run("method=UpdateOrganization/case=missing", func(t *testing.T) {
		_, err := s.UpdateOrganization(ctx, newOrgID(), func(*store.Organization) error { return nil })
		wantErr(t, err, store.ErrNotFound)
	})
}

func testDeleteOrganization(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	dom := "del-" + randHex(4) + ".example"
	o := mkOrg(t, s, acct, dom)
	u := mkEntity(t, s, o.ID, store.EntityUser, "jane")
	enable(t, s, o.ID, u.ID, "jane@"+dom)
	g := mkEntity(t, s, o.ID, store.EntityGroup, "team")
	if err := s.AddGroupMember(ctx, o.ID, g.ID, u.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateTags(ctx, o.ID, func(m map[string]string) error { m["k"] = "v"; return nil }); err != nil {
		t.Fatal(err)
	}

	t.Run("method=DeleteOrganization/case=refused-by-fn", func(t *testing.T) {
		refuse := errors.New("has users")
		_, err := s.DeleteOrganization(ctx, o.ID, time.Time{}, func(_ *store.Organization, enabled int) error {
			if enabled != 1 {
				t.Errorf("enabled users: %d", enabled)
			}
			return refuse
		})
		wantErr(t, err, refuse)
		if got, _ := s.GetOrganization(ctx, o.ID); got.State != store.OrganizationActive {
			t.Fatalf("refused delete changed state to %s", got.State)
		}
	})

	var del *store.Organization
	t.Run("method=DeleteOrganization/case=tombstones-everything-under-it", func(t *testing.T) {
		var err error
		del, err = s.DeleteOrganization(ctx, o.ID, time.Time{}, func(o *store.Organization, _ int) error {
			o.DeleteToken = "dt"
			return nil
		})
		if err != nil || del.State != store.OrganizationDeleted || del.DeleteToken != "dt" || del.DeletedAt.IsZero() {
			t.Fatalf("delete: %+v %v", del, err)
		}
		got, err := s.GetOrganization(ctx, o.ID)
		if err != nil || got.State != store.OrganizationDeleted || got.DeleteToken != "dt" {
			t.Fatalf("after delete: %+v %v", got, err)
		}
		// Everything under it is gone or a tombstone.
		if e, err := s.GetEntity(ctx, o.ID, u.ID); err != nil || e.State != store.EntityDeleted || e.Email != "" {
			t.Fatalf("user after org delete: %+v %v", e, err)
		}
		_, err = s.GetEntityByEmail(ctx, o.ID, "jane@"+dom)
		wantErr(t, err, store.ErrNotFound)
		if m, _ := s.ListGroupMembers(ctx, o.ID, g.ID, store.Page{}); len(m) != 0 {
			t.Fatalf("members survive: %v", m)
		}
		if tags, _ := s.ListTags(ctx, o.ID); len(tags) != 0 {
			t.Fatalf("tags survive: %v", tags)
		}
	})

	t.Run("method=DeleteOrganization/case=writes-refused-after", func(t *testing.T) {
		_, err := s.UpdateOrganization(ctx, o.ID, func(*store.Organization) error { return nil })
		wantErr(t, err, store.ErrOrganizationDeleted)
		wantErr(t, s.CreateEntity(ctx, store.Entity{OrgID: o.ID, ID: newEntityID(), Type: store.EntityUser, Name: "x", State: store.EntityDisabled}), store.ErrOrganizationDeleted)
		wantErr(t, s.AddMailDomain(ctx, store.MailDomain{OrgID: o.ID, Name: "n-" + randHex(4) + ".example"}, 0), store.ErrOrganizationDeleted)
		wantErr(t, s.UpdateTags(ctx, o.ID, func(map[string]string) error { return nil }), store.ErrOrganizationDeleted)
	})

	t.Run("method=DeleteOrganization/case=alias-and-domains-freed", func(t *testing.T) {
		again := store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: o.Alias, DefaultMailDomain: o.DefaultMailDomain}
		if _, _, err := s.CreateOrganization(ctx, again, []store.MailDomain{{Name: o.DefaultMailDomain, IsTest: true}, {Name: dom}}, 0); err != nil {
			t.Fatalf("alias and domains not freed: %v", err)
		}
	})

	// Deleting again runs fn on the deleted record and changes nothing.
	t.Run("method=DeleteOrganization/case=again-runs-fn-on-the-tombstone", func(t *testing.T) {
		if del == nil {
			t.Skip("the first delete failed")
		}
		var seen string
		del2, err := s.DeleteOrganization(ctx, o.ID, time.Time{}, func(o *store.Organization, _ int) error {
			seen = o.State
			return nil
		})
		if err != nil || seen != store.OrganizationDeleted || !del2.DeletedAt.Equal(del.DeletedAt) {
			t.Fatalf("second delete: %+v %v (fn saw %s)", del2, err, seen)
		}
	})

	t.Run("method=DeleteOrganization/case=missing", func(t *testing.T) {
		_, err := s.DeleteOrganization(ctx, newOrgID(), time.Time{}, func(*store.Organization, int) error { return nil })
		wantErr(t, err, store.ErrNotFound)
	})
}

func testEntities(t *testing.T, s store.Store) {
	ctx := context.Background()
	o := mkOrg(t, s, newAccountID())
	u := store.Entity{OrgID: o.ID, ID: newEntityID(), Type: store.EntityUser, Name: "Jane.Doe", State: store.EntityDisabled,
		DisplayName: "Jane Doe", Role: "USER", FirstName: "Jane", City: "Lyon", Hidden: true, PasswordHash: "$argon2id$x",
		IdentityProviderUserID: "abc", CreatedAt: time.Now()}
	must(t, s.CreateEntity(ctx, u))
	other := mkOrg(t, s, newAccountID())

	t.Run("method=GetEntity/case=roundtrip-scoped-to-organization", func(t *testing.T) {
		got, err := s.GetEntity(ctx, o.ID, u.ID)
		if err != nil || got.Name != "Jane.Doe" || got.FirstName != "Jane" || got.City != "Lyon" || !got.Hidden ||
			got.PasswordHash != u.PasswordHash || got.State != store.EntityDisabled || got.IdentityProviderUserID != "abc" {
			t.Fatalf("GetEntity: %+v %v", got, err)
		}
		_, err = s.GetEntity(ctx, o.ID, newEntityID())
		wantErr(t, err, store.ErrNotFound)
		// Entities are scoped to their organization.
		_, err = s.GetEntity(ctx, other.ID, u.ID)
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=GetEntityByName/case=ignoring-case", func(t *testing.T) {
		if e, err := s.GetEntityByName(ctx, o.ID, "jane.DOE"); err != nil || e.ID != u.ID {
			t.Fatalf("GetEntityByName: %v %v", e, err)
		}
	})

	t.Run("method=CreateEntity/case=names-unique-ignoring-case-per-organization", func(t *testing.T) {
		// Names are unique ignoring case, across users and groups.
		wantConflict(t, s.CreateEntity(ctx, store.Entity{OrgID: o.ID, ID: newEntityID(), Type: store.EntityGroup, Name: "JANE.doe", State: store.EntityDisabled}), store.KeyName)
		wantErr(t, s.CreateEntity(ctx, store.Entity{OrgID: o.ID, ID: u.ID, Type: store.EntityUser, Name: "other", State: store.EntityDisabled}), store.ErrAlreadyExists)
		wantErr(t, s.CreateEntity(ctx, store.Entity{OrgID: newOrgID(), ID: newEntityID(), Type: store.EntityUser, Name: "x", State: store.EntityDisabled}), store.ErrNotFound)
		// The same name in another organization is fine.
		mkEntity(t, s, other.ID, store.EntityUser, "jane.doe")
	})

	t.Run("method=UpdateEntity/case=update", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error { e.DisplayName = "nope"; return boom })
		wantErr(t, err, boom)
		upd, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error {
			e.DisplayName, e.City, e.Office, e.Hidden = "J. Doe", "", "B12", false
			e.ID, e.Type = "forged", store.EntityGroup // immutable
			return nil
		})
		if err != nil || upd.ID != u.ID || upd.Type != store.EntityUser {
			t.Fatalf("update: %+v %v", upd, err)
		}
		got, _ := s.GetEntity(ctx, o.ID, u.ID)
		if got.DisplayName != "J. Doe" || got.City != "" || got.Office != "B12" || got.Hidden || got.FirstName != "Jane" {
			t.Fatalf("stored: %+v", got)
		}
		_, err = s.UpdateEntity(ctx, o.ID, newEntityID(), func(*store.Entity) error { return nil })
		wantErr(t, err, store.ErrNotFound)
		// Renaming onto a taken name conflicts.
		mkEntity(t, s, o.ID, store.EntityUser, "taken")
		_, err = s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error { e.Name = "TAKEN"; return nil })
		wantConflict(t, err, store.KeyName)
	})

	t.Run("method=UpdateEntity/case=resource-fields", func(t *testing.T) {
		r := store.Entity{OrgID: o.ID, ID: "r-" + randHex(16), Type: store.EntityResource, Name: "room-" + randHex(3), State: store.EntityDisabled,
			ResourceType: "ROOM", Description: "Tenth floor"}
		if err := s.CreateEntity(ctx, r); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetEntity(ctx, o.ID, r.ID); err != nil || got.ResourceType != "ROOM" || got.Description != "Tenth floor" {
			t.Fatalf("created: %+v %v", got, err)
		}
		upd, err := s.UpdateEntity(ctx, o.ID, r.ID, func(e *store.Entity) error { e.ResourceType, e.Description = "EQUIPMENT", ""; return nil })
		if err != nil || upd.ResourceType != "EQUIPMENT" || upd.Description != "" {
			t.Fatalf("updated: %+v %v", upd, err)
		}
	})

	t.Run("method=UpdateEntity/case=tombstone", func(t *testing.T) {
		g := mkEntity(t, s, o.ID, store.EntityGroup, "g-"+randHex(3))
		v := mkEntity(t, s, o.ID, store.EntityUser, "leaver")
		if err := s.AddGroupMember(ctx, o.ID, g.ID, v.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		del, err := s.UpdateEntity(ctx, o.ID, v.ID, func(e *store.Entity) error {
			e.State = store.EntityDeleted
			return nil
		})
		if err != nil || del.State != store.EntityDeleted || del.DeletedAt.IsZero() || del.PasswordHash != "" {
			t.Fatalf("delete: %+v %v", del, err)
		}
		// The ID stays resolvable, the name is free, memberships are gone.
		if e, err := s.GetEntity(ctx, o.ID, v.ID); err != nil || e.State != store.EntityDeleted || e.Name != "leaver" {
			t.Fatalf("tombstone: %+v %v", e, err)
		}
		_, err = s.GetEntityByName(ctx, o.ID, "leaver")
		wantErr(t, err, store.ErrNotFound)
		mkEntity(t, s, o.ID, store.EntityUser, "leaver")
		if m, _ := s.ListGroupMembers(ctx, o.ID, g.ID, store.Page{}); len(m) != 0 {
			t.Fatalf("tombstone still a member: %v", m)
		}
		// A tombstone stays one even if an update tries to revive its name.
		if e, err := s.UpdateEntity(ctx, o.ID, v.ID, func(e *store.Entity) error { return nil }); err != nil || e.State != store.EntityDeleted {
			t.Fatalf("touching a tombstone: %+v %v", e, err)
		}
	})
}

func testEntityAddresses(t *testing.T, s store.Store) {
	ctx := context.Background()
	dom := "corp-" + randHex(4) + ".example"
	o := mkOrg(t, s, newAccountID(), dom)
	a := mkEntity(t, s, o.ID, store.EntityUser, "alice")
	b := mkEntity(t, s, o.ID, store.EntityGroup, "bob@"+dom) // a name that looks like an address

	t.Run("method=UpdateEntity/case=address-in-unregistered-domain", func(t *testing.T) {
		_, err := s.UpdateEntity(ctx, o.ID, a.ID, func(e *store.Entity) error {
			e.State, e.Email, e.DisplayName = store.EntityEnabled, "alice@unregistered-"+randHex(3)+".example", "changed"
			return nil
		})
		wantErr(t, err, store.ErrNoMailDomain)
		if got, _ := s.GetEntity(ctx, o.ID, a.ID); got.State != store.EntityDisabled || got.DisplayName != "" {
			t.Fatalf("failed update left changes: %+v", got)
		}
	})

	t.Run("method=GetEntityByEmail/case=ignoring-case", func(t *testing.T) {
		enable(t, s, o.ID, a.ID, "Alice@"+dom)
		if e, err := s.GetEntityByEmail(ctx, o.ID, "ALICE@"+dom); err != nil || e.ID != a.ID || e.Email != "Alice@"+dom {
			t.Fatalf("GetEntityByEmail: %+v %v", e, err)
		}
	})

	t.Run("method=UpdateEntity/case=primary-addresses-unique", func(t *testing.T) {
		_, err := s.UpdateEntity(ctx, o.ID, b.ID, func(e *store.Entity) error {
			e.State, e.Email = store.EntityEnabled, "alice@"+dom
			return nil
		})
		wantConflict(t, err, store.KeyEmail)
	})

	t.Run("method=UpdateEntity/case=aliases-unique", func(t *testing.T) {
		upd, err := s.UpdateEntity(ctx, o.ID, a.ID, func(e *store.Entity) error {
			e.Aliases = append(e.Aliases, "zed@"+dom, "Ali@"+o.DefaultMailDomain)
			return nil
		})
		if err != nil || fmt.Sprint(upd.Aliases) != fmt.Sprint([]string{"Ali@" + o.DefaultMailDomain, "zed@" + dom}) {
			t.Fatalf("aliases: %+v %v", upd, err)
		}
		if got, _ := s.GetEntity(ctx, o.ID, a.ID); len(got.Aliases) != 2 {
			t.Fatalf("stored aliases: %v", got.Aliases)
		}
		enable(t, s, o.ID, b.ID, "team@"+dom)
		_, err = s.UpdateEntity(ctx, o.ID, b.ID, func(e *store.Entity) error {
			e.Aliases = []string{"ZED@" + dom}
			return nil
		})
		wantConflict(t, err, store.KeyEmail)
		_, err = s.UpdateEntity(ctx, o.ID, b.ID, func(e *store.Entity) error {
			e.Aliases = []string{"x@" + dom, "X@" + dom}
			return nil
		})
		wantConflict(t, err, store.KeyEmail)
	})

	t.Run("method=UpdateEntity/case=swap-primary-and-alias", func(t *testing.T) {
		sw, err := s.UpdateEntity(ctx, o.ID, a.ID, func(e *store.Entity) error {
			e.Email, e.Aliases = "zed@"+dom, []string{"alice@" + dom}
			return nil
		})
		if err != nil || sw.Email != "zed@"+dom {
			t.Fatalf("swap: %+v %v", sw, err)
		}
	})

	t.Run("method=ResolveEntity/case=id-address-alias-or-name", func(t *testing.T) {
		for _, id := range []string{a.ID, "ZED@" + dom, "alice@" + dom, "ALICE"} {
			if e, err := s.ResolveEntity(ctx, o.ID, id); err != nil || e.ID != a.ID {
				t.Errorf("ResolveEntity(%s): %v %v", id, e, err)
			}
		}
		// An address-like name resolves to the entity named so.
		if e, err := s.ResolveEntity(ctx, o.ID, "BOB@"+dom); err != nil || e.ID != b.ID {
			t.Errorf("ResolveEntity(name with @): %v %v", e, err)
		}
		_, err := s.ResolveEntity(ctx, o.ID, "nobody@"+dom)
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=UpdateEntity/case=disabling-drops-addresses", func(t *testing.T) {
		d, err := s.UpdateEntity(ctx, o.ID, a.ID, func(e *store.Entity) error {
			e.State = store.EntityDisabled
			return nil
		})
		if err != nil || d.Email != "" || len(d.Aliases) != 0 {
			t.Fatalf("disable: %+v %v", d, err)
		}
		for _, addr := range []string{"zed@" + dom, "alice@" + dom} {
			_, err := s.GetEntityByEmail(ctx, o.ID, addr)
			wantErr(t, err, store.ErrNotFound)
		}
		// The freed address can be reused at once.
		c := mkEntity(t, s, o.ID, store.EntityUser, "carol")
		enable(t, s, o.ID, c.ID, "alice@"+dom)
	})
}

func testListEntities(t *testing.T, s store.Store) {
	ctx := context.Background()
	dom := "list-" + randHex(4) + ".example"
	o := mkOrg(t, s, newAccountID(), dom)
	var users []string
	for i := 0; i < 7; i++ {
		e := mkEntity(t, s, o.ID, store.EntityUser, fmt.Sprintf("User%d", i))
		users = append(users, e.ID)
	}
	mkEntity(t, s, o.ID, store.EntityGroup, "Users-group")
	enable(t, s, o.ID, users[0], "first@"+dom)
	if _, err := s.UpdateEntity(ctx, o.ID, users[1], func(e *store.Entity) error {
		e.DisplayName, e.IdentityProviderUserID = "Zoë Quinn", "AB12-cd"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	if _, err := s.UpdateEntity(ctx, o.ID, users[6], func(e *store.Entity) error {
		e.State, e.DeletedAt = store.EntityDeleted, old
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("method=ListEntities/case=users-in-id-order-paged", func(t *testing.T) {
		sort.Strings(users)
		entityID := func(e store.Entity) string { return e.ID }
		got := pageAll(t, 3, func(p store.Page) ([]store.Entity, error) {
			return s.ListEntities(ctx, o.ID, store.EntityFilter{Type: store.EntityUser}, p)
		}, entityID, entityID)
		if fmt.Sprint(got) != fmt.Sprint(users) {
			t.Fatalf("paged %v\nwant %v", got, users)
		}
	})

	n := func(t *testing.T, f store.EntityFilter) int {
		t.Helper()
		es, err := s.ListEntities(ctx, o.ID, f, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	cases := []struct {
		name string
		f    store.EntityFilter
		want int
	}{
		{"none", store.EntityFilter{}, 8},
		{"name-prefix-ignoring-case", store.EntityFilter{NamePrefix: "user"}, 8},
		{"type-and-name-prefix", store.EntityFilter{Type: store.EntityUser, NamePrefix: "USER1"}, 1},
		{"enabled", store.EntityFilter{State: store.EntityEnabled}, 1},
		{"deleted", store.EntityFilter{State: store.EntityDeleted}, 1},
		{"email-prefix", store.EntityFilter{EmailPrefix: "FIRST@"}, 1},
		{"display-name-prefix", store.EntityFilter{DisplayNamePrefix: "zoë"}, 1},
		{"identity-provider-user-id-prefix", store.EntityFilter{IdentityProviderUserIDPrefix: "ab12"}, 1},
		{"deleted-since", store.EntityFilter{DeletedSince: time.Now().Add(-time.Hour)}, 7},
		{"no-match", store.EntityFilter{NamePrefix: "nobody"}, 0},
	}
	for _, c := range cases {
		t.Run("method=ListEntities/case=filter-"+c.name, func(t *testing.T) {
			if got := n(t, c.f); got != c.want {
				t.Errorf("filter %+v: %d entities, want %d", c.f, got, c.want)
			}
		})
	}
}

func testGroupMembers(t *testing.T, s store.Store) {
	ctx := context.Background()
	o := mkOrg(t, s, newAccountID())
	g1 := mkEntity(t, s, o.ID, store.EntityGroup, "Sales")
	g2 := mkEntity(t, s, o.ID, store.EntityGroup, "Sales-EU")
	g3 := mkEntity(t, s, o.ID, store.EntityGroup, "Support")
	u := mkEntity(t, s, o.ID, store.EntityUser, "ann")

	add := func(g, m string) error { return s.AddGroupMember(ctx, o.ID, g, m, time.Time{}) }
	t.Run("method=AddGroupMember/case=nested-groups-without-cycles", func(t *testing.T) {
		for _, p := range [][2]string{{g1.ID, u.ID}, {g1.ID, g2.ID}, {g2.ID, g3.ID}, {g3.ID, u.ID}} {
			if err := add(p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := add(g1.ID, u.ID); err != nil {
			t.Fatalf("adding twice: %v", err)
		}
		wantErr(t, add(g1.ID, g1.ID), store.ErrMembershipCycle)
		wantErr(t, add(g3.ID, g1.ID), store.ErrMembershipCycle) // g1 > g2 > g3 > g1
		wantErr(t, add(u.ID, g1.ID), store.ErrNotFound)         // a user is not a group
		wantErr(t, add(g1.ID, newEntityID()), store.ErrNotFound)
	})

	t.Run("method=ListGroupMembers/case=pages", func(t *testing.T) {
		members, err := s.ListGroupMembers(ctx, o.ID, g1.ID, store.Page{})
		if err != nil || len(members) != 2 {
			t.Fatalf("members: %v %v", members, err)
		}
		page, _ := s.ListGroupMembers(ctx, o.ID, g1.ID, store.Page{Limit: 1})
		rest, _ := s.ListGroupMembers(ctx, o.ID, g1.ID, store.Page{After: page[0].ID})
		if len(page) != 1 || len(rest) != 1 || page[0].ID == rest[0].ID {
			t.Fatalf("paging members: %v %v", page, rest)
		}
	})

	t.Run("method=ListGroupsForEntity/case=direct-groups-and-prefix", func(t *testing.T) {
		groups, err := s.ListGroupsForEntity(ctx, o.ID, u.ID, "", store.Page{})
		if err != nil || len(groups) != 2 {
			t.Fatalf("groups of user: %v %v", groups, err)
		}
		if groups, _ := s.ListGroupsForEntity(ctx, o.ID, u.ID, "SAL", store.Page{}); len(groups) != 1 || groups[0].ID != g1.ID {
			t.Fatalf("groups with prefix: %v", groups)
		}
	})

	t.Run("method=RemoveGroupMember/case=then-missing", func(t *testing.T) {
		if err := s.RemoveGroupMember(ctx, o.ID, g1.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.RemoveGroupMember(ctx, o.ID, g1.ID, u.ID), store.ErrNotFound)
		if groups, _ := s.ListGroupsForEntity(ctx, o.ID, u.ID, "", store.Page{}); len(groups) != 1 || groups[0].ID != g3.ID {
			t.Fatalf("after remove: %v", groups)
		}
	})

	t.Run("method=AddGroupMember/case=deleted-entities-cannot-join", func(t *testing.T) {
		if _, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error { e.State = store.EntityDeleted; return nil }); err != nil {
			t.Fatal(err)
		}
		wantErr(t, add(g1.ID, u.ID), store.ErrNotFound)
	})
}

func testMailDomains(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	o := mkOrg(t, s, acct)
	names := []string{"b-" + randHex(4) + ".example", "a-" + randHex(4) + ".example", "c-" + randHex(4) + ".example"}
	for _, n := range names {
		if err := s.AddMailDomain(ctx, store.MailDomain{OrgID: o.ID, Name: n, OwnershipStatus: "VERIFIED", DkimStatus: "VERIFIED", ClientToken: "ct"}, 10); err != nil {
			t.Fatal(err)
		}
	}
	o2 := mkOrg(t, s, acct)

	t.Run("method=GetMailDomain/case=ignoring-case-and-test-domain", func(t *testing.T) {
		d, err := s.GetMailDomain(ctx, o.ID, "A"+names[1][1:])
		if err != nil || d.Name != names[1] || d.AccountID != acct || d.IsTest || d.OwnershipStatus != "VERIFIED" || d.ClientToken != "ct" {
			t.Fatalf("GetMailDomain: %+v %v", d, err)
		}
		if d, err := s.GetMailDomain(ctx, o.ID, o.DefaultMailDomain); err != nil || !d.IsTest {
			t.Fatalf("test domain: %+v %v", d, err)
		}
		_, err = s.GetMailDomain(ctx, o.ID, "none.example")
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=ListMailDomains/case=by-name-paged", func(t *testing.T) {
		want := append([]string{o.DefaultMailDomain}, names...)
		sort.Strings(want)
		domainName := func(d store.MailDomain) string { return d.Name }
		got := pageAll(t, 2, func(p store.Page) ([]store.MailDomain, error) { return s.ListMailDomains(ctx, o.ID, p) }, domainName, domainName)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("paged %v, want %v", got, want)
		}
	})

	t.Run("method=AddMailDomain/case=unique-per-account-limited-per-organization", func(t *testing.T) {
		wantConflict(t, s.AddMailDomain(ctx, store.MailDomain{OrgID: o2.ID, Name: names[0]}, 0), store.KeyDomain)
		wantConflict(t, s.AddMailDomain(ctx, store.MailDomain{OrgID: o.ID, Name: names[0]}, 0), store.KeyDomain)
		wantErr(t, s.AddMailDomain(ctx, store.MailDomain{OrgID: o.ID, Name: "d-" + randHex(4) + ".example"}, 4), store.ErrLimitExceeded)
		wantErr(t, s.AddMailDomain(ctx, store.MailDomain{OrgID: newOrgID(), Name: "e-" + randHex(4) + ".example"}, 0), store.ErrNotFound)
		o3 := mkOrg(t, s, newAccountID())
		if err := s.AddMailDomain(ctx, store.MailDomain{OrgID: o3.ID, Name: names[0]}, 0); err != nil {
			t.Fatalf("another account: %v", err)
		}
	})

	t.Run("method=DeleteMailDomain/case=in-use-as-default-or-by-an-address", func(t *testing.T) {
		u := mkEntity(t, s, o.ID, store.EntityUser, "u")
		enable(t, s, o.ID, u.ID, "u@"+names[2])
		wantErr(t, s.DeleteMailDomain(ctx, o.ID, names[2]), store.ErrInUse)
		if _, err := s.UpdateOrganization(ctx, o.ID, func(o *store.Organization) error { o.DefaultMailDomain = names[1]; return nil }); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.DeleteMailDomain(ctx, o.ID, names[1]), store.ErrInUse)
		if err := s.DeleteMailDomain(ctx, o.ID, names[0]); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.DeleteMailDomain(ctx, o.ID, names[0]), store.ErrNotFound)
		// Its name is free for the account again.
		if err := s.AddMailDomain(ctx, store.MailDomain{OrgID: o2.ID, Name: names[0]}, 0); err != nil {
			t.Fatal(err)
		}
	})
}

func testTags(t *testing.T, s store.Store) {
	ctx := context.Background()
	o := mkOrg(t, s, newAccountID())
	t.Run("method=UpdateTags/case=fn-sees-and-edits-the-map", func(t *testing.T) {
		if tags, err := s.ListTags(ctx, o.ID); err != nil || len(tags) != 0 {
			t.Fatalf("no tags: %v %v", tags, err)
		}
		if err := s.UpdateTags(ctx, o.ID, func(m map[string]string) error {
			m["b"], m["a"], m["c"] = "2", "1", ""
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		wantErr(t, s.UpdateTags(ctx, o.ID, func(m map[string]string) error { delete(m, "a"); return boom }), boom)
		if err := s.UpdateTags(ctx, o.ID, func(m map[string]string) error {
			delete(m, "b")
			m["a"] = "one"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		tags, err := s.ListTags(ctx, o.ID)
		if err != nil || fmt.Sprint(tags) != "[{a one} {c }]" {
			t.Fatalf("tags: %v %v", tags, err)
		}
	})

	t.Run("method=ListTags/case=missing-organization", func(t *testing.T) {
		_, err := s.ListTags(ctx, newOrgID())
		wantErr(t, err, store.ErrNotFound)
		wantErr(t, s.UpdateTags(ctx, newOrgID(), func(map[string]string) error { return nil }), store.ErrNotFound)
	})
}

// testDirectoryConcurrency hammers one organization from many goroutines:
// read-modify-write updates (UpdateTags, UpdateEntity) must not be lost
// and unique names (CreateEntity, CreateOrganization) must not be handed
// out twice.
func testDirectoryConcurrency(t *testing.T, s store.Store) {
	t.Run("method=UpdateTags+UpdateEntity+CreateEntity+CreateOrganization/case=concurrent-writers", func(t *testing.T) {
		ctx := context.Background()
		const writers = 16
		acct := newAccountID()
		o := mkOrg(t, s, acct)
		u := mkEntity(t, s, o.ID, store.EntityUser, "counter")

		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		record := func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
		var created, clashes int
		var orgsCreated, orgClashes int
		alias := "race" + randHex(5)
		for i := 0; i < writers; i++ {
			wg.Add(4)
			go func() {
				defer wg.Done()
				record(s.UpdateTags(ctx, o.ID, func(m map[string]string) error {
					n, _ := strconv.Atoi(m["n"])
					m["n"] = strconv.Itoa(n + 1)
					return nil
				}))
			}()
			go func() {
				defer wg.Done()
				_, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error {
					n, _ := strconv.Atoi(e.DisplayName)
					e.DisplayName = strconv.Itoa(n + 1)
					return nil
				})
				record(err)
			}()
			go func() {
				defer wg.Done()
				err := s.CreateEntity(ctx, store.Entity{OrgID: o.ID, ID: newEntityID(), Type: store.EntityUser, Name: "Same", State: store.EntityDisabled})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					created++
				case errors.Is(err, store.ErrConflict):
					clashes++
				default:
					errs = append(errs, err)
				}
			}()
			go func() {
				defer wg.Done()
				_, _, err := s.CreateOrganization(ctx, store.Organization{ID: newOrgID(), AccountID: acct, Region: testRegion, Alias: alias}, nil, 0)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					orgsCreated++
				case errors.Is(err, store.ErrConflict):
					orgClashes++
				default:
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent write failed: %v", err)
			}
		}
		tags, _ := s.ListTags(ctx, o.ID)
		if len(tags) != 1 || tags[0].Value != strconv.Itoa(writers) {
			t.Errorf("tag counter: %v, want %d (lost updates)", tags, writers)
		}
		if e, _ := s.GetEntity(ctx, o.ID, u.ID); e.DisplayName != strconv.Itoa(writers) {
			t.Errorf("entity counter: %s, want %d (lost updates)", e.DisplayName, writers)
		}
		if created != 1 || clashes != writers-1 {
			t.Errorf("same name: %d created, %d clashes", created, clashes)
		}
		if orgsCreated != 1 || orgClashes != writers-1 {
			t.Errorf("same alias: %d created, %d clashes", orgsCreated, orgClashes)
		}
		if es, _ := s.ListEntities(ctx, o.ID, store.EntityFilter{NamePrefix: "same"}, store.Page{}); len(es) != 1 {
			t.Errorf("%d entities named Same", len(es))
		}
	})
}
