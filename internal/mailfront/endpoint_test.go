package mailfront_test

// The mail front end's endpoints, called as Dovecot's Lua script calls
// them, against the in-process server (SQLite, or PostgreSQL with
// MAILGATE_TEST_STORE). The whole path through real Dovecot is
// cmd/mailgate/dovecot_e2e_test.go.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/mailfront"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

const secret = "0123456789abcdef0123456789abcdef0123456789abcdef"

type fixture struct {
	t        *testing.T
	e        *testenv.Env
	wm       *workmail.Client
	org      string
	mu       sync.Mutex
	recorded []mailfront.Decision
}

func newFixture(t *testing.T) *fixture {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t}
	f.e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.MailFrontSecretFile = path
		c.MailFrontHook = func(_ context.Context, d mailfront.Decision) {
			f.mu.Lock()
			f.recorded = append(f.recorded, d)
			f.mu.Unlock()
		}
	}})
	f.wm = f.e.WorkMail()
	ctx := context.Background()
	org, err := f.wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("front-" + strings.ToLower(t.Name()[4:12]))})
	if err != nil {
		t.Fatal(err)
	}
	f.org = *org.OrganizationId
	return f
}

func (f *fixture) user(name string) string {
	ctx := context.Background()
	u, err := f.wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: &f.org, Name: &name, DisplayName: &name, Password: aws.String("Corr3ct-Horse!")})
	if err != nil {
		f.t.Fatal(err)
	}
	d, _ := f.wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: &f.org})
	if _, err := f.wm.RegisterToWorkMail(ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &f.org, EntityId: u.UserId,
		Email: aws.String(name + "@" + *d.DefaultMailDomain)}); err != nil {
		f.t.Fatal(err)
	}
	return *u.UserId
}

// post calls an endpoint with the shared secret (or another bearer).
func (f *fixture) post(path, bearer string, form url.Values) (int, map[string]string) {
	f.t.Helper()
	form.Set("organization_id", f.org)
	req, _ := http.NewRequest(http.MethodPost, f.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			out[k] = v
		}
	}
	return resp.StatusCode, out
}

func TestMailFrontEndpoints(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.user("alice"), f.user("bob")
	login := func(form url.Values) map[string]string {
		t.Helper()
		form.Set("protocol", "imap")
		form.Set("remote_ip", "127.0.0.1")
		status, out := f.post(server.MailFrontAuthPath, secret, form)
		if status != 200 {
			t.Fatalf("auth: %d %v", status, out)
		}
		return out
	}

	// The link is authenticated.
	if status, _ := f.post(server.MailFrontAuthPath, "", url.Values{}); status != 401 {
		t.Fatalf("without the secret: %d", status)
	}
	if status, _ := f.post(server.MailFrontAuthPath, secret[1:]+"x", url.Values{}); status != 401 {
		t.Fatalf("with a wrong secret: %d", status)
	}

	if out := login(url.Values{"user": {"alice"}, "credential": {"Corr3ct-Horse!"}}); out["result"] != "allow" || out["user_id"] != alice || out["kind"] != "password" {
		t.Fatalf("password: %v", out)
	}
	if out := login(url.Values{"user": {"alice"}, "credential": {"wrong-Horse!"}}); out["result"] != "refuse" {
		t.Fatalf("wrong password: %v", out)
	}
	if out := login(url.Values{"user": {"alice"}, "credential": {strings.Repeat("x", mailfront.MaxCredential+1)}}); out["result"] != "refuse" {
		t.Fatalf("oversized credential: %v", out)
	}
	if status, out := f.post(server.MailFrontAuthPath, secret, url.Values{"credential": {strings.Repeat("x", 64<<10)}}); status != 200 || out["result"] != "refuse" {
		t.Fatalf("oversized request: %d %v", status, out)
	}

	ctx := context.Background()
	role, err := f.wm.CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &f.org, Name: aws.String("reader"),
		Type: types.ImpersonationRoleTypeReadOnly, Rules: []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r1"),
			Effect: types.AccessEffectAllow, TargetUsers: []string{bob}}}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.wm.AssumeImpersonationRole(ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &f.org, ImpersonationRoleId: role.ImpersonationRoleId})
	if err != nil {
		t.Fatal(err)
	}
	imp := url.Values{"user": {*role.ImpersonationRoleId}, "target": {"bob"}, "credential": {*tok.Token}}
	if out := login(imp); out["result"] != "allow" || out["user_id"] != bob || out["role_type"] != "READ_ONLY" || out["kind"] != "impersonation_token" {
		t.Fatalf("impersonation: %v", out)
	}
	imp.Set("target", "alice")
	if out := login(imp); out["result"] != "refuse" {
		t.Fatalf("impersonation of a user the role denies: %v", out)
	}
	imp.Set("target", "")
	if out := login(imp); out["result"] != "refuse" {
		t.Fatalf("impersonation token without a target: %v", out)
	}

	// The user database: READ_ONLY sessions, and FULL_ACCESS mailboxes.
	if _, err := f.wm.PutMailboxPermissions(ctx, &workmail.PutMailboxPermissionsInput{OrganizationId: &f.org, EntityId: &bob, GranteeId: &alice,
		PermissionValues: []types.PermissionType{types.PermissionTypeFullAccess, types.PermissionTypeSendAs}}); err != nil {
		t.Fatal(err)
	}
	if _, out := f.post(server.MailFrontUserPath, secret, url.Values{"user": {"alice"}}); out["result"] != "ok" || out["shared"] != bob+" bob" {
		t.Fatalf("alice's lookup: %v", out)
	}
	if _, out := f.post(server.MailFrontUserPath, secret, url.Values{"user": {"bob"}, "role_id": {*role.ImpersonationRoleId}}); out["role_type"] != "READ_ONLY" || out["shared"] != "" {
		t.Fatalf("impersonated lookup: %v", out)
	}
	if _, out := f.post(server.MailFrontUserPath, secret, url.Values{"user": {"nobody"}}); out["result"] != "unknown" {
		t.Fatalf("unknown user lookup: %v", out)
	}

	// Senders.
	d, _ := f.wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: &f.org})
	domain := *d.DefaultMailDomain
	for _, c := range []struct{ user, from, sender, want string }{
		{"alice", "alice@" + domain, "", "allow"},
		{"alice", "bob@" + domain, "", "allow"},
		{"bob", "alice@" + domain, "", "refuse"},
		{"alice", "someone@example.net", "", "refuse"},
	} {
		if _, out := f.post(server.MailFrontSenderPath, secret, url.Values{"user": {c.user}, "from": {c.from}, "sender": {c.sender}}); out["result"] != c.want {
			t.Fatalf("%s as %s: %v", c.user, c.from, out)
		}
	}

	// Every decision reached the hook, none with a credential.
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.recorded) != 6 {
		t.Fatalf("%d decisions recorded, want 6", len(f.recorded))
	}
	if d := f.recorded[3]; !d.Allowed || d.RoleID != *role.ImpersonationRoleId || d.User != "bob" {
		t.Fatalf("recorded impersonation: %+v", d)
	}

	// ...and the audit trail, as sign-ins over IMAP, without a credential.
	if err := f.e.Audit.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := f.e.CloudTrail().LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("SignIn")}}})
	if err != nil {
		t.Fatal(err)
	}
	var imap, allowed int
	for _, ev := range got.Events {
		rec := *ev.CloudTrailEvent
		if strings.Contains(rec, "Corr3ct-Horse!") || strings.Contains(rec, *tok.Token) {
			t.Fatalf("a credential in the trail: %s", rec)
		}
		if strings.Contains(rec, `"Protocol":"imap"`) {
			imap++
			if strings.Contains(rec, `"SignIn":"Success"`) {
				allowed++
			}
		}
	}
	if imap != 6 || allowed != 2 {
		t.Fatalf("mail sign-ins in the trail: %d, %d allowed; want 6, 2 allowed", imap, allowed)
	}
}

func TestMailFrontDisabledWithoutSecret(t *testing.T) {
	e := testenv.New(t)
	resp, err := http.PostForm(e.URL+server.MailFrontAuthPath, url.Values{"user": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("without a configured secret: %d", resp.StatusCode)
	}
}
