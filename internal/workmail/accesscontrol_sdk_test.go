package workmail_test

// Access control rules through the official AWS SDK for Go v2, and the
// evaluation the mail front end calls (Service.AccessControlEffect) on
// the same store.

import (
	"context"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

// svcFx is fx with a handle on the service the server runs, for the
// functions the mail front end calls directly, and on its clock.
func svcFx(t *testing.T) (*fx, *wmsvc.Service, *impClock) {
	t.Helper()
	var svc *wmsvc.Service
	clk := &impClock{start: time.Now().UTC().Truncate(time.Second)}
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		svc = wmsvc.New(c.Store, wmsvc.Options{Now: clk.Now})
		c.WorkMail = svc
	}})
	return &fx{e: e, wm: e.WorkMail(), ctx: context.Background()}, svc, clk
}

// deletedOrg creates an organization and deletes it.
func (f *fx) deletedOrg(t *testing.T) string {
	t.Helper()
	o, _ := f.org(t)
	_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &o, DeleteDirectory: true, ForceDelete: true})
	must(t, err)
	return o
}

func (f *fx) putRule(t *testing.T, in workmail.PutAccessControlRuleInput) {
	t.Helper()
	if in.Description == nil {
		in.Description = aws.String("rule " + *in.Name)
	}
	_, err := f.wm.PutAccessControlRule(f.ctx, &in)
	must(t, err)
}

func (f *fx) rules(t *testing.T, org string) []types.AccessControlRule {
	t.Helper()
	out, err := f.wm.ListAccessControlRules(f.ctx, &workmail.ListAccessControlRulesInput{OrganizationId: &org})
	must(t, err)
	return out.Rules
}

func ruleNames(rs []types.AccessControlRule) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, *r.Name)
	}
	return out
}

func (f *fx) effect(t *testing.T, org, ip, action, user, role string) (types.AccessControlRuleEffect, []string) {
	t.Helper()
	in := &workmail.GetAccessControlEffectInput{OrganizationId: &org, IpAddress: &ip, Action: &action}
	if user != "" {
		in.UserId = &user
	}
	if role != "" {
		in.ImpersonationRoleId = &role
	}
	out, err := f.wm.GetAccessControlEffect(f.ctx, in)
	must(t, err)
	return out.Effect, out.MatchedRules
}

func wantEffect(t *testing.T, gotEffect types.AccessControlRuleEffect, gotRules []string, effect types.AccessControlRuleEffect, rules ...string) {
	t.Helper()
	if rules == nil {
		rules = []string{}
	}
	if gotRules == nil {
		gotRules = []string{}
	}
	if gotEffect != effect || !reflect.DeepEqual(gotRules, rules) {
		t.Fatalf("effect %s %v, want %s %v", gotEffect, gotRules, effect, rules)
	}
}

func wantMessage(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(message(err), p) {
			t.Fatalf("message %q does not name %q", message(err), p)
		}
	}
}

func TestAccessControlRulesSDK(t *testing.T) {
	t.Parallel()
	f, svc, clk := svcFx(t)

	t.Run("method=ListAccessControlRules/case=default rule", func(t *testing.T) {
		o, _ := f.org(t)
		rs := f.rules(t, o)
		epoch := time.Unix(0, 0)
		want := []types.AccessControlRule{{Name: aws.String("default"), Effect: types.AccessControlRuleEffectAllow,
			Description: aws.String("Default WorkMail Rule"), DateCreated: &epoch, DateModified: &epoch}}
		if len(rs) != 1 || *rs[0].Name != "default" || rs[0].Effect != want[0].Effect || *rs[0].Description != *want[0].Description ||
			!rs[0].DateCreated.Equal(epoch) || !rs[0].DateModified.Equal(epoch) ||
			rs[0].Actions != nil || rs[0].IpRanges != nil || rs[0].UserIds != nil || rs[0].ImpersonationRoleIds != nil {
			t.Fatalf("a fresh organization's rules: %+v", rs)
		}
		u := f.user(t, o, "u-"+rnd())
		e, m := f.effect(t, o, "203.0.113.9", "IMAP", u, "")
		wantEffect(t, e, m, types.AccessControlRuleEffectAllow, "default")
	})

	t.Run("method=PutAccessControlRule/case=cli example", func(t *testing.T) {
		// The AWS CLI examples: myRule denies one user; the effect for
		// that user from 192.0.2.0 over WindowsOutlook is DENY by myRule.
		o, alias := f.org(t)
		name := "u-" + rnd()
		u := f.user(t, o, name)
		f.register(t, o, u, name+"@"+alias+".awsapps.com")
		other := f.user(t, o, "o-"+rnd())
		before := clk.Now()
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("myRule"), Effect: types.AccessControlRuleEffectDeny,
			Description: aws.String("my rule"), UserIds: []string{u}})
		rs := f.rules(t, o)
		if got := ruleNames(rs); !reflect.DeepEqual(got, []string{"default", "myRule"}) {
			t.Fatalf("rules %v", got)
		}
		my := rs[1]
		if my.Effect != types.AccessControlRuleEffectDeny || *my.Description != "my rule" || !reflect.DeepEqual(my.UserIds, []string{u}) ||
			my.DateCreated.Before(before) || !my.DateModified.Equal(*my.DateCreated) {
			t.Fatalf("myRule: %+v", my)
		}
		for _, ident := range []string{u, name, name + "@" + alias + ".awsapps.com", strings.ToUpper(name)} {
			e, m := f.effect(t, o, "192.0.2.0", "WindowsOutlook", ident, "")
			wantEffect(t, e, m, types.AccessControlRuleEffectDeny, "myRule")
		}
		e, m := f.effect(t, o, "192.0.2.0", "WindowsOutlook", other, "")
		wantEffect(t, e, m, types.AccessControlRuleEffectAllow, "default")
		// The front end's function gives the same answers.
		eff, matched, err := svc.AccessControlEffect(f.ctx, o, wmsvc.AccessRequest{Action: wmsvc.AccessActionWindowsOutlook, IP: netip.MustParseAddr("192.0.2.0"), UserID: u})
		must(t, err)
		if eff != "DENY" || !reflect.DeepEqual(matched, []string{"myRule"}) {
			t.Fatalf("AccessControlEffect: %s %v", eff, matched)
		}
	})

	t.Run("method=PutAccessControlRule/case=replaces by name", func(t *testing.T) {
		o, alias := f.org(t)
		name := "u-" + rnd()
		u := f.user(t, o, name)
		f.register(t, o, u, name+"@"+alias+".awsapps.com")
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("r1"), Effect: types.AccessControlRuleEffectAllow,
			Actions: []string{"IMAP", "IMAP", "SMTP"}, IpRanges: []string{"198.51.100.0/24"}})
		first := f.rules(t, o)[1]
		if !reflect.DeepEqual(first.Actions, []string{"IMAP", "SMTP"}) {
			t.Fatalf("duplicates kept: %v", first.Actions)
		}
		clk.Advance(time.Minute)
		// Members may name users by address or name; they come back as IDs.
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("r1"), Effect: types.AccessControlRuleEffectDeny,
			Description: aws.String("second"), NotActions: []string{"WebMail"}, NotIpRanges: []string{"198.51.100.0/24"},
			NotUserIds: []string{name + "@" + alias + ".awsapps.com", name}})
		rs := f.rules(t, o)
		if got := ruleNames(rs); !reflect.DeepEqual(got, []string{"default", "r1"}) {
			t.Fatalf("rules %v", got)
		}
		r := rs[1]
		if r.Effect != types.AccessControlRuleEffectDeny || *r.Description != "second" || r.Actions != nil || r.IpRanges != nil ||
			!reflect.DeepEqual(r.NotActions, []string{"WebMail"}) || !reflect.DeepEqual(r.NotIpRanges, []string{"198.51.100.0/24"}) ||
			!reflect.DeepEqual(r.NotUserIds, []string{u}) {
			t.Fatalf("replaced rule: %+v", r)
		}
		if !r.DateCreated.Equal(*first.DateCreated) || !r.DateModified.After(*first.DateModified) {
			t.Fatalf("dates: created %v → %v, modified %v → %v", first.DateCreated, r.DateCreated, first.DateModified, r.DateModified)
		}
	})

	t.Run("method=PutAccessControlRule/case=quota", func(t *testing.T) {
		o, _ := f.org(t)
		for i := 1; i < 10; i++ {
			f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String(fmt.Sprintf("r%d", i)), Effect: types.AccessControlRuleEffectAllow})
		}
		_, err := f.wm.PutAccessControlRule(f.ctx, &workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("r10"),
			Effect: types.AccessControlRuleEffectAllow, Description: aws.String("d")})
		expect[*types.LimitExceededException](t, err, "LimitExceededException")
		wantMessage(t, err, "10")
		// Replacing a rule at the quota is fine, and deleting one makes room.
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("r5"), Effect: types.AccessControlRuleEffectDeny})
		_, err = f.wm.DeleteAccessControlRule(f.ctx, &workmail.DeleteAccessControlRuleInput{OrganizationId: &o, Name: aws.String("default")})
		must(t, err)
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("r10"), Effect: types.AccessControlRuleEffectAllow})
		if n := len(f.rules(t, o)); n != 10 {
			t.Fatalf("%d rules", n)
		}
	})

	t.Run("method=PutAccessControlRule/case=bad members", func(t *testing.T) {
		o, _ := f.org(t)
		g := f.group(t, o, "g-"+rnd())
		gone := f.user(t, o, "gone-"+rnd())
		_, err := f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &o, UserId: &gone})
		must(t, err)
		put := func(in workmail.PutAccessControlRuleInput) error {
			in.OrganizationId, in.Name, in.Effect, in.Description = &o, aws.String("bad"), types.AccessControlRuleEffectDeny, aws.String("d")
			_, err := f.wm.PutAccessControlRule(f.ctx, &in)
			return err
		}
		cases := []struct {
			name  string
			in    workmail.PutAccessControlRuleInput
			code  string
			parts []string
		}{
			{"unknown action", workmail.PutAccessControlRuleInput{Actions: []string{"POP"}}, "InvalidParameterException", []string{"Actions", "POP"}},
			{"unknown not-action", workmail.PutAccessControlRuleInput{NotActions: []string{"imap"}}, "InvalidParameterException", []string{"NotActions", "imap"}},
			{"cidr out of range", workmail.PutAccessControlRuleInput{IpRanges: []string{"10.0.0.0/33"}}, "InvalidParameterException", []string{"ipRanges"}},
			{"address, not a range", workmail.PutAccessControlRuleInput{NotIpRanges: []string{"10.0.0.1"}}, "InvalidParameterException", []string{"notIpRanges"}},
			{"unknown user", workmail.PutAccessControlRuleInput{UserIds: []string{"nobody-" + rnd() + "@example.com"}}, "EntityNotFoundException", []string{"UserIds", "nobody-"}},
			{"group as user", workmail.PutAccessControlRuleInput{NotUserIds: []string{g}}, "EntityNotFoundException", []string{"NotUserIds", g}},
			{"deleted user", workmail.PutAccessControlRuleInput{UserIds: []string{gone}}, "InvalidParameterException", []string{"UserIds", gone, "deleted"}},
			{"unknown role", workmail.PutAccessControlRuleInput{ImpersonationRoleIds: []string{"no-such-role"}}, "ResourceNotFoundException", []string{"ImpersonationRoleIds", "no-such-role"}},
			{"unknown not-role", workmail.PutAccessControlRuleInput{NotImpersonationRoleIds: []string{"no-such-role"}}, "ResourceNotFoundException", []string{"NotImpersonationRoleIds"}},
		}
		for _, c := range cases {
			err := put(c.in)
			apiErr(t, err, c.code, 400)
			wantMessage(t, err, c.parts...)
		}
		if got := ruleNames(f.rules(t, o)); !reflect.DeepEqual(got, []string{"default"}) {
			t.Fatalf("a refused Put wrote: %v", got)
		}
	})

	t.Run("method=PutAccessControlRule/case=organization errors", func(t *testing.T) {
		in := workmail.PutAccessControlRuleInput{OrganizationId: aws.String(unknownOrgID()), Name: aws.String("r"), Effect: types.AccessControlRuleEffectAllow, Description: aws.String("d")}
		_, err := f.wm.PutAccessControlRule(f.ctx, &in)
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		in.OrganizationId = aws.String(f.deletedOrg(t))
		_, err = f.wm.PutAccessControlRule(f.ctx, &in)
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		_, err = f.wm.ListAccessControlRules(f.ctx, &workmail.ListAccessControlRulesInput{OrganizationId: in.OrganizationId})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		_, err = f.wm.DeleteAccessControlRule(f.ctx, &workmail.DeleteAccessControlRuleInput{OrganizationId: in.OrganizationId, Name: aws.String("default")})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		_, err = f.wm.GetAccessControlEffect(f.ctx, &workmail.GetAccessControlEffectInput{OrganizationId: in.OrganizationId, IpAddress: aws.String("192.0.2.1"),
			Action: aws.String("IMAP"), UserId: aws.String("someone@example.com")})
		expect[*types.OrganizationStateException](t, err, "OrganizationStateException")
		_, err = f.wm.ListAccessControlRules(f.ctx, &workmail.ListAccessControlRulesInput{OrganizationId: aws.String(unknownOrgID())})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		_, err = f.wm.DeleteAccessControlRule(f.ctx, &workmail.DeleteAccessControlRuleInput{OrganizationId: aws.String(unknownOrgID()), Name: aws.String("default")})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		_, err = f.wm.GetAccessControlEffect(f.ctx, &workmail.GetAccessControlEffectInput{OrganizationId: aws.String(unknownOrgID()), IpAddress: aws.String("192.0.2.1"),
			Action: aws.String("IMAP"), UserId: aws.String("someone@example.com")})
		expect[*types.OrganizationNotFoundException](t, err, "OrganizationNotFoundException")
		// The front end's function denies for organizations that are gone.
		for _, id := range []string{*in.OrganizationId, unknownOrgID()} {
			eff, matched, err := svc.AccessControlEffect(f.ctx, id, wmsvc.AccessRequest{Action: wmsvc.AccessActionIMAP, IP: netip.MustParseAddr("192.0.2.1"), UserID: "x"})
			if err != nil || eff != "DENY" || matched != nil {
				t.Fatalf("AccessControlEffect of a missing organization: %s %v %v", eff, matched, err)
			}
		}
	})

	t.Run("method=DeleteAccessControlRule/case=no rules deny everything", func(t *testing.T) {
		o, _ := f.org(t)
		u := f.user(t, o, "u-"+rnd())
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("extra"), Effect: types.AccessControlRuleEffectAllow, Actions: []string{"EWS"}})
		for _, name := range []string{"default", "extra", "default", "never-was"} {
			_, err := f.wm.DeleteAccessControlRule(f.ctx, &workmail.DeleteAccessControlRuleInput{OrganizationId: &o, Name: aws.String(name)})
			must(t, err)
		}
		if rs := f.rules(t, o); rs == nil || len(rs) != 0 {
			t.Fatalf("rules after deleting all: %v", rs)
		}
		for _, action := range []string{"IMAP", "EWS", "WebMail"} {
			e, m := f.effect(t, o, "192.0.2.1", action, u, "")
			wantEffect(t, e, m, types.AccessControlRuleEffectDeny)
		}
		// The default rule does not come back by itself; it can be put again.
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("default"), Effect: types.AccessControlRuleEffectAllow})
		e, m := f.effect(t, o, "192.0.2.1", "IMAP", u, "")
		wantEffect(t, e, m, types.AccessControlRuleEffectAllow, "default")
	})

	t.Run("method=DeleteAccessControlRule/case=unknown rule of a fresh organization", func(t *testing.T) {
		o, _ := f.org(t)
		_, err := f.wm.DeleteAccessControlRule(f.ctx, &workmail.DeleteAccessControlRuleInput{OrganizationId: &o, Name: aws.String("nothing")})
		must(t, err)
		if got := ruleNames(f.rules(t, o)); !reflect.DeepEqual(got, []string{"default"}) {
			t.Fatalf("rules %v", got)
		}
	})

	t.Run("method=GetAccessControlEffect/case=impersonation role", func(t *testing.T) {
		o, _ := f.org(t)
		u := f.user(t, o, "u-"+rnd())
		role, err := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &o, Name: aws.String("role"),
			Type: types.ImpersonationRoleTypeReadOnly, Rules: []types.ImpersonationRule{}})
		must(t, err)
		r := *role.ImpersonationRoleId
		// The role may use EWS from the office range only.
		f.putRule(t, workmail.PutAccessControlRuleInput{OrganizationId: &o, Name: aws.String("role-office"), Effect: types.AccessControlRuleEffectDeny,
			ImpersonationRoleIds: []string{r, r}, NotIpRanges: []string{"198.51.100.0/24"}})
		if got := f.rules(t, o)[1].ImpersonationRoleIds; !reflect.DeepEqual(got, []string{r}) {
			t.Fatalf("ImpersonationRoleIds %v", got)
		}
		e, m := f.effect(t, o, "192.0.2.1", "EWS", "", r)
		wantEffect(t, e, m, types.AccessControlRuleEffectDeny, "role-office")
		e, m = f.effect(t, o, "198.51.100.20", "EWS", "", r)
		wantEffect(t, e, m, types.AccessControlRuleEffectAllow, "default")
		e, m = f.effect(t, o, "192.0.2.1", "EWS", u, "")
		wantEffect(t, e, m, types.AccessControlRuleEffectAllow, "default")
		e, m = f.effect(t, o, "192.0.2.1", "EWS", u, r)
		wantEffect(t, e, m, types.AccessControlRuleEffectDeny, "role-office")
	})

	t.Run("method=GetAccessControlEffect/case=bad requests", func(t *testing.T) {
		o, _ := f.org(t)
		u := f.user(t, o, "u-"+rnd())
		get := func(ip, action string, user, role *string) error {
			_, err := f.wm.GetAccessControlEffect(f.ctx, &workmail.GetAccessControlEffectInput{OrganizationId: &o, IpAddress: &ip, Action: &action, UserId: user, ImpersonationRoleId: role})
			return err
		}
		err := get("192.0.2.1", "IMAP", nil, nil)
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		wantMessage(t, err, "UserId", "ImpersonationRoleId")
		err = get("192.0.2.1", "POP", &u, nil)
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		wantMessage(t, err, "Action", "POP")
		err = get("192.0.2.256", "IMAP", &u, nil)
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		err = get("192.0.2.1", "IMAP", aws.String("nobody-"+rnd()+"@example.com"), nil)
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		err = get("192.0.2.1", "EWS", nil, aws.String("no-such-role"))
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
		wantMessage(t, err, "no-such-role")
		role, rerr := f.wm.CreateImpersonationRole(f.ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &o, Name: aws.String("role"),
			Type: types.ImpersonationRoleTypeReadOnly, Rules: []types.ImpersonationRule{}})
		must(t, rerr)
		err = get("192.0.2.1", "IMAP", nil, role.ImpersonationRoleId)
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
		wantMessage(t, err, "ImpersonationRoleId", "EWS")
		// The front end's function checks what it is given, too.
		if _, _, err := svc.AccessControlEffect(f.ctx, o, wmsvc.AccessRequest{Action: "POP3", IP: netip.MustParseAddr("192.0.2.1")}); err == nil {
			t.Fatal("AccessControlEffect took an unknown action")
		}
		if _, _, err := svc.AccessControlEffect(f.ctx, o, wmsvc.AccessRequest{Action: wmsvc.AccessActionIMAP}); err == nil {
			t.Fatal("AccessControlEffect took a request without an address")
		}
	})
}
