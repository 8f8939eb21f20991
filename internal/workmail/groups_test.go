package workmail

import (
	"fmt"
	"sort"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func TestGroups(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	sales := f.group(org, "Sales Team")
	if !uuidPattern.MatchString(sales) {
		t.Fatalf("group ID %q", sales)
	}
	_, err := f.s.CreateGroup(f.ctx, &workmailapi.CreateGroupRequest{OrganizationId: org, Name: "sales team"})
	wantCode(t, err, "NameAvailabilityException")
	_, err = f.s.CreateGroup(f.ctx, &workmailapi.CreateGroupRequest{OrganizationId: org, Name: "Domain Admins"})
	wantCode(t, err, "ReservedNameException")

	g, err := f.s.DescribeGroup(f.ctx, &workmailapi.DescribeGroupRequest{OrganizationId: org, GroupId: "SALES TEAM"})
	if err != nil || *g.GroupId != sales || *g.State != "DISABLED" || g.Email != nil || *g.HiddenFromGlobalAddressList {
		t.Fatalf("DescribeGroup: %+v %v", g, err)
	}
	f.register(org, sales, "sales@corp.example")
	if _, err := f.s.UpdateGroup(f.ctx, &workmailapi.UpdateGroupRequest{OrganizationId: org, GroupId: "sales@corp.example", HiddenFromGlobalAddressList: opt.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	g, _ = f.s.DescribeGroup(f.ctx, &workmailapi.DescribeGroupRequest{OrganizationId: org, GroupId: "sales@corp.example"})
	if *g.State != "ENABLED" || *g.Email != "sales@corp.example" || g.EnabledDate == nil || !*g.HiddenFromGlobalAddressList {
		t.Fatalf("registered group: %+v", g)
	}
	// A user is not a group.
	u := f.user(org, "jane")
	_, err = f.s.DescribeGroup(f.ctx, &workmailapi.DescribeGroupRequest{OrganizationId: org, GroupId: u})
	wantCode(t, err, "EntityNotFoundException")

	f.group(org, "Support")
	list := func(filters *workmailapi.ListGroupsFilters) []string {
		t.Helper()
		out, err := f.s.ListGroups(f.ctx, &workmailapi.ListGroupsRequest{OrganizationId: org, Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range out.Groups {
			names = append(names, *g.Name)
		}
		sort.Strings(names)
		return names
	}
	if got := fmt.Sprint(list(nil)); got != "[Sales Team Support]" {
		t.Fatalf("groups: %s", got)
	}
	if got := fmt.Sprint(list(&workmailapi.ListGroupsFilters{NamePrefix: opt.Ptr("sup")})); got != "[Support]" {
		t.Fatalf("by name: %s", got)
	}
	if got := fmt.Sprint(list(&workmailapi.ListGroupsFilters{PrimaryEmailPrefix: opt.Ptr("SALES@")})); got != "[Sales Team]" {
		t.Fatalf("by email: %s", got)
	}
	if got := fmt.Sprint(list(&workmailapi.ListGroupsFilters{State: opt.Ptr(workmailapi.EntityStateDisabled)})); got != "[Support]" {
		t.Fatalf("by state: %s", got)
	}
	_, err = f.s.ListGroups(f.ctx, &workmailapi.ListGroupsRequest{OrganizationId: org, Filters: &workmailapi.ListGroupsFilters{NamePrefix: opt.Ptr("s"), PrimaryEmailPrefix: opt.Ptr("s")}})
	wantCode(t, err, "InvalidParameterException")

	// Deleting an enabled group frees its name and address and leaves a tombstone.
	if _, err := f.s.DeleteGroup(f.ctx, &workmailapi.DeleteGroupRequest{OrganizationId: org, GroupId: "Sales Team"}); err != nil {
		t.Fatal(err)
	}
	g, err = f.s.DescribeGroup(f.ctx, &workmailapi.DescribeGroupRequest{OrganizationId: org, GroupId: sales})
	if err != nil || *g.State != "DELETED" || g.Email != nil {
		t.Fatalf("deleted group: %+v %v", g, err)
	}
	again := f.group(org, "Sales Team")
	f.register(org, again, "sales@corp.example")
	if got := fmt.Sprint(list(&workmailapi.ListGroupsFilters{State: opt.Ptr(workmailapi.EntityStateDeleted)})); got != "[Sales Team]" {
		t.Fatalf("deleted groups: %s", got)
	}
	for _, ident := range []string{sales, "nothing", u} {
		if _, err := f.s.DeleteGroup(f.ctx, &workmailapi.DeleteGroupRequest{OrganizationId: org, GroupId: ident}); err != nil {
			t.Fatalf("DeleteGroup(%s): %v", ident, err)
		}
	}
	if u := f.describeUser(org, u); *u.State != "DISABLED" {
		t.Fatal("DeleteGroup deleted a user")
	}
	_, err = f.s.UpdateGroup(f.ctx, &workmailapi.UpdateGroupRequest{OrganizationId: org, GroupId: sales, HiddenFromGlobalAddressList: opt.Ptr(false)})
	wantCode(t, err, "EntityStateException")
	_, err = f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: sales})
	wantCode(t, err, "EntityStateException")
}

func TestGroupMembership(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	all, eu, fr := f.group(org, "All"), f.group(org, "EU"), f.group(org, "France")
	jane, john := f.user(org, "jane"), f.user(org, "john")
	f.register(org, john, "john@corp.example")

	assoc := func(g, m string) error {
		_, err := f.s.AssociateMemberToGroup(f.ctx, &workmailapi.AssociateMemberToGroupRequest{OrganizationId: org, GroupId: g, MemberId: m})
		return err
	}
	for _, p := range [][2]string{{"All", "EU"}, {eu, fr}, {fr, jane}, {"all", "john@corp.example"}, {all, jane}} {
		if err := assoc(p[0], p[1]); err != nil {
			t.Fatalf("associate %v: %v", p, err)
		}
	}
	if err := assoc(all, jane); err != nil {
		t.Fatalf("associating twice: %v", err)
	}
	wantCode(t, assoc(all, all), "InvalidParameterException")
	wantCode(t, assoc(fr, all), "InvalidParameterException") // All > EU > France > All
	wantCode(t, assoc(jane, all), "EntityNotFoundException") // jane is no group
	wantCode(t, assoc(all, "nobody"), "EntityNotFoundException")

	members, err := f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: all})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members.Members {
		got = append(got, *m.Name+":"+string(*m.Type)+":"+string(*m.State))
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[EU:GROUP:DISABLED jane:USER:DISABLED john:USER:ENABLED]" {
		t.Fatalf("members: %v", got)
	}
	page, _ := f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: all, MaxResults: opt.Ptr(int32(2))})
	rest, err := f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: all, NextToken: page.NextToken})
	if err != nil || len(page.Members) != 2 || len(rest.Members) != 1 || rest.NextToken != nil {
		t.Fatalf("paging members: %+v %+v %v", page, rest, err)
	}
	// A token of one group's listing does not list another group.
	_, err = f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: eu, NextToken: page.NextToken})
	wantCode(t, err, "InvalidParameterException")

	groupsOf := func(ident string, prefix *string) []string {
		t.Helper()
		req := &workmailapi.ListGroupsForEntityRequest{OrganizationId: org, EntityId: ident}
		if prefix != nil {
			req.Filters = &workmailapi.ListGroupsForEntityFilters{GroupNamePrefix: prefix}
		}
		out, err := f.s.ListGroupsForEntity(f.ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range out.Groups {
			names = append(names, *g.GroupName)
		}
		sort.Strings(names)
		return names
	}
	if got := fmt.Sprint(groupsOf("jane", nil)); got != "[All France]" {
		t.Fatalf("groups of jane: %s", got)
	}
	if got := fmt.Sprint(groupsOf(jane, opt.Ptr("fr"))); got != "[France]" {
		t.Fatalf("groups of jane by prefix: %s", got)
	}

	dis := func(g, m string) error {
		_, err := f.s.DisassociateMemberFromGroup(f.ctx, &workmailapi.DisassociateMemberFromGroupRequest{OrganizationId: org, GroupId: g, MemberId: m})
		return err
	}
	if err := dis("All", "jane"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, dis(all, jane), "EntityNotFoundException")
	if got := fmt.Sprint(groupsOf(jane, nil)); got != "[France]" {
		t.Fatalf("after disassociate: %s", got)
	}
	// Cycles were refused; now that France is no longer below All via jane,
	// the structure is still a tree and France cannot contain All.
	wantCode(t, assoc(fr, all), "InvalidParameterException")
	if err := dis(all, eu); err != nil {
		t.Fatal(err)
	}
	if err := assoc(fr, all); err != nil {
		t.Fatalf("no cycle any more: %v", err)
	}
}
