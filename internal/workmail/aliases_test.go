package workmail

import (
	"fmt"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func TestAliases(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example", "corp.test")
	jane, john := f.user(org, "jane"), f.user(org, "john")
	team := f.group(org, "team")

	alias := func(ident, a string) error {
		_, err := f.s.CreateAlias(f.ctx, &workmailapi.CreateAliasRequest{OrganizationId: org, EntityId: ident, Alias: a})
		return err
	}
	wantCode(t, alias(jane, "j@corp.example"), "EntityStateException") // not registered yet
	f.register(org, jane, "jane@corp.example")
	f.register(org, john, "john@corp.example")
	f.register(org, team, "team@corp.example")

	wantCode(t, alias(jane, "j@other.example"), "MailDomainNotFoundException")
	for _, a := range []string{"j@corp.example", "Doe@corp.test", "jane@corp.awsapps.com"} {
		if err := alias(jane, a); err != nil {
			t.Fatalf("CreateAlias %s: %v", a, err)
		}
	}
	if err := alias(jane, "J@CORP.example"); err != nil {
		t.Fatalf("adding an alias twice: %v", err)
	}
	wantCode(t, alias(john, "j@corp.example"), "EmailAddressInUseException")
	wantCode(t, alias(john, "TEAM@corp.example"), "EmailAddressInUseException")
	wantCode(t, alias(jane, "jane@corp.example"), "EmailAddressInUseException") // its own primary address
	if err := alias(team, "everyone@corp.example"); err != nil {
		t.Fatal(err)
	}
	// Registration refuses an address taken as an alias.
	other := f.user(org, "other")
	_, err := f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: org, EntityId: other, Email: "doe@corp.test"})
	wantCode(t, err, "EmailAddressInUseException")

	// Aliases identify entities.
	if u := f.describeUser(org, "DOE@corp.test"); *u.UserId != jane {
		t.Fatalf("by alias: %s", *u.UserId)
	}
	e, err := f.s.DescribeEntity(f.ctx, &workmailapi.DescribeEntityRequest{OrganizationId: org, Email: "Everyone@corp.example"})
	if err != nil || *e.EntityId != team || *e.Name != "team" || *e.Type != "GROUP" {
		t.Fatalf("DescribeEntity: %+v %v", e, err)
	}
	_, err = f.s.DescribeEntity(f.ctx, &workmailapi.DescribeEntityRequest{OrganizationId: org, Email: "nobody@corp.example"})
	wantCode(t, err, "EntityNotFoundException")
	if r, err := f.s.ResolveEntity(f.ctx, org, "j@corp.example"); err != nil || r.ID != jane {
		t.Fatalf("ResolveEntity: %v %v", r, err)
	}

	// Listed in order, paged.
	var got []string
	var token *string
	for {
		out, err := f.s.ListAliases(f.ctx, &workmailapi.ListAliasesRequest{OrganizationId: org, EntityId: jane, MaxResults: opt.Ptr(int32(2)), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.Aliases...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if fmt.Sprint(got) != "[Doe@corp.test j@corp.example jane@corp.awsapps.com]" {
		t.Fatalf("aliases: %v", got)
	}

	del := func(ident, a string) error {
		_, err := f.s.DeleteAlias(f.ctx, &workmailapi.DeleteAliasRequest{OrganizationId: org, EntityId: ident, Alias: a})
		return err
	}
	wantCode(t, del(jane, "jane@corp.example"), "InvalidParameterException")
	if err := del(jane, "J@corp.example"); err != nil {
		t.Fatal(err)
	}
	if err := del(jane, "never@corp.example"); err != nil {
		t.Fatalf("deleting a missing alias: %v", err)
	}
	if err := alias(john, "j@corp.example"); err != nil {
		t.Fatalf("freed alias: %v", err)
	}

	// Deregistering drops the aliases.
	if _, err := f.s.DeregisterFromWorkMail(f.ctx, &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: org, EntityId: jane}); err != nil {
		t.Fatal(err)
	}
	out, err := f.s.ListAliases(f.ctx, &workmailapi.ListAliasesRequest{OrganizationId: org, EntityId: jane})
	if err != nil || len(out.Aliases) != 0 {
		t.Fatalf("aliases after deregistering: %+v %v", out, err)
	}
	_, err = f.s.DescribeEntity(f.ctx, &workmailapi.DescribeEntityRequest{OrganizationId: org, Email: "doe@corp.test"})
	wantCode(t, err, "EntityNotFoundException")
}

func TestAliasLimit(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	u := f.user(org, "jane")
	f.register(org, u, "jane@corp.example")
	for i := 0; i < maxAliasesPerEntity; i++ {
		if _, err := f.s.CreateAlias(f.ctx, &workmailapi.CreateAliasRequest{OrganizationId: org, EntityId: u, Alias: fmt.Sprintf("a%d@corp.example", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.s.CreateAlias(f.ctx, &workmailapi.CreateAliasRequest{OrganizationId: org, EntityId: u, Alias: "more@corp.example"})
	wantCode(t, err, "LimitExceededException")
}

func TestUpdatePrimaryEmailAddress(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	u := f.user(org, "jane")
	f.register(org, u, "jane@corp.example")
	if _, err := f.s.CreateAlias(f.ctx, &workmailapi.CreateAliasRequest{OrganizationId: org, EntityId: u, Alias: "j@corp.example"}); err != nil {
		t.Fatal(err)
	}
	upd := func(email string) error {
		_, err := f.s.UpdatePrimaryEmailAddress(f.ctx, &workmailapi.UpdatePrimaryEmailAddressRequest{OrganizationId: org, EntityId: u, Email: email})
		return err
	}
	aliases := func() string {
		out, _ := f.s.ListAliases(f.ctx, &workmailapi.ListAliasesRequest{OrganizationId: org, EntityId: u})
		return fmt.Sprint(out.Aliases)
	}
	if err := upd("j@corp.example"); err != nil { // swap with an alias
		t.Fatal(err)
	}
	if p := *f.describeUser(org, u).Email; p != "j@corp.example" || aliases() != "[jane@corp.example]" {
		t.Fatalf("after swap: %s %s", p, aliases())
	}
	if err := upd("new@corp.example"); err != nil { // a new address
		t.Fatal(err)
	}
	if p := *f.describeUser(org, u).Email; p != "new@corp.example" || aliases() != "[j@corp.example jane@corp.example]" {
		t.Fatalf("after new: %s %s", p, aliases())
	}
	wantCode(t, upd("x@nowhere.example"), "MailDomainNotFoundException")
	v := f.user(org, "john")
	f.register(org, v, "john@corp.example")
	wantCode(t, upd("john@corp.example"), "EmailAddressInUseException")
}
