package workmail

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

var orgIDPattern = regexp.MustCompile(`^m-[0-9a-f]{32}$`)

func TestCreateAndDescribeOrganization(t *testing.T) {
	f := newFixture(t)
	id := f.org("Acme", "acme.example", "Acme.Test.")
	if !orgIDPattern.MatchString(id) {
		t.Fatalf("organization ID %q", id)
	}
	d, err := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: id})
	if err != nil {
		t.Fatal(err)
	}
	if *d.OrganizationId != id || *d.Alias != "Acme" || *d.State != "Active" || *d.DirectoryType != "WorkMailDirectory" ||
		d.DirectoryId != nil || *d.DefaultMailDomain != "acme.awsapps.com" || d.CompletedDate == nil || *d.InteroperabilityEnabled {
		t.Fatalf("DescribeOrganization: %+v", d)
	}
	if want := "arn:aws:workmail:us-east-1:123456789012:organization/" + id; *d.ARN != want {
		t.Fatalf("ARN %s, want %s", *d.ARN, want)
	}
	// The requested domains are registered next to the test domain.
	ds, err := f.s.ListMailDomains(f.ctx, &workmailapi.ListMailDomainsRequest{OrganizationId: id})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds.MailDomains {
		names = append(names, fmt.Sprintf("%s:%v", *d.DomainName, *d.DefaultDomain))
	}
	if fmt.Sprint(names) != "[acme.awsapps.com:true acme.example:false acme.test:false]" {
		t.Fatalf("domains: %v", names)
	}
}

func TestCreateOrganizationRefusals(t *testing.T) {
	f := newFixture(t)
	f.org("acme", "acme.example")

	_, err := f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "ACME"})
	wantCode(t, err, "NameAvailabilityException")

	// A domain of another organization: nothing is created.
	_, err = f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "other",
		Domains: []workmailapi.Domain{{DomainName: "fresh.example"}, {DomainName: "ACME.example"}}})
	wantCode(t, err, "InvalidParameterException")
	for _, bad := range []string{"x.awsapps.com", "nodot", "-bad.example", "a..b"} {
		_, err = f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "other", Domains: []workmailapi.Domain{{DomainName: bad}}})
		wantCode(t, err, "InvalidParameterException")
	}
	list, _ := f.s.ListOrganizations(f.ctx, &workmailapi.ListOrganizationsRequest{})
	if len(list.OrganizationSummaries) != 1 {
		t.Fatalf("refused creations left organizations: %+v", list.OrganizationSummaries)
	}
	// The free domain was not taken by the failed call.
	f.org("other", "fresh.example")

	_, err = f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "interop", EnableInteroperability: opt.Ptr(true)})
	wantCode(t, err, "InvalidParameterException")

	// Another account and another Region have their own aliases.
	if _, err := f.s.CreateOrganization(callerCtx("210987654321", "us-east-1"), &workmailapi.CreateOrganizationRequest{Alias: "acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateOrganization(callerCtx(testAccount, "eu-west-1"), &workmailapi.CreateOrganizationRequest{Alias: "acme"}); err != nil {
		t.Fatal(err)
	}
}

func TestOrganizationDirectory(t *testing.T) {
	f := newFixture(t)
	out, err := f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "ad", DirectoryId: opt.Ptr("d-0123456789"), EnableInteroperability: opt.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: *out.OrganizationId})
	if *d.DirectoryId != "d-0123456789" || *d.DirectoryType != "VpcDirectory" || !*d.InteroperabilityEnabled {
		t.Fatalf("directory organization: %+v", d)
	}
	_, err = f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "ad2", DirectoryId: opt.Ptr("d-0123456789")})
	wantCode(t, err, "DirectoryInUseException")
	// Such directories allow 20-character user names at most.
	_, err = f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: *out.OrganizationId, Name: "a-very-long-user-name-indeed", DisplayName: "x"})
	wantCode(t, err, "InvalidParameterException")
}

func TestCreateOrganizationClientToken(t *testing.T) {
	f := newFixture(t)
	in := &workmailapi.CreateOrganizationRequest{Alias: "tok", ClientToken: opt.Ptr("token-1")}
	a, err := f.s.CreateOrganization(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.s.CreateOrganization(f.ctx, in)
	if err != nil || *b.OrganizationId != *a.OrganizationId {
		t.Fatalf("replay: %v %v", b, err)
	}
	_, err = f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "tok2", ClientToken: opt.Ptr("token-1")})
	wantCode(t, err, "InvalidParameterException")
	list, _ := f.s.ListOrganizations(f.ctx, &workmailapi.ListOrganizationsRequest{})
	if len(list.OrganizationSummaries) != 1 {
		t.Fatalf("%d organizations", len(list.OrganizationSummaries))
	}
}

func TestOrganizationsAreScopedToAccountAndRegion(t *testing.T) {
	f := newFixture(t)
	id := f.org("mine")
	for _, ctx := range []struct {
		name string
		acct string
		reg  string
	}{{"other account", "210987654321", "us-east-1"}, {"other region", testAccount, "eu-west-1"}} {
		c := callerCtx(ctx.acct, ctx.reg)
		_, err := f.s.DescribeOrganization(c, &workmailapi.DescribeOrganizationRequest{OrganizationId: id})
		wantCode(t, err, "OrganizationNotFoundException")
		_, err = f.s.CreateUser(c, &workmailapi.CreateUserRequest{OrganizationId: id, Name: "x", DisplayName: "x"})
		wantCode(t, err, "OrganizationNotFoundException")
		_, err = f.s.DeleteOrganization(c, &workmailapi.DeleteOrganizationRequest{OrganizationId: id})
		wantCode(t, err, "OrganizationNotFoundException")
		list, err := f.s.ListOrganizations(c, &workmailapi.ListOrganizationsRequest{})
		if err != nil || len(list.OrganizationSummaries) != 0 {
			t.Fatalf("%s lists %+v %v", ctx.name, list, err)
		}
	}
	_, err := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: "m-00000000000000000000000000000000"})
	wantCode(t, err, "OrganizationNotFoundException")
}

func TestListOrganizationsPaging(t *testing.T) {
	f := newFixture(t)
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		want[f.org(fmt.Sprintf("org%d", i))] = true
	}
	seen := map[string]bool{}
	var token *string
	pages := 0
	for {
		out, err := f.s.ListOrganizations(f.ctx, &workmailapi.ListOrganizationsRequest{MaxResults: opt.Ptr(int32(2)), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range out.OrganizationSummaries {
			if seen[*o.OrganizationId] || !want[*o.OrganizationId] {
				t.Fatalf("unexpected or repeated %s", *o.OrganizationId)
			}
			seen[*o.OrganizationId] = true
			if *o.State != "Active" || *o.DefaultMailDomain == "" || *o.Alias == "" {
				t.Fatalf("summary %+v", o)
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("%d organizations in %d pages", len(seen), pages)
	}
}

func TestOrganizationLimit(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < maxOrganizationsPerRegion; i++ {
		f.org(fmt.Sprintf("o%d", i))
	}
	_, err := f.s.CreateOrganization(f.ctx, &workmailapi.CreateOrganizationRequest{Alias: "onetoomany"})
	wantCode(t, err, "LimitExceededException")
}

func TestDeleteOrganization(t *testing.T) {
	f := newFixture(t)
	id := f.org("gone", "gone.example")
	u := f.user(id, "jane")
	f.register(id, u, "jane@gone.example")

	_, err := f.s.DeleteOrganization(f.ctx, &workmailapi.DeleteOrganizationRequest{OrganizationId: id, DeleteDirectory: true})
	wantCode(t, err, "OrganizationStateException") // an enabled user and no ForceDelete
	if d, _ := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: id}); *d.State != "Active" {
		t.Fatalf("refused delete changed the state to %s", *d.State)
	}

	out, err := f.s.DeleteOrganization(f.ctx, &workmailapi.DeleteOrganizationRequest{OrganizationId: id, DeleteDirectory: true, ForceDelete: opt.Ptr(true), ClientToken: opt.Ptr("del-1")})
	if err != nil || *out.OrganizationId != id || *out.State != "Deleted" {
		t.Fatalf("DeleteOrganization: %+v %v", out, err)
	}
	d, err := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: id})
	if err != nil || *d.State != "Deleted" {
		t.Fatalf("describe deleted: %+v %v", d, err)
	}
	// Nothing else works on it.
	_, err = f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: id})
	wantCode(t, err, "OrganizationStateException")
	_, err = f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: id, Name: "x", DisplayName: "x"})
	wantCode(t, err, "OrganizationStateException")
	_, err = f.s.RegisterMailDomain(f.ctx, &workmailapi.RegisterMailDomainRequest{OrganizationId: id, DomainName: "new.example"})
	wantCode(t, err, "OrganizationStateException")
	// A retry with the same token succeeds; another delete does not.
	if _, err := f.s.DeleteOrganization(f.ctx, &workmailapi.DeleteOrganizationRequest{OrganizationId: id, ClientToken: opt.Ptr("del-1")}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	_, err = f.s.DeleteOrganization(f.ctx, &workmailapi.DeleteOrganizationRequest{OrganizationId: id, ClientToken: opt.Ptr("del-2")})
	wantCode(t, err, "OrganizationStateException")
	// Password hashes went with it.
	if ok, err := f.s.VerifyPassword(f.ctx, id, u, "Sup3r-secret!"); ok || err != nil {
		t.Fatalf("VerifyPassword on a deleted organization: %v %v", ok, err)
	}

	// The alias and domains are free again.
	again := f.org("gone", "gone.example")
	list, _ := f.s.ListOrganizations(f.ctx, &workmailapi.ListOrganizationsRequest{})
	states := map[string]string{}
	for _, o := range list.OrganizationSummaries {
		states[*o.OrganizationId] = *o.State
	}
	if states[id] != "Deleted" || states[again] != "Active" || len(states) != 2 {
		t.Fatalf("listing: %v", states)
	}

	// After the retention period the deleted organization is gone.
	f.clock.Advance(defaultDeletedRetention + time.Hour)
	_, err = f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: id})
	wantCode(t, err, "OrganizationNotFoundException")
	list, _ = f.s.ListOrganizations(f.ctx, &workmailapi.ListOrganizationsRequest{})
	if len(list.OrganizationSummaries) != 1 {
		t.Fatalf("after retention: %+v", list.OrganizationSummaries)
	}
}
