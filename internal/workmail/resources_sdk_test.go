package workmail_test

// Resources (rooms and equipment) through the official AWS SDK for Go v2:
// the directory-entity life cycle they share with users and groups, their
// own members and booking options, and every modeled error the service
// can give.

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
	"github.com/aws/smithy-go/middleware"
)

func (f *fx) resource(t *testing.T, org, name string, typ types.ResourceType) string {
	t.Helper()
	out, err := f.wm.CreateResource(f.ctx, &workmail.CreateResourceInput{OrganizationId: &org, Name: &name, Type: typ})
	must(t, err)
	return *out.ResourceId
}

func (f *fx) describeResource(t *testing.T, org, id string) *workmail.DescribeResourceOutput {
	t.Helper()
	out, err := f.wm.DescribeResource(f.ctx, &workmail.DescribeResourceInput{OrganizationId: &org, ResourceId: &id})
	must(t, err)
	out.ResultMetadata = middleware.Metadata{}
	return out
}

func resourceIDs(rs []types.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, *r.Id)
	}
	return out
}

// listResources pages through ListResources with MaxResults 1 and checks
// the pages add up to the single-call listing, in ascending ID order.
func (f *fx) listResources(t *testing.T, org string, filters *types.ListResourcesFilters) []types.Resource {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]types.Resource, *string, error) {
		out, err := f.wm.ListResources(f.ctx, &workmail.ListResourcesInput{OrganizationId: &org, Filters: filters, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Resources, out.NextToken, nil
	})
	whole, err := f.wm.ListResources(f.ctx, &workmail.ListResourcesInput{OrganizationId: &org, Filters: filters})
	must(t, err)
	if !reflect.DeepEqual(resourceIDs(paged), resourceIDs(whole.Resources)) || !sort.StringsAreSorted(resourceIDs(paged)) {
		t.Fatalf("paged %v, whole %v", resourceIDs(paged), resourceIDs(whole.Resources))
	}
	return paged
}

func (f *fx) updateResource(in workmail.UpdateResourceInput) error {
	_, err := f.wm.UpdateResource(f.ctx, &in)
	return err
}

var resourceIDPattern = regexp.MustCompile(`^r-[0-9a-f]{32}$`)

func TestResourcesSDK(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, _ := f.org(t, domain)
	alice := f.user(t, org, "alice")
	var room, projector string

	t.Run("method=CreateResource/case=ok", func(t *testing.T) {
		out, err := f.wm.CreateResource(f.ctx, &workmail.CreateResourceInput{OrganizationId: &org, Name: aws.String("Boardroom"), Type: types.ResourceTypeRoom,
			Description: aws.String("Tenth floor, 12 seats"), HiddenFromGlobalAddressList: true})
		must(t, err)
		room = *out.ResourceId
		projector = f.resource(t, org, "projector-1", types.ResourceTypeEquipment)
		if !resourceIDPattern.MatchString(room) || !resourceIDPattern.MatchString(projector) {
			t.Fatalf("resource IDs %s %s", room, projector)
		}
		got := f.describeResource(t, org, room)
		want := &workmail.DescribeResourceOutput{ResourceId: &room, Name: aws.String("Boardroom"), Type: types.ResourceTypeRoom,
			Description: aws.String("Tenth floor, 12 seats"), State: types.EntityStateDisabled, HiddenFromGlobalAddressList: true,
			BookingOptions: &types.BookingOptions{AutoAcceptRequests: true, AutoDeclineConflictingRequests: true}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DescribeResource %+v, want %+v", got, want)
		}
		if p := f.describeResource(t, org, projector); p.Type != types.ResourceTypeEquipment || p.Description != nil || p.HiddenFromGlobalAddressList {
			t.Fatalf("DescribeResource %+v", p)
		}
	})

	t.Run("method=CreateResource/case=errors", func(t *testing.T) {
		create := func(name string, typ types.ResourceType) error {
			_, err := f.wm.CreateResource(f.ctx, &workmail.CreateResourceInput{OrganizationId: &org, Name: &name, Type: typ})
			return err
		}
		// Users, groups and resources share one namespace, ignoring case.
		for _, n := range []string{"boardroom", "ALICE"} {
			err := create(n, types.ResourceTypeRoom)
			expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
			wantMessage(t, err, n)
		}
		expect[*types.ReservedNameException](t, create("Administrator", types.ResourceTypeRoom), "ReservedNameException")
		for _, err := range []error{create("a-name-longer-than-20", types.ResourceTypeRoom), create("lounge", "LOUNGE"), create("with space", types.ResourceTypeRoom)} {
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
		_, err := f.wm.CreateResource(f.ctx, &workmail.CreateResourceInput{OrganizationId: &org, Name: aws.String("desc"), Type: types.ResourceTypeRoom,
			Description: aws.String(strings.Repeat("x", 65))})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})

	t.Run("method=DescribeResource/case=registered", func(t *testing.T) {
		f.register(t, org, room, "boardroom@"+domain)
		byID := f.describeResource(t, org, room)
		if byID.State != types.EntityStateEnabled || *byID.Email != "boardroom@"+domain || byID.EnabledDate == nil {
			t.Fatalf("registered resource %+v", byID)
		}
		for _, ident := range []string{"BOARDROOM@" + domain, "boardroom", room} {
			if got := f.describeResource(t, org, ident); !reflect.DeepEqual(got, byID) {
				t.Fatalf("DescribeResource(%s) = %+v, by ID %+v", ident, got, byID)
			}
		}
		ent, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("boardroom@" + domain)})
		if err != nil || *ent.EntityId != room || ent.Type != types.EntityTypeResource || *ent.Name != "Boardroom" {
			t.Fatalf("DescribeEntity %+v %v", ent, err)
		}
		_, err = f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &room, Alias: aws.String("board@" + domain)})
		must(t, err)
		if got := f.listAliases(t, org, room); !reflect.DeepEqual(got, []string{"board@" + domain}) {
			t.Fatalf("aliases %v", got)
		}
		if got := f.describeResource(t, org, "board@"+domain); *got.ResourceId != room {
			t.Fatalf("DescribeResource by alias: %+v", got)
		}
		// A resource belongs to no group; the question may still be asked.
		groups, err := f.wm.ListGroupsForEntity(f.ctx, &workmail.ListGroupsForEntityInput{OrganizationId: &org, EntityId: &room})
		if err != nil || len(groups.Groups) != 0 {
			t.Fatalf("ListGroupsForEntity of a resource: %+v %v", groups, err)
		}
		g := f.group(t, org, "rooms-"+rnd())
		_, err = f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: &g, MemberId: &room})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})

	t.Run("method=DescribeResource/case=errors", func(t *testing.T) {
		for _, ident := range []string{"nobody", alice, "alice"} {
			_, err := f.wm.DescribeResource(f.ctx, &workmail.DescribeResourceInput{OrganizationId: &org, ResourceId: aws.String(ident)})
			expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
			wantMessage(t, err, ident)
		}
		_, err := f.wm.DescribeResource(f.ctx, &workmail.DescribeResourceInput{OrganizationId: &org, ResourceId: aws.String("bad id!")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})

	t.Run("method=ListResources/case=paged and filtered", func(t *testing.T) {
		third := f.resource(t, org, "Blue-room", types.ResourceTypeRoom)
		all := f.listResources(t, org, nil)
		sameSet(t, "resources", resourceIDs(all), []string{room, projector, third})
		for _, r := range all {
			if *r.Id == room && (r.Type != types.ResourceTypeRoom || *r.Description != "Tenth floor, 12 seats" || *r.Email != "boardroom@"+domain ||
				r.State != types.EntityStateEnabled || r.EnabledDate == nil || *r.Name != "Boardroom") {
				t.Fatalf("summary %+v", r)
			}
		}
		sameSet(t, "prefix", resourceIDs(f.listResources(t, org, &types.ListResourcesFilters{NamePrefix: aws.String("b")})), []string{room, third})
		sameSet(t, "email", resourceIDs(f.listResources(t, org, &types.ListResourcesFilters{PrimaryEmailPrefix: aws.String("BOARD")})), []string{room})
		sameSet(t, "disabled", resourceIDs(f.listResources(t, org, &types.ListResourcesFilters{State: types.EntityStateDisabled})), []string{projector, third})
		for _, in := range []*workmail.ListResourcesInput{
			{OrganizationId: &org, Filters: &types.ListResourcesFilters{NamePrefix: aws.String("b"), State: types.EntityStateEnabled}},
			{OrganizationId: &org, NextToken: aws.String("garbled")},
			{OrganizationId: &org, MaxResults: aws.Int32(101)},
		} {
			_, err := f.wm.ListResources(f.ctx, in)
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
		// A token belongs to its listing (here: its filter).
		out, err := f.wm.ListResources(f.ctx, &workmail.ListResourcesInput{OrganizationId: &org, MaxResults: aws.Int32(1)})
		must(t, err)
		_, err = f.wm.ListResources(f.ctx, &workmail.ListResourcesInput{OrganizationId: &org, NextToken: out.NextToken,
			Filters: &types.ListResourcesFilters{NamePrefix: aws.String("b")}})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})

	t.Run("method=UpdateResource/case=members", func(t *testing.T) {
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &projector, Name: aws.String("Beamer"),
			Type: types.ResourceTypeRoom, Description: aws.String("Moved to room 3"), HiddenFromGlobalAddressList: aws.Bool(true)}))
		got := f.describeResource(t, org, "beamer")
		if *got.ResourceId != projector || *got.Name != "Beamer" || got.Type != types.ResourceTypeRoom || *got.Description != "Moved to room 3" || !got.HiddenFromGlobalAddressList {
			t.Fatalf("updated resource %+v", got)
		}
		// Members left out keep their values; an empty description clears it.
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &projector, Description: aws.String("")}))
		got = f.describeResource(t, org, projector)
		if got.Description != nil || *got.Name != "Beamer" || got.Type != types.ResourceTypeRoom || !got.HiddenFromGlobalAddressList {
			t.Fatalf("after clearing the description %+v", got)
		}
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &projector, HiddenFromGlobalAddressList: aws.Bool(false)}))
		if got := f.describeResource(t, org, projector); got.HiddenFromGlobalAddressList {
			t.Fatalf("still hidden %+v", got)
		}
		// The old name is free again.
		f.resource(t, org, "projector-1", types.ResourceTypeEquipment)
	})

	t.Run("method=UpdateResource/case=booking options", func(t *testing.T) {
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room,
			BookingOptions: &types.BookingOptions{AutoAcceptRequests: true, AutoDeclineRecurringRequests: true}}))
		if got := f.describeResource(t, org, room).BookingOptions; !reflect.DeepEqual(got, &types.BookingOptions{AutoAcceptRequests: true, AutoDeclineRecurringRequests: true}) {
			t.Fatalf("booking options %+v", got)
		}
		// Without a delegate a resource cannot stop answering by itself.
		err := f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, Name: aws.String("Renamed"),
			BookingOptions: &types.BookingOptions{AutoDeclineConflictingRequests: true}})
		expect[*types.InvalidConfigurationException](t, err, "InvalidConfigurationException")
		wantMessage(t, err, room, "delegate")
		if got := f.describeResource(t, org, room); *got.Name != "Boardroom" || !got.BookingOptions.AutoAcceptRequests {
			t.Fatalf("a refused update wrote: %+v", got)
		}
		f.delegate(t, org, room, alice)
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, BookingOptions: &types.BookingOptions{AutoDeclineConflictingRequests: true}}))
		if got := f.describeResource(t, org, room).BookingOptions; !reflect.DeepEqual(got, &types.BookingOptions{AutoDeclineConflictingRequests: true}) {
			t.Fatalf("booking options %+v", got)
		}
		// Updating other members leaves the booking options alone.
		must(t, f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, Description: aws.String("Tenth floor")}))
		if got := f.describeResource(t, org, room).BookingOptions; got.AutoAcceptRequests || !got.AutoDeclineConflictingRequests {
			t.Fatalf("booking options %+v", got)
		}
	})

	t.Run("method=UpdateResource/case=errors", func(t *testing.T) {
		cases := []struct {
			name string
			in   workmail.UpdateResourceInput
			code string
		}{
			{"name taken", workmail.UpdateResourceInput{ResourceId: &room, Name: aws.String("Alice")}, "NameAvailabilityException"},
			{"reserved name", workmail.UpdateResourceInput{ResourceId: &room, Name: aws.String("krbtgt")}, "ReservedNameException"},
			{"unknown", workmail.UpdateResourceInput{ResourceId: aws.String("nobody"), Name: aws.String("x")}, "EntityNotFoundException"},
			{"a user", workmail.UpdateResourceInput{ResourceId: &alice, Name: aws.String("x")}, "EntityNotFoundException"},
			{"long description", workmail.UpdateResourceInput{ResourceId: &room, Description: aws.String(strings.Repeat("x", 65))}, "InvalidParameterException"},
			{"bad type", workmail.UpdateResourceInput{ResourceId: &room, Type: "LOUNGE"}, "InvalidParameterException"},
		}
		for _, c := range cases {
			c.in.OrganizationId = &org
			err := f.updateResource(c.in)
			apiErr(t, err, c.code, 400)
		}
	})

	t.Run("method=DeleteResource/case=life cycle", func(t *testing.T) {
		// An enabled resource is deregistered first.
		_, err := f.wm.DeleteResource(f.ctx, &workmail.DeleteResourceInput{OrganizationId: &org, ResourceId: &room})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		wantMessage(t, err, room)
		_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &room})
		must(t, err)
		if got := f.describeResource(t, org, room); got.State != types.EntityStateDisabled || got.Email != nil || got.DisabledDate == nil {
			t.Fatalf("deregistered resource %+v", got)
		}
		_, err = f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("boardroom@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		_, err = f.wm.DeleteResource(f.ctx, &workmail.DeleteResourceInput{OrganizationId: &org, ResourceId: aws.String("boardroom")})
		must(t, err)
		if got := f.describeResource(t, org, room); got.State != types.EntityStateDeleted {
			t.Fatalf("deleted resource %+v", got)
		}
		sameSet(t, "deleted", resourceIDs(f.listResources(t, org, &types.ListResourcesFilters{State: types.EntityStateDeleted})), []string{room})
		err = f.updateResource(workmail.UpdateResourceInput{OrganizationId: &org, ResourceId: &room, Description: aws.String("x")})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &room, Email: aws.String("boardroom@" + domain)})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		// The name is free; deleting again, deleting nobody or a user's
		// name succeeds and deletes nothing else.
		f.resource(t, org, "boardroom", types.ResourceTypeRoom)
		for _, id := range []string{room, "nobody", "alice"} {
			_, err := f.wm.DeleteResource(f.ctx, &workmail.DeleteResourceInput{OrganizationId: &org, ResourceId: aws.String(id)})
			must(t, err)
		}
		if u := f.describeUser(t, org, alice); u.State != types.EntityStateDisabled {
			t.Fatalf("DeleteResource touched a user: %+v", u)
		}
	})
}

// TestResourceMailboxPermissions: a resource's mailbox takes grants like
// a user's; a resource is never a grantee.
func TestResourceMailboxPermissions(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, _ := f.org(t)
	room := f.resource(t, org, "room-"+rnd(), types.ResourceTypeRoom)
	other := f.resource(t, org, "room-"+rnd(), types.ResourceTypeRoom)
	bob := f.user(t, org, "bob")
	staff := f.group(t, org, "staff")
	f.grant(t, org, room, bob, types.PermissionTypeFullAccess)
	f.grant(t, org, room, staff, types.PermissionTypeSendOnBehalf)
	want := map[string]string{bob: "USER:FULL_ACCESS", staff: "GROUP:SEND_ON_BEHALF"}
	if got := f.perms(t, org, room); !reflect.DeepEqual(got, want) {
		t.Fatalf("grants on a resource %v, want %v", got, want)
	}
	err := f.putPerms(org, bob, room, types.PermissionTypeFullAccess)
	expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	err = f.putPerms(org, room, other, types.PermissionTypeFullAccess)
	expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	must(t, f.revoke(org, room, bob))
	if got := f.perms(t, org, room); !reflect.DeepEqual(got, map[string]string{staff: "GROUP:SEND_ON_BEHALF"}) {
		t.Fatalf("grants after revoking %v", got)
	}
}

// TestUpdateGroupSDK: UpdateGroup sets HiddenFromGlobalAddressList,
// leaves it when absent, and answers the model's errors.
func TestUpdateGroupSDK(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, _ := f.org(t)
	g := f.group(t, org, "sales")
	u := f.user(t, org, "ann")
	update := func(id string, hidden *bool) error {
		_, err := f.wm.UpdateGroup(f.ctx, &workmail.UpdateGroupInput{OrganizationId: &org, GroupId: &id, HiddenFromGlobalAddressList: hidden})
		return err
	}
	for _, step := range []struct {
		hidden *bool
		want   bool
	}{{aws.Bool(true), true}, {nil, true}, {aws.Bool(false), false}, {nil, false}} {
		must(t, update("SALES", step.hidden))
		if got := f.describeGroup(t, org, g); got.HiddenFromGlobalAddressList != step.want {
			t.Fatalf("after UpdateGroup(%v): hidden %v", step.hidden, got.HiddenFromGlobalAddressList)
		}
	}
	for _, id := range []string{"nobody", u} {
		err := update(id, aws.Bool(true))
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	}
	_, err := f.wm.DeleteGroup(f.ctx, &workmail.DeleteGroupInput{OrganizationId: &org, GroupId: &g})
	must(t, err)
	expect[*types.EntityStateException](t, update(g, aws.Bool(true)), "EntityStateException")
	expect[*types.InvalidParameterException](t, update("bad id!", aws.Bool(true)), "InvalidParameterException")
}

// TestResourceOrganizationErrors: every resource and delegate operation,
// and UpdateGroup, answers the organization errors before anything else.
func TestResourceOrganizationErrors(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	r := aws.String("r-0123456789abcdef0123456789abcdef")
	calls := map[string]func(org *string) error{
		"CreateResource": func(org *string) error {
			_, err := f.wm.CreateResource(f.ctx, &workmail.CreateResourceInput{OrganizationId: org, Name: aws.String("room"), Type: types.ResourceTypeRoom})
			return err
		},
		"DescribeResource": func(org *string) error {
			_, err := f.wm.DescribeResource(f.ctx, &workmail.DescribeResourceInput{OrganizationId: org, ResourceId: r})
			return err
		},
		"UpdateResource": func(org *string) error {
			_, err := f.wm.UpdateResource(f.ctx, &workmail.UpdateResourceInput{OrganizationId: org, ResourceId: r, Name: aws.String("x")})
			return err
		},
		"ListResources": func(org *string) error {
			_, err := f.wm.ListResources(f.ctx, &workmail.ListResourcesInput{OrganizationId: org})
			return err
		},
		"DeleteResource": func(org *string) error {
			_, err := f.wm.DeleteResource(f.ctx, &workmail.DeleteResourceInput{OrganizationId: org, ResourceId: r})
			return err
		},
		"AssociateDelegateToResource": func(org *string) error {
			_, err := f.wm.AssociateDelegateToResource(f.ctx, &workmail.AssociateDelegateToResourceInput{OrganizationId: org, ResourceId: r, EntityId: aws.String("alice")})
			return err
		},
		"DisassociateDelegateFromResource": func(org *string) error {
			_, err := f.wm.DisassociateDelegateFromResource(f.ctx, &workmail.DisassociateDelegateFromResourceInput{OrganizationId: org, ResourceId: r, EntityId: aws.String("alice")})
			return err
		},
		"ListResourceDelegates": func(org *string) error {
			_, err := f.wm.ListResourceDelegates(f.ctx, &workmail.ListResourceDelegatesInput{OrganizationId: org, ResourceId: r})
			return err
		},
		"UpdateGroup": func(org *string) error {
			_, err := f.wm.UpdateGroup(f.ctx, &workmail.UpdateGroupInput{OrganizationId: org, GroupId: aws.String("sales"), HiddenFromGlobalAddressList: aws.Bool(true)})
			return err
		},
	}
	deleted := f.deletedOrg(t)
	for name, call := range calls {
		t.Run("method="+name, func(t *testing.T) {
			expect[*types.OrganizationNotFoundException](t, call(aws.String(unknownOrgID())), "OrganizationNotFoundException")
			expect[*types.OrganizationStateException](t, call(&deleted), "OrganizationStateException")
			expect[*types.InvalidParameterException](t, call(aws.String("m-not-an-org")), "InvalidParameterException")
		})
	}
}
