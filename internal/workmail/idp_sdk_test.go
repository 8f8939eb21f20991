package workmail_test

// Identity provider configuration, mailbox sign-in and personal access
// tokens through the official AWS SDK for Go v2, the sign-in endpoints
// and the signed introspection endpoint, against a real OpenID Connect
// issuer run in-process (testenv.OIDCIssuer). The WorkMail service runs
// on a settable clock, so expiry is tested without sleeping.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
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
	idpInstance   = "arn:aws:sso:::instance/ssoins-1111222233334444"
	idpInstance2  = "arn:aws:sso:::instance/ssoins-5555666677778888"
	idpClientID   = "mailgate-test"
	idpPassword   = "Sup3r-secret!pw"
	idpAliceSub   = "a11ce000-0000-4000-8000-000000000001"
	idpBobSub     = "b0b00000-0000-4000-8000-000000000002"
	idpUnknownSub = "ffffffff-0000-4000-8000-000000000009"
)

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type idpFx struct {
	*impFx
	iss    *testenv.OIDCIssuer
	iss2   *testenv.OIDCIssuer
	logs   *syncBuffer
	alice  string
	bob    string
	secret []string // every secret the test handled, for the log check
}

func newIDPFx(t *testing.T, signIn wmsvc.SignInOptions) *idpFx {
	t.Helper()
	f := &idpFx{iss: testenv.NewOIDCIssuer(t), iss2: testenv.NewOIDCIssuer(t), logs: &syncBuffer{}}
	clk := &impClock{start: time.Now().UTC().Truncate(time.Second)}
	signIn.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.WorkMail = wmsvc.New(c.Store, wmsvc.Options{Now: clk.Now, SignIn: signIn, IdentityProviders: []mailauth.ProviderConfig{
			{InstanceARN: idpInstance, Issuer: f.iss.URL, ClientID: idpClientID},
			{InstanceARN: idpInstance2, Issuer: f.iss2.URL, ClientID: idpClientID},
		}})
		c.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	f.impFx = &impFx{e: e, wm: e.WorkMail(), clk: clk, ctx: context.Background(), users: map[string]string{}}
	alias := "idp-" + impRnd()
	out, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &alias})
	impMust(t, err)
	f.org, f.domain = *out.OrganizationId, alias+".awsapps.com"
	f.alice = f.idpUser(t, "alice", idpAliceSub)
	f.bob = f.idpUser(t, "bob", idpBobSub)
	f.secret = append(f.secret, idpPassword)
	return f
}

func (f *idpFx) idpUser(t *testing.T, name, sub string) string {
	t.Helper()
	u, err := f.wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: &f.org, Name: aws.String(name), DisplayName: aws.String(name),
		Password: aws.String(idpPassword), IdentityProviderUserId: aws.String(sub)})
	impMust(t, err)
	_, err = f.wm.RegisterToWorkMail(f.ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &f.org, EntityId: u.UserId, Email: aws.String(name + "@" + f.domain)})
	impMust(t, err)
	f.users[name] = *u.UserId
	return *u.UserId
}

func (f *idpFx) app(t *testing.T, instance string) string {
	t.Helper()
	out, err := f.wm.CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("workmail"), InstanceArn: aws.String(instance)})
	impMust(t, err)
	return *out.ApplicationArn
}

func (f *idpFx) put(t *testing.T, app string, mode types.IdentityProviderAuthenticationMode, pat types.PersonalAccessTokenConfigurationStatus, days int32) error {
	t.Helper()
	in := &workmail.PutIdentityProviderConfigurationInput{OrganizationId: &f.org, AuthenticationMode: mode,
		IdentityCenterConfiguration:      &types.IdentityCenterConfiguration{InstanceArn: aws.String(idpInstance), ApplicationArn: aws.String(app)},
		PersonalAccessTokenConfiguration: &types.PersonalAccessTokenConfiguration{Status: pat}}
	if days != 0 {
		in.PersonalAccessTokenConfiguration.LifetimeInDays = aws.Int32(days)
	}
	_, err := f.wm.PutIdentityProviderConfiguration(f.ctx, in)
	return err
}

// idToken is an ID token for sub from the first issuer, issued now on the
// service's clock.
func (f *idpFx) idToken(t *testing.T, sub string) string {
	t.Helper()
	tok := f.iss.IDToken(t, testenv.Claims{Subject: sub, Audience: []string{idpClientID}, IssuedAt: f.clk.Now()})
	f.secret = append(f.secret, tok)
	return tok
}

// post sends a form to a sign-in endpoint and returns status, raw body
// and decoded body.
func (f *idpFx) call(t *testing.T, method, path, bearer string, form url.Values) (int, string, map[string]any) {
	t.Helper()
	var body io.Reader
	target := f.e.URL + path
	if method == http.MethodGet {
		target += "?" + form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	impMust(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	impMust(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("%s %s: Cache-Control %q", method, path, cc)
	}
	return resp.StatusCode, string(raw), m
}

func (f *idpFx) signIn(t *testing.T, form url.Values) (int, string, map[string]any) {
	t.Helper()
	if form.Get("organization_id") == "" {
		form.Set("organization_id", f.org)
	}
	return f.call(t, http.MethodPost, server.SignInPath, "", form)
}

// signInOK asserts a sign-in succeeds as the user, with the method.
func (f *idpFx) signInOK(t *testing.T, form url.Values, userID, method string) map[string]any {
	t.Helper()
	status, raw, m := f.signIn(t, form)
	if status != 200 || m["user_id"] != userID || m["method"] != method || m["organization_id"] != f.org {
		t.Fatalf("sign-in %v: %d %s", redactForm(form), status, raw)
	}
	return m
}

// failedBody is the one answer to every refused sign-in.
const failedBody = `{"error":"invalid_grant","error_description":"Sign-in failed."}` + "\n"

func (f *idpFx) signInRefused(t *testing.T, form url.Values) {
	t.Helper()
	status, raw, _ := f.signIn(t, form)
	if status != 401 || raw != failedBody {
		t.Fatalf("sign-in %v: want the refusal, got %d %s", redactForm(form), status, raw)
	}
}

func redactForm(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		if k == "password" || k == "id_token" {
			out[k] = []string{"…"}
			continue
		}
		out[k] = v
	}
	return out
}

func (f *idpFx) createPAT(t *testing.T, idToken, name string, scopes ...string) (int, map[string]any) {
	t.Helper()
	status, _, m := f.call(t, http.MethodPost, server.PersonalAccessTokensPath, idToken, url.Values{"organization_id": {f.org}, "name": {name}, "scope": scopes})
	if tok, ok := m["token"].(string); ok {
		f.secret = append(f.secret, tok)
	}
	return status, m
}

func (f *idpFx) checkLogs(t *testing.T) {
	t.Helper()
	logs := f.logs.String()
	for _, s := range f.secret {
		if strings.Contains(logs, s) {
			t.Fatalf("a secret appeared in the logs: %.12s…", s)
		}
		// The secret part of a token on its own, too.
		if parts := strings.Split(s, "."); len(parts) == 3 && strings.Contains(logs, parts[2]) {
			t.Fatalf("the secret part of a token appeared in the logs")
		}
	}
}

func TestIdentityProviderConfiguration(t *testing.T) {
	f := newIDPFx(t, wmsvc.SignInOptions{})
	t.Cleanup(func() { f.checkLogs(t) })
	wm := f.wm

	t.Run("op=CreateIdentityCenterApplication", func(t *testing.T) {
		app := f.app(t, idpInstance)
		if !regexp.MustCompile(`^arn:aws:sso::` + f.e.AccountID + `:application/ssoins-1111222233334444/apl-[a-zA-Z0-9]{16}$`).MatchString(app) {
			t.Fatalf("application ARN %s", app)
		}
		_, err := wm.CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("x"),
			InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-0000000000000000")})
		testenv.APIError(t, err, "InvalidParameterException", 400)
		_, err = wm.CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("x"), InstanceArn: aws.String("arn:aws:sso:::instance/nope")})
		testenv.APIError(t, err, "InvalidParameterException", 400)
		tok := "ct-" + impRnd()
		in := &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("same"), InstanceArn: aws.String(idpInstance), ClientToken: &tok}
		a1, err := wm.CreateIdentityCenterApplication(f.ctx, in)
		impMust(t, err)
		a2, err := wm.CreateIdentityCenterApplication(f.ctx, in)
		impMust(t, err)
		if *a1.ApplicationArn != *a2.ApplicationArn {
			t.Fatalf("a replayed client token made two applications: %s %s", *a1.ApplicationArn, *a2.ApplicationArn)
		}
		in.Name = aws.String("other")
		_, err = wm.CreateIdentityCenterApplication(f.ctx, in)
		testenv.APIError(t, err, "InvalidParameterException", 400)
	})

	t.Run("op=DescribeIdentityProviderConfiguration/case=none", func(t *testing.T) {
		_, err := wm.DescribeIdentityProviderConfiguration(f.ctx, &workmail.DescribeIdentityProviderConfigurationInput{OrganizationId: &f.org})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		_, err = wm.DescribeIdentityProviderConfiguration(f.ctx, &workmail.DescribeIdentityProviderConfigurationInput{OrganizationId: aws.String("m-" + strings.Repeat("0", 32))})
		testenv.APIError(t, err, "OrganizationNotFoundException", 400)
	})

	t.Run("op=PutIdentityProviderConfiguration/case=bad input", func(t *testing.T) {
		app := f.app(t, idpInstance)
		app2 := f.app(t, idpInstance2)
		put := func(org, instance, app string, days *int32) error {
			_, err := wm.PutIdentityProviderConfiguration(f.ctx, &workmail.PutIdentityProviderConfigurationInput{OrganizationId: aws.String(org),
				AuthenticationMode:               types.IdentityProviderAuthenticationModeIdentityProviderOnly,
				IdentityCenterConfiguration:      &types.IdentityCenterConfiguration{InstanceArn: aws.String(instance), ApplicationArn: aws.String(app)},
				PersonalAccessTokenConfiguration: &types.PersonalAccessTokenConfiguration{Status: types.PersonalAccessTokenConfigurationStatusActive, LifetimeInDays: days}})
			return err
		}
		testenv.APIError(t, put("m-"+strings.Repeat("a", 32), idpInstance, app, nil), "OrganizationNotFoundException", 400)
		testenv.APIError(t, put(f.org, "arn:aws:sso:::instance/bad", app, nil), "InvalidParameterException", 400)
		testenv.APIError(t, put(f.org, idpInstance, "arn:aws:sso::123:application/x", nil), "InvalidParameterException", 400)
		testenv.APIError(t, put(f.org, "arn:aws:sso:::instance/ssoins-0000000000000000", app, nil), "ResourceNotFoundException", 400)
		unknownApp := "arn:aws:sso::" + f.e.AccountID + ":application/ssoins-1111222233334444/apl-0000000000000000"
		testenv.APIError(t, put(f.org, idpInstance, unknownApp, nil), "ResourceNotFoundException", 400)
		testenv.APIError(t, put(f.org, idpInstance, app2, nil), "InvalidParameterException", 400)
		testenv.APIError(t, put(f.org, idpInstance, app, aws.Int32(0)), "InvalidParameterException", 400)
		testenv.APIError(t, put(f.org, idpInstance, app, aws.Int32(3654)), "InvalidParameterException", 400)
		// An application of another Region is unknown here.
		cfg := f.e.AWSConfig()
		cfg.Region = "eu-west-1"
		other, err := workmail.NewFromConfig(cfg).CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("eu"), InstanceArn: aws.String(idpInstance)})
		impMust(t, err)
		testenv.APIError(t, put(f.org, idpInstance, *other.ApplicationArn, nil), "ResourceNotFoundException", 400)
		// The bounds themselves are fine.
		impMust(t, put(f.org, idpInstance, app, aws.Int32(1)))
		impMust(t, put(f.org, idpInstance, app, aws.Int32(3653)))
		_, err = wm.DeleteIdentityProviderConfiguration(f.ctx, &workmail.DeleteIdentityProviderConfigurationInput{OrganizationId: &f.org})
		impMust(t, err)
	})

	t.Run("op=PutIdentityProviderConfiguration/case=lifecycle", func(t *testing.T) {
		app := f.app(t, idpInstance)
		impMust(t, f.put(t, app, types.IdentityProviderAuthenticationModeIdentityProviderAndDirectory, types.PersonalAccessTokenConfigurationStatusActive, 30))
		got, err := wm.DescribeIdentityProviderConfiguration(f.ctx, &workmail.DescribeIdentityProviderConfigurationInput{OrganizationId: &f.org})
		impMust(t, err)
		if got.AuthenticationMode != types.IdentityProviderAuthenticationModeIdentityProviderAndDirectory ||
			*got.IdentityCenterConfiguration.InstanceArn != idpInstance || *got.IdentityCenterConfiguration.ApplicationArn != app ||
			got.PersonalAccessTokenConfiguration.Status != types.PersonalAccessTokenConfigurationStatusActive || *got.PersonalAccessTokenConfiguration.LifetimeInDays != 30 {
			t.Fatalf("describe: %+v %+v %+v", got, got.IdentityCenterConfiguration, got.PersonalAccessTokenConfiguration)
		}
		impMust(t, f.put(t, app, types.IdentityProviderAuthenticationModeIdentityProviderOnly, types.PersonalAccessTokenConfigurationStatusInactive, 0))
		got, err = wm.DescribeIdentityProviderConfiguration(f.ctx, &workmail.DescribeIdentityProviderConfigurationInput{OrganizationId: &f.org})
		impMust(t, err)
		if got.AuthenticationMode != types.IdentityProviderAuthenticationModeIdentityProviderOnly ||
			got.PersonalAccessTokenConfiguration.Status != types.PersonalAccessTokenConfigurationStatusInactive || got.PersonalAccessTokenConfiguration.LifetimeInDays != nil {
			t.Fatalf("describe after replace: %+v %+v", got, got.PersonalAccessTokenConfiguration)
		}

		// Users report the identity store of the instance.
		d, err := wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &f.org, UserId: &f.alice})
		impMust(t, err)
		if aws.ToString(d.IdentityProviderUserId) != idpAliceSub || !regexp.MustCompile(`^d-[0-9a-f]{10}$`).MatchString(aws.ToString(d.IdentityProviderIdentityStoreId)) {
			t.Fatalf("describe user: %v %v", aws.ToString(d.IdentityProviderUserId), aws.ToString(d.IdentityProviderIdentityStoreId))
		}
		lu, err := wm.ListUsers(f.ctx, &workmail.ListUsersInput{OrganizationId: &f.org})
		impMust(t, err)
		for _, u := range lu.Users {
			if aws.ToString(u.IdentityProviderIdentityStoreId) != aws.ToString(d.IdentityProviderIdentityStoreId) {
				t.Fatalf("list users: %s has %v", *u.Name, aws.ToString(u.IdentityProviderIdentityStoreId))
			}
		}
		_, err = wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: &f.org, UserId: &f.bob, IdentityProviderUserId: aws.String(idpUnknownSub)})
		impMust(t, err)
		d, _ = wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &f.org, UserId: &f.bob})
		if aws.ToString(d.IdentityProviderUserId) != idpUnknownSub {
			t.Fatalf("update user: %v", aws.ToString(d.IdentityProviderUserId))
		}
		_, err = wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: &f.org, UserId: &f.bob, IdentityProviderUserId: aws.String(idpBobSub)})
		impMust(t, err)

		// The application in use cannot go.
		_, err = wm.DeleteIdentityCenterApplication(f.ctx, &workmail.DeleteIdentityCenterApplicationInput{ApplicationArn: &app})
		testenv.APIError(t, err, "OrganizationStateException", 400)
		for range 2 {
			_, err = wm.DeleteIdentityProviderConfiguration(f.ctx, &workmail.DeleteIdentityProviderConfigurationInput{OrganizationId: &f.org})
			impMust(t, err)
		}
		_, err = wm.DescribeIdentityProviderConfiguration(f.ctx, &workmail.DescribeIdentityProviderConfigurationInput{OrganizationId: &f.org})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		d, _ = wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: &f.org, UserId: &f.alice})
		if d.IdentityProviderIdentityStoreId != nil {
			t.Fatal("identity store reported without a configuration")
		}
		for range 2 {
			_, err = wm.DeleteIdentityCenterApplication(f.ctx, &workmail.DeleteIdentityCenterApplicationInput{ApplicationArn: &app})
			impMust(t, err)
		}
		testenv.APIError(t, f.put(t, app, types.IdentityProviderAuthenticationModeIdentityProviderOnly, types.PersonalAccessTokenConfigurationStatusActive, 0),
			"ResourceNotFoundException", 400)
	})

	t.Run("op=PersonalAccessTokens/case=bad input", func(t *testing.T) {
		_, err := wm.GetPersonalAccessTokenMetadata(f.ctx, &workmail.GetPersonalAccessTokenMetadataInput{OrganizationId: &f.org, PersonalAccessTokenId: aws.String("nope")})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		_, err = wm.DeletePersonalAccessToken(f.ctx, &workmail.DeletePersonalAccessTokenInput{OrganizationId: &f.org, PersonalAccessTokenId: aws.String("nope")})
		impMust(t, err)
		_, err = wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, UserId: aws.String("nobody")})
		testenv.APIError(t, err, "EntityNotFoundException", 400)
		// A user of another organization.
		alias := "idp-" + impRnd()
		o2, err := wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: &alias})
		impMust(t, err)
		u2, err := wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: o2.OrganizationId, Name: aws.String("carol"), DisplayName: aws.String("c")})
		impMust(t, err)
		_, err = wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: &f.org, UserId: u2.UserId})
		testenv.APIError(t, err, "EntityNotFoundException", 400)
		_, err = wm.ListPersonalAccessTokens(f.ctx, &workmail.ListPersonalAccessTokensInput{OrganizationId: aws.String("m-" + strings.Repeat("b", 32))})
		testenv.APIError(t, err, "OrganizationNotFoundException", 400)
		_, err = wm.GetPersonalAccessTokenMetadata(f.ctx, &workmail.GetPersonalAccessTokenMetadataInput{OrganizationId: &f.org, PersonalAccessTokenId: aws.String("bad token!")})
		testenv.APIError(t, err, "InvalidParameterException", 400)
	})
}

// DeleteOrganization with DeleteIdentityCenterApplication removes the
// application the organization's configuration names.
func TestDeleteOrganizationDeletesApplication(t *testing.T) {
	f := newIDPFx(t, wmsvc.SignInOptions{})
	app := f.app(t, idpInstance)
	impMust(t, f.put(t, app, types.IdentityProviderAuthenticationModeIdentityProviderAndDirectory, types.PersonalAccessTokenConfigurationStatusActive, 30))
	_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &f.org, DeleteDirectory: true, ForceDelete: true, DeleteIdentityCenterApplication: true})
	impMust(t, err)
	// The application is gone: a new organization cannot name it.
	g := newIDPFx(t, wmsvc.SignInOptions{})
	testenv.APIError(t, g.put(t, app, types.IdentityProviderAuthenticationModeIdentityProviderOnly, types.PersonalAccessTokenConfigurationStatusActive, 0), "ResourceNotFoundException", 400)
}
