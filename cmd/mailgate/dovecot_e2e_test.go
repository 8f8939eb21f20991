package main

import (
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/testenv"
)

const refusedIMAP = "[AUTHENTICATIONFAILED] Authentication failed."

// TestDovecotFrontEnd drives the real Dovecot, configured by `mailgate
// dovecot-config`, with a real IMAP and SMTP client: sign-in with every
// credential and mechanism, impersonation, access control rules, mailbox
// permissions, submission, bad input and mailgate going away.
func TestDovecotFrontEnd(t *testing.T) {
	requireDovecot(t)
	const instance, clientID, sub = "arn:aws:sso:::instance/ssoins-d0vec0td0vec0t00", "mailgate-dovecot", "d0d0d0d0-0000-4000-8000-00000000005a"
	iss := testenv.NewOIDCIssuer(t)
	s := newMailStack(t, "--oidc-issuer", iss.URL, "--oidc-client-id", clientID, "--oidc-instance-arn", instance)
	const pw = "Corr3ct-Horse-Battery!"
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range strings.Split(s.mailgateLogs(), "\n") {
				if strings.Contains(l, "mail") {
					t.Log(l)
				}
			}
		}
	})
	alice, bob, carol := s.user("alice", pw), s.user("bob", pw), s.user("carol", pw)
	dave, gina, hank := s.user("dave", pw), s.user("gina", pw), s.user("hank", pw)
	sam := s.user("sam", pw, "--identity-provider-user-id", sub)
	_, _, _, _ = carol, gina, sam, dave
	secrets := []string{pw}
	addr := func(name string) string { return name + "@" + s.domain }
	imap := func(secret string, args ...string) clientResult { t.Helper(); return s.client("imap", secret, args...) }
	smtp := func(secret string, args ...string) clientResult { t.Helper(); return s.client("smtp", secret, args...) }
	refused := func(t *testing.T, what string, r clientResult) {
		t.Helper()
		if r.Login != "NO" || r.Message != refusedIMAP {
			t.Fatalf("%s: want the one refusal, got %+v", what, r)
		}
	}
	refusedSMTP := func(t *testing.T, what string, r clientResult) {
		t.Helper()
		if r.Login != "NO" || !strings.Contains(r.Message, "535") {
			t.Fatalf("%s: want 535, got %+v", what, r)
		}
	}
	ok := func(t *testing.T, what string, r clientResult) {
		t.Helper()
		if r.Login != "OK" {
			t.Fatalf("%s: want a session, got %+v", what, r)
		}
		for a, v := range r.Actions {
			if !strings.HasPrefix(v, "OK") {
				t.Fatalf("%s: %s: %s", what, a, v)
			}
		}
	}
	// Seed bob's and dave's mailboxes.
	ok(t, "bob appends", imap(pw, "--user", "bob", "append", "append:INBOX"))
	ok(t, "dave appends", imap(pw, "--user", "dave", "append"))

	t.Run("password", func(t *testing.T) {
		ok(t, "LOGIN", imap(pw, "--user", "alice", "select"))
		ok(t, "AUTHENTICATE PLAIN by address", imap(pw, "--user", addr("alice"), "--mech", "plain"))
		ok(t, "submission PLAIN", smtp(pw, "--user", "alice", "--mech", "plain"))
		ok(t, "submission LOGIN", smtp(pw, "--user", "alice", "--mech", "login"))
		refused(t, "wrong password", imap("Wr0ng-Password!", "--user", "alice"))
		refused(t, "unknown user", imap(pw, "--user", "nobody"))
		refusedSMTP(t, "submission wrong password", smtp("Wr0ng-Password!", "--user", "alice", "--mech", "plain"))
	})

	t.Run("disabled and deleted users", func(t *testing.T) {
		s.user("erin", pw)
		frank := s.user("frank", pw)
		s.mg("deregister-from-work-mail", "--organization-id", s.org, "--entity-id", "erin")
		s.mg("deregister-from-work-mail", "--organization-id", s.org, "--entity-id", frank)
		s.mg("delete-user", "--organization-id", s.org, "--user-id", frank)
		refused(t, "disabled", imap(pw, "--user", "erin"))
		refused(t, "deleted", imap(pw, "--user", "frank"))
	})

	t.Run("shared throttling", func(t *testing.T) {
		for range 5 {
			if status, _ := s.httpForm("/_mailgate/v1/signin", "", url.Values{"organization_id": {s.org}, "username": {"gina"}, "password": {"Wr0ng-Password!"}}); status != 401 {
				t.Fatalf("HTTP sign-in: %d", status)
			}
		}
		refused(t, "throttled by HTTP failures", imap(pw, "--user", "gina"))
		s.user("ivan", pw)
		for range 5 {
			refused(t, "wrong password", imap("Wr0ng-Password!", "--user", "ivan"))
		}
		if status, _ := s.httpForm("/_mailgate/v1/signin", "", url.Values{"organization_id": {s.org}, "username": {"ivan"}, "password": {pw}}); status != 401 {
			t.Fatalf("HTTP sign-in after five IMAP failures: %d", status)
		}
	})

	t.Run("identity provider", func(t *testing.T) {
		app := s.mg("create-identity-center-application", "--name", "workmail", "--instance-arn", instance)["ApplicationArn"].(string)
		put := func(mode, status string) {
			s.mg("put-identity-provider-configuration", "--organization-id", s.org, "--authentication-mode", mode,
				"--identity-center-configuration", "InstanceArn="+instance+",ApplicationArn="+app,
				"--personal-access-token-configuration", "Status="+status+",LifetimeInDays=30")
		}
		put("IDENTITY_PROVIDER_AND_DIRECTORY", "ACTIVE")
		idToken := iss.IDToken(t, testenv.Claims{Subject: sub, Audience: []string{clientID}})
		secrets = append(secrets, idToken)
		ok(t, "ID token XOAUTH2", imap(idToken, "--user", "sam", "--mech", "xoauth2", "select"))
		ok(t, "ID token OAUTHBEARER", imap(idToken, "--user", "sam", "--mech", "oauthbearer"))
		ok(t, "ID token submission XOAUTH2", smtp(idToken, "--user", "sam", "--mech", "xoauth2"))
		refused(t, "ID token of another user", imap(idToken, "--user", "alice", "--mech", "xoauth2"))
		refused(t, "malformed ID token", imap("eyJhbGciOi.bad.token", "--user", "sam", "--mech", "xoauth2"))
		status, created := s.httpForm("/_mailgate/v1/personal-access-tokens", idToken, url.Values{"organization_id": {s.org}, "name": {"mail"}})
		if status != 200 {
			t.Fatalf("create a personal access token: %d %v", status, created)
		}
		pat := created["token"].(string)
		secrets = append(secrets, pat)
		ok(t, "PAT as password", imap(pat, "--user", "sam", "select"))
		ok(t, "PAT XOAUTH2", imap(pat, "--user", addr("sam"), "--mech", "xoauth2"))
		ok(t, "PAT OAUTHBEARER", imap(pat, "--user", "sam", "--mech", "oauthbearer"))
		ok(t, "PAT submission OAUTHBEARER", smtp(pat, "--user", "sam", "--mech", "oauthbearer"))
		refused(t, "PAT of another user", imap(pat, "--user", "alice"))

		put("IDENTITY_PROVIDER_ONLY", "ACTIVE")
		refused(t, "password while IDENTITY_PROVIDER_ONLY", imap(pw, "--user", "sam"))
		ok(t, "PAT while IDENTITY_PROVIDER_ONLY", imap(pat, "--user", "sam"))
		put("IDENTITY_PROVIDER_ONLY", "INACTIVE")
		refused(t, "PAT while INACTIVE", imap(pat, "--user", "sam"))
		put("IDENTITY_PROVIDER_AND_DIRECTORY", "ACTIVE")
		ok(t, "password again", imap(pw, "--user", "alice"))
	})

	// Impersonation roles: bob is the target.
	role := func(name, typ, targets string) string {
		rules := "ImpersonationRuleId=r1,Effect=ALLOW"
		if targets != "" {
			rules += ",TargetUsers=" + targets
		}
		return s.mg("create-impersonation-role", "--organization-id", s.org, "--name", name, "--type", typ, "--rules", rules)["ImpersonationRoleId"].(string)
	}
	assume := func(roleID string) string {
		tok := s.mg("assume-impersonation-role", "--organization-id", s.org, "--impersonation-role-id", roleID)["Token"].(string)
		secrets = append(secrets, tok)
		return tok
	}
	ro, fa := role("reader", "READ_ONLY", bob), role("writer", "FULL_ACCESS", bob)
	impersonate := func(roleID, target, token string, actions ...string) clientResult {
		t.Helper()
		return imap(token, append([]string{"--user", roleID, "--authzid", target, "--mech", "plain"}, actions...)...)
	}

	t.Run("impersonation READ_ONLY", func(t *testing.T) {
		r := impersonate(ro, "bob", assume(ro), "select", "fetch", "search", "store", "flags", "append", "expunge", "copy:INBOX", "move:INBOX", "search")
		if r.Login != "OK" {
			t.Fatalf("READ_ONLY login: %+v", r)
		}
		a := r.Actions
		if !strings.HasPrefix(a["select"], "OK [READ-ONLY]") || a["fetch"] != "OK 2" || a["search"] != "OK 1 2" {
			t.Fatalf("READ_ONLY reads: %v", a)
		}
		// STORE and EXPUNGE change nothing in a read-only mailbox; APPEND,
		// COPY and MOVE into it are refused.
		if strings.Contains(a["flags"], `\Flagged`) || !strings.HasPrefix(a["append"], "NO") || !strings.HasPrefix(a["copy:INBOX"], "NO") ||
			!strings.HasPrefix(a["move:INBOX"], "NO") {
			t.Fatalf("READ_ONLY writes: %v", a)
		}
		after := imap(pw, "--user", "bob", "select", "search", "flags")
		if after.Actions["search"] != "OK 1 2" || strings.Contains(after.Actions["flags"], `\Flagged`) || strings.Contains(after.Actions["flags"], `\Deleted`) {
			t.Fatalf("bob's mailbox changed through a READ_ONLY session: %v", after.Actions)
		}
		if !strings.Contains(s.dovecotLog(), "imap(bob)") || !strings.Contains(s.dovecotLog(), "[impersonated by role "+ro+" READ_ONLY]") {
			t.Fatalf("no session line names the target and the role:\n%s", s.dovecotLog())
		}
		refusedSMTP(t, "READ_ONLY on submission", smtp(assume(ro), "--user", ro, "--authzid", "bob", "--mech", "plain"))
	})

	t.Run("impersonation FULL_ACCESS", func(t *testing.T) {
		r := impersonate(fa, "bob", assume(fa), "select", "fetch", "store", "flags", "append", "copy:INBOX", "move:INBOX", "expunge", "search")
		ok(t, "FULL_ACCESS", r)
		if !strings.HasPrefix(r.Actions["select"], "OK [READ-WRITE]") || !strings.Contains(r.Actions["flags"], `\Flagged`) {
			t.Fatalf("FULL_ACCESS: %v", r.Actions)
		}
		if !strings.Contains(s.dovecotLog(), "[impersonated by role "+fa+" FULL_ACCESS]") {
			t.Fatal("no session line names the FULL_ACCESS role")
		}
	})

	t.Run("impersonation refusals", func(t *testing.T) {
		tok := assume(ro)
		refused(t, "role effect DENY on hank", impersonate(ro, "hank", tok))
		refused(t, "unknown mailbox", impersonate(ro, "nobody", tok))
		refused(t, "token of another role", impersonate(fa, "bob", tok))
		refused(t, "password as impersonation credential", impersonate(ro, "bob", pw))
		refused(t, "malformed token", impersonate(ro, "bob", "mgi1.not-a-token"))
		forged := tok[:len(tok)-6] + "AAAAAA"
		refused(t, "forged token", impersonate(ro, "bob", forged))
		// An authorization identity in another organization.
		other := s.mg("create-organization", "--alias", "other-"+s.org[2:12])["OrganizationId"].(string)
		zed := s.mg("create-user", "--organization-id", other, "--name", "zed", "--display-name", "Zed", "--password", pw)["UserId"].(string)
		s.mg("register-to-work-mail", "--organization-id", other, "--entity-id", zed, "--email", "zed@other-"+s.org[2:12]+".awsapps.com")
		wide := role("wide", "FULL_ACCESS", "")
		wideTok := assume(wide)
		refused(t, "target in another organization (address)", impersonate(wide, "zed@other-"+s.org[2:12]+".awsapps.com", wideTok))
		refused(t, "target in another organization (ID)", impersonate(wide, zed, wideTok))
		// Revoked: any update of the role, then its deletion.
		old := assume(ro)
		s.mg("update-impersonation-role", "--organization-id", s.org, "--impersonation-role-id", ro, "--name", "reader", "--type", "READ_ONLY",
			"--rules", "ImpersonationRuleId=r1,Effect=ALLOW,TargetUsers="+bob)
		refused(t, "token of an updated role", impersonate(ro, "bob", old))
		ok(t, "token assumed after the update", impersonate(ro, "bob", assume(ro)))
		gone := role("gone", "FULL_ACCESS", bob)
		goneTok := assume(gone)
		s.mg("delete-impersonation-role", "--organization-id", s.org, "--impersonation-role-id", gone)
		refused(t, "token of a deleted role", impersonate(gone, "bob", goneTok))
		// Nothing was written for the refused targets.
		for _, id := range []string{hank, zed} {
			if _, err := os.Stat(filepath.Join(s.dir, "mail", id)); !os.IsNotExist(err) {
				t.Fatalf("a refused login created the mailbox %s: %v", id, err)
			}
		}
	})

	t.Run("access control rules", func(t *testing.T) {
		rule := func(name, action string, extra ...string) {
			s.mg(append([]string{"put-access-control-rule", "--organization-id", s.org, "--name", name, "--effect", "DENY",
				"--description", name, "--actions", action, "--ip-ranges", "127.0.0.0/8"}, extra...)...)
		}
		drop := func(name string) { s.mg("delete-access-control-rule", "--organization-id", s.org, "--name", name) }
		rule("no-imap-alice", "IMAP", "--user-ids", alice)
		refused(t, "IMAP denied for alice from loopback", imap(pw, "--user", "alice"))
		ok(t, "other users unaffected", imap(pw, "--user", "bob"))
		ok(t, "SMTP still allowed for alice", smtp(pw, "--user", "alice", "--mech", "plain"))
		drop("no-imap-alice")
		rule("no-smtp-alice", "SMTP", "--user-ids", alice)
		refusedSMTP(t, "SMTP denied for alice", smtp(pw, "--user", "alice", "--mech", "plain"))
		ok(t, "IMAP allowed for alice", imap(pw, "--user", "alice"))
		drop("no-smtp-alice")
		rule("no-writer", "IMAP", "--impersonation-role-ids", fa)
		refused(t, "IMAP denied for the role", impersonate(fa, "bob", assume(fa)))
		ok(t, "another role unaffected", impersonate(ro, "bob", assume(ro)))
		drop("no-writer")
		s.mg("put-access-control-rule", "--organization-id", s.org, "--name", "elsewhere", "--effect", "DENY", "--description", "not loopback",
			"--actions", "IMAP", "--ip-ranges", "10.0.0.0/8")
		ok(t, "a rule for other addresses does not apply", imap(pw, "--user", "alice"))
		drop("elsewhere")
	})

	t.Run("shared mailboxes", func(t *testing.T) {
		s.mg("put-mailbox-permissions", "--organization-id", s.org, "--entity-id", "bob", "--grantee-id", "alice", "--permission-values", "FULL_ACCESS", "SEND_AS")
		group := s.mg("create-group", "--organization-id", s.org, "--name", "team")["GroupId"].(string)
		s.mg("register-to-work-mail", "--organization-id", s.org, "--entity-id", group, "--email", addr("team"))
		s.mg("associate-member-to-group", "--organization-id", s.org, "--group-id", group, "--member-id", carol)
		s.mg("put-mailbox-permissions", "--organization-id", s.org, "--entity-id", "dave", "--grantee-id", group, "--permission-values", "FULL_ACCESS")
		s.mg("put-mailbox-permissions", "--organization-id", s.org, "--entity-id", "dave", "--grantee-id", "alice", "--permission-values", "SEND_ON_BEHALF")
		r := imap(pw, "--user", "alice", "list", "select:Shared/bob", "search")
		ok(t, "alice opens bob's mailbox", r)
		if !strings.Contains(r.Actions["list"], `"/" Shared/bob`) || strings.Contains(r.Actions["list"], "Shared/dave") {
			t.Fatalf("alice's shared namespace: %v", r.Actions)
		}
		r = imap(pw, "--user", "carol", "list", "select:Shared/dave", "fetch")
		ok(t, "carol, a member of the granted group, opens dave's mailbox", r)
		if !strings.Contains(r.Actions["list"], "Shared/dave") || r.Actions["fetch"] != "OK 1" {
			t.Fatalf("carol's shared namespace: %v", r.Actions)
		}
		r = imap(pw, "--user", "hank", "list", "select:Shared/bob")
		if strings.Contains(r.Actions["list"], "Shared") || !strings.HasPrefix(r.Actions["select:Shared/bob"], "NO") {
			t.Fatalf("hank sees a shared mailbox: %v", r.Actions)
		}
	})

	t.Run("submission", func(t *testing.T) {
		send := func(from, sender, to string) string {
			t.Helper()
			r := smtp(pw, "--user", "alice", "--mech", "plain", "--mail-from", from, "--sender", sender, "--to", to, "--user-address", addr("alice"))
			if r.Login != "OK" {
				t.Fatalf("alice's submission login: %+v", r)
			}
			return r.Actions["send"]
		}
		before := imap(pw, "--user", "hank", "select", "search").Actions["search"]
		for _, c := range []struct{ from, sender, want string }{
			{addr("alice"), "", "OK"},
			{addr("bob"), "", "OK"},             // SEND_AS
			{addr("dave"), addr("alice"), "OK"}, // SEND_ON_BEHALF
			{addr("dave"), "", "NO"},            // on behalf needs Sender:
			{addr("carol"), "", "NO"},           // no permission
			{addr("bob"), addr("carol"), "NO"},  // Sender: someone else
		} {
			if got := send(c.from, c.sender, addr("hank")); !strings.HasPrefix(got, c.want) {
				t.Fatalf("From: %s Sender: %s: %s, want %s", c.from, c.sender, got, c.want)
			}
		}
		if got := send(addr("alice"), "", "someone@example.net"); !strings.HasPrefix(got, "NO") {
			t.Fatalf("a message left for another host: %s", got)
		}
		after := imap(pw, "--user", "hank", "select", "search").Actions["search"]
		if len(strings.Fields(after))-len(strings.Fields(before)) != 3 {
			t.Fatalf("hank's mailbox: %q before, %q after three allowed messages", before, after)
		}
		r := smtp(assume(fa), "--user", fa, "--authzid", "bob", "--mech", "plain", "--mail-from", addr("bob"), "--to", addr("hank"))
		ok(t, "FULL_ACCESS impersonation submits as its target", r)
	})

	t.Run("bad input", func(t *testing.T) {
		// Dovecot refuses the largest itself; mailgate what it lets through.
		for _, n := range []int{9 << 10, 70 << 10} {
			for _, mech := range []string{"login", "plain", "xoauth2"} {
				if r := imap(strings.Repeat("B", n), "--user", "hank", "--mech", mech); r.Login == "OK" {
					t.Fatalf("an oversized SASL response (%d bytes, %s) signed in: %+v", n, mech, r)
				}
			}
		}
		refused(t, "malformed PAT", imap("mgp1.broken", "--user", "hank"))
		ok(t, "Dovecot still serves", imap(pw, "--user", "hank"))
		if _, err := os.Stat(filepath.Join(s.dir, "mail", "nobody")); !os.IsNotExist(err) {
			t.Fatal("a refused login wrote a mailbox")
		}
	})

	t.Run("mailgate down", func(t *testing.T) {
		s.whileMailgateDown(func() {
			r := imap(pw, "--user", "alice")
			if r.Login != "NO" || !strings.Contains(r.Message, "[UNAVAILABLE]") {
				t.Fatalf("with mailgate down: %+v", r)
			}
			if r := smtp(pw, "--user", "alice", "--mech", "plain"); r.Login != "NO" || !strings.Contains(r.Message, "454") {
				t.Fatalf("submission with mailgate down: %+v", r)
			}
		})
		ok(t, "logins resume", imap(pw, "--user", "alice"))
	})

	t.Run("expired token", func(t *testing.T) {
		tok := assume(ro)
		ok(t, "fresh token", impersonate(ro, "bob", tok))
		resp, err := http.PostForm(s.srv.endpoint+"/_mailgate/clock", url.Values{"advance": {"16m"}})
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("advance the clock: %v %v", resp, err)
		}
		resp.Body.Close()
		refused(t, "token past its 15 minutes", impersonate(ro, "bob", tok))
	})

	t.Run("logs", func(t *testing.T) {
		logs := s.mailgateLogs()
		for _, want := range []string{`msg="mail login" outcome=allowed reason=allowed protocol=imap kind=password`,
			"outcome=refused reason=\"credentials refused\"", "kind=impersonation_token", "kind=personal_access_token", "kind=id_token",
			"reason=\"access control rules deny IMAP\"", "role_type=READ_ONLY", "rules="} {
			if !strings.Contains(logs, want) {
				t.Errorf("mailgate's log has no %q", want)
			}
		}
		all := logs + s.dovecotLog() + s.relayOut.String()
		for _, secret := range secrets {
			if strings.Contains(all, secret) {
				t.Errorf("a credential (%d characters) appears in a log", len(secret))
			}
		}
	})
}

// TestDovecotOverTLS runs the link to mailgate over HTTPS: Dovecot's
// HTTP client verifies mailgate's certificate against the authority
// given to dovecot-config, and a certificate it cannot verify is a
// temporary failure, not a refusal. The relay speaks HTTPS too.
func TestDovecotOverTLS(t *testing.T) {
	requireDovecot(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	ca := newTestCA(t)
	certFile, keyFile, caFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	ca.issue(t, 7, 24*time.Hour, certFile, keyFile)
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newMailStackTLS(t, caFile, "--tls-cert-file", certFile, "--tls-key-file", keyFile)
	if !strings.HasPrefix(s.srv.endpoint, "https://") {
		t.Fatalf("endpoint %s", s.srv.endpoint)
	}
	const pw = "Corr3ct-Horse-Battery!"
	s.user("alice", pw)
	s.user("bob", pw)
	if r := s.client("imap", pw, "--user", "alice", "--mech", "plain", "select"); r.Login != "OK" {
		t.Fatalf("login over TLS: %+v", r)
	}
	r := s.client("smtp", pw, "--user", "alice", "--mech", "plain", "--mail-from", "alice@"+s.domain, "--to", "bob@"+s.domain)
	if r.Login != "OK" || r.Actions["send"] != "OK" {
		t.Fatalf("submission over TLS: %+v", r)
	}
	// Without the authority, the certificate cannot be verified.
	if err := os.WriteFile(caFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	exec.Command("doveadm", "-c", filepath.Join(s.dir, "dovecot.conf"), "reload").Run()
	waitFor(t, "Dovecot to refuse an unverified mailgate", func() bool {
		r := s.client("imap", pw, "--user", "alice")
		return r.Login == "NO" && strings.Contains(r.Message, "[UNAVAILABLE]")
	})
}
