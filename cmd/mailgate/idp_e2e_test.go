package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/mailgate/mailgate/internal/testenv"
)

// TestIdentityProviderWithAWSCLI configures the identity provider with
// the aws CLI against the real binary, pointed at a real OIDC issuer run
// by the test; then a mailbox user signs in with an ID token, creates a
// personal access token, uses it at the sign-in and introspection
// endpoints, and sees it listed with DateLastUsed; the modes and the
// token status change what works. (Token expiry, which needs the
// service's clock, is tested in internal/workmail.)
func TestIdentityProviderWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	awsPath := requireAWSCLI(t)
	const keyID, secret = "AKIAIDENTITYPROVIDER", "identity/provider/e2e/secret/key/0123456"
	const instance, clientID = "arn:aws:sso:::instance/ssoins-e2e0e2e0e2e0e2e0", "mailgate-e2e"
	const password, sub = "Corr3ct-Horse-Battery!", "0e2e0e2e-0000-4000-8000-00000000a11c"
	iss := testenv.NewOIDCIssuer(t)
	srv := startServer(t, buildBinary(t), "--data-dir", t.TempDir(), "--root-access-key-id", keyID, "--root-secret-access-key", secret,
		"--mode", "test", "--signature-check", "strict", // for its clock; signatures and policies as in the default mode
		"--log-level", "debug", "--oidc-issuer", iss.URL, "--oidc-client-id", clientID, "--oidc-instance-arn", instance)
	defer srv.stop(t)
	env := awsCLIEnv(keyID, secret)
	cli := func(args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append([]string{"workmail", "--endpoint-url", srv.endpoint}, args...)...)
	}
	call := func(method, path, bearer string, form url.Values) (int, map[string]any) {
		t.Helper()
		var body io.Reader
		target := srv.endpoint + path
		if method == http.MethodGet {
			target += "?" + form.Encode()
		} else {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, target, body)
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m := map[string]any{}
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}

	alias := fmt.Sprintf("idp-e2e-%d", time.Now().UnixNano()%1000000)
	org := cli("create-organization", "--alias", alias)["OrganizationId"].(string)
	user := cli("create-user", "--organization-id", org, "--name", "alice", "--display-name", "Alice", "--password", password,
		"--identity-provider-user-id", sub)["UserId"].(string)
	cli("register-to-work-mail", "--organization-id", org, "--entity-id", user, "--email", "alice@"+alias+".awsapps.com")

	app := cli("create-identity-center-application", "--name", "workmail", "--instance-arn", instance)["ApplicationArn"].(string)
	put := func(mode, status string) {
		t.Helper()
		cli("put-identity-provider-configuration", "--organization-id", org, "--authentication-mode", mode,
			"--identity-center-configuration", "InstanceArn="+instance+",ApplicationArn="+app,
			"--personal-access-token-configuration", "Status="+status+",LifetimeInDays=30")
	}
	put("IDENTITY_PROVIDER_AND_DIRECTORY", "ACTIVE")
	got := cli("describe-identity-provider-configuration", "--organization-id", org)
	if got["AuthenticationMode"] != "IDENTITY_PROVIDER_AND_DIRECTORY" || got["IdentityCenterConfiguration"].(map[string]any)["ApplicationArn"] != app ||
		got["PersonalAccessTokenConfiguration"].(map[string]any)["LifetimeInDays"] != float64(30) {
		t.Fatalf("describe-identity-provider-configuration: %v", got)
	}
	if d := cli("describe-user", "--organization-id", org, "--user-id", user); d["IdentityProviderUserId"] != sub || d["IdentityProviderIdentityStoreId"] == nil {
		t.Fatalf("describe-user: %v", d)
	}

	signIn := func(form url.Values) (int, map[string]any) {
		form.Set("organization_id", org)
		return call(http.MethodPost, "/_mailgate/v1/signin", "", form)
	}
	if status, m := signIn(url.Values{"username": {"alice"}, "password": {password}}); status != 200 || m["method"] != "password" {
		t.Fatalf("password sign-in: %d %v", status, m)
	}
	idToken := iss.IDToken(t, testenv.Claims{Subject: sub, Audience: []string{clientID}})
	if status, m := signIn(url.Values{"id_token": {idToken}}); status != 200 || m["user_id"] != user || m["method"] != "id_token" {
		t.Fatalf("ID token sign-in: %d %v", status, m)
	}
	status, created := call(http.MethodPost, "/_mailgate/v1/personal-access-tokens", idToken, url.Values{"organization_id": {org}, "name": {"laptop"}, "scope": {"imap"}})
	if status != 200 {
		t.Fatalf("create token: %d %v", status, created)
	}
	pat, patID := created["token"].(string), created["personal_access_token_id"].(string)
	if status, m := signIn(url.Values{"username": {"alice@" + alias + ".awsapps.com"}, "password": {pat}}); status != 200 || m["method"] != "personal_access_token" {
		t.Fatalf("PAT sign-in: %d %v", status, m)
	}

	introspect := func(token string) map[string]any {
		t.Helper()
		body := url.Values{"token": {token}, "mailbox": {"alice"}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, srv.endpoint+"/_mailgate/v1/impersonation/introspect", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, req,
			hex.EncodeToString(sum[:]), "workmail", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m := map[string]any{}
		json.NewDecoder(resp.Body).Decode(&m)
		return m
	}
	if m := introspect(pat); m["active"] != true || m["user_id"] != user || m["mailbox_allowed"] != true || m["token_kind"] != "personal_access_token" {
		t.Fatalf("introspect PAT: %v", m)
	}
	list := cli("list-personal-access-tokens", "--organization-id", org, "--user-id", "alice")["PersonalAccessTokenSummaries"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["PersonalAccessTokenId"] != patID || list[0].(map[string]any)["DateLastUsed"] == nil ||
		list[0].(map[string]any)["ExpiresTime"] == nil {
		t.Fatalf("list-personal-access-tokens: %v", list)
	}
	if m := cli("get-personal-access-token-metadata", "--organization-id", org, "--personal-access-token-id", patID); m["Name"] != "laptop" {
		t.Fatalf("get-personal-access-token-metadata: %v", m)
	}

	// IDENTITY_PROVIDER_ONLY refuses the directory password.
	put("IDENTITY_PROVIDER_ONLY", "ACTIVE")
	if status, m := signIn(url.Values{"username": {"alice"}, "password": {password}}); status != 401 || m["error"] != "invalid_grant" {
		t.Fatalf("password in IDENTITY_PROVIDER_ONLY: %d %v", status, m)
	}
	if status, _ := signIn(url.Values{"username": {"alice"}, "password": {pat}}); status != 200 {
		t.Fatalf("PAT in IDENTITY_PROVIDER_ONLY: %d", status)
	}
	// INACTIVE refuses the token, at sign-in and at introspection.
	put("IDENTITY_PROVIDER_ONLY", "INACTIVE")
	if status, _ := signIn(url.Values{"username": {"alice"}, "password": {pat}}); status != 401 {
		t.Fatalf("PAT while INACTIVE: %d", status)
	}
	if m := introspect(pat); m["active"] != false || len(m) != 1 {
		t.Fatalf("introspect while INACTIVE: %v", m)
	}
	// An expired token is refused: the test mode's clock moves past the
	// 30-day lifetime in force when the token was made.
	put("IDENTITY_PROVIDER_ONLY", "ACTIVE")
	if m := introspect(pat); m["active"] != true {
		t.Fatalf("introspect once ACTIVE again: %v", m)
	}
	resp, err := http.PostForm(srv.endpoint+"/_mailgate/clock", url.Values{"advance": {"721h"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("advance the clock: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, _ := signIn(url.Values{"username": {"alice"}, "password": {pat}}); status != 401 {
		t.Fatalf("expired PAT at sign-in: %d", status)
	}
	if m := introspect(pat); m["active"] != false || len(m) != 1 {
		t.Fatalf("introspect an expired PAT: %v", m)
	}
	cli("delete-personal-access-token", "--organization-id", org, "--personal-access-token-id", patID)
	cli("delete-identity-provider-configuration", "--organization-id", org)
	cli("delete-identity-center-application", "--application-arn", app)

	logs := srv.stderrSoFar()
	for name, s := range map[string]string{"password": password, "personal access token": pat, "its secret": strings.SplitN(pat, ".", 3)[2], "ID token": idToken,
		"ID token signature": idToken[strings.LastIndexByte(idToken, '.')+1:]} {
		if strings.Contains(logs, s) {
			t.Fatalf("the %s appeared in the server's logs", name)
		}
	}
}
