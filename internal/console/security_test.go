package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/console"
)

// TestCSRFRejected: a state-changing request without the session's CSRF
// token, or with another, is refused and changes nothing; with the token
// it goes through.
func TestCSRFRejected(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	_, _, page := c.get("/console/organizations")
	token := csrf(t, page)
	for name, form := range map[string]url.Values{
		"missing": {"alias": {"csrf-missing"}},
		"wrong":   {"alias": {"csrf-wrong"}, "csrf_token": {strings.Repeat("x", len(token))}},
		"other":   {"alias": {"csrf-other"}, "csrf_token": {token + "x"}},
	} {
		status, _, body := c.post("/console/organizations", form)
		if status != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Fatalf("%s token: want 403 naming CSRF, got %d\n%s", name, status, body)
		}
	}
	if _, _, list := c.get("/console/organizations"); strings.Contains(list, "csrf-") {
		t.Fatalf("an organization was created without a valid token:\n%s", list)
	}
	// The right token from another site's page is refused too.
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/console/organizations", strings.NewReader(url.Values{"alias": {"csrf-origin"}, "csrf_token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://elsewhere.example")
	if status, _, body := c.answer(c.http.Do(req)); status != http.StatusForbidden {
		t.Fatalf("another origin: %d\n%s", status, body)
	}
	status, loc, _ := c.post("/console/organizations", url.Values{"alias": {"csrf-ok"}, "csrf_token": {token}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "done=org-created") {
		t.Fatalf("with the token: %d %q", status, loc)
	}
	// Sign-in has its own token, double-submitted in a cookie.
	other := e.client(t)
	status, _, _ = other.post("/console/signin", url.Values{"access_key_id": {e.KeyID}, "secret_access_key": {e.Secret}})
	if status != http.StatusForbidden {
		t.Fatalf("sign-in without a token: %d", status)
	}
}

// TestSessionCookieAndHeaders: HttpOnly, SameSite=Strict cookies scoped
// to the console, a CSP without inline script or style, no caching.
func TestSessionCookieAndHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	_, _, page := c.get("/console/signin")
	resp, err := c.http.PostForm(e.URL+"/console/signin", url.Values{"csrf_token": {csrf(t, page)}, "access_key_id": {e.KeyID}, "secret_access_key": {e.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, ck := range resp.Cookies() {
		if ck.Name != "mailgate_console" {
			continue
		}
		found = true
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" || ck.Secure {
			t.Fatalf("session cookie: %+v", ck)
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
	if strings.Contains(resp.Header.Get("Location"), e.Secret) {
		t.Fatal("the secret is in a URL")
	}
	r2, err := c.http.Get(e.URL + "/console/organizations")
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	csp := r2.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP: %q", csp)
	}
	if r2.Header.Get("Cache-Control") != "no-store" || r2.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("headers: %v", r2.Header)
	}
}

// TestSignInRefused: a wrong secret, an unknown key and empty fields are
// refused next to the fields, with no session.
func TestSignInRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	for _, tc := range []struct{ id, secret, field string }{
		{e.KeyID, e.Secret + "x", "The access key ID or the secret access key is not valid."},
		{"AKIAUNKNOWNKEY000000", e.Secret, "The access key ID or the secret access key is not valid."},
		{"", "", "Enter an access key ID."},
	} {
		_, _, page := c.get("/console/signin")
		status, _, body := c.post("/console/signin", url.Values{"csrf_token": {csrf(t, page)}, "access_key_id": {tc.id}, "secret_access_key": {tc.secret}})
		if status == http.StatusSeeOther || !strings.Contains(body, `class="error"`) || !strings.Contains(body, tc.field) {
			t.Fatalf("%q: %d\n%s", tc.id, status, body)
		}
		if strings.Contains(body, tc.secret) && tc.secret != "" {
			t.Fatal("the secret is echoed back")
		}
	}
	c.expectSignIn("after refusals")
}

// TestRevokedKeyEndsSession: deactivating or deleting the access key
// ends the sessions it opened, at their next request.
func TestRevokedKeyEndsSession(t *testing.T) {
	e := newEnv(t)
	c, keyID := e.readerClient(t, "revoked")
	if status, _, _ := c.get("/console/organizations"); status != http.StatusOK {
		t.Fatalf("signed in: %d", status)
	}
	if _, err := e.IAM().UpdateAccessKey(context.Background(), &iam.UpdateAccessKeyInput{UserName: aws.String("revoked"), AccessKeyId: aws.String(keyID), Status: "Inactive"}); err != nil {
		t.Fatal(err)
	}
	c.expectSignIn("after deactivation")
	// Active again, the old session stays ended.
	if _, err := e.IAM().UpdateAccessKey(context.Background(), &iam.UpdateAccessKeyInput{UserName: aws.String("revoked"), AccessKeyId: aws.String(keyID), Status: "Active"}); err != nil {
		t.Fatal(err)
	}
	c.expectSignIn("the key active again")
	// A new session, then the key deleted.
	c.signIn(keyID, e.readerSecrets[keyID])
	if _, err := e.IAM().DeleteAccessKey(context.Background(), &iam.DeleteAccessKeyInput{UserName: aws.String("revoked"), AccessKeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	c.expectSignIn("after deletion")
}

// TestIdleSessionExpires: a session unused for the idle timeout is over.
func TestIdleSessionExpires(t *testing.T) {
	var offset atomic.Int64
	e := newEnv(t, func(c *console.Config) {
		c.IdleTimeout = 10 * time.Minute
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	offset.Store(int64(9 * time.Minute))
	if status, _, _ := c.get("/console/organizations"); status != http.StatusOK {
		t.Fatalf("within the idle timeout: %d", status)
	}
	offset.Store(int64(18 * time.Minute))
	if status, _, _ := c.get("/console/organizations"); status != http.StatusOK {
		t.Fatalf("used 9 minutes ago: %d", status)
	}
	offset.Store(int64(29 * time.Minute))
	c.expectSignIn("idle 11 minutes")
}

// TestDeniedShowsExplanation: a principal whose policies only read sees
// the API's AccessDenied for a write, and the policy engine's account of
// the decision, naming the statement it consulted.
func TestDeniedShowsExplanation(t *testing.T) {
	e := newEnv(t)
	c, _ := e.readerClient(t, "reader")
	status, _, page := c.get("/console/organizations")
	if status != http.StatusOK || strings.Contains(page, "AccessDenied") {
		t.Fatalf("reading is allowed: %d\n%s", status, page)
	}
	// A read-only page: no form to create, and why.
	if strings.Contains(page, `id="create-alias"`) || !strings.Contains(page, "Read-only: your policies do not allow <code>workmail:CreateOrganization</code>") {
		t.Fatalf("not a read-only page:\n%s", page)
	}
	status, _, body := c.post("/console/organizations", url.Values{"alias": {"denied"}, "csrf_token": {csrf(t, page)}})
	if status != http.StatusForbidden {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"AccessDeniedException", "user/reader is not authorized to perform: workmail:CreateOrganization",
		"because no identity-based policy allows the workmail:CreateOrganization action", "ReadWorkMail[Allow]="} {
		if !strings.Contains(body, want) {
			t.Fatalf("missing %q in\n%s", want, body)
		}
	}
}
