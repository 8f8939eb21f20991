package workmail_test

// End-to-end tests of the WorkMail directory through the official AWS SDK
// for Go v2: real HTTP, real SigV4 signatures, the real store (SQLite, or
// PostgreSQL when MAILGATE_TEST_STORE names one). Every test runs in its
// own random account, and names are random, so suites can share a
// database.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

var apiErr = testenv.APIError
var message = testenv.ErrorMessage

// ---- helpers ----

// expect asserts err is the typed SDK error T with the code on the wire and
// HTTP 400 (every WorkMail client error is a 400), and returns it.
func expect[T error](t *testing.T, err error, code string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("want %T (%s), got %v", target, code, err)
	}
	apiErr(t, err, code, 400)
	return target
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rnd returns random lowercase hex.
func rnd() string {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// unknownOrgID is a well-formed organization ID nobody has.
func unknownOrgID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "m-" + hex.EncodeToString(b)
}

// fx is one running server and a client of its root account.
type fx struct {
	e   *testenv.Env
	wm  *workmail.Client
	ctx context.Context
}

func newFx(t *testing.T) *fx {
	t.Helper()
	e := testenv.New(t)
	return &fx{e: e, wm: e.WorkMail(), ctx: context.Background()}
}

// org creates an organization with a random alias and the given domains.
func (f *fx) org(t *testing.T, domains ...string) (id, alias string) {
	t.Helper()
	alias = "t-" + rnd()
	in := &workmail.CreateOrganizationInput{Alias: aws.String(alias)}
	for _, d := range domains {
		in.Domains = append(in.Domains, types.Domain{DomainName: aws.String(d)})
	}
	out, err := f.wm.CreateOrganization(f.ctx, in)
	if err != nil {
		t.Fatalf("CreateOrganization %s: %v", alias, err)
	}
	return *out.OrganizationId, alias
}

func (f *fx) user(t *testing.T, org, name string) string {
	t.Helper()
	out, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: &name, DisplayName: aws.String("User " + name)})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	return *out.UserId
}

func (f *fx) group(t *testing.T, org, name string) string {
	t.Helper()
	out, err := f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &org, Name: &name})
	if err != nil {
		t.Fatalf("CreateGroup %s: %v", name, err)
	}
	return *out.GroupId
}

func (f *fx) register(t *testing.T, org, entity, email string) {
	t.Helper()
	if _, err := f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &entity, Email: &email}); err != nil {
		t.Fatalf("RegisterToWorkMail %s %s: %v", entity, email, err)
	}
}

func (f *fx) describeUser(t *testing.T, org, id string) *workmail.DescribeUserOutput {
	t.Helper()
	out, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: &id})
	if err != nil {
		t.Fatalf("DescribeUser %s: %v", id, err)
	}
	out.ResultMetadata = middleware.Metadata{}
	return out
}

func (f *fx) describeGroup(t *testing.T, org, id string) *workmail.DescribeGroupOutput {
	t.Helper()
	out, err := f.wm.DescribeGroup(f.ctx, &workmail.DescribeGroupInput{OrganizationId: &org, GroupId: &id})
	if err != nil {
		t.Fatalf("DescribeGroup %s: %v", id, err)
	}
	out.ResultMetadata = middleware.Metadata{}
	return out
}

// pageAll follows NextToken through every page of a listing fetched with
// MaxResults 1: every page but an empty listing's holds exactly one item,
// and only the last has no token.
func pageAll[T any](t *testing.T, fetch func(token *string) ([]T, *string, error)) []T {
	t.Helper()
	var all []T
	var token *string
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		items, next, err := fetch(token)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(items) > 1 || (next != nil && len(items) != 1) {
			t.Fatalf("page %d of MaxResults 1 has %d items (next token %v)", pages, len(items), next != nil)
		}
		if next != nil && *next == "" {
			t.Fatalf("page %d: empty NextToken", pages)
		}
		all = append(all, items...)
		if next == nil {
			if len(all) > 0 && pages != len(all) {
				t.Fatalf("%d items in %d pages", len(all), pages)
			}
			return all
		}
		token = next
	}
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(sorted(got), sorted(want)) {
		t.Fatalf("%s: got %v, want %v", what, sorted(got), sorted(want))
	}
}

func userIDs(us []types.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, *u.Id)
	}
	return out
}

func groupIDs(gs []types.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, *g.Id)
	}
	return out
}

// listUsers pages through ListUsers with MaxResults 1 and checks the pages
// add up to the single-call listing, in ascending ID order.
func (f *fx) listUsers(t *testing.T, org string, filters *types.ListUsersFilters) []types.User {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]types.User, *string, error) {
		out, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, Filters: filters, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Users, out.NextToken, nil
	})
	whole, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, Filters: filters})
	must(t, err)
	if whole.NextToken != nil {
		t.Fatalf("a listing of %d users has a NextToken", len(whole.Users))
	}
	if !reflect.DeepEqual(userIDs(paged), userIDs(whole.Users)) {
		t.Fatalf("paged %v, whole %v", userIDs(paged), userIDs(whole.Users))
	}
	if ids := userIDs(paged); !sort.StringsAreSorted(ids) {
		t.Fatalf("users not in ID order: %v", ids)
	}
	return paged
}

func (f *fx) listGroups(t *testing.T, org string, filters *types.ListGroupsFilters) []types.Group {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]types.Group, *string, error) {
		out, err := f.wm.ListGroups(f.ctx, &workmail.ListGroupsInput{OrganizationId: &org, Filters: filters, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Groups, out.NextToken, nil
	})
	whole, err := f.wm.ListGroups(f.ctx, &workmail.ListGroupsInput{OrganizationId: &org, Filters: filters})
	must(t, err)
	if !reflect.DeepEqual(groupIDs(paged), groupIDs(whole.Groups)) || !sort.StringsAreSorted(groupIDs(paged)) {
		t.Fatalf("paged %v, whole %v", groupIDs(paged), groupIDs(whole.Groups))
	}
	return paged
}

// listAliases pages through the aliases of an entity.
func (f *fx) listAliases(t *testing.T, org, entity string) []string {
	t.Helper()
	paged := pageAll(t, func(tok *string) ([]string, *string, error) {
		out, err := f.wm.ListAliases(f.ctx, &workmail.ListAliasesInput{OrganizationId: &org, EntityId: &entity, MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return out.Aliases, out.NextToken, nil
	})
	whole, err := f.wm.ListAliases(f.ctx, &workmail.ListAliasesInput{OrganizationId: &org, EntityId: &entity})
	must(t, err)
	if !reflect.DeepEqual(paged, whole.Aliases) && !(len(paged) == 0 && len(whole.Aliases) == 0) {
		t.Fatalf("aliases paged %v, whole %v", paged, whole.Aliases)
	}
	return paged
}

// ---- organizations ----

func TestSDKOrganizations(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	var org, alias string

	t.Run("method=CreateOrganization/case=ok", func(t *testing.T) {
		org, alias = f.org(t, domain)
		if !strings.HasPrefix(org, "m-") || len(org) != 34 {
			t.Fatalf("organization ID %q", org)
		}
	})
	t.Run("method=DescribeOrganization/case=ok", func(t *testing.T) {
		out, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org})
		must(t, err)
		wantARN := fmt.Sprintf("arn:aws:workmail:%s:%s:organization/%s", f.e.Region, f.e.AccountID, org)
		if *out.OrganizationId != org || *out.Alias != alias || *out.State != "Active" || *out.DefaultMailDomain != alias+".awsapps.com" ||
			*out.ARN != wantARN || out.CompletedDate == nil || *out.DirectoryType != "WorkMailDirectory" || out.DirectoryId != nil {
			t.Fatalf("DescribeOrganization: %+v", out)
		}
	})
	t.Run("method=CreateOrganization/case=duplicate-alias", func(t *testing.T) {
		_, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String(strings.ToUpper(alias))})
		expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
	})
	t.Run("method=CreateOrganization/case=domain-taken", func(t *testing.T) {
		_, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("t-" + rnd()),
			Domains: []types.Domain{{DomainName: aws.String(strings.ToUpper(domain))}}})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=CreateOrganization/case=client-token-replay", func(t *testing.T) {
		a, tok := "t-"+rnd(), "tok-"+rnd()
		first, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &a, ClientToken: &tok})
		must(t, err)
		again, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &a, ClientToken: &tok})
		must(t, err)
		if *again.OrganizationId != *first.OrganizationId {
			t.Fatalf("replay created %s, first %s", *again.OrganizationId, *first.OrganizationId)
		}
		_, err = f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("t-" + rnd()), ClientToken: &tok})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=CreateOrganization/case=invalid-alias", func(t *testing.T) {
		_, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("d-" + rnd())})
		e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if !strings.Contains(e.ErrorMessage(), "alias") {
			t.Fatalf("message %q", e.ErrorMessage())
		}
	})
	t.Run("method=DescribeOrganization/case=invalid-id", func(t *testing.T) {
		for _, id := range []string{"not-an-organization", "m-" + strings.ToUpper(unknownOrgID()[2:]), unknownOrgID() + "0"} {
			_, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: aws.String(id)})
			e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
			if !strings.Contains(e.ErrorMessage(), "'organizationId'") {
				t.Fatalf("%s: message %q does not name 'organizationId'", id, e.ErrorMessage())
			}
		}
	})
	t.Run("method=DescribeOrganization/case=unknown", func(t *testing.T) {
		_, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: aws.String(unknownOrgID())})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=DeleteOrganization/case=unknown", func(t *testing.T) {
		_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: aws.String(unknownOrgID())})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=DeleteOrganization/case=enabled-users", func(t *testing.T) {
		d := "t-" + rnd() + ".example"
		o, a := f.org(t, d)
		u := f.user(t, o, "jane")
		f.register(t, o, u, "jane@"+d)
		_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &o})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		if f.describeUser(t, o, u).State != types.EntityStateEnabled {
			t.Fatal("a refused DeleteOrganization changed the user")
		}

		out, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &o, ForceDelete: true})
		must(t, err)
		if *out.OrganizationId != o || *out.State != "Deleted" {
			t.Fatalf("DeleteOrganization: %+v", out)
		}
		desc, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &o})
		if err != nil || *desc.State != "Deleted" {
			t.Fatalf("DescribeOrganization after delete: %v %v", desc, err)
		}
		_, err = f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &o})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		_, err = f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &o, Name: aws.String("x" + rnd()), DisplayName: aws.String("x")})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		// The SDK gives every call a fresh client token: this is no retry.
		_, err = f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &o, ForceDelete: true})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")

		// The alias and the domain are free again.
		again, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &a, Domains: []types.Domain{{DomainName: &d}}})
		must(t, err)
		if *again.OrganizationId == o {
			t.Fatal("the new organization has the deleted one's ID")
		}
	})
	t.Run("method=ListOrganizations/case=paged", func(t *testing.T) {
		g := newFx(t) // a fresh account: nothing else in its listing
		var want []string
		for i := 0; i < 5; i++ {
			id, _ := g.org(t)
			want = append(want, id)
		}
		got := pageAll(t, func(tok *string) ([]types.OrganizationSummary, *string, error) {
			out, err := g.wm.ListOrganizations(g.ctx, &workmail.ListOrganizationsInput{MaxResults: aws.Int32(1), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.OrganizationSummaries, out.NextToken, nil
		})
		var gotIDs []string
		for _, o := range got {
			if *o.State != "Active" || !strings.HasSuffix(*o.DefaultMailDomain, ".awsapps.com") || *o.Alias == "" {
				t.Fatalf("summary %+v", o)
			}
			gotIDs = append(gotIDs, *o.OrganizationId)
		}
		sameSet(t, "organizations", gotIDs, want)
		if !sort.StringsAreSorted(gotIDs) {
			t.Fatalf("not in ID order: %v", gotIDs)
		}
		// The SDK paginator sees the same.
		var viaPaginator []string
		p := workmail.NewListOrganizationsPaginator(g.wm, &workmail.ListOrganizationsInput{MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(g.ctx)
			must(t, err)
			for _, o := range out.OrganizationSummaries {
				viaPaginator = append(viaPaginator, *o.OrganizationId)
			}
		}
		if !reflect.DeepEqual(viaPaginator, gotIDs) {
			t.Fatalf("paginator %v, pages %v", viaPaginator, gotIDs)
		}
	})
	t.Run("method=ListOrganizations/case=garbled-token", func(t *testing.T) {
		for _, tok := range []string{"garbage", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "!!!"} {
			_, err := f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{NextToken: aws.String(tok)})
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
		// A real token with one character changed.
		out, err := f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{MaxResults: aws.Int32(1)})
		must(t, err)
		if out.NextToken == nil {
			t.Fatal("no NextToken with MaxResults 1 and several organizations")
		}
		tok := []byte(*out.NextToken)
		if tok[3] == 'A' {
			tok[3] = 'B'
		} else {
			tok[3] = 'A'
		}
		_, err = f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{NextToken: aws.String(string(tok))})
		e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if e.ErrorMessage() != "Invalid NextToken." {
			t.Fatalf("message %q", e.ErrorMessage())
		}
	})
	t.Run("method=ListOrganizations/case=max-results-out-of-range", func(t *testing.T) {
		for _, n := range []int32{0, -1, 101, 1000} {
			_, err := f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{MaxResults: aws.Int32(n)})
			e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
			if !strings.Contains(e.ErrorMessage(), "maxResults") {
				t.Fatalf("MaxResults %d: message %q", n, e.ErrorMessage())
			}
		}
		for _, n := range []int32{1, 100} {
			_, err := f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{MaxResults: aws.Int32(n)})
			must(t, err)
		}
	})
}

// ---- accounts ----

// otherAccount adds a second account with a root key to the store and
// returns a client signed by it.
func (f *fx) otherAccount(t *testing.T) (*workmail.Client, string) {
	t.Helper()
	acct := ids.AccountID()
	must(t, f.e.Store.CreateAccount(f.ctx, store.Account{ID: acct, CreatedAt: time.Now().UTC()}))
	k := store.AccessKey{AccessKeyID: ids.AccessKeyID(ids.PrefixAccessKey), SecretAccessKey: ids.SecretAccessKey(), AccountID: acct,
		Status: "Active", CreatedAt: time.Now().UTC()}
	must(t, f.e.Store.PutAccessKey(f.ctx, k))
	return workmail.NewFromConfig(f.e.AWSConfigFor(k.AccessKeyID, k.SecretAccessKey, "")), acct
}

func TestSDKOtherAccount(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, alias := f.org(t, domain)
	u := f.user(t, org, "jane")
	desc, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org})
	must(t, err)
	_, err = f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: desc.ARN, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	must(t, err)
	other, _ := f.otherAccount(t)

	t.Run("method=DescribeOrganization/case=other-account", func(t *testing.T) {
		_, err := other.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=ListOrganizations/case=other-account", func(t *testing.T) {
		out, err := other.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{})
		must(t, err)
		if len(out.OrganizationSummaries) != 0 {
			t.Fatalf("the other account lists %+v", out.OrganizationSummaries)
		}
	})
	t.Run("method=DescribeUser/case=other-account", func(t *testing.T) {
		_, err := other.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: &u})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=CreateUser/case=other-account", func(t *testing.T) {
		_, err := other.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("intruder"), DisplayName: aws.String("x")})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=DeleteOrganization/case=other-account", func(t *testing.T) {
		_, err := other.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &org, ForceDelete: true})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=ListTagsForResource/case=other-account", func(t *testing.T) {
		// The ARN names another account: the authorizer refuses it before
		// the service looks (WorkMail models no AccessDeniedException, so
		// the SDK reports a generic API error).
		_, err := other.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: desc.ARN})
		apiErr(t, err, "AccessDeniedException", 400)
		_, err = other.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: desc.ARN, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("stolen")}}})
		apiErr(t, err, "AccessDeniedException", 400)
	})
	t.Run("method=CreateOrganization/case=other-account-same-alias", func(t *testing.T) {
		// Aliases and domains are unique per account, not across accounts.
		out, err := other.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &alias, Domains: []types.Domain{{DomainName: &domain}}})
		must(t, err)
		if *out.OrganizationId == org {
			t.Fatal("same organization ID")
		}
	})
	// Nothing the other account did reached the first one's organization.
	if d := f.describeUser(t, org, u); d.State != types.EntityStateDisabled {
		t.Fatalf("user after the other account's calls: %+v", d)
	}
	tags, err := f.wm.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: desc.ARN})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Value != "v" {
		t.Fatalf("tags after the other account's calls: %+v %v", tags, err)
	}
	if out, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org}); err != nil || *out.State != "Active" {
		t.Fatalf("organization after the other account's calls: %v %v", out, err)
	}
}

// ---- users ----

func TestSDKUsers(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, _ := f.org(t, domain)
	var jane string

	t.Run("method=CreateUser/case=ok", func(t *testing.T) {
		out, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("Jane.Doe"), DisplayName: aws.String("Jane Doe"),
			FirstName: aws.String("Jane"), LastName: aws.String("Doe"), Password: aws.String("Correct-Horse-9")})
		must(t, err)
		jane = *out.UserId
		u := f.describeUser(t, org, jane)
		if *u.UserId != jane || *u.Name != "Jane.Doe" || *u.DisplayName != "Jane Doe" || *u.FirstName != "Jane" || *u.LastName != "Doe" ||
			u.State != types.EntityStateDisabled || u.UserRole != types.UserRoleUser || u.Email != nil || u.EnabledDate != nil {
			t.Fatalf("DescribeUser: %+v", u)
		}
	})
	t.Run("method=CreateUser/case=duplicate-name", func(t *testing.T) {
		_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("JANE.DOE"), DisplayName: aws.String("x")})
		expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
		_, err = f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &org, Name: aws.String("jane.doe")})
		expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
	})
	t.Run("method=CreateUser/case=reserved-name", func(t *testing.T) {
		for _, n := range []string{"Administrator", "guest", "KRBTGT"} {
			_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String(n), DisplayName: aws.String("x")})
			expect[*types.ReservedNameException](t, err, "ReservedNameException")
		}
	})
	t.Run("method=CreateUser/case=weak-password", func(t *testing.T) {
		for _, pw := range []string{"Sh0rt!", "alllowercase1", "NoDigitsOrMarks", "Has-Weakling-9"} {
			_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("weakling"), DisplayName: aws.String("x"), Password: aws.String(pw)})
			expect[*types.InvalidPasswordException](t, err, "InvalidPasswordException")
			if strings.Contains(message(err), pw) {
				t.Fatalf("the error echoes the password: %q", message(err))
			}
		}
		// Nothing was created.
		_, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: aws.String("weakling")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=CreateUser/case=invalid-organization-id", func(t *testing.T) {
		_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: aws.String("org-1"), Name: aws.String("x" + rnd()), DisplayName: aws.String("x")})
		e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if !strings.Contains(e.ErrorMessage(), "'organizationId'") {
			t.Fatalf("message %q", e.ErrorMessage())
		}
	})
	t.Run("method=CreateUser/case=unknown-organization", func(t *testing.T) {
		_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: aws.String(unknownOrgID()), Name: aws.String("x" + rnd()), DisplayName: aws.String("x")})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
	t.Run("method=CreateUser/case=invalid-name", func(t *testing.T) {
		_, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("two words"), DisplayName: aws.String("x")})
		e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if !strings.Contains(e.ErrorMessage(), "'name'") {
			t.Fatalf("message %q", e.ErrorMessage())
		}
	})
	t.Run("method=RegisterToWorkMail/case=ok", func(t *testing.T) {
		f.register(t, org, jane, "Jane.Doe@"+domain)
		u := f.describeUser(t, org, jane)
		if u.State != types.EntityStateEnabled || *u.Email != "Jane.Doe@"+domain || u.EnabledDate == nil || u.MailboxProvisionedDate == nil {
			t.Fatalf("registered user: %+v", u)
		}
		// Registering again with the same address changes nothing.
		f.register(t, org, jane, "jane.doe@"+strings.ToUpper(domain))
	})
	t.Run("method=RegisterToWorkMail/case=already-registered", func(t *testing.T) {
		_, err := f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &jane, Email: aws.String("other@" + domain)})
		expect[*types.EntityAlreadyRegisteredException](t, err, "EntityAlreadyRegisteredException")
	})
	t.Run("method=RegisterToWorkMail/case=email-in-use", func(t *testing.T) {
		bob := f.user(t, org, "bob")
		_, err := f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &bob, Email: aws.String("JANE.DOE@" + domain)})
		expect[*types.EmailAddressInUseException](t, err, "EmailAddressInUseException")
		if u := f.describeUser(t, org, bob); u.State != types.EntityStateDisabled || u.Email != nil {
			t.Fatalf("a refused registration changed the user: %+v", u)
		}
	})
	t.Run("method=RegisterToWorkMail/case=unregistered-domain", func(t *testing.T) {
		_, err := f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: aws.String("bob"), Email: aws.String("bob@unregistered-" + rnd() + ".example")})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
	})
	t.Run("method=RegisterToWorkMail/case=unknown-entity", func(t *testing.T) {
		_, err := f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: aws.String("nobody"), Email: aws.String("nobody@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DescribeUser/case=by-id-email-name", func(t *testing.T) {
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("jd@" + domain)})
		must(t, err)
		byID := f.describeUser(t, org, jane)
		for _, ident := range []string{"Jane.Doe@" + domain, "JANE.DOE@" + strings.ToUpper(domain), "Jane.Doe", "jane.doe", "JD@" + domain, strings.ToUpper(jane)} {
			if got := f.describeUser(t, org, ident); !reflect.DeepEqual(got, byID) {
				t.Fatalf("DescribeUser(%s) = %+v, by ID %+v", ident, got, byID)
			}
		}
	})
	t.Run("method=DescribeUser/case=unknown", func(t *testing.T) {
		for _, ident := range []string{"nobody", "nobody@" + domain, "00000000-0000-0000-0000-000000000000"} {
			_, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: aws.String(ident)})
			expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		}
		// A group is no user.
		g := f.group(t, org, "g-"+rnd())
		_, err := f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: &g})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DescribeEntity/case=by-email", func(t *testing.T) {
		for _, addr := range []string{"jane.doe@" + domain, "JD@" + strings.ToUpper(domain)} {
			out, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String(addr)})
			must(t, err)
			if *out.EntityId != jane || *out.Name != "Jane.Doe" || out.Type != types.EntityTypeUser {
				t.Fatalf("DescribeEntity(%s): %+v", addr, out)
			}
		}
		_, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("nobody@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=UpdateUser/case=ok", func(t *testing.T) {
		_, err := f.wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: &org, UserId: aws.String("jane.doe"),
			DisplayName: aws.String("Jane Q. Doe"), JobTitle: aws.String("Engineer"), FirstName: aws.String(""), HiddenFromGlobalAddressList: aws.Bool(true)})
		must(t, err)
		u := f.describeUser(t, org, jane)
		if *u.DisplayName != "Jane Q. Doe" || *u.JobTitle != "Engineer" || u.FirstName != nil || *u.LastName != "Doe" ||
			!u.HiddenFromGlobalAddressList || u.State != types.EntityStateEnabled || *u.Email != "Jane.Doe@"+domain {
			t.Fatalf("updated user: %+v", u)
		}
		_, err = f.wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: &org, UserId: aws.String("nobody"), JobTitle: aws.String("x")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=ResetPassword/case=ok", func(t *testing.T) {
		_, err := f.wm.ResetPassword(f.ctx, &workmail.ResetPasswordInput{OrganizationId: &org, UserId: &jane, Password: aws.String("An0ther-Secret")})
		must(t, err)
	})
	t.Run("method=ResetPassword/case=weak-password", func(t *testing.T) {
		for _, pw := range []string{"short1A", "xx-Jane.Doe-9", "lowercase-only"} {
			_, err := f.wm.ResetPassword(f.ctx, &workmail.ResetPasswordInput{OrganizationId: &org, UserId: &jane, Password: aws.String(pw)})
			expect[*types.InvalidPasswordException](t, err, "InvalidPasswordException")
		}
	})
	t.Run("method=ResetPassword/case=unknown-user", func(t *testing.T) {
		_, err := f.wm.ResetPassword(f.ctx, &workmail.ResetPasswordInput{OrganizationId: &org, UserId: aws.String("nobody-at-all"), Password: aws.String("An0ther-Secret")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DeleteUser/case=enabled", func(t *testing.T) {
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &jane})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		if f.describeUser(t, org, jane).State != types.EntityStateEnabled {
			t.Fatal("a refused DeleteUser changed the user")
		}
	})
	t.Run("method=DeregisterFromWorkMail/case=ok", func(t *testing.T) {
		_, err := f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &jane})
		must(t, err)
		u := f.describeUser(t, org, jane)
		if u.State != types.EntityStateDisabled || u.Email != nil || u.DisabledDate == nil {
			t.Fatalf("deregistered user: %+v", u)
		}
		// The addresses are free: the alias and the primary resolve to nothing...
		_, err = f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("jd@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		// ...and another user may take them.
		f.register(t, org, "bob", "jane.doe@"+domain)
		// Deregistering a disabled user changes nothing.
		_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &jane})
		must(t, err)
		_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: aws.String("nobody")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DeleteUser/case=disabled", func(t *testing.T) {
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &jane})
		must(t, err)
		// The tombstone stays describable by ID; its name is free.
		if u := f.describeUser(t, org, jane); u.State != types.EntityStateDeleted || *u.Name != "Jane.Doe" {
			t.Fatalf("deleted user: %+v", u)
		}
		_, err = f.wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &org, UserId: aws.String("Jane.Doe")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		_, err = f.wm.ResetPassword(f.ctx, &workmail.ResetPasswordInput{OrganizationId: &org, UserId: &jane, Password: aws.String("An0ther-Secret")})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		_, err = f.wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: &org, UserId: &jane, JobTitle: aws.String("x")})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &jane, Email: aws.String("back@" + domain)})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		// Deleting again, or deleting nobody, succeeds.
		_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: &jane})
		must(t, err)
		_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &org, UserId: aws.String("nobody")})
		must(t, err)
		// The name can be used again, by a new user.
		again := f.user(t, org, "jane.doe")
		if again == jane {
			t.Fatal("the new user has the deleted one's ID")
		}
		if u := f.describeUser(t, org, "Jane.Doe"); *u.UserId != again {
			t.Fatalf("the name resolves to %s, want %s", *u.UserId, again)
		}
	})
	t.Run("method=ListUsers/case=paged", func(t *testing.T) {
		g := newFx(t)
		d := "t-" + rnd() + ".example"
		o, _ := g.org(t, d)
		var all, enabled []string
		for i := 0; i < 7; i++ {
			name := fmt.Sprintf("user%02d", i)
			if i%3 == 0 {
				name = fmt.Sprintf("staff%02d", i)
			}
			id := g.user(t, o, name)
			all = append(all, id)
			if i%2 == 0 {
				g.register(t, o, id, name+"@"+d)
				enabled = append(enabled, id)
			}
		}
		deleted := g.user(t, o, "leaver")
		_, err := g.wm.DeleteUser(g.ctx, &workmail.DeleteUserInput{OrganizationId: &o, UserId: &deleted})
		must(t, err)

		got := g.listUsers(t, o, nil)
		sameSet(t, "all users", userIDs(got), append(append([]string(nil), all...), deleted))
		for _, u := range got {
			if *u.Id == deleted && u.State != types.EntityStateDeleted {
				t.Fatalf("deleted user listed as %s", u.State)
			}
		}
		sameSet(t, "enabled", userIDs(g.listUsers(t, o, &types.ListUsersFilters{State: types.EntityStateEnabled})), enabled)
		sameSet(t, "deleted", userIDs(g.listUsers(t, o, &types.ListUsersFilters{State: types.EntityStateDeleted})), []string{deleted})
		staff := g.listUsers(t, o, &types.ListUsersFilters{UsernamePrefix: aws.String("STAFF")})
		sameSet(t, "staff", userIDs(staff), []string{all[0], all[3], all[6]})
		byDisplay := g.listUsers(t, o, &types.ListUsersFilters{DisplayNamePrefix: aws.String("user user0")})
		if len(byDisplay) != 4 {
			t.Fatalf("display name prefix: %v", userIDs(byDisplay))
		}
		byEmail := g.listUsers(t, o, &types.ListUsersFilters{PrimaryEmailPrefix: aws.String("staff")})
		sameSet(t, "email prefix", userIDs(byEmail), []string{all[0], all[6]})
		if none := g.listUsers(t, o, &types.ListUsersFilters{UsernamePrefix: aws.String("zz")}); len(none) != 0 {
			t.Fatalf("prefix zz: %v", userIDs(none))
		}
	})
	t.Run("method=ListUsers/case=two-filters", func(t *testing.T) {
		_, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org,
			Filters: &types.ListUsersFilters{UsernamePrefix: aws.String("j"), State: types.EntityStateEnabled}})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=ListUsers/case=garbled-token", func(t *testing.T) {
		_, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, NextToken: aws.String("not-a-token")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		// A token is bound to its listing: not to other filters, nor to groups.
		out, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, MaxResults: aws.Int32(1)})
		must(t, err)
		if out.NextToken == nil {
			t.Fatal("no NextToken")
		}
		_, err = f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, NextToken: out.NextToken, Filters: &types.ListUsersFilters{UsernamePrefix: aws.String("b")}})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		_, err = f.wm.ListGroups(f.ctx, &workmail.ListGroupsInput{OrganizationId: &org, NextToken: out.NextToken})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		_, err = f.wm.ListOrganizations(f.ctx, &workmail.ListOrganizationsInput{NextToken: out.NextToken})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		// It still works where it belongs.
		_, err = f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, NextToken: out.NextToken})
		must(t, err)
	})
	t.Run("method=ListUsers/case=max-results-out-of-range", func(t *testing.T) {
		for _, n := range []int32{0, 101} {
			_, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &org, MaxResults: aws.Int32(n)})
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
	})
	t.Run("method=ListUsers/case=unknown-organization", func(t *testing.T) {
		_, err := f.wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: aws.String(unknownOrgID())})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
	})
}

// ---- groups ----

func TestSDKGroups(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, _ := f.org(t, domain)
	alice := f.user(t, org, "alice")
	bob := f.user(t, org, "bob")
	var eng, ops, all string

	t.Run("method=CreateGroup/case=ok", func(t *testing.T) {
		eng = f.group(t, org, "Engineering")
		ops = f.group(t, org, "Ops")
		all = f.group(t, org, "All-Staff")
		g := f.describeGroup(t, org, eng)
		if *g.GroupId != eng || *g.Name != "Engineering" || g.State != types.EntityStateDisabled || g.Email != nil {
			t.Fatalf("DescribeGroup: %+v", g)
		}
	})
	t.Run("method=CreateGroup/case=duplicate-name", func(t *testing.T) {
		for _, n := range []string{"engineering", "ALICE"} {
			_, err := f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &org, Name: aws.String(n)})
			expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
		}
	})
	t.Run("method=CreateGroup/case=reserved-name", func(t *testing.T) {
		_, err := f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &org, Name: aws.String("Domain Admins")})
		expect[*types.ReservedNameException](t, err, "ReservedNameException")
	})
	t.Run("method=DescribeGroup/case=by-id-email-name", func(t *testing.T) {
		f.register(t, org, eng, "eng@"+domain)
		byID := f.describeGroup(t, org, eng)
		if byID.State != types.EntityStateEnabled || *byID.Email != "eng@"+domain || byID.EnabledDate == nil {
			t.Fatalf("registered group: %+v", byID)
		}
		for _, ident := range []string{"ENG@" + domain, "engineering"} {
			if got := f.describeGroup(t, org, ident); !reflect.DeepEqual(got, byID) {
				t.Fatalf("DescribeGroup(%s) = %+v, by ID %+v", ident, got, byID)
			}
		}
		out, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("eng@" + domain)})
		if err != nil || *out.EntityId != eng || out.Type != types.EntityTypeGroup {
			t.Fatalf("DescribeEntity: %+v %v", out, err)
		}
		for _, ident := range []string{"nobody", alice} {
			_, err := f.wm.DescribeGroup(f.ctx, &workmail.DescribeGroupInput{OrganizationId: &org, GroupId: aws.String(ident)})
			expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		}
	})
	t.Run("method=ListGroups/case=paged", func(t *testing.T) {
		sameSet(t, "groups", groupIDs(f.listGroups(t, org, nil)), []string{eng, ops, all})
		sameSet(t, "prefix", groupIDs(f.listGroups(t, org, &types.ListGroupsFilters{NamePrefix: aws.String("e")})), []string{eng})
		sameSet(t, "enabled", groupIDs(f.listGroups(t, org, &types.ListGroupsFilters{State: types.EntityStateEnabled})), []string{eng})
		sameSet(t, "email", groupIDs(f.listGroups(t, org, &types.ListGroupsFilters{PrimaryEmailPrefix: aws.String("ENG@")})), []string{eng})
		_, err := f.wm.ListGroups(f.ctx, &workmail.ListGroupsInput{OrganizationId: &org, NextToken: aws.String("garbled")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		_, err = f.wm.ListGroups(f.ctx, &workmail.ListGroupsInput{OrganizationId: &org, MaxResults: aws.Int32(101)})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=AssociateMemberToGroup/case=ok", func(t *testing.T) {
		for _, m := range [][2]string{{eng, alice}, {eng, "bob"}, {all, eng}, {all, ops}, {ops, "BOB"}} {
			_, err := f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: aws.String(m[0]), MemberId: aws.String(m[1])})
			must(t, err)
		}
		// Adding a member again succeeds and changes nothing.
		_, err := f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: &eng, MemberId: &alice})
		must(t, err)
	})
	t.Run("method=AssociateMemberToGroup/case=cycle", func(t *testing.T) {
		// All-Staff contains Engineering: Engineering cannot contain All-Staff,
		// nor itself.
		for _, m := range [][2]string{{eng, all}, {eng, eng}} {
			_, err := f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: aws.String(m[0]), MemberId: aws.String(m[1])})
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
	})
	t.Run("method=AssociateMemberToGroup/case=unknown", func(t *testing.T) {
		_, err := f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: &eng, MemberId: aws.String("nobody")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		_, err = f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: &alice, MemberId: &bob})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=ListGroupMembers/case=paged", func(t *testing.T) {
		members := func(g string) []types.Member {
			return pageAll(t, func(tok *string) ([]types.Member, *string, error) {
				out, err := f.wm.ListGroupMembers(f.ctx, &workmail.ListGroupMembersInput{OrganizationId: &org, GroupId: &g, MaxResults: aws.Int32(1), NextToken: tok})
				if err != nil {
					return nil, nil, err
				}
				return out.Members, out.NextToken, nil
			})
		}
		got := members(eng)
		var gotIDs []string
		for _, m := range got {
			gotIDs = append(gotIDs, *m.Id)
			if m.Type != types.MemberTypeUser || m.State != types.EntityStateDisabled {
				t.Fatalf("member %+v", m)
			}
		}
		sameSet(t, "Engineering", gotIDs, []string{alice, bob})
		if !sort.StringsAreSorted(gotIDs) {
			t.Fatalf("members not in ID order: %v", gotIDs)
		}
		got = members(all)
		kinds := map[string]string{}
		for _, m := range got {
			kinds[*m.Id] = string(m.Type) + " " + *m.Name
		}
		if len(kinds) != 2 || kinds[eng] != "GROUP Engineering" || kinds[ops] != "GROUP Ops" {
			t.Fatalf("All-Staff members %v", kinds)
		}
	})
	t.Run("method=ListGroupsForEntity/case=paged", func(t *testing.T) {
		groupsOf := func(e string, prefix *string) []string {
			var filters *types.ListGroupsForEntityFilters
			if prefix != nil {
				filters = &types.ListGroupsForEntityFilters{GroupNamePrefix: prefix}
			}
			gs := pageAll(t, func(tok *string) ([]types.GroupIdentifier, *string, error) {
				out, err := f.wm.ListGroupsForEntity(f.ctx, &workmail.ListGroupsForEntityInput{OrganizationId: &org, EntityId: &e, Filters: filters, MaxResults: aws.Int32(1), NextToken: tok})
				if err != nil {
					return nil, nil, err
				}
				return out.Groups, out.NextToken, nil
			})
			var out []string
			for _, g := range gs {
				out = append(out, *g.GroupId)
			}
			return out
		}
		sameSet(t, "bob's groups", groupsOf(bob, nil), []string{eng, ops})
		sameSet(t, "bob's E groups", groupsOf("bob", aws.String("eng")), []string{eng})
		sameSet(t, "alice's groups", groupsOf(alice, nil), []string{eng})
		sameSet(t, "Engineering's groups", groupsOf(eng, nil), []string{all})
		_, err := f.wm.ListGroupsForEntity(f.ctx, &workmail.ListGroupsForEntityInput{OrganizationId: &org, EntityId: aws.String("nobody")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DisassociateMemberFromGroup/case=ok", func(t *testing.T) {
		_, err := f.wm.DisassociateMemberFromGroup(f.ctx, &workmail.DisassociateMemberFromGroupInput{OrganizationId: &org, GroupId: aws.String("Engineering"), MemberId: aws.String("bob")})
		must(t, err)
		out, err := f.wm.ListGroupMembers(f.ctx, &workmail.ListGroupMembersInput{OrganizationId: &org, GroupId: &eng})
		must(t, err)
		if len(out.Members) != 1 || *out.Members[0].Id != alice {
			t.Fatalf("members after disassociation: %+v", out.Members)
		}
		// bob is no longer a member.
		_, err = f.wm.DisassociateMemberFromGroup(f.ctx, &workmail.DisassociateMemberFromGroupInput{OrganizationId: &org, GroupId: &eng, MemberId: &bob})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		_, err = f.wm.DisassociateMemberFromGroup(f.ctx, &workmail.DisassociateMemberFromGroupInput{OrganizationId: &org, GroupId: &eng, MemberId: aws.String("nobody")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DeleteGroup/case=ok", func(t *testing.T) {
		// An enabled group can be deleted; its address and memberships go.
		_, err := f.wm.DeleteGroup(f.ctx, &workmail.DeleteGroupInput{OrganizationId: &org, GroupId: &eng})
		must(t, err)
		if g := f.describeGroup(t, org, eng); g.State != types.EntityStateDeleted || g.Email != nil {
			t.Fatalf("deleted group: %+v", g)
		}
		_, err = f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("eng@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		out, err := f.wm.ListGroupsForEntity(f.ctx, &workmail.ListGroupsForEntityInput{OrganizationId: &org, EntityId: &alice})
		must(t, err)
		if len(out.Groups) != 0 {
			t.Fatalf("alice's groups after the delete: %+v", out.Groups)
		}
		m, err := f.wm.ListGroupMembers(f.ctx, &workmail.ListGroupMembersInput{OrganizationId: &org, GroupId: &all})
		must(t, err)
		if len(m.Members) != 1 || *m.Members[0].Id != ops {
			t.Fatalf("All-Staff after the delete: %+v", m.Members)
		}
		_, err = f.wm.ListGroupMembers(f.ctx, &workmail.ListGroupMembersInput{OrganizationId: &org, GroupId: &eng})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		_, err = f.wm.AssociateMemberToGroup(f.ctx, &workmail.AssociateMemberToGroupInput{OrganizationId: &org, GroupId: &eng, MemberId: &alice})
		expect[*types.EntityStateException](t, err, "EntityStateException")
		// The name is free; deleting again or deleting nobody succeeds.
		f.group(t, org, "engineering")
		for _, g := range []string{eng, "nobody"} {
			_, err = f.wm.DeleteGroup(f.ctx, &workmail.DeleteGroupInput{OrganizationId: &org, GroupId: aws.String(g)})
			must(t, err)
		}
	})
}

// ---- aliases ----

func TestSDKAliases(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, alias := f.org(t, domain)
	jane := f.user(t, org, "jane")
	bob := f.user(t, org, "bob")

	t.Run("method=CreateAlias/case=not-registered", func(t *testing.T) {
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("j@" + domain)})
		expect[*types.EntityStateException](t, err, "EntityStateException")
	})
	f.register(t, org, jane, "jane@"+domain)
	f.register(t, org, bob, "bob@"+alias+".awsapps.com")

	// Addresses whose order differs between byte order and natural-language
	// collations, so that paging cannot depend on the database's collation.
	// (ICU's en-US puts "a_e" first and "a+f" after "a.c").
	want := []string{"a%g@" + domain, "a+f@" + domain, "a-d@" + domain, "a.c@" + domain, "a_e@" + domain, "AB@" + domain, "j@" + alias + ".awsapps.com"}
	t.Run("method=CreateAlias/case=ok", func(t *testing.T) {
		for _, a := range []string{"j@" + alias + ".awsapps.com", "AB@" + domain, "a.c@" + domain, "a_e@" + domain, "a-d@" + domain, "a+f@" + domain, "a%g@" + domain} {
			_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String(a)})
			must(t, err)
		}
		// Adding an alias the user has succeeds and changes nothing.
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("ab@" + domain)})
		must(t, err)
	})
	t.Run("method=ListAliases/case=paged", func(t *testing.T) {
		got := f.listAliases(t, org, jane)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("aliases %v, want %v (lowercase byte order, without the primary address)", got, want)
		}
		if got := f.listAliases(t, org, bob); len(got) != 0 {
			t.Fatalf("bob's aliases: %v", got)
		}
		_, err := f.wm.ListAliases(f.ctx, &workmail.ListAliasesInput{OrganizationId: &org, EntityId: &jane, NextToken: aws.String("xyz")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		_, err = f.wm.ListAliases(f.ctx, &workmail.ListAliasesInput{OrganizationId: &org, EntityId: aws.String("nobody-at-all")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DescribeUser/case=by-alias", func(t *testing.T) {
		byID := f.describeUser(t, org, jane)
		for _, a := range want {
			if got := f.describeUser(t, org, strings.ToUpper(a)); !reflect.DeepEqual(got, byID) {
				t.Fatalf("DescribeUser(%s) = %+v", a, got)
			}
			out, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String(a)})
			if err != nil || *out.EntityId != jane {
				t.Fatalf("DescribeEntity(%s): %+v %v", a, out, err)
			}
		}
	})
	t.Run("method=CreateAlias/case=email-in-use", func(t *testing.T) {
		for _, a := range []string{"A.C@" + domain, "jane@" + domain} {
			_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &bob, Alias: aws.String(a)})
			expect[*types.EmailAddressInUseException](t, err, "EmailAddressInUseException")
		}
		// Its own primary address is no alias either.
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("JANE@" + domain)})
		expect[*types.EmailAddressInUseException](t, err, "EmailAddressInUseException")
	})
	t.Run("method=CreateAlias/case=unregistered-domain", func(t *testing.T) {
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("j@elsewhere-" + rnd() + ".example")})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
	})
	t.Run("method=CreateAlias/case=unknown-entity", func(t *testing.T) {
		_, err := f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: aws.String("nobody-at-all"), Alias: aws.String("n@" + domain)})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})
	t.Run("method=DeleteAlias/case=ok", func(t *testing.T) {
		_, err := f.wm.DeleteAlias(f.ctx, &workmail.DeleteAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("Ab@" + domain)})
		must(t, err)
		if got := f.listAliases(t, org, jane); !reflect.DeepEqual(got, append(append([]string(nil), want[:5]...), want[6])) {
			t.Fatalf("aliases after delete: %v", got)
		}
		// Deleting an alias the user does not have succeeds.
		_, err = f.wm.DeleteAlias(f.ctx, &workmail.DeleteAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("ab@" + domain)})
		must(t, err)
		// The freed address can go to someone else.
		_, err = f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &bob, Alias: aws.String("ab@" + domain)})
		must(t, err)
	})
	t.Run("method=DeleteAlias/case=primary", func(t *testing.T) {
		_, err := f.wm.DeleteAlias(f.ctx, &workmail.DeleteAliasInput{OrganizationId: &org, EntityId: &jane, Alias: aws.String("jane@" + domain)})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=DeregisterFromWorkMail/case=frees-aliases", func(t *testing.T) {
		_, err := f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &jane})
		must(t, err)
		if got := f.listAliases(t, org, jane); len(got) != 0 {
			t.Fatalf("aliases of a deregistered user: %v", got)
		}
		_, err = f.wm.CreateAlias(f.ctx, &workmail.CreateAliasInput{OrganizationId: &org, EntityId: &bob, Alias: aws.String("a.c@" + domain)})
		must(t, err)
	})
}

// ---- mail domains ----

func TestSDKMailDomains(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	first := "t-" + rnd() + ".example"
	second := "t-" + rnd() + ".example"
	org, alias := f.org(t, first)
	test := alias + ".awsapps.com"

	t.Run("method=RegisterMailDomain/case=ok", func(t *testing.T) {
		for i := 0; i < 2; i++ { // the second time is a no-op
			_, err := f.wm.RegisterMailDomain(f.ctx, &workmail.RegisterMailDomainInput{OrganizationId: &org, DomainName: aws.String(strings.ToUpper(second))})
			must(t, err)
		}
	})
	t.Run("method=RegisterMailDomain/case=invalid", func(t *testing.T) {
		for _, d := range []string{"nodots", "x." + rnd() + ".awsapps.com", "a..b"} {
			_, err := f.wm.RegisterMailDomain(f.ctx, &workmail.RegisterMailDomainInput{OrganizationId: &org, DomainName: aws.String(d)})
			expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		}
	})
	t.Run("method=RegisterMailDomain/case=other-organization", func(t *testing.T) {
		other, _ := f.org(t)
		_, err := f.wm.RegisterMailDomain(f.ctx, &workmail.RegisterMailDomainInput{OrganizationId: &other, DomainName: &first})
		expect[*types.MailDomainInUseException](t, err, "MailDomainInUseException")
	})
	t.Run("method=ListMailDomains/case=paged", func(t *testing.T) {
		got := pageAll(t, func(tok *string) ([]types.MailDomainSummary, *string, error) {
			out, err := f.wm.ListMailDomains(f.ctx, &workmail.ListMailDomainsInput{OrganizationId: &org, MaxResults: aws.Int32(1), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.MailDomains, out.NextToken, nil
		})
		var names []string
		var defaults []string
		for _, d := range got {
			names = append(names, *d.DomainName)
			if d.DefaultDomain {
				defaults = append(defaults, *d.DomainName)
			}
		}
		sameSet(t, "domains", names, []string{first, second, test})
		if !reflect.DeepEqual(defaults, []string{test}) {
			t.Fatalf("default domains %v", defaults)
		}
		_, err := f.wm.ListMailDomains(f.ctx, &workmail.ListMailDomainsInput{OrganizationId: &org, NextToken: aws.String("bad-token")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=GetMailDomain/case=ok", func(t *testing.T) {
		out, err := f.wm.GetMailDomain(f.ctx, &workmail.GetMailDomainInput{OrganizationId: &org, DomainName: aws.String(strings.ToUpper(second))})
		must(t, err)
		if out.IsTestDomain || out.IsDefault || out.OwnershipVerificationStatus != types.DnsRecordVerificationStatusVerified ||
			out.DkimVerificationStatus != types.DnsRecordVerificationStatusVerified {
			t.Fatalf("GetMailDomain: %+v", out)
		}
		var mx bool
		for _, r := range out.Records {
			if *r.Type == "MX" && *r.Hostname == second+"." {
				mx = true
			}
		}
		if !mx {
			t.Fatalf("no MX record among %+v", out.Records)
		}
		tout, err := f.wm.GetMailDomain(f.ctx, &workmail.GetMailDomainInput{OrganizationId: &org, DomainName: &test})
		must(t, err)
		if !tout.IsTestDomain || !tout.IsDefault {
			t.Fatalf("test domain: %+v", tout)
		}
		_, err = f.wm.GetMailDomain(f.ctx, &workmail.GetMailDomainInput{OrganizationId: &org, DomainName: aws.String("unknown-" + rnd() + ".example")})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
	})
	t.Run("method=UpdateDefaultMailDomain/case=ok", func(t *testing.T) {
		_, err := f.wm.UpdateDefaultMailDomain(f.ctx, &workmail.UpdateDefaultMailDomainInput{OrganizationId: &org, DomainName: &second})
		must(t, err)
		out, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org})
		must(t, err)
		if *out.DefaultMailDomain != second {
			t.Fatalf("default domain %s", *out.DefaultMailDomain)
		}
		d, err := f.wm.GetMailDomain(f.ctx, &workmail.GetMailDomainInput{OrganizationId: &org, DomainName: &second})
		if err != nil || !d.IsDefault {
			t.Fatalf("GetMailDomain of the default: %+v %v", d, err)
		}
		_, err = f.wm.UpdateDefaultMailDomain(f.ctx, &workmail.UpdateDefaultMailDomainInput{OrganizationId: &org, DomainName: aws.String("unknown-" + rnd() + ".example")})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
	})
	t.Run("method=DeregisterMailDomain/case=refused", func(t *testing.T) {
		_, err := f.wm.DeregisterMailDomain(f.ctx, &workmail.DeregisterMailDomainInput{OrganizationId: &org, DomainName: &second})
		expect[*types.MailDomainInUseException](t, err, "MailDomainInUseException") // the default domain
		_, err = f.wm.DeregisterMailDomain(f.ctx, &workmail.DeregisterMailDomainInput{OrganizationId: &org, DomainName: &test})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException") // the test domain
		u := f.user(t, org, "user-"+rnd())
		f.register(t, org, u, "someone@"+first)
		_, err = f.wm.DeregisterMailDomain(f.ctx, &workmail.DeregisterMailDomainInput{OrganizationId: &org, DomainName: &first})
		expect[*types.MailDomainInUseException](t, err, "MailDomainInUseException") // an address uses it
		_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &org, EntityId: &u})
		must(t, err)
	})
	t.Run("method=DeregisterMailDomain/case=ok", func(t *testing.T) {
		_, err := f.wm.DeregisterMailDomain(f.ctx, &workmail.DeregisterMailDomainInput{OrganizationId: &org, DomainName: &first})
		must(t, err)
		_, err = f.wm.GetMailDomain(f.ctx, &workmail.GetMailDomainInput{OrganizationId: &org, DomainName: &first})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
		// Deregistering a domain the organization does not have succeeds.
		_, err = f.wm.DeregisterMailDomain(f.ctx, &workmail.DeregisterMailDomainInput{OrganizationId: &org, DomainName: &first})
		must(t, err)
		// Addresses in it are refused now.
		u := f.user(t, org, "user-"+rnd())
		_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &u, Email: aws.String("x@" + first)})
		expect[*types.MailDomainNotFoundException](t, err, "MailDomainNotFoundException")
		out, err := f.wm.ListMailDomains(f.ctx, &workmail.ListMailDomainsInput{OrganizationId: &org})
		must(t, err)
		if len(out.MailDomains) != 2 {
			t.Fatalf("domains after deregistering: %+v", out.MailDomains)
		}
	})
}

// ---- tags ----

func TestSDKTags(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, _ := f.org(t)
	desc, err := f.wm.DescribeOrganization(f.ctx, &workmail.DescribeOrganizationInput{OrganizationId: &org})
	must(t, err)
	arn := desc.ARN
	list := func(t *testing.T) map[string]string {
		t.Helper()
		out, err := f.wm.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: arn})
		must(t, err)
		m := map[string]string{}
		var keys []string
		for _, tg := range out.Tags {
			m[*tg.Key] = *tg.Value
			keys = append(keys, *tg.Key)
		}
		if !sort.StringsAreSorted(keys) {
			t.Fatalf("tags not in key order: %v", keys)
		}
		return m
	}
	tag := func(kv ...string) []types.Tag {
		var out []types.Tag
		for i := 0; i < len(kv); i += 2 {
			out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return out
	}

	t.Run("method=TagResource/case=ok", func(t *testing.T) {
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag("team", "mail", "env", "test", "empty", "")})
		must(t, err)
		_, err = f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag("env", "prod")})
		must(t, err)
		if got := list(t); !reflect.DeepEqual(got, map[string]string{"team": "mail", "env": "prod", "empty": ""}) {
			t.Fatalf("tags %v", got)
		}
	})
	t.Run("method=UntagResource/case=ok", func(t *testing.T) {
		_, err := f.wm.UntagResource(f.ctx, &workmail.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"team", "absent"}})
		must(t, err)
		if got := list(t); !reflect.DeepEqual(got, map[string]string{"env": "prod", "empty": ""}) {
			t.Fatalf("tags %v", got)
		}
	})
	t.Run("method=TagResource/case=reserved-prefix", func(t *testing.T) {
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag("aws:owner", "x")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=TagResource/case=too-many-tags", func(t *testing.T) {
		var kv []string
		for i := 0; i < 40; i++ {
			kv = append(kv, fmt.Sprintf("k%02d", i), "v")
		}
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag(kv...)})
		must(t, err) // 42 tags
		kv = kv[:0]
		for i := 0; i < 9; i++ {
			kv = append(kv, fmt.Sprintf("x%02d", i), "v")
		}
		_, err = f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag(kv...)})
		expect[*types.TooManyTagsException](t, err, "TooManyTagsException") // 51
		if n := len(list(t)); n != 42 {
			t.Fatalf("a refused TagResource left %d tags", n)
		}
		// Overwriting existing keys does not count twice.
		_, err = f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag(append(kv[:16], "k00", "w", "k01", "w")...)})
		must(t, err) // 50
		if got := list(t); len(got) != 50 || got["k00"] != "w" {
			t.Fatalf("%d tags, k00=%q", len(got), got["k00"])
		}
	})
	t.Run("method=TagResource/case=over-model-limit", func(t *testing.T) {
		var kv []string
		for i := 0; i < 51; i++ {
			kv = append(kv, fmt.Sprintf("y%02d", i), "v")
		}
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag(kv...)})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
	t.Run("method=TagResource/case=unknown-resource", func(t *testing.T) {
		other := strings.Replace(*arn, org, unknownOrgID(), 1)
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: &other, Tags: tag("a", "b")})
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
		_, err = f.wm.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: &other})
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
		_, err = f.wm.UntagResource(f.ctx, &workmail.UntagResourceInput{ResourceARN: &other, TagKeys: []string{"a"}})
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
		otherRegion := strings.Replace(*arn, ":"+f.e.Region+":", ":eu-west-1:", 1)
		_, err = f.wm.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: &otherRegion})
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	})
	t.Run("method=TagResource/case=invalid-arn", func(t *testing.T) {
		_, err := f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: aws.String("not-an-arn"), Tags: tag("a", "b")})
		e := expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		if !strings.Contains(e.ErrorMessage(), "'resourceARN'") {
			t.Fatalf("message %q", e.ErrorMessage())
		}
	})
	t.Run("method=ListTagsForResource/case=deleted-organization", func(t *testing.T) {
		_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &org})
		must(t, err)
		_, err = f.wm.ListTagsForResource(f.ctx, &workmail.ListTagsForResourceInput{ResourceARN: arn})
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
		_, err = f.wm.TagResource(f.ctx, &workmail.TagResourceInput{ResourceARN: arn, Tags: tag("a", "b")})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
	})
}

// ---- concurrency ----

func TestSDKConcurrency(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	domain := "t-" + rnd() + ".example"
	org, _ := f.org(t, domain)

	t.Run("method=CreateUser/case=concurrent-distinct-names", func(t *testing.T) {
		const n = 16
		created := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				out, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String(fmt.Sprintf("worker%02d", i)), DisplayName: aws.String("w")})
				errs[i] = err
				if err == nil {
					created[i] = *out.UserId
				}
			}(i)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("CreateUser worker%02d: %v", i, err)
			}
		}
		got := f.listUsers(t, org, &types.ListUsersFilters{UsernamePrefix: aws.String("worker")})
		sameSet(t, "workers", userIDs(got), created)
		for _, u := range got {
			if u.State != types.EntityStateDisabled || !strings.HasPrefix(*u.Name, "worker") {
				t.Fatalf("user %+v", u)
			}
		}
	})
	t.Run("method=CreateUser/case=concurrent-same-name", func(t *testing.T) {
		const n = 8
		errs := make([]error, n)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				out, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("contested"), DisplayName: aws.String(fmt.Sprint(i))})
				errs[i] = err
				if err == nil {
					ids[i] = *out.UserId
				}
			}(i)
		}
		wg.Wait()
		winner := ""
		for i, err := range errs {
			if err == nil {
				if winner != "" {
					t.Fatalf("two CreateUser of one name succeeded: %s and %s", winner, ids[i])
				}
				winner = ids[i]
				continue
			}
			expect[*types.NameAvailabilityException](t, err, "NameAvailabilityException")
		}
		if winner == "" {
			t.Fatal("no CreateUser succeeded")
		}
		got := f.listUsers(t, org, &types.ListUsersFilters{UsernamePrefix: aws.String("contested")})
		if len(got) != 1 || *got[0].Id != winner {
			t.Fatalf("users named contested: %+v", got)
		}
		if u := f.describeUser(t, org, "CONTESTED"); *u.UserId != winner {
			t.Fatalf("the name resolves to %s, the winner is %s", *u.UserId, winner)
		}
	})
	t.Run("method=RegisterToWorkMail/case=concurrent-same-email", func(t *testing.T) {
		const n = 8
		users := make([]string, n)
		for i := range users {
			users[i] = f.user(t, org, fmt.Sprintf("claimant%02d", i))
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: &users[i], Email: aws.String("shared@" + domain)})
			}(i)
		}
		wg.Wait()
		winner := ""
		for i, err := range errs {
			if err == nil {
				if winner != "" {
					t.Fatalf("two users registered one address: %s and %s", winner, users[i])
				}
				winner = users[i]
				continue
			}
			expect[*types.EmailAddressInUseException](t, err, "EmailAddressInUseException")
		}
		if winner == "" {
			t.Fatal("no RegisterToWorkMail succeeded")
		}
		out, err := f.wm.DescribeEntity(f.ctx, &workmail.DescribeEntityInput{OrganizationId: &org, Email: aws.String("shared@" + domain)})
		if err != nil || *out.EntityId != winner {
			t.Fatalf("DescribeEntity: %+v %v (winner %s)", out, err, winner)
		}
		enabled := f.listUsers(t, org, &types.ListUsersFilters{State: types.EntityStateEnabled})
		if len(enabled) != 1 || *enabled[0].Id != winner {
			t.Fatalf("enabled users: %v", userIDs(enabled))
		}
	})
}
