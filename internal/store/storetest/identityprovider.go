package storetest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func testIdentityProvider(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct := newAccountID()
	now := time.Now().UTC().Truncate(time.Microsecond)
	instance := "arn:aws:sso:::instance/ssoins-" + randHex(8)
	app := func() store.IdentityCenterApplication {
		return store.IdentityCenterApplication{ARN: "arn:aws:sso::" + acct + ":application/ssoins-x/apl-" + randHex(8), AccountID: acct, Region: testRegion,
			InstanceARN: instance, Name: "workmail", RequestHash: "h", CreatedAt: now}
	}

	t.Run("method=CreateIdentityCenterApplication/case=roundtrip", func(t *testing.T) {
		in := app()
		got, replayed, err := s.CreateIdentityCenterApplication(ctx, in)
		if err != nil || replayed || !reflect.DeepEqual(*got, in) {
			t.Fatalf("create: %+v %v %v", got, replayed, err)
		}
		back, err := s.GetIdentityCenterApplication(ctx, in.ARN)
		if err != nil || !reflect.DeepEqual(*back, in) {
			t.Fatalf("get:\n got %+v %v\nwant %+v", back, err, in)
		}
		_, _, err = s.CreateIdentityCenterApplication(ctx, in)
		wantErr(t, err, store.ErrAlreadyExists)
		_, err = s.GetIdentityCenterApplication(ctx, in.ARN+"x")
		wantErr(t, err, store.ErrNotFound)
	})

	t.Run("method=CreateIdentityCenterApplication/case=client-token", func(t *testing.T) {
		tok := "ct-" + randHex(6)
		var wg sync.WaitGroup
		arns := make([]string, 5)
		for i := range arns {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := app()
				in.ClientToken = tok
				got, _, err := s.CreateIdentityCenterApplication(ctx, in)
				if err != nil {
					t.Error(err)
					return
				}
				arns[i] = got.ARN
			}(i)
		}
		wg.Wait()
		for _, a := range arns[1:] {
			if a != arns[0] {
				t.Fatalf("one client token made several applications: %v", arns)
			}
		}
		// The same token in another Region is another application.
		in := app()
		in.ClientToken, in.Region = tok, "eu-west-1"
		got, replayed, err := s.CreateIdentityCenterApplication(ctx, in)
		if err != nil || replayed || got.ARN == arns[0] {
			t.Fatalf("other region: %+v %v %v", got, replayed, err)
		}
	})

	t.Run("method=PutIdentityProviderConfig/case=create-replace-delete", func(t *testing.T) {
		o := mkOrg(t, s, acct)
		a := app()
		if _, _, err := s.CreateIdentityCenterApplication(ctx, a); err != nil {
			t.Fatal(err)
		}
		_, err := s.GetIdentityProviderConfig(ctx, o.ID)
		wantErr(t, err, store.ErrNotFound)
		c := store.IdentityProviderConfig{OrgID: o.ID, AuthenticationMode: store.AuthIdentityProviderAndDirectory, InstanceARN: instance,
			ApplicationARN: a.ARN, PATStatus: store.PATActive, PATLifetimeDays: 30, UpdatedAt: now}
		if err := s.PutIdentityProviderConfig(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetIdentityProviderConfig(ctx, o.ID)
		if err != nil || !reflect.DeepEqual(*got, c) {
			t.Fatalf("get:\n got %+v %v\nwant %+v", got, err, c)
		}
		c.AuthenticationMode, c.PATStatus, c.PATLifetimeDays = store.AuthIdentityProviderOnly, store.PATInactive, 0
		if err := s.PutIdentityProviderConfig(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetIdentityProviderConfig(ctx, o.ID); !reflect.DeepEqual(*got, c) {
			t.Fatalf("replace: %+v", got)
		}
		// An application in use cannot be deleted.
		wantErr(t, s.DeleteIdentityCenterApplication(ctx, a.ARN), store.ErrInUse)

		bad := c
		bad.ApplicationARN = a.ARN + "-gone"
		wantErr(t, s.PutIdentityProviderConfig(ctx, bad), store.ErrNotFound)
		bad = c
		bad.OrgID = newOrgID()
		wantErr(t, s.PutIdentityProviderConfig(ctx, bad), store.ErrNotFound)

		if err := s.DeleteIdentityProviderConfig(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.GetIdentityProviderConfig(ctx, o.ID)
		wantErr(t, err, store.ErrNotFound)
		if err := s.DeleteIdentityProviderConfig(ctx, o.ID); err != nil {
			t.Fatalf("deleting again: %v", err)
		}
		if err := s.DeleteIdentityCenterApplication(ctx, a.ARN); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.DeleteIdentityCenterApplication(ctx, a.ARN), store.ErrNotFound)
	})

	t.Run("method=FindUsersByIdentityProviderUserID/case=exact-match-live-users", func(t *testing.T) {
		o := mkOrg(t, s, acct)
		idp := newEntityID()
		u := mkEntity(t, s, o.ID, store.EntityUser, "u"+randHex(3))
		if _, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error { e.IdentityProviderUserID = idp; return nil }); err != nil {
			t.Fatal(err)
		}
		mkEntity(t, s, o.ID, store.EntityUser, "v"+randHex(3))
		got, err := s.FindUsersByIdentityProviderUserID(ctx, o.ID, idp)
		if err != nil || len(got) != 1 || got[0].ID != u.ID {
			t.Fatalf("find: %+v %v", got, err)
		}
		if got, _ := s.FindUsersByIdentityProviderUserID(ctx, o.ID, idp[:8]); len(got) != 0 {
			t.Fatalf("a prefix matched: %+v", got)
		}
		if _, err := s.UpdateEntity(ctx, o.ID, u.ID, func(e *store.Entity) error { e.State, e.DeletedAt = store.EntityDeleted, now; return nil }); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindUsersByIdentityProviderUserID(ctx, o.ID, idp); len(got) != 0 {
			t.Fatalf("a deleted user matched: %+v", got)
		}
	})

	testPersonalAccessTokens(t, s, acct, instance, app)
}

// testPersonalAccessTokens: the tokens of one organization, created
// through a configuration's prepare callback.
func testPersonalAccessTokens(t *testing.T, s store.Store, acct, instance string, app func() store.IdentityCenterApplication) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	o := mkOrg(t, s, acct)
	a := app()
	if _, _, err := s.CreateIdentityCenterApplication(ctx, a); err != nil {
		t.Fatal(err)
	}
	alice, bob := newEntityID(), newEntityID()
	tok := func(user string) store.PersonalAccessToken {
		return store.PersonalAccessToken{ID: "pat" + randHex(8), OrgID: o.ID, UserID: user, Name: "phone", Scopes: []string{"imap", "smtp"},
			SecretHash: randHex(32), CreatedAt: now}
	}
	c := store.IdentityProviderConfig{OrgID: o.ID, AuthenticationMode: store.AuthIdentityProviderOnly, InstanceARN: instance,
		ApplicationARN: a.ARN, PATStatus: store.PATActive, PATLifetimeDays: 7, UpdatedAt: now}
	setExpiry := func(c *store.IdentityProviderConfig, t *store.PersonalAccessToken) error {
		if c.PATStatus != store.PATActive {
			return errors.New("inactive")
		}
		t.ExpiresAt = t.CreatedAt.Add(time.Duration(c.PATLifetimeDays) * 24 * time.Hour)
		return nil
	}
	t1, t2, t3 := tok(alice), tok(bob), tok(alice)
	t2.Scopes = nil

	t.Run("method=CreatePersonalAccessToken/case=needs-a-configuration", func(t *testing.T) {
		wantErr(t, s.CreatePersonalAccessToken(ctx, tok(alice), nil), store.ErrNotFound)
	})
	must(t, s.PutIdentityProviderConfig(ctx, c))

	t.Run("method=CreatePersonalAccessToken/case=prepare-sets-expiry", func(t *testing.T) {
		if err := s.CreatePersonalAccessToken(ctx, t1, setExpiry); err != nil {
			t.Fatal(err)
		}
		t1.ExpiresAt = now.Add(7 * 24 * time.Hour)
		got, err := s.GetPersonalAccessToken(ctx, t1.ID)
		if err != nil || !reflect.DeepEqual(*got, t1) {
			t.Fatalf("get:\n got %+v %v\nwant %+v", got, err, t1)
		}
		wantErr(t, s.CreatePersonalAccessToken(ctx, t1, setExpiry), store.ErrAlreadyExists)
	})
	t.Run("method=CreatePersonalAccessToken/case=no-scopes-stay-nil", func(t *testing.T) {
		for _, x := range []store.PersonalAccessToken{t2, t3} {
			if err := s.CreatePersonalAccessToken(ctx, x, setExpiry); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.GetPersonalAccessToken(ctx, t2.ID); got.Scopes != nil {
			t.Fatalf("no scopes came back as %#v", got.Scopes)
		}
	})
	t.Run("method=ListPersonalAccessTokens/case=by-id-per-user-paged", func(t *testing.T) {
		all, err := s.ListPersonalAccessTokens(ctx, o.ID, "", store.Page{})
		if err != nil || len(all) != 3 {
			t.Fatalf("list all: %d %v", len(all), err)
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].ID >= all[i].ID {
				t.Fatal("not ordered by ID")
			}
		}
		mine, _ := s.ListPersonalAccessTokens(ctx, o.ID, alice, store.Page{})
		if len(mine) != 2 {
			t.Fatalf("list alice: %+v", mine)
		}
		page, _ := s.ListPersonalAccessTokens(ctx, o.ID, "", store.Page{After: all[0].ID, Limit: 1})
		if len(page) != 1 || page[0].ID != all[1].ID {
			t.Fatalf("page: %+v", page)
		}
	})
	t.Run("method=TouchPersonalAccessToken/case=never-moves-the-time-back", func(t *testing.T) {
		later := now.Add(time.Hour)
		if err := s.TouchPersonalAccessToken(ctx, t1.ID, later); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchPersonalAccessToken(ctx, t1.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetPersonalAccessToken(ctx, t1.ID); !got.LastUsedAt.Equal(later) {
			t.Fatalf("last used %v, want %v", got.LastUsedAt, later)
		}
		if err := s.TouchPersonalAccessToken(ctx, "missing", later); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("method=CreatePersonalAccessToken/case=refused-by-prepare-writes-nothing", func(t *testing.T) {
		inactive := c
		inactive.PATStatus = store.PATInactive
		if err := s.PutIdentityProviderConfig(ctx, inactive); err != nil {
			t.Fatal(err)
		}
		t4 := tok(alice)
		if err := s.CreatePersonalAccessToken(ctx, t4, setExpiry); err == nil || err.Error() != "inactive" {
			t.Fatalf("prepare's error: %v", err)
		}
		_, err := s.GetPersonalAccessToken(ctx, t4.ID)
		wantErr(t, err, store.ErrNotFound)
	})
	t.Run("method=DeletePersonalAccessToken/case=only-the-owners-when-a-user-is-named", func(t *testing.T) {
		wantErr(t, s.DeletePersonalAccessToken(ctx, o.ID, bob, t1.ID), store.ErrNotFound)
		wantErr(t, s.DeletePersonalAccessToken(ctx, newOrgID(), "", t1.ID), store.ErrNotFound)
		if err := s.DeletePersonalAccessToken(ctx, o.ID, alice, t1.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, s.DeletePersonalAccessToken(ctx, o.ID, "", t1.ID), store.ErrNotFound)
	})
	t.Run("method=DeleteIdentityProviderConfig/case=drops-every-token-of-the-organization", func(t *testing.T) {
		if err := s.DeleteIdentityProviderConfig(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		if left, _ := s.ListPersonalAccessTokens(ctx, o.ID, "", store.Page{}); len(left) != 0 {
			t.Fatalf("tokens left: %+v", left)
		}
	})
}
