package workmail_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

const (
	modeBoth  = types.IdentityProviderAuthenticationModeIdentityProviderAndDirectory
	modeOnly  = types.IdentityProviderAuthenticationModeIdentityProviderOnly
	patOn     = types.PersonalAccessTokenConfigurationStatusActive
	patOff    = types.PersonalAccessTokenConfigurationStatusInactive
	methodPw  = mailauth.MethodPassword
	methodIDT = mailauth.MethodIDToken
	methodPAT = mailauth.MethodPersonalAccessToken
)

func pw(user, password string) url.Values {
	return url.Values{"username": {user}, "password": {password}}
}

func TestMailboxSignInAndPersonalAccessTokens(t *testing.T) {
	f := newIDPFx(t, wmsvc.SignInOptions{MaxFailuresPerUser: -1, MaxFailuresPerAddress: -1})
	t.Cleanup(func() { f.checkLogs(t) })
	alice, bob := f.alice, f.bob

	// No identity provider: the directory password works, ID tokens and
	// tokens do not.
	f.signInOK(t, pw("alice", idpPassword), alice, methodPw)
	f.signInOK(t, pw("alice@"+f.domain, idpPassword), alice, methodPw)
	f.signInRefused(t, pw("alice", "Wr0ng-password"))
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpAliceSub)}})
	if status, m := f.createPAT(t, f.idToken(t, idpAliceSub), "phone"); status != 401 || m["error"] != "invalid_token" {
		t.Fatalf("create without configuration: %d %v", status, m)
	}

	app := f.app(t, idpInstance)
	impMust(t, f.put(t, app, modeBoth, patOn, 30))

	// Both work in IDENTITY_PROVIDER_AND_DIRECTORY.
	f.signInOK(t, pw("alice", idpPassword), alice, methodPw)
	m := f.signInOK(t, url.Values{"id_token": {f.idToken(t, idpAliceSub)}}, alice, methodIDT)
	if m["email"] != "alice@"+f.domain || m["username"] != "alice" {
		t.Fatalf("identity: %v", m)
	}
	f.signInOK(t, url.Values{"id_token": {f.idToken(t, idpBobSub)}, "username": {"bob"}}, bob, methodIDT)
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpBobSub)}, "username": {"alice"}})
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpUnknownSub)}})

	// Alice creates a token with her ID token and sees it once.
	created := f.clk.Now()
	status, tok := f.createPAT(t, f.idToken(t, idpAliceSub), "Thunderbird", "imap", "smtp")
	if status != 200 {
		t.Fatalf("create: %d %v", status, tok)
	}
	secret, id := tok["token"].(string), tok["personal_access_token_id"].(string)
	exp, _ := time.Parse(time.RFC3339, tok["expires_time"].(string))
	if len(secret) != 71 || !exp.Equal(created.Add(30*24*time.Hour)) {
		t.Fatalf("token: %d characters, expires %v", len(secret), exp)
	}
	if status, m := f.createPAT(t, f.idToken(t, idpAliceSub), "bad<name>"); status != 400 || m["error"] != "invalid_request" {
		t.Fatalf("bad name: %d %v", status, m)
	}
	// A password or a token is not enough to manage tokens.
	if status, _ := f.createPAT(t, secret, "again"); status != 401 {
		t.Fatalf("create with a PAT as bearer: %d", status)
	}

	// The token works in place of the password, and is checked as Alice's.
	meta := func() *workmail.GetPersonalAccessTokenMetadataOutput {
		out, err := f.wm.GetPersonalAccessTokenMetadata(f.ctx, &workmail.GetPersonalAccessTokenMetadataInput{OrganizationId: &f.org, PersonalAccessTokenId: &id})
		impMust(t, err)
		return out
	}
	if meta().DateLastUsed != nil {
		t.Fatal("DateLastUsed before any use")
	}
	f.clk.Advance(time.Minute)
	m = f.signInOK(t, pw("alice", secret), alice, methodPAT)
	if m["personal_access_token_id"] != id {
		t.Fatalf("identity: %v", m)
	}
	f.signInOK(t, url.Values{"password": {secret}}, alice, methodPAT)
	f.signInRefused(t, pw("bob", secret))
	f.signInRefused(t, pw("alice", tamper(secret)))
	used := meta()
	if used.DateLastUsed == nil || !used.DateLastUsed.Equal(f.clk.Now()) || *used.UserId != alice || *used.Name != "Thunderbird" ||
		len(used.Scopes) != 2 || !used.DateCreated.Equal(created) || !used.ExpiresTime.Equal(exp) {
		t.Fatalf("metadata: %+v", used)
	}

	// One introspection endpoint for both kinds of tokens.
	status, in := f.introspect(t, "", "", url.Values{"token": {secret}, "mailbox": {"alice@" + f.domain}})
	if status != 200 || in["active"] != true || in["token_kind"] != "personal_access_token" || in["user_id"] != alice || in["sub"] != alice ||
		in["mailbox_allowed"] != true || in["scope"] != "imap smtp" || in["personal_access_token_id"] != id || in["organization_id"] != f.org {
		t.Fatalf("introspect: %d %v", status, in)
	}
	if a, ok := f.active(t, secret, "bob"); !a || ok {
		t.Fatalf("introspect for bob's mailbox: active %v allowed %v", a, ok)
	}

	// Listing: the administrator's view and the user's own.
	bobTok := ""
	if status, m := f.createPAT(t, f.idToken(t, idpBobSub), "bob's phone"); status == 200 {
		bobTok = m["token"].(string)
	} else {
		t.Fatalf("bob's token: %d %v", status, m)
	}
	list, err := f.wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, UserId: aws.String("alice")})
	impMust(t, err)
	if len(list.PersonalAccessTokenSummaries) != 1 || *list.PersonalAccessTokenSummaries[0].PersonalAccessTokenId != id || list.PersonalAccessTokenSummaries[0].DateLastUsed == nil {
		t.Fatalf("list alice: %+v", list.PersonalAccessTokenSummaries)
	}
	all, err := f.wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, MaxResults: aws.Int32(1)})
	impMust(t, err)
	if len(all.PersonalAccessTokenSummaries) != 1 || all.NextToken == nil {
		t.Fatalf("page 1: %+v", all)
	}
	all2, err := f.wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, MaxResults: aws.Int32(1), NextToken: all.NextToken})
	impMust(t, err)
	if len(all2.PersonalAccessTokenSummaries) != 1 || all2.NextToken != nil {
		t.Fatalf("page 2: %+v", all2)
	}
	status, _, own := f.call(t, http.MethodGet, server.PersonalAccessTokensPath, f.idToken(t, idpAliceSub), url.Values{"organization_id": {f.org}})
	if ts, _ := own["personal_access_tokens"].([]any); status != 200 || len(ts) != 1 || ts[0].(map[string]any)["date_last_used"] == nil {
		t.Fatalf("own list: %d %v", status, own)
	}
	// Alice cannot delete Bob's token.
	status, _, _ = f.call(t, http.MethodDelete, server.PersonalAccessTokensPath, f.idToken(t, idpAliceSub),
		url.Values{"organization_id": {f.org}, "personal_access_token_id": {bobID(t, f)}})
	if status != 404 {
		t.Fatalf("deleting another's token: %d", status)
	}

	// IDENTITY_PROVIDER_ONLY: the directory password stops working.
	impMust(t, f.put(t, app, modeOnly, patOn, 30))
	f.signInRefused(t, pw("alice", idpPassword))
	if ok, err := f.impFx.e.Store.GetIdentityProviderConfig(f.ctx, f.org); err != nil || ok.AuthenticationMode != string(modeOnly) {
		t.Fatal("mode not stored")
	}
	f.signInOK(t, url.Values{"id_token": {f.idToken(t, idpAliceSub)}}, alice, methodIDT)
	f.signInOK(t, pw("alice", secret), alice, methodPAT)

	// INACTIVE: no token works, users can neither create, list nor delete.
	impMust(t, f.put(t, app, modeOnly, patOff, 30))
	f.signInRefused(t, pw("alice", secret))
	if a, _ := f.active(t, secret, ""); a {
		t.Fatal("an INACTIVE token introspected active")
	}
	for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodDelete} {
		status, _, m := f.call(t, method, server.PersonalAccessTokensPath, f.idToken(t, idpAliceSub),
			url.Values{"organization_id": {f.org}, "name": {"x"}, "personal_access_token_id": {id}})
		if status != 403 || m["error"] != "access_denied" {
			t.Fatalf("%s while INACTIVE: %d %v", method, status, m)
		}
	}
	// ACTIVE again: the unexpired tokens work again.
	impMust(t, f.put(t, app, modeBoth, patOn, 1))
	f.signInOK(t, pw("alice", secret), alice, methodPAT)

	// A disabled user never signs in.
	_, err = f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &f.org, EntityId: &bob})
	impMust(t, err)
	f.signInRefused(t, pw("bob", idpPassword))
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpBobSub)}})
	f.signInRefused(t, url.Values{"password": {bobTok}})

	// Expiry: the lifetime in force at creation (30 days) holds, to the
	// second, whatever the configuration says later (1 day).
	f.clk.Advance(exp.Sub(f.clk.Now()) - time.Second)
	f.signInOK(t, pw("alice", secret), alice, methodPAT)
	f.clk.Advance(time.Second)
	f.signInRefused(t, pw("alice", secret))
	if a, _ := f.active(t, secret, ""); a {
		t.Fatal("an expired token introspected active")
	}

	// A new token gets the lifetime now in force; the user deletes it.
	status, tok2 := f.createPAT(t, f.idToken(t, idpAliceSub), "short")
	if exp2, _ := time.Parse(time.RFC3339, tok2["expires_time"].(string)); status != 200 || !exp2.Equal(f.clk.Now().Add(24*time.Hour)) {
		t.Fatalf("second token: %d %v", status, tok2)
	}
	status, _, _ = f.call(t, http.MethodDelete, server.PersonalAccessTokensPath, f.idToken(t, idpAliceSub),
		url.Values{"organization_id": {f.org}, "personal_access_token_id": {tok2["personal_access_token_id"].(string)}})
	if status != 204 {
		t.Fatalf("own delete: %d", status)
	}
	f.signInRefused(t, pw("alice", tok2["token"].(string)))

	// The administrator deletes a token; deleting the configuration
	// deletes the rest and refuses ID tokens.
	_, err = f.wm.DeletePersonalAccessToken(f.ctx, &workmail.DeletePersonalAccessTokenInput{OrganizationId: &f.org, PersonalAccessTokenId: &id})
	impMust(t, err)
	_, err = f.wm.GetPersonalAccessTokenMetadata(f.ctx, &workmail.GetPersonalAccessTokenMetadataInput{OrganizationId: &f.org, PersonalAccessTokenId: &id})
	testenv.APIError(t, err, "ResourceNotFoundException", 400)
	status, tok3 := f.createPAT(t, f.idToken(t, idpAliceSub), "third")
	if status != 200 {
		t.Fatalf("third token: %d", status)
	}
	_, err = f.wm.DeleteIdentityProviderConfiguration(f.ctx, &workmail.DeleteIdentityProviderConfigurationInput{OrganizationId: &f.org})
	impMust(t, err)
	f.signInRefused(t, pw("alice", tok3["token"].(string)))
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpAliceSub)}})
	f.signInOK(t, pw("alice", idpPassword), alice, methodPw)
	left, err := f.wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org})
	impMust(t, err)
	if len(left.PersonalAccessTokenSummaries) != 0 {
		t.Fatalf("tokens left after deleting the configuration: %+v", left.PersonalAccessTokenSummaries)
	}
	// Malformed requests.
	if status, _, _ := f.signIn(t, url.Values{"password": {"x"}}); status != 400 {
		t.Fatalf("no username: %d", status)
	}
}

// bobID returns the ID of Bob's token.
func bobID(t *testing.T, f *idpFx) string {
	t.Helper()
	out, err := f.wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, UserId: &f.bob})
	impMust(t, err)
	if len(out.PersonalAccessTokenSummaries) != 1 {
		t.Fatalf("bob's tokens: %+v", out.PersonalAccessTokenSummaries)
	}
	return *out.PersonalAccessTokenSummaries[0].PersonalAccessTokenId
}

func TestSignInIDTokenVerification(t *testing.T) {
	f := newIDPFx(t, wmsvc.SignInOptions{MaxFailuresPerUser: -1, MaxFailuresPerAddress: -1})
	t.Cleanup(func() { f.checkLogs(t) })
	impMust(t, f.put(t, f.app(t, idpInstance), modeBoth, patOn, 0))
	now := f.clk.Now()
	good := testenv.Claims{Subject: idpAliceSub, Audience: []string{idpClientID}, IssuedAt: now}
	f.signInOK(t, url.Values{"id_token": {f.iss.IDToken(t, good)}}, f.alice, methodIDT)

	refused := map[string]string{
		"forged, same key ID":      f.iss.ForgedIDToken(t, good, true),
		"forged, unknown key ID":   f.iss.ForgedIDToken(t, good, false),
		"other issuer's key":       f.iss2.IDToken(t, good),
		"wrong audience":           f.iss.IDToken(t, testenv.Claims{Subject: idpAliceSub, Audience: []string{"someone-else"}, IssuedAt: now}),
		"wrong issuer claim":       f.iss.IDToken(t, testenv.Claims{Subject: idpAliceSub, Audience: []string{idpClientID}, Issuer: f.iss2.URL, IssuedAt: now}),
		"expired":                  f.iss.IDToken(t, testenv.Claims{Subject: idpAliceSub, Audience: []string{idpClientID}, IssuedAt: now.Add(-2 * time.Hour), Expiry: now.Add(-time.Second)}),
		"another authorized party": f.iss.IDToken(t, testenv.Claims{Subject: idpAliceSub, Audience: []string{idpClientID, "x"}, AZP: "x", IssuedAt: now}),
		"garbage":                  "not.a.token",
	}
	for name, tok := range refused {
		t.Run(name, func(t *testing.T) {
			f.secret = append(f.secret, tok)
			f.signInRefused(t, url.Values{"id_token": {tok}})
		})
	}
	// The provider rotates its key: new tokens verify without a restart.
	f.iss.Rotate(t)
	f.signInOK(t, url.Values{"id_token": {f.iss.IDToken(t, good)}}, f.alice, methodIDT)
	// Tokens expire on the service's clock.
	tok := f.iss.IDToken(t, good)
	f.clk.Advance(2 * time.Hour)
	f.signInRefused(t, url.Values{"id_token": {tok}})
}

func TestSignInRateLimit(t *testing.T) {
	f := newIDPFx(t, wmsvc.SignInOptions{MaxFailuresPerUser: 3, MaxFailuresPerAddress: 8, FailureWindow: 9 * time.Minute})
	t.Cleanup(func() { f.checkLogs(t) })

	// Per user: three failures, whatever identifier names the user, and
	// the right password is refused the same way, until the bucket
	// refills (one attempt every three minutes).
	f.signInRefused(t, pw("alice", "Wr0ng-1"))
	f.signInRefused(t, pw("alice@"+f.domain, "Wr0ng-2"))
	f.signInRefused(t, pw(f.alice, "Wr0ng-3"))
	f.signInRefused(t, pw("alice", idpPassword))
	f.signInOK(t, pw("bob", idpPassword), f.bob, methodPw)
	f.clk.Advance(3 * time.Minute)
	f.signInOK(t, pw("alice", idpPassword), f.alice, methodPw)
	// Success refilled Alice's bucket.
	f.signInRefused(t, pw("alice", "Wr0ng-4"))
	f.signInRefused(t, pw("alice", "Wr0ng-5"))
	f.signInOK(t, pw("alice", idpPassword), f.alice, methodPw)

	// Per address: failures across users and unknown names add up to 8,
	// and then nobody signs in from here.
	f.clk.Advance(10 * time.Minute)
	for i := range 8 {
		f.signInRefused(t, pw("nobody"+string(rune('a'+i)), "Wr0ng-x"))
	}
	f.signInRefused(t, pw("bob", idpPassword))
	impMust(t, f.put(t, f.app(t, idpInstance), modeBoth, patOn, 0))
	f.signInRefused(t, url.Values{"id_token": {f.idToken(t, idpBobSub)}})
	f.clk.Advance(10 * time.Minute)
	f.signInOK(t, pw("bob", idpPassword), f.bob, methodPw)
}

// tamper changes the last character of a token, always to a different one.
func tamper(tok string) string {
	last := "A"
	if strings.HasSuffix(tok, "A") {
		last = "B"
	}
	return tok[:len(tok)-1] + last
}
