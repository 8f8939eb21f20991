package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// TestIdentityProviderPage: without a configuration the page says so;
// with one, it shows it and the organization's personal access tokens,
// and the administrator revokes one.
func TestIdentityProviderPage(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	org := c.createOrg("idp")
	path := "/console/organizations/" + org + "/identity-provider"
	if status, _, page := c.get(path); status != http.StatusOK || !strings.Contains(page, "No personal access token.") || strings.Contains(page, `class="failure"`) {
		t.Fatalf("without configuration: %d\n%s", status, page)
	}
	// A configuration and a token, written as the services would.
	ctx, now := context.Background(), time.Now().UTC()
	instance := "arn:aws:sso:::instance/ssoins-1234567890abcdef"
	app := store.IdentityCenterApplication{ARN: "arn:aws:sso::" + accountOf(t, c) + ":application/ssoins-1234567890abcdef/apl-1234567890abcdef",
		AccountID: accountOf(t, c), Region: "us-east-1", InstanceARN: instance, Name: "mail", CreatedAt: now}
	if _, _, err := e.Store.CreateIdentityCenterApplication(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.PutIdentityProviderConfig(ctx, store.IdentityProviderConfig{OrgID: org, AuthenticationMode: store.AuthIdentityProviderAndDirectory,
		InstanceARN: instance, ApplicationARN: app.ARN, PATStatus: store.PATActive, PATLifetimeDays: 30, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	tok := store.PersonalAccessToken{ID: "0f2c6e1a-4d9b-4f53-9a51-5a2f0c9e7b11", OrgID: org, UserID: "a1b2c3d4-0000-4000-8000-000000000001", Name: "Thunderbird",
		Scopes: []string{"imap"}, SecretHash: strings.Repeat("ab", 32), CreatedAt: now, ExpiresAt: now.Add(30 * 24 * time.Hour)}
	if err := e.Store.CreatePersonalAccessToken(ctx, tok, func(*store.IdentityProviderConfig, *store.PersonalAccessToken) error { return nil }); err != nil {
		t.Fatal(err)
	}
	_, _, page := c.get(path)
	for _, want := range []string{"IDENTITY_PROVIDER_AND_DIRECTORY", instance, "ACTIVE, valid 30 days", "Thunderbird", "imap"} {
		if !strings.Contains(page, want) {
			t.Fatalf("missing %q:\n%s", want, page)
		}
	}
	status, loc, body := c.post(path+"/tokens/delete", url.Values{"csrf_token": {csrf(t, page)}, "id": {tok.ID}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "token-revoked") {
		t.Fatalf("revoke: %d %q\n%s", status, loc, body)
	}
	if _, _, page = c.get(path); strings.Contains(page, "Thunderbird") {
		t.Fatalf("the token is still listed:\n%s", page)
	}
}

// accountOf is the account of the signed-in principal, from its ARN.
func accountOf(t *testing.T, c *client) string {
	t.Helper()
	_, _, page := c.get("/console/organizations")
	return firstMatch(`arn:aws:iam::(\d{12}):`, page)
}
