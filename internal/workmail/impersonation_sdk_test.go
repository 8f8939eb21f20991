package workmail_test

// Impersonation roles, effects and tokens through the official AWS SDK
// for Go v2 and the signed introspection endpoint. The WorkMail service
// runs on a settable clock, so expiry is tested without sleeping.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

// impClock is the service's settable clock: a fixed start plus an offset.
type impClock struct {
	start time.Time
	off   atomic.Int64 // nanoseconds
}

func (c *impClock) Now() time.Time          { return c.start.Add(time.Duration(c.off.Load())) }
func (c *impClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// impFx is a server whose WorkMail service runs on a settable clock, an
// organization with four registered users, and a root client.
type impFx struct {
	e      *testenv.Env
	svc    *wmsvc.Service
	wm     *workmail.Client
	clk    *impClock
	ctx    context.Context
	org    string
	domain string            // the organization's test domain
	users  map[string]string // name → ID
}

type impOpts struct {
	imp  wmsvc.ImpersonationOptions
	auth authz.Authorizer
}

func newImpFx(t testing.TB, o impOpts) *impFx {
	t.Helper()
	f := &impFx{clk: &impClock{start: time.Now().UTC().Truncate(time.Second)}, ctx: context.Background(), users: map[string]string{}}
	f.e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		svc := wmsvc.New(c.Store, wmsvc.Options{Now: f.clk.Now, Impersonation: o.imp})
		c.WorkMail, f.svc = svc, svc
		if o.auth != nil {
			c.Authorizer = o.auth
		}
	}})
	f.wm = f.e.WorkMail()
	alias := "imp-" + impRnd()
	out, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &alias})
	impMust(t, err)
	f.org, f.domain = *out.OrganizationId, alias+".awsapps.com"
	for _, n := range []string{"alice", "bob", "carol", "dave"} {
		f.users[n] = f.user(t, n)
	}
	return f
}

func (f *impFx) user(t testing.TB, name string) string {
	t.Helper()
	u, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &f.org, Name: aws.String(name), DisplayName: aws.String(name)})
	impMust(t, err)
	_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &f.org, EntityId: u.UserId, Email: aws.String(name + "@" + f.domain)})
	impMust(t, err)
	return *u.UserId
}

func (f *impFx) createRole(t testing.TB, rules ...types.ImpersonationRule) string {
	t.Helper()
	if rules == nil {
		rules = []types.ImpersonationRule{}
	}
	out, err := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("role " + impRnd()),
		Type: types.ImpersonationRoleTypeFullAccess, Rules: rules})
	impMust(t, err)
	return *out.ImpersonationRoleId
}

func (f *impFx) effect(t testing.TB, role, target string) (*workmail.GetImpersonationRoleEffectOutput, error) {
	t.Helper()
	return f.wm.GetImpersonationRoleEffect(f.ctx, &workmail.GetImpersonationRoleEffectInput{OrganizationId: &f.org, ImpersonationRoleId: &role, TargetUser: &target})
}

func (f *impFx) assume(t testing.TB, role string) *workmail.AssumeImpersonationRoleOutput {
	t.Helper()
	out, err := f.wm.AssumeImpersonationRole(f.ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
	impMust(t, err)
	return out
}

// otherAccount returns the credentials of a new account in the same store.
func (f *impFx) otherAccount(t testing.TB) (acct, keyID, secret string) {
	t.Helper()
	acct = ids.AccountID()
	impMust(t, f.e.Store.CreateAccount(f.ctx, store.Account{ID: acct, CreatedAt: time.Now().UTC()}))
	k := store.AccessKey{AccessKeyID: ids.AccessKeyID(ids.PrefixAccessKey), SecretAccessKey: ids.SecretAccessKey(), AccountID: acct,
		Status: "Active", CreatedAt: time.Now().UTC()}
	impMust(t, f.e.Store.PutAccessKey(f.ctx, k))
	return acct, k.AccessKeyID, k.SecretAccessKey
}

// introspect calls the introspection endpoint signed with the given
// credentials (the root key when keyID is empty).
func (f *impFx) introspect(t testing.TB, keyID, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	if keyID == "" {
		keyID, secret = f.e.AccessKey, f.e.SecretKey
	}
	body := []byte(form.Encode())
	req, err := http.NewRequest(http.MethodPost, f.e.URL+server.IntrospectPath, bytes.NewReader(body))
	impMust(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256(body)
	impMust(t, v4.NewSigner().SignHTTP(f.ctx, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, req,
		hex.EncodeToString(sum[:]), "workmail", f.e.Region, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	impMust(t, err)
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("introspect: status %d, undecodable body: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, m
}

// active introspects a token for a mailbox and returns active and
// mailbox_allowed.
func (f *impFx) active(t testing.TB, token, mailbox string) (active, allowed bool) {
	t.Helper()
	status, m := f.introspect(t, "", "", url.Values{"token": {token}, "mailbox": {mailbox}})
	if status != 200 {
		t.Fatalf("introspect: %d %v", status, m)
	}
	a, _ := m["active"].(bool)
	ok, _ := m["mailbox_allowed"].(bool)
	if !a && len(m) != 1 {
		t.Fatalf("an inactive token must reveal nothing else: %v", m)
	}
	return a, ok
}

func impRnd() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func impMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rule(id string, effect types.AccessEffect, targets, notTargets []string) types.ImpersonationRule {
	return types.ImpersonationRule{ImpersonationRuleId: aws.String(id), Name: aws.String("name-" + id), Effect: effect,
		TargetUsers: targets, NotTargetUsers: notTargets}
}

func matchedIDs(ms []types.ImpersonationMatchedRule) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, *m.ImpersonationRuleId)
		if m.Name == nil || *m.Name != "name-"+*m.ImpersonationRuleId {
			panic("matched rule without its name")
		}
	}
	return out
}

func TestImpersonationEffect(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	allow, deny := types.AccessEffectAllow, types.AccessEffectDeny
	email := func(n string) string { return n + "@" + f.domain }
	id := func(n string) string { return f.users[n] }
	type want struct {
		effect  types.AccessEffect
		matched []string
	}
	cases := []struct {
		name  string
		rules []types.ImpersonationRule
		want  map[string]want // user name → effect
	}{
		{"no rules", nil, map[string]want{"alice": {deny, nil}}},
		{"allow one user", []types.ImpersonationRule{rule("r1", allow, []string{"alice"}, nil)},
			map[string]want{"alice": {allow, []string{"r1"}}, "bob": {deny, nil}}},
		{"no match is deny", []types.ImpersonationRule{rule("r1", allow, []string{"alice"}, nil), rule("r2", deny, []string{"bob"}, nil)},
			map[string]want{"carol": {deny, nil}, "bob": {deny, []string{"r2"}}}},
		{"deny wins", []types.ImpersonationRule{rule("a", allow, []string{"alice", "bob"}, nil), rule("d", deny, []string{email("alice")}, nil)},
			map[string]want{"alice": {deny, []string{"d"}}, "bob": {allow, []string{"a"}}}},
		{"deny wins over several allows", []types.ImpersonationRule{rule("a1", allow, []string{"alice"}, nil), rule("a2", allow, nil, []string{"bob"}),
			rule("d1", deny, []string{"alice"}, nil), rule("d2", deny, nil, []string{"carol"})},
			map[string]want{"alice": {deny, []string{"d1", "d2"}}, "carol": {allow, []string{"a2"}}, "bob": {deny, []string{"d2"}}}},
		{"several allows", []types.ImpersonationRule{rule("a1", allow, []string{"alice"}, nil), rule("a2", allow, nil, []string{"bob"})},
			map[string]want{"alice": {allow, []string{"a1", "a2"}}, "dave": {allow, []string{"a2"}}, "bob": {deny, nil}}},
		{"not target users", []types.ImpersonationRule{rule("everyone-but-bob", allow, nil, []string{id("bob")})},
			map[string]want{"alice": {allow, []string{"everyone-but-bob"}}, "dave": {allow, []string{"everyone-but-bob"}}, "bob": {deny, nil}}},
		{"deny all but one", []types.ImpersonationRule{rule("d", deny, nil, []string{"alice"})},
			map[string]want{"alice": {deny, nil}, "bob": {deny, []string{"d"}}}},
		{"allow and deny-except", []types.ImpersonationRule{rule("a", allow, []string{"alice", "bob"}, nil), rule("d", deny, nil, []string{"alice"})},
			map[string]want{"alice": {allow, []string{"a"}}, "bob": {deny, []string{"d"}}}},
		{"both lists in one rule", []types.ImpersonationRule{rule("both", allow, []string{"alice"}, []string{"alice", "bob"})},
			map[string]want{"alice": {allow, []string{"both"}}, "bob": {deny, nil}, "carol": {allow, []string{"both"}}}},
		{"allow without targets applies to everyone", []types.ImpersonationRule{rule("all", allow, nil, nil)},
			map[string]want{"alice": {allow, []string{"all"}}, "bob": {allow, []string{"all"}}, "dave": {allow, []string{"all"}}}},
		{"deny without targets denies everyone", []types.ImpersonationRule{rule("a", allow, []string{"alice"}, nil), rule("none", deny, nil, nil)},
			map[string]want{"alice": {deny, []string{"none"}}, "carol": {deny, []string{"none"}}}},
		{"allow everyone but deny one", []types.ImpersonationRule{rule("all", allow, nil, nil), rule("d", deny, []string{"bob"}, nil)},
			map[string]want{"alice": {allow, []string{"all"}}, "bob": {deny, []string{"d"}}}},
		{"identity forms in rules", []types.ImpersonationRule{rule("r", allow, []string{id("alice"), email("bob"), "CAROL", strings.ToUpper(email("dave"))}, nil)},
			map[string]want{"alice": {allow, []string{"r"}}, "bob": {allow, []string{"r"}}, "carol": {allow, []string{"r"}}, "dave": {allow, []string{"r"}}}},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			role := f.createRole(t, c.rules...)
			for user, w := range c.want {
				// Every identity form of the target gives the same answer.
				for _, target := range []string{id(user), email(user), user, strings.ToUpper(email(user)), strings.ToUpper(id(user))} {
					out, err := f.effect(t, role, target)
					impMust(t, err)
					got := matchedIDs(out.MatchedRules)
					wantMatched := w.matched
					if wantMatched == nil {
						wantMatched = []string{}
					}
					if out.Effect != w.effect || !reflect.DeepEqual(got, wantMatched) || out.Type != types.ImpersonationRoleTypeFullAccess {
						t.Fatalf("%s as %q: got %s %v (%s), want %s %v", user, target, out.Effect, got, out.Type, w.effect, wantMatched)
					}
				}
			}
		})
	}
}

func TestImpersonationRoleLifecycle(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	alice, bob := f.users["alice"], f.users["bob"]

	t.Run("method=CreateImpersonationRole/case=stores user IDs", func(t *testing.T) {
		out, err := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("Archiver"),
			Type: types.ImpersonationRoleTypeReadOnly, Description: aws.String("reads mail"),
			Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r1"), Description: aws.String("alice and bob"), Effect: types.AccessEffectAllow,
				TargetUsers: []string{"alice", "bob@" + f.domain, alice}}}})
		impMust(t, err)
		got, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: out.ImpersonationRoleId})
		impMust(t, err)
		if *got.ImpersonationRoleId != *out.ImpersonationRoleId || *got.Name != "Archiver" || got.Type != types.ImpersonationRoleTypeReadOnly ||
			*got.Description != "reads mail" || got.DateCreated == nil || !got.DateCreated.Equal(f.clk.Now()) || !got.DateModified.Equal(f.clk.Now()) {
			t.Fatalf("GetImpersonationRole: %+v", got)
		}
		r := got.Rules[0]
		if len(got.Rules) != 1 || *r.ImpersonationRuleId != "r1" || r.Name != nil || *r.Description != "alice and bob" ||
			!reflect.DeepEqual(r.TargetUsers, []string{alice, bob}) || r.NotTargetUsers != nil {
			t.Fatalf("rules: %+v", got.Rules)
		}
	})

	t.Run("method=CreateImpersonationRole/case=rule without targets applies to every user", func(t *testing.T) {
		role := f.createRole(t, rule("everyone", types.AccessEffectAllow, nil, nil))
		got, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
		impMust(t, err)
		if r := got.Rules; len(r) != 1 || *r[0].ImpersonationRuleId != "everyone" || r[0].TargetUsers != nil || r[0].NotTargetUsers != nil {
			t.Fatalf("rules: %+v", r)
		}
		// Users created after the role are matched too.
		later := f.user(t, "later-"+impRnd())
		for _, target := range []string{alice, "bob", later} {
			out, err := f.effect(t, role, target)
			impMust(t, err)
			if out.Effect != types.AccessEffectAllow || !reflect.DeepEqual(matchedIDs(out.MatchedRules), []string{"everyone"}) {
				t.Fatalf("%s: %s %v", target, out.Effect, matchedIDs(out.MatchedRules))
			}
		}
		_, err = f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
			Name: aws.String("nobody"), Type: types.ImpersonationRoleTypeFullAccess,
			Rules: []types.ImpersonationRule{rule("everyone", types.AccessEffectAllow, nil, nil), rule("no-one", types.AccessEffectDeny, nil, nil)}})
		impMust(t, err)
		out, err := f.effect(t, role, later)
		impMust(t, err)
		if out.Effect != types.AccessEffectDeny || !reflect.DeepEqual(matchedIDs(out.MatchedRules), []string{"no-one"}) {
			t.Fatalf("after adding a DENY rule without targets: %s %v", out.Effect, matchedIDs(out.MatchedRules))
		}
	})

	t.Run("method=UpdateImpersonationRole/case=replaces everything", func(t *testing.T) {
		role := f.createRole(t, rule("old", types.AccessEffectAllow, []string{"alice"}, nil))
		f.clk.Advance(time.Hour)
		_, err := f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
			Name: aws.String("renamed"), Type: types.ImpersonationRoleTypeReadOnly,
			Rules: []types.ImpersonationRule{rule("new", types.AccessEffectDeny, nil, []string{"bob"})}})
		impMust(t, err)
		got, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
		impMust(t, err)
		if *got.Name != "renamed" || got.Type != types.ImpersonationRoleTypeReadOnly || got.Description != nil || len(got.Rules) != 1 ||
			*got.Rules[0].ImpersonationRuleId != "new" || !reflect.DeepEqual(got.Rules[0].NotTargetUsers, []string{bob}) ||
			!got.DateModified.Equal(f.clk.Now()) || !got.DateCreated.Equal(f.clk.Now().Add(-time.Hour)) {
			t.Fatalf("after update: %+v", got)
		}
		_, err = f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
			Name: aws.String("emptied"), Type: types.ImpersonationRoleTypeFullAccess, Rules: []types.ImpersonationRule{}})
		impMust(t, err)
		out, err := f.effect(t, role, "alice")
		impMust(t, err)
		if out.Effect != types.AccessEffectDeny || len(out.MatchedRules) != 0 || out.Type != types.ImpersonationRoleTypeFullAccess {
			t.Fatalf("after emptying: %+v", out)
		}
	})

	t.Run("method=CreateImpersonationRole/case=client token", func(t *testing.T) {
		in := &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("idem"), Type: types.ImpersonationRoleTypeFullAccess,
			ClientToken: aws.String("tok-" + impRnd()), Rules: []types.ImpersonationRule{rule("r", types.AccessEffectAllow, []string{"alice"}, nil)}}
		a, err := f.wm.CreateImpersonationRole(f.ctx, in)
		impMust(t, err)
		b, err := f.wm.CreateImpersonationRole(f.ctx, in)
		impMust(t, err)
		if *a.ImpersonationRoleId != *b.ImpersonationRoleId {
			t.Fatalf("a replayed client token made a second role: %s %s", *a.ImpersonationRoleId, *b.ImpersonationRoleId)
		}
		in.Name = aws.String("other")
		_, err = f.wm.CreateImpersonationRole(f.ctx, in)
		apiErr(t, err, "InvalidParameterException", 400)
	})

	t.Run("method=ListImpersonationRoles/case=pages", func(t *testing.T) {
		g := newImpFx(t, impOpts{})
		want := map[string]bool{}
		for i := 0; i < 5; i++ {
			want[g.createRole(t)] = true
		}
		got := map[string]bool{}
		var token *string
		pages := 0
		for {
			out, err := g.wm.ListImpersonationRoles(g.ctx, &workmail.ListImpersonationRolesInput{OrganizationId: &g.org, MaxResults: aws.Int32(2), NextToken: token})
			impMust(t, err)
			pages++
			for _, r := range out.Roles {
				if r.DateCreated == nil || r.DateModified == nil || r.Type != types.ImpersonationRoleTypeFullAccess || !strings.HasPrefix(*r.Name, "role ") {
					t.Fatalf("listed role: %+v", r)
				}
				got[*r.ImpersonationRoleId] = true
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
		if !reflect.DeepEqual(got, want) || pages != 3 {
			t.Fatalf("listed %v in %d pages, want %v", got, pages, want)
		}
		_, err := g.wm.ListImpersonationRoles(g.ctx, &workmail.ListImpersonationRolesInput{OrganizationId: &g.org, NextToken: aws.String("forged")})
		apiErr(t, err, "InvalidParameterException", 400)
	})

	t.Run("method=DeleteImpersonationRole/case=idempotent", func(t *testing.T) {
		role := f.createRole(t)
		for i := 0; i < 2; i++ {
			_, err := f.wm.DeleteImpersonationRole(f.ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
			impMust(t, err)
		}
		_, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
		apiErr(t, err, "ResourceNotFoundException", 400)
	})
}

// TestImpersonationUsersChange shows what deleting a user or moving an
// address does to rules: nothing silent. Rules keep the user's identity.
func TestImpersonationUsersChange(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	aliceID := f.users["alice"]
	aliceMail := "alice@" + f.domain
	role := f.createRole(t, rule("r", types.AccessEffectAllow, []string{aliceMail, "bob"}, nil))
	effect := func(target string) types.AccessEffect {
		t.Helper()
		out, err := f.effect(t, role, target)
		impMust(t, err)
		return out.Effect
	}

	// Alice's address moves; the rule follows her, not the address.
	_, err := f.wm.UpdatePrimaryEmailAddress(f.ctx, &workmail.UpdatePrimaryEmailAddressInput{OrganizationId: &f.org, EntityId: &aliceID,
		Email: aws.String("alice.new@" + f.domain)})
	impMust(t, err)
	_, err = f.wm.DeleteAlias(f.ctx, &workmail.DeleteAliasInput{OrganizationId: &f.org, EntityId: &aliceID, Alias: &aliceMail})
	impMust(t, err)
	if effect("alice.new@"+f.domain) != types.AccessEffectAllow {
		t.Fatal("the rule lost alice when her address changed")
	}
	// Eve takes alice's old address: the rule does not match her.
	eve, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &f.org, Name: aws.String("eve"), DisplayName: aws.String("Eve")})
	impMust(t, err)
	_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &f.org, EntityId: eve.UserId, Email: &aliceMail})
	impMust(t, err)
	if effect(aliceMail) != types.AccessEffectDeny {
		t.Fatal("a new holder of alice's old address inherited her rule")
	}

	// Bob is deleted: the rule keeps his ID, matches nobody new, and the
	// effect for him is an EntityStateException.
	bobID := f.users["bob"]
	_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &f.org, EntityId: &bobID})
	impMust(t, err)
	_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &f.org, UserId: &bobID})
	impMust(t, err)
	got, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
	impMust(t, err)
	if !reflect.DeepEqual(got.Rules[0].TargetUsers, []string{aliceID, bobID}) {
		t.Fatalf("rule changed silently: %v", got.Rules[0].TargetUsers)
	}
	_, err = f.effect(t, role, bobID)
	apiErr(t, err, "EntityStateException", 400)
	// A new "bob" is another identity.
	newBob := f.user(t, "bob")
	if effect("bob") != types.AccessEffectDeny || effect(newBob) != types.AccessEffectDeny {
		t.Fatal("a new user named bob inherited the deleted bob's rule")
	}
	// Writing the role back with the deleted user is refused until the
	// administrator removes him.
	_, err = f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
		Name: aws.String("again"), Type: types.ImpersonationRoleTypeFullAccess, Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r"),
			Effect: types.AccessEffectAllow, TargetUsers: got.Rules[0].TargetUsers}}})
	apiErr(t, err, "EntityStateException", 400)
}

func TestImpersonationErrors(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{imp: wmsvc.ImpersonationOptions{MaxRolesPerOrg: 3}})
	role := f.createRole(t, rule("r", types.AccessEffectAllow, []string{"alice"}, nil))
	group, err := f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &f.org, Name: aws.String("staff")})
	impMust(t, err)
	gone := f.user(t, "gone")
	_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &f.org, EntityId: &gone})
	impMust(t, err)
	_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &f.org, UserId: &gone})
	impMust(t, err)
	deletedOrg, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("gone-" + impRnd())})
	impMust(t, err)
	_, err = f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: deletedOrg.OrganizationId, DeleteDirectory: true})
	impMust(t, err)
	unknownOrg := "m-" + strings.Repeat("0", 31) + "1"

	allow := types.AccessEffectAllow
	rules := func(rs ...types.ImpersonationRule) []types.ImpersonationRule { return rs }
	many := func(n int, f func(i int) string) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, f(i))
		}
		return out
	}
	create := func(org string, rs []types.ImpersonationRule) error {
		_, err := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &org, Name: aws.String("x"),
			Type: types.ImpersonationRoleTypeFullAccess, Rules: rs})
		return err
	}
	update := func(org, id string, rs []types.ImpersonationRule) error {
		_, err := f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: &id,
			Name: aws.String("x"), Type: types.ImpersonationRoleTypeFullAccess, Rules: rs})
		return err
	}
	get := func(org, id string) error {
		_, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: &id})
		return err
	}
	list := func(org string) error {
		_, err := f.wm.ListImpersonationRoles(f.ctx, &workmail.ListImpersonationRolesInput{OrganizationId: &org})
		return err
	}
	del := func(org, id string) error {
		_, err := f.wm.DeleteImpersonationRole(f.ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: &id})
		return err
	}
	effect := func(org, id, target string) error {
		_, err := f.wm.GetImpersonationRoleEffect(f.ctx, &workmail.GetImpersonationRoleEffectInput{OrganizationId: &org, ImpersonationRoleId: &id, TargetUser: &target})
		return err
	}
	assume := func(org, id string) error {
		_, err := f.wm.AssumeImpersonationRole(f.ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: &id})
		return err
	}
	okRules := rules(rule("r", allow, []string{"alice"}, nil))

	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"bad organization ID/create", func() error { return create("m-NOTVALID", okRules) }, "InvalidParameterException"},
		{"bad organization ID/effect", func() error { return effect("org-1", role, "alice") }, "InvalidParameterException"},
		{"bad role ID", func() error { return get(f.org, "no spaces allowed") }, "InvalidParameterException"},
		{"bad type", func() error {
			_, err := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("x"), Type: "ADMIN", Rules: okRules})
			return err
		}, "InvalidParameterException"},
		{"bad effect", func() error { return create(f.org, rules(rule("r", "MAYBE", []string{"alice"}, nil))) }, "InvalidParameterException"},
		{"unknown organization/create", func() error { return create(unknownOrg, okRules) }, "OrganizationNotFoundException"},
		{"unknown organization/get", func() error { return get(unknownOrg, role) }, "OrganizationNotFoundException"},
		{"unknown organization/list", func() error { return list(unknownOrg) }, "OrganizationNotFoundException"},
		{"unknown organization/update", func() error { return update(unknownOrg, role, okRules) }, "OrganizationNotFoundException"},
		{"unknown organization/delete", func() error { return del(unknownOrg, role) }, "OrganizationNotFoundException"},
		{"unknown organization/effect", func() error { return effect(unknownOrg, role, "alice") }, "OrganizationNotFoundException"},
		{"unknown organization/assume", func() error { return assume(unknownOrg, role) }, "OrganizationNotFoundException"},
		{"deleted organization/create", func() error { return create(*deletedOrg.OrganizationId, okRules) }, "OrganizationStateException"},
		{"deleted organization/get", func() error { return get(*deletedOrg.OrganizationId, role) }, "OrganizationStateException"},
		{"deleted organization/list", func() error { return list(*deletedOrg.OrganizationId) }, "OrganizationStateException"},
		{"deleted organization/delete", func() error { return del(*deletedOrg.OrganizationId, role) }, "OrganizationStateException"},
		{"deleted organization/effect", func() error { return effect(*deletedOrg.OrganizationId, role, "alice") }, "OrganizationStateException"},
		{"deleted organization/assume", func() error { return assume(*deletedOrg.OrganizationId, role) }, "OrganizationStateException"},
		{"unknown role/get", func() error { return get(f.org, "nope") }, "ResourceNotFoundException"},
		{"unknown role/update", func() error { return update(f.org, "nope", okRules) }, "ResourceNotFoundException"},
		{"unknown role/effect", func() error { return effect(f.org, "nope", "alice") }, "ResourceNotFoundException"},
		{"unknown role/assume", func() error { return assume(f.org, "nope") }, "ResourceNotFoundException"},
		{"11 rules", func() error {
			var rs []types.ImpersonationRule
			for i := 0; i < 11; i++ {
				rs = append(rs, rule("r"+string(rune('a'+i)), allow, []string{"alice"}, nil))
			}
			return create(f.org, rs)
		}, "InvalidParameterException"},
		{"11 target users", func() error {
			return create(f.org, rules(rule("r", allow, many(11, func(int) string { return "alice" }), nil)))
		}, "InvalidParameterException"},
		{"11 not-target users", func() error {
			return update(f.org, role, rules(rule("r", allow, nil, many(11, func(int) string { return "bob" }))))
		}, "InvalidParameterException"},
		{"empty target list", func() error { return create(f.org, rules(rule("r", allow, []string{}, []string{"bob"}))) }, "InvalidParameterException"},
		{"duplicate rule IDs", func() error {
			return create(f.org, rules(rule("same", allow, []string{"alice"}, nil), rule("same", types.AccessEffectDeny, []string{"bob"}, nil)))
		}, "InvalidParameterException"},
		{"unknown target user", func() error { return create(f.org, rules(rule("r", allow, []string{"nobody"}, nil))) }, "EntityNotFoundException"},
		{"unknown not-target user", func() error { return update(f.org, role, rules(rule("r", allow, nil, []string{"nobody@" + f.domain}))) }, "EntityNotFoundException"},
		{"group as target", func() error { return create(f.org, rules(rule("r", allow, []string{*group.GroupId}, nil))) }, "EntityNotFoundException"},
		{"deleted target user", func() error { return create(f.org, rules(rule("r", allow, []string{gone}, nil))) }, "EntityStateException"},
		{"effect for unknown user", func() error { return effect(f.org, role, "nobody") }, "EntityNotFoundException"},
		{"effect for a group", func() error { return effect(f.org, role, "staff") }, "EntityNotFoundException"},
		{"effect for deleted user", func() error { return effect(f.org, role, gone) }, "EntityStateException"},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) { apiErr(t, c.call(), c.code, 400) })
	}

	t.Run("case=role quota", func(t *testing.T) {
		// The organization holds one role; the quota is three.
		impMust(t, create(f.org, okRules))
		impMust(t, create(f.org, okRules))
		apiErr(t, create(f.org, okRules), "LimitExceededException", 400)
		impMust(t, del(f.org, role))
		impMust(t, create(f.org, okRules))
	})
}

var tokenPattern = regexp.MustCompile(`^[\x21-\x7e]{1,256}$`)

func TestImpersonationTokens(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	role := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice", "bob"}, nil), rule("d", types.AccessEffectDeny, []string{"bob"}, nil))

	t.Run("case=assume and introspect", func(t *testing.T) {
		out := f.assume(t, role)
		if !tokenPattern.MatchString(*out.Token) || *out.ExpiresIn != 900 {
			t.Fatalf("AssumeImpersonationRole: %q %d", *out.Token, *out.ExpiresIn)
		}
		status, m := f.introspect(t, "", "", url.Values{"token": {*out.Token}, "mailbox": {"alice@" + f.domain}})
		want := map[string]any{"active": true, "token_type": "Bearer", "exp": float64(f.clk.Now().Add(900 * time.Second).Unix()),
			"iat": float64(f.clk.Now().Unix()), "sub": "arn:aws:iam::" + f.e.AccountID + ":root", "organization_id": f.org,
			"impersonation_role_id": role, "role_type": "FULL_ACCESS", "mailbox": "alice@" + f.domain, "mailbox_user_id": f.users["alice"],
			"mailbox_allowed": true, "matched_rules": []any{"a"}}
		if status != 200 || !reflect.DeepEqual(m, want) {
			t.Fatalf("introspect:\n got %d %v\nwant %v", status, m, want)
		}
		// The same decision as GetImpersonationRoleEffect, for every form.
		for _, mb := range []string{"alice", f.users["alice"], "bob", "BOB@" + strings.ToUpper(f.domain), "carol"} {
			eff, err := f.effect(t, role, mb)
			impMust(t, err)
			active, allowed := f.active(t, *out.Token, mb)
			if !active || allowed != (eff.Effect == types.AccessEffectAllow) {
				t.Fatalf("mailbox %s: active %v allowed %v, effect %s", mb, active, allowed, eff.Effect)
			}
		}
		_, m = f.introspect(t, "", "", url.Values{"token": {*out.Token}, "mailbox": {"nobody"}})
		if m["active"] != true || m["mailbox_allowed"] != false || m["mailbox_error"] != "EntityNotFoundException" {
			t.Fatalf("unknown mailbox: %v", m)
		}
		_, m = f.introspect(t, "", "", url.Values{"token": {*out.Token}})
		if _, asked := m["mailbox_allowed"]; m["active"] != true || asked {
			t.Fatalf("no mailbox: %v", m)
		}
	})

	t.Run("case=expiry", func(t *testing.T) {
		tok := *f.assume(t, role).Token
		f.clk.Advance(899 * time.Second)
		if a, _ := f.active(t, tok, "alice"); !a {
			t.Fatal("token expired early")
		}
		f.clk.Advance(time.Second)
		if a, _ := f.active(t, tok, "alice"); a {
			t.Fatal("token outlived its ExpiresIn")
		}
	})

	t.Run("case=update revokes", func(t *testing.T) {
		tok := *f.assume(t, role).Token
		_, err := f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
			Name: aws.String("same"), Type: types.ImpersonationRoleTypeFullAccess,
			Rules: []types.ImpersonationRule{rule("a", types.AccessEffectAllow, []string{"alice"}, nil)}})
		impMust(t, err)
		if a, _ := f.active(t, tok, "alice"); a {
			t.Fatal("token survived an update of its role")
		}
		fresh := *f.assume(t, role).Token
		if a, ok := f.active(t, fresh, "alice"); !a || !ok {
			t.Fatal("a token assumed after the update does not work")
		}
	})

	t.Run("case=delete revokes", func(t *testing.T) {
		r := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice"}, nil))
		tok := *f.assume(t, r).Token
		_, err := f.wm.DeleteImpersonationRole(f.ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &r})
		impMust(t, err)
		if a, _ := f.active(t, tok, "alice"); a {
			t.Fatal("token survived the deletion of its role")
		}
		_, err = f.wm.AssumeImpersonationRole(f.ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &r})
		apiErr(t, err, "ResourceNotFoundException", 400)
	})

	t.Run("case=forgeries", func(t *testing.T) {
		tok := *f.assume(t, role).Token
		flip := []byte(tok)
		flip[len(flip)-2] ^= 1
		for _, bad := range []string{string(flip), tok + "x", tok[:len(tok)-1], "mgi1.x.y", "Bearer " + tok, strings.Repeat("a", 300)} {
			if a, _ := f.active(t, bad, "alice"); a {
				t.Fatalf("forged token %q accepted", bad)
			}
		}
		// The store holds only a hash of the secret.
		parts := strings.Split(tok, ".")
		st, err := f.e.Store.GetImpersonationToken(f.ctx, parts[1])
		impMust(t, err)
		if strings.Contains(st.SecretHash, parts[2]) || st.SecretHash == "" {
			t.Fatalf("stored token %+v holds its secret", st)
		}
	})

	t.Run("case=malformed requests", func(t *testing.T) {
		status, m := f.introspect(t, "", "", url.Values{"mailbox": {"alice"}})
		if status != 400 || m["error"] != "invalid_request" {
			t.Fatalf("no token: %d %v", status, m)
		}
		resp, err := http.Post(f.e.URL+server.IntrospectPath, "application/x-www-form-urlencoded", strings.NewReader("token=abc"))
		impMust(t, err)
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Fatalf("unsigned: %d %v", resp.StatusCode, resp.Header)
		}
		_, keyID, _ := f.otherAccount(t)
		status, m = f.introspect(t, keyID, "wrong-secret", url.Values{"token": {"abc"}})
		if status != 400 || m["__type"] != "InvalidSignatureException" {
			t.Fatalf("bad signature: %d %v", status, m)
		}
	})

	t.Run("case=organization deleted", func(t *testing.T) {
		g := newImpFx(t, impOpts{})
		r := g.createRole(t, rule("a", types.AccessEffectAllow, nil, []string{"bob"}))
		tok := *g.assume(t, r).Token
		if a, ok := g.active(t, tok, "alice"); !a || !ok {
			t.Fatal("token inactive")
		}
		for _, u := range g.users {
			_, err := g.wm.DeregisterFromWorkMail(g.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &g.org, EntityId: &u})
			impMust(t, err)
		}
		_, err := g.wm.DeleteOrganization(g.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &g.org, DeleteDirectory: true})
		impMust(t, err)
		if a, _ := g.active(t, tok, "alice"); a {
			t.Fatal("token survived its organization")
		}
	})
}

func TestImpersonationTokenTTL(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{imp: wmsvc.ImpersonationOptions{TokenTTL: time.Minute}})
	role := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice"}, nil))
	out := f.assume(t, role)
	if *out.ExpiresIn != 60 {
		t.Fatalf("ExpiresIn %d, want 60", *out.ExpiresIn)
	}
	f.clk.Advance(time.Minute)
	if a, _ := f.active(t, *out.Token, "alice"); a {
		t.Fatal("token outlived the configured lifetime")
	}
}

// recorder is an Authorizer that records what it is asked and denies
// callers named in deny.
type recorder struct {
	mu    sync.Mutex
	asked map[string]string // action → resource
	deny  string            // action to deny
}

func (r *recorder) Authorize(_ context.Context, req *reqctx.Request, t *api.Target) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	req.Resource = t.Resources[0]
	r.asked[req.Action] = req.Resource
	if req.Action == r.deny {
		return authz.AccessDenied(req)
	}
	return nil
}

func TestImpersonationAuthorization(t *testing.T) {
	t.Parallel()
	rec := &recorder{asked: map[string]string{}}
	f := newImpFx(t, impOpts{auth: rec})
	role := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice"}, nil))
	tok := *f.assume(t, role).Token
	_, err := f.wm.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
	impMust(t, err)
	_, err = f.wm.ListImpersonationRoles(f.ctx, &workmail.ListImpersonationRolesInput{OrganizationId: &f.org})
	impMust(t, err)
	_, err = f.effect(t, role, "alice")
	impMust(t, err)
	if a, ok := f.active(t, tok, "alice"); !a || !ok {
		t.Fatal("token inactive")
	}
	_, err = f.wm.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
		Name: aws.String("n"), Type: types.ImpersonationRoleTypeReadOnly, Rules: []types.ImpersonationRule{}})
	impMust(t, err)
	_, err = f.wm.DeleteImpersonationRole(f.ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
	impMust(t, err)

	orgARN := "arn:aws:workmail:" + f.e.Region + ":" + f.e.AccountID + ":organization/" + f.org
	for _, op := range []string{"CreateImpersonationRole", "GetImpersonationRole", "ListImpersonationRoles", "UpdateImpersonationRole",
		"DeleteImpersonationRole", "GetImpersonationRoleEffect", "AssumeImpersonationRole", "IntrospectImpersonationToken"} {
		if got := rec.asked["workmail:"+op]; got != orgARN {
			t.Errorf("workmail:%s authorized on %q, want %q", op, got, orgARN)
		}
	}

	t.Run("case=denied", func(t *testing.T) {
		rec.mu.Lock()
		rec.deny = "workmail:GetImpersonationRoleEffect"
		rec.mu.Unlock()
		r := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice"}, nil))
		_, err := f.effect(t, r, "alice")
		apiErr(t, err, "AccessDeniedException", 400)
		rec.mu.Lock()
		rec.deny = server.IntrospectAction
		rec.mu.Unlock()
		// A caller that may not introspect learns nothing of the token,
		// not even that it is valid.
		status, m := f.introspect(t, "", "", url.Values{"token": {*f.assume(t, r).Token}, "mailbox": {"alice"}})
		if status != 200 || !reflect.DeepEqual(m, map[string]any{"active": false}) {
			t.Fatalf("denied introspection: %d %v", status, m)
		}
	})
}

// TestImpersonationOtherAccount: the default authorizer lets a principal
// act only in its own account, so another account's principal never
// reaches this organization.
func TestImpersonationOtherAccount(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	role := f.createRole(t, rule("a", types.AccessEffectAllow, []string{"alice"}, nil))
	tok := *f.assume(t, role).Token
	_, keyID, secret := f.otherAccount(t)
	other := workmail.NewFromConfig(f.e.AWSConfigFor(keyID, secret, ""))
	calls := map[string]func() error{
		"Create": func() error {
			_, err := other.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("x"),
				Type: types.ImpersonationRoleTypeFullAccess, Rules: []types.ImpersonationRule{}})
			return err
		},
		"Get": func() error {
			_, err := other.GetImpersonationRole(f.ctx, &workmail.GetImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
			return err
		},
		"List": func() error {
			_, err := other.ListImpersonationRoles(f.ctx, &workmail.ListImpersonationRolesInput{OrganizationId: &f.org})
			return err
		},
		"Effect": func() error {
			_, err := other.GetImpersonationRoleEffect(f.ctx, &workmail.GetImpersonationRoleEffectInput{OrganizationId: &f.org, ImpersonationRoleId: &role, TargetUser: aws.String("alice")})
			return err
		},
		"Assume": func() error {
			_, err := other.AssumeImpersonationRole(f.ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
			return err
		},
		"Update": func() error {
			_, err := other.UpdateImpersonationRole(f.ctx, &workmail.UpdateImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role,
				Name: aws.String("x"), Type: types.ImpersonationRoleTypeFullAccess, Rules: []types.ImpersonationRule{}})
			return err
		},
		"Delete": func() error {
			_, err := other.DeleteImpersonationRole(f.ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: &role})
			return err
		},
	}
	for name, call := range calls {
		t.Run("method="+name, func(t *testing.T) { apiErr(t, call(), "OrganizationNotFoundException", 400) })
	}
	status, m := f.introspect(t, keyID, secret, url.Values{"token": {tok}, "mailbox": {"alice"}})
	if status != 200 || !reflect.DeepEqual(m, map[string]any{"active": false}) {
		t.Fatalf("another account introspected the token: %d %v", status, m)
	}
	// The role is untouched and the token still works for its own account.
	if a, ok := f.active(t, tok, "alice"); !a || !ok {
		t.Fatal("the other account changed the role")
	}
}
