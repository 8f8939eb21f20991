package workmail

import (
	"fmt"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func TestMailDomains(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp")
	reg := func(org, name string) error {
		_, err := f.s.RegisterMailDomain(f.ctx, &workmailapi.RegisterMailDomainRequest{OrganizationId: org, DomainName: name, ClientToken: opt.Ptr("t-" + name)})
		return err
	}
	get := func(name string) *workmailapi.GetMailDomainResponse {
		t.Helper()
		out, err := f.s.GetMailDomain(f.ctx, &workmailapi.GetMailDomainRequest{OrganizationId: org, DomainName: name})
		if err != nil {
			t.Fatalf("GetMailDomain %s: %v", name, err)
		}
		return out
	}
	if err := reg(org, "Corp.Example"); err != nil {
		t.Fatal(err)
	}
	d := get("corp.example")
	if *d.IsTestDomain || *d.IsDefault || *d.OwnershipVerificationStatus != "VERIFIED" || *d.DkimVerificationStatus != "VERIFIED" || len(d.Records) == 0 {
		t.Fatalf("custom domain: %+v", d)
	}
	var mx string
	for _, r := range d.Records {
		if *r.Type == "MX" {
			mx = *r.Hostname + " " + *r.Value
		}
	}
	if mx != "corp.example. 10 mx.mailgate.test." {
		t.Fatalf("MX record %q", mx)
	}
	if d := get("corp.awsapps.com"); !*d.IsTestDomain || !*d.IsDefault || len(d.Records) != 0 {
		t.Fatalf("test domain: %+v", d)
	}
	_, err := f.s.GetMailDomain(f.ctx, &workmailapi.GetMailDomainRequest{OrganizationId: org, DomainName: "none.example"})
	wantCode(t, err, "MailDomainNotFoundException")

	if err := reg(org, "corp.example"); err != nil {
		t.Fatalf("registering twice: %v", err)
	}
	wantCode(t, reg(org, "mine.awsapps.com"), "InvalidParameterException")
	wantCode(t, reg(org, "localhost"), "InvalidParameterException")
	other := f.org("other")
	wantCode(t, reg(other, "corp.example"), "MailDomainInUseException")
	// Another account may register the same name.
	o3, err := f.s.CreateOrganization(callerCtx("210987654321", "us-east-1"), &workmailapi.CreateOrganizationRequest{Alias: "corp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RegisterMailDomain(callerCtx("210987654321", "us-east-1"), &workmailapi.RegisterMailDomainRequest{OrganizationId: *o3.OrganizationId, DomainName: "corp.example"}); err != nil {
		t.Fatalf("another account: %v", err)
	}

	// Default domain.
	_, err = f.s.UpdateDefaultMailDomain(f.ctx, &workmailapi.UpdateDefaultMailDomainRequest{OrganizationId: org, DomainName: "none.example"})
	wantCode(t, err, "MailDomainNotFoundException")
	if _, err := f.s.UpdateDefaultMailDomain(f.ctx, &workmailapi.UpdateDefaultMailDomainRequest{OrganizationId: org, DomainName: "CORP.example"}); err != nil {
		t.Fatal(err)
	}
	if !*get("corp.example").IsDefault || *get("corp.awsapps.com").IsDefault {
		t.Fatal("default not moved")
	}
	o, _ := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: org})
	if *o.DefaultMailDomain != "corp.example" {
		t.Fatalf("DescribeOrganization default %s", *o.DefaultMailDomain)
	}
	list, err := f.s.ListMailDomains(f.ctx, &workmailapi.ListMailDomainsRequest{OrganizationId: org, MaxResults: opt.Ptr(int32(1))})
	if err != nil || len(list.MailDomains) != 1 || list.NextToken == nil {
		t.Fatalf("first page: %+v %v", list, err)
	}
	rest, err := f.s.ListMailDomains(f.ctx, &workmailapi.ListMailDomainsRequest{OrganizationId: org, NextToken: list.NextToken})
	if err != nil || len(rest.MailDomains) != 1 || rest.NextToken != nil {
		t.Fatalf("second page: %+v %v", rest, err)
	}
	if fmt.Sprintf("%s %v %s %v", *list.MailDomains[0].DomainName, *list.MailDomains[0].DefaultDomain, *rest.MailDomains[0].DomainName, *rest.MailDomains[0].DefaultDomain) !=
		"corp.awsapps.com false corp.example true" {
		t.Fatalf("domains: %+v %+v", list.MailDomains, rest.MailDomains)
	}

	// Deregistering.
	dereg := func(name string) error {
		_, err := f.s.DeregisterMailDomain(f.ctx, &workmailapi.DeregisterMailDomainRequest{OrganizationId: org, DomainName: name})
		return err
	}
	wantCode(t, dereg("corp.example"), "MailDomainInUseException")      // the default
	wantCode(t, dereg("corp.awsapps.com"), "InvalidParameterException") // the test domain
	if err := dereg("never.example"); err != nil {
		t.Fatalf("deregistering an unknown domain: %v", err)
	}
	if err := reg(org, "used.example"); err != nil {
		t.Fatal(err)
	}
	u := f.user(org, "jane")
	f.register(org, u, "jane@used.example")
	wantCode(t, dereg("used.example"), "MailDomainInUseException")
	if _, err := f.s.DeregisterFromWorkMail(f.ctx, &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: org, EntityId: u}); err != nil {
		t.Fatal(err)
	}
	if err := dereg("USED.example."); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.GetMailDomain(f.ctx, &workmailapi.GetMailDomainRequest{OrganizationId: org, DomainName: "used.example"})
	wantCode(t, err, "MailDomainNotFoundException")
	// Now free for the other organization.
	if err := reg(other, "used.example"); err != nil {
		t.Fatal(err)
	}
}

func TestMailDomainLimit(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp")
	for i := 1; i < maxMailDomainsPerOrg; i++ { // the test domain counts
		if _, err := f.s.RegisterMailDomain(f.ctx, &workmailapi.RegisterMailDomainRequest{OrganizationId: org, DomainName: fmt.Sprintf("d%d.example", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.s.RegisterMailDomain(f.ctx, &workmailapi.RegisterMailDomainRequest{OrganizationId: org, DomainName: "more.example"})
	wantCode(t, err, "LimitExceededException")
}
