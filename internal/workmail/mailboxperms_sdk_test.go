package workmail_test

// Mailbox permissions through the official AWS SDK for Go v2, and the
// questions the mail front end asks (Service.MailboxPermitted and
// Service.FullAccessMailboxes) on the same store.

import (
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

func (f *fx) grant(t *testing.T, org, mailbox, grantee string, perms ...types.PermissionType) {
	t.Helper()
	_, err := f.wm.PutMailboxPermissions(f.ctx, &workmail.PutMailboxPermissionsInput{OrganizationId: &org, EntityId: &mailbox, GranteeId: &grantee, PermissionValues: perms})
	must(t, err)
}

func (f *fx) putPerms(org, mailbox, grantee string, perms ...types.PermissionType) error {
	if perms == nil {
		perms = []types.PermissionType{}
	}
	_, err := f.wm.PutMailboxPermissions(f.ctx, &workmail.PutMailboxPermissionsInput{OrganizationId: &org, EntityId: &mailbox, GranteeId: &grantee, PermissionValues: perms})
	return err
}

func (f *fx) revoke(org, mailbox, grantee string) error {
	_, err := f.wm.DeleteMailboxPermissions(f.ctx, &workmail.DeleteMailboxPermissionsInput{OrganizationId: &org, EntityId: &mailbox, GranteeId: &grantee})
	return err
}

// perms pages through ListMailboxPermissions with MaxResults 1, checks the
// pages add up to the single-call listing in grantee ID order, and returns
// grantee → "TYPE:PERM,PERM".
func (f *fx) perms(t *testing.T, org, mailbox string) map[string]string {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]types.Permission, *string, error) {
		out, err := f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: &org, EntityId: &mailbox, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Permissions, out.NextToken, nil
	})
	whole, err := f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: &org, EntityId: &mailbox})
	must(t, err)
	if !reflect.DeepEqual(paged, whole.Permissions) && !(len(paged) == 0 && len(whole.Permissions) == 0) {
		t.Fatalf("paged %+v, whole %+v", paged, whole.Permissions)
	}
	out := map[string]string{}
	var ids []string
	for _, p := range paged {
		s := string(p.GranteeType) + ":"
		for i, v := range p.PermissionValues {
			if i > 0 {
				s += ","
			}
			s += string(v)
		}
		out[*p.GranteeId] = s
		ids = append(ids, *p.GranteeId)
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatalf("grants not in grantee ID order: %v", ids)
	}
	return out
}

func permitted(t *testing.T, f *fx, svc *wmsvc.Service, org, user, mailbox, perm string) bool {
	t.Helper()
	ok, err := svc.MailboxPermitted(f.ctx, org, user, mailbox, perm)
	must(t, err)
	return ok
}

func TestMailboxPermissionsSDK(t *testing.T) {
	t.Parallel()
	f, svc, _ := svcFx(t)
	o, alias := f.org(t)
	domain := alias + ".awsapps.com"
	named := func(prefix string) (id, name string) {
		name = prefix + "-" + rnd()
		id = f.user(t, o, name)
		f.register(t, o, id, name+"@"+domain)
		return id, name
	}
	owner, ownerName := named("owner")
	bob, bobName := named("bob")
	carol, _ := named("carol")

	t.Run("method=PutMailboxPermissions/case=grant and list", func(t *testing.T) {
		// Identifiers may be addresses and names; grants list IDs.
		f.grant(t, o, ownerName+"@"+domain, bobName, types.PermissionTypeSendAs, types.PermissionTypeFullAccess, types.PermissionTypeSendAs)
		if got := f.perms(t, o, owner); !reflect.DeepEqual(got, map[string]string{bob: "USER:FULL_ACCESS,SEND_AS"}) {
			t.Fatalf("grants %v", got)
		}
		for perm, want := range map[string]bool{wmsvc.MailboxFullAccess: true, wmsvc.MailboxSendAs: true, wmsvc.MailboxSendOnBehalf: false} {
			if got := permitted(t, f, svc, o, bob, owner, perm); got != want {
				t.Fatalf("bob %s on owner: %v", perm, got)
			}
		}
		if permitted(t, f, svc, o, carol, owner, wmsvc.MailboxSendAs) || permitted(t, f, svc, o, owner, bob, wmsvc.MailboxFullAccess) {
			t.Fatal("a grant reached someone else")
		}
		if !permitted(t, f, svc, o, owner, owner, wmsvc.MailboxFullAccess) {
			t.Fatal("the owner may not use their own mailbox")
		}
	})

	t.Run("method=PutMailboxPermissions/case=replaces the set", func(t *testing.T) {
		f.grant(t, o, owner, bob, types.PermissionTypeSendOnBehalf)
		if got := f.perms(t, o, owner); !reflect.DeepEqual(got, map[string]string{bob: "USER:SEND_ON_BEHALF"}) {
			t.Fatalf("grants %v", got)
		}
		if permitted(t, f, svc, o, bob, owner, wmsvc.MailboxFullAccess) || !permitted(t, f, svc, o, bob, owner, wmsvc.MailboxSendOnBehalf) {
			t.Fatal("the old set survived the new one")
		}
	})

	t.Run("method=ListMailboxPermissions/case=pages", func(t *testing.T) {
		mb, _ := named("shared")
		want := map[string]string{}
		for i := 0; i < 3; i++ {
			u, _ := named("reader")
			f.grant(t, o, mb, u, types.PermissionTypeFullAccess)
			want[u] = "USER:FULL_ACCESS"
		}
		g := f.group(t, o, "team-"+rnd())
		f.grant(t, o, mb, g, types.PermissionTypeSendAs)
		want[g] = "GROUP:SEND_AS"
		if got := f.perms(t, o, mb); !reflect.DeepEqual(got, want) {
			t.Fatalf("grants %v, want %v", got, want)
		}
		_, err := f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: &o, EntityId: &mb, NextToken: aws.String("forged")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if got := f.perms(t, o, carol); len(got) != 0 {
			t.Fatalf("grants on a mailbox without any: %v", got)
		}
	})

	t.Run("method=DeleteMailboxPermissions/case=revoke", func(t *testing.T) {
		mb, _ := named("revoked")
		f.grant(t, o, mb, carol, types.PermissionTypeFullAccess)
		must(t, f.revoke(o, mb, carol))
		if got := f.perms(t, o, mb); len(got) != 0 {
			t.Fatalf("grants after revoking: %v", got)
		}
		if permitted(t, f, svc, o, carol, mb, wmsvc.MailboxFullAccess) {
			t.Fatal("a revoked grant still works")
		}
		if got, err := svc.FullAccessMailboxes(f.ctx, o, carol); err != nil || len(got) != 0 {
			t.Fatalf("FullAccessMailboxes after revoking: %v %v", got, err)
		}
		must(t, f.revoke(o, mb, carol)) // revoking again is no error
	})

	t.Run("method=DeleteMailboxPermissions/case=deleted grantee", func(t *testing.T) {
		mb, _ := named("stale")
		gone := f.user(t, o, "gone-"+rnd())
		f.grant(t, o, mb, gone, types.PermissionTypeSendAs)
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &o, UserId: &gone})
		must(t, err)
		if got := f.perms(t, o, mb); got[gone] != "USER:SEND_AS" {
			t.Fatalf("a deleted grantee's grant is not listed until revoked: %v", got)
		}
		must(t, f.revoke(o, mb, gone))
		if got := f.perms(t, o, mb); len(got) != 0 {
			t.Fatalf("grants after revoking: %v", got)
		}
	})

	t.Run("method=PutMailboxPermissions/case=group mailbox", func(t *testing.T) {
		g := f.group(t, o, "list-"+rnd())
		f.grant(t, o, g, bob, types.PermissionTypeSendAs, types.PermissionTypeSendOnBehalf)
		if got := f.perms(t, o, g); got[bob] != "USER:SEND_AS,SEND_ON_BEHALF" {
			t.Fatalf("grants on a group %v", got)
		}
		err := f.putPerms(o, g, bob, types.PermissionTypeFullAccess)
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		wantMessage(t, err, "FULL_ACCESS", g)
	})

	t.Run("method=PutMailboxPermissions/case=errors", func(t *testing.T) {
		o2, _ := f.org(t)
		stranger := f.user(t, o2, "stranger-"+rnd())
		gone := f.user(t, o, "gone-"+rnd())
		goneBox := f.user(t, o, "gonebox-"+rnd())
		for _, id := range []string{gone, goneBox} {
			_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &o, UserId: aws.String(id)})
			must(t, err)
		}
		sendAs := types.PermissionTypeSendAs
		cases := []struct {
			name                  string
			org, mailbox, grantee string
			perms                 []types.PermissionType
			code                  string
			parts                 []string
		}{
			{"unknown grantee", o, owner, "nobody-" + rnd(), []types.PermissionType{sendAs}, "EntityNotFoundException", []string{"nobody-"}},
			{"grantee of another organization", o, owner, stranger, []types.PermissionType{sendAs}, "EntityNotFoundException", []string{stranger}},
			{"unknown mailbox", o, "nobody-" + rnd() + "@" + domain, bob, []types.PermissionType{sendAs}, "EntityNotFoundException", []string{"nobody-"}},
			{"deleted grantee", o, owner, gone, []types.PermissionType{sendAs}, "EntityStateException", []string{gone}},
			{"deleted mailbox", o, goneBox, bob, []types.PermissionType{sendAs}, "EntityStateException", []string{goneBox}},
			{"the owner", o, owner, ownerName, []types.PermissionType{sendAs}, "InvalidParameterException", []string{"GranteeId", owner}},
			{"no permissions", o, owner, carol, nil, "InvalidParameterException", []string{"PermissionValues"}},
			{"unknown organization", unknownOrgID(), owner, bob, []types.PermissionType{sendAs}, "OrganizationNotFoundException", nil},
			{"deleted organization", f.deletedOrg(t), owner, bob, []types.PermissionType{sendAs}, "OrganizationStateException", nil},
		}
		for _, c := range cases {
			err := f.putPerms(c.org, c.mailbox, c.grantee, c.perms...)
			apiErr(t, err, c.code, 400)
			wantMessage(t, err, c.parts...)
		}
		if got := f.perms(t, o, owner); len(got) != 1 {
			t.Fatalf("a refused Put wrote: %v", got)
		}
	})

	t.Run("method=ListMailboxPermissions/case=errors", func(t *testing.T) {
		_, err := f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: &o, EntityId: aws.String("nobody-" + rnd())})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		_, err = f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: aws.String(unknownOrgID()), EntityId: &owner})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		_, err = f.wm.ListMailboxPermissions(f.ctx, &workmail.ListMailboxPermissionsInput{OrganizationId: aws.String(f.deletedOrg(t)), EntityId: &owner})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
	})

	t.Run("method=DeleteMailboxPermissions/case=errors", func(t *testing.T) {
		err := f.revoke(o, owner, "nobody-"+rnd())
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		err = f.revoke(o, "nobody-"+rnd(), bob)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		err = f.revoke(unknownOrgID(), owner, bob)
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		err = f.revoke(f.deletedOrg(t), owner, bob)
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
	})
}

// A grant to a group reaches the members of the group and of the groups
// nested in it, as the administrator guide says.
func TestMailboxPermissionNestedGroups(t *testing.T) {
	t.Parallel()
	f, svc, _ := svcFx(t)
	o, _ := f.org(t)
	owner := f.user(t, o, "owner-"+rnd())
	shared := f.user(t, o, "shared-"+rnd())
	alice := f.user(t, o, "alice-"+rnd())
	bob := f.user(t, o, "bob-"+rnd())
	carol := f.user(t, o, "carol-"+rnd())
	outer := f.group(t, o, "outer-"+rnd())
	mid := f.group(t, o, "mid-"+rnd())
	inner := f.group(t, o, "inner-"+rnd())
	member := func(group, m string) {
		_, err := f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &o, GroupId: &group, MemberId: &m})
		must(t, err)
	}
	// alice ∈ inner ∈ mid ∈ outer, and alice ∈ outer directly (two
	// paths); bob ∈ outer; carol in none.
	member(outer, mid)
	member(mid, inner)
	member(inner, alice)
	member(outer, alice)
	member(outer, bob)
	f.grant(t, o, owner, outer, types.PermissionTypeSendAs)
	f.grant(t, o, owner, mid, types.PermissionTypeFullAccess)
	f.grant(t, o, shared, inner, types.PermissionTypeFullAccess)
	f.grant(t, o, shared, carol, types.PermissionTypeFullAccess, types.PermissionTypeSendOnBehalf)

	check := func(t *testing.T, name, user, mailbox, perm string, want bool) {
		t.Helper()
		if got := permitted(t, f, svc, o, user, mailbox, perm); got != want {
			t.Fatalf("%s: %s on %s is %v, want %v", name, perm, mailbox, got, want)
		}
	}
	fullAccess := func(t *testing.T, user string, want ...string) {
		t.Helper()
		got, err := svc.FullAccessMailboxes(f.ctx, o, user)
		must(t, err)
		sort.Strings(want)
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("FullAccessMailboxes %v, want %v", got, want)
			}
		}
	}

	t.Run("method=MailboxPermitted/case=nested groups", func(t *testing.T) {
		check(t, "alice through inner, mid, outer", alice, owner, wmsvc.MailboxSendAs, true)
		check(t, "alice through inner, mid", alice, owner, wmsvc.MailboxFullAccess, true)
		check(t, "alice", alice, owner, wmsvc.MailboxSendOnBehalf, false)
		check(t, "alice through inner", alice, shared, wmsvc.MailboxFullAccess, true)
		check(t, "bob through outer", bob, owner, wmsvc.MailboxSendAs, true)
		check(t, "bob, not in mid by being in outer", bob, owner, wmsvc.MailboxFullAccess, false)
		check(t, "bob, not in inner", bob, shared, wmsvc.MailboxFullAccess, false)
		check(t, "carol directly", carol, shared, wmsvc.MailboxSendOnBehalf, true)
		check(t, "carol", carol, owner, wmsvc.MailboxSendAs, false)
		check(t, "the owner", owner, owner, wmsvc.MailboxSendOnBehalf, true)
	})

	t.Run("method=FullAccessMailboxes/case=nested groups", func(t *testing.T) {
		fullAccess(t, alice, owner, shared)
		fullAccess(t, bob)
		fullAccess(t, carol, shared)
		fullAccess(t, owner)
	})

	t.Run("method=MailboxPermitted/case=membership removed", func(t *testing.T) {
		_, err := f.wm.DisassociateMemberFromGroup(f.ctx, &workmail.DisassociateMemberFromGroupInput{OrganizationId: &o, GroupId: &mid, MemberId: &inner})
		must(t, err)
		check(t, "alice, inner out of mid", alice, owner, wmsvc.MailboxFullAccess, false)
		check(t, "alice still in outer directly", alice, owner, wmsvc.MailboxSendAs, true)
		check(t, "alice still in inner", alice, shared, wmsvc.MailboxFullAccess, true)
		_, err = f.wm.DisassociateMemberFromGroup(f.ctx, &workmail.DisassociateMemberFromGroupInput{OrganizationId: &o, GroupId: &outer, MemberId: &alice})
		must(t, err)
		check(t, "alice out of outer", alice, owner, wmsvc.MailboxSendAs, false)
		check(t, "bob still in outer", bob, owner, wmsvc.MailboxSendAs, true)
		fullAccess(t, alice, shared)
	})

	t.Run("method=MailboxPermitted/case=bad requests", func(t *testing.T) {
		if _, err := svc.MailboxPermitted(f.ctx, o, alice, owner, "READ"); err == nil {
			t.Fatal("an unknown permission was taken")
		}
		gone := f.deletedOrg(t)
		if ok, err := svc.MailboxPermitted(f.ctx, gone, alice, owner, wmsvc.MailboxSendAs); ok || err != nil {
			t.Fatalf("a deleted organization permits: %v %v", ok, err)
		}
		if got, err := svc.FullAccessMailboxes(f.ctx, unknownOrgID(), alice); got != nil || err != nil {
			t.Fatalf("an unknown organization has shared mailboxes: %v %v", got, err)
		}
	})
}
