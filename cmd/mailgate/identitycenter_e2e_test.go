package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/testenv"
)

// identityCenterDataPath lays out the embedded models of WorkMail,
// sso-admin and identitystore for AWS_DATA_PATH: the AWS CLIs of Debian
// 12 predate CreateInstance and WorkMail's Identity Center operations.
func identityCenterDataPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, svc := range []string{"workmail/2017-10-01", "sso-admin/2020-07-20", "identitystore/2020-06-15"} {
		name := strings.SplitN(svc, "/", 2)[0]
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "model", "specs", name, "service-2.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, svc), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, svc, "service-2.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestIdentityCenterWithAWSCLI runs seed 003 with the aws CLI alone, on a
// fresh server: an Identity Center instance from sso-admin, a user of its
// identity store, then WorkMail's application, identity provider
// configuration and a mailbox user whose IdentityProviderUserId is the
// identity store's UserId. Restarted with an issuer bound to the
// instance, the server signs that user in with an ID token.
func TestIdentityCenterWithAWSCLI(t *testing.T) {
	requireAWSCLI(t)
	clis := awsCLIs(t)
	dataPath := identityCenterDataPath(t)
	bin := buildBinary(t)
	for _, c := range clis {
		t.Run("cli="+c.version, func(t *testing.T) { seed003(t, bin, c.path, dataPath) })
	}
}

func seed003(t *testing.T, bin, awsPath, dataPath string) {
	const keyID, secret = "AKIAIDENTITYCENTERE2", "identity/center/e2e/secret/key/012345678"
	dataDir := t.TempDir()
	args := []string{"--data-dir", dataDir, "--root-access-key-id", keyID, "--root-secret-access-key", secret}
	srv := startServer(t, bin, args...)
	env := append(awsCLIEnv(keyID, secret), "AWS_DATA_PATH="+dataPath)
	cli := func(args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append(args, "--endpoint-url", srv.endpoint)...)
	}

	instance := cli("sso-admin", "create-instance", "--name", "corp")["InstanceArn"].(string)
	if !strings.HasPrefix(instance, "arn:aws:sso:::instance/ssoins-") {
		t.Fatalf("create-instance: %s", instance)
	}
	listed := cli("sso-admin", "list-instances")["Instances"].([]any)
	if len(listed) != 1 || listed[0].(map[string]any)["InstanceArn"] != instance || listed[0].(map[string]any)["Status"] != "ACTIVE" {
		t.Fatalf("list-instances: %v", listed)
	}
	storeID := cli("sso-admin", "describe-instance", "--instance-arn", instance)["IdentityStoreId"].(string)
	userID := cli("identitystore", "create-user", "--identity-store-id", storeID, "--user-name", "alice", "--display-name", "Alice Doe",
		"--name", "GivenName=Alice,FamilyName=Doe", "--emails", "Value=alice@example.com,Primary=true")["UserId"].(string)
	if u := cli("identitystore", "describe-user", "--identity-store-id", storeID, "--user-id", userID); u["UserName"] != "alice" {
		t.Fatalf("describe-user: %v", u)
	}
	if l := cli("identitystore", "list-users", "--identity-store-id", storeID, "--filters", "AttributePath=UserName,AttributeValue=alice")["Users"].([]any); len(l) != 1 {
		t.Fatalf("list-users: %v", l)
	}

	alias := fmt.Sprintf("idc-e2e-%d", time.Now().UnixNano()%1000000)
	org := cli("workmail", "create-organization", "--alias", alias)["OrganizationId"].(string)
	user := cli("workmail", "create-user", "--organization-id", org, "--name", "alice", "--display-name", "Alice")["UserId"].(string)
	cli("workmail", "register-to-work-mail", "--organization-id", org, "--entity-id", user, "--email", "alice@"+alias+".awsapps.com")
	app := cli("workmail", "create-identity-center-application", "--name", "workmail", "--instance-arn", instance)["ApplicationArn"].(string)
	cli("workmail", "put-identity-provider-configuration", "--organization-id", org, "--authentication-mode", "IDENTITY_PROVIDER_AND_DIRECTORY",
		"--identity-center-configuration", "InstanceArn="+instance+",ApplicationArn="+app,
		"--personal-access-token-configuration", "Status=ACTIVE,LifetimeInDays=30")
	if got := cli("workmail", "describe-identity-provider-configuration", "--organization-id", org); got["IdentityCenterConfiguration"].(map[string]any)["InstanceArn"] != instance {
		t.Fatalf("describe-identity-provider-configuration: %v", got)
	}
	// The IdentityProviderUserId is a user of the instance's identity store.
	if msg := awsFails(t, awsPath, env, "workmail", "update-user", "--organization-id", org, "--user-id", user,
		"--identity-provider-user-id", "0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "--endpoint-url", srv.endpoint); !strings.Contains(msg, "InvalidParameterException") {
		t.Fatalf("update-user with a stranger: %s", msg)
	}
	cli("workmail", "update-user", "--organization-id", org, "--user-id", user, "--identity-provider-user-id", userID)
	if d := cli("workmail", "describe-user", "--organization-id", org, "--user-id", user); d["IdentityProviderUserId"] != userID || d["IdentityProviderIdentityStoreId"] != storeID {
		t.Fatalf("describe-user: %v", d)
	}
	srv.stop(t)

	// The instance's sign-in: an issuer bound to it in the configuration.
	iss := testenv.NewOIDCIssuer(t)
	srv = startServer(t, bin, append(args, "--identity-center-issuer", instance+"="+iss.URL+",client-id=workmail-e2e")...)
	defer srv.stop(t)
	signIn := func(token string) (int, map[string]any) {
		resp, err := http.PostForm(srv.endpoint+"/_mailgate/v1/signin", url.Values{"organization_id": {org}, "id_token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		m := map[string]any{}
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if status, m := signIn(iss.IDToken(t, testenv.Claims{Subject: userID, Audience: []string{"workmail-e2e"}})); status != 200 || m["user_id"] != user {
		t.Fatalf("ID token sign-in: %d %v", status, m)
	}
	if status, _ := signIn(iss.IDToken(t, testenv.Claims{Subject: userID, Audience: []string{"someone-else"}})); status != 401 {
		t.Fatalf("ID token for another audience: %d", status)
	}
	if msg := awsFails(t, awsPath, env, "sso-admin", "create-instance", "--endpoint-url", srv.endpoint); !strings.Contains(msg, "ServiceQuotaExceededException") {
		t.Fatalf("second create-instance: %s", msg)
	}
}

// TestIdentityCenterTestMode: in test mode any well-formed instance ARN
// is an instance, created on first use.
func TestIdentityCenterTestMode(t *testing.T) {
	awsPath := requireAWSCLI(t)
	srv := startServer(t, buildBinary(t), "--data-dir", t.TempDir(), "--mode", "test")
	defer srv.stop(t)
	env := append(awsCLIEnv("AKIAANYTHINGGOES0001", "any/secret"), "AWS_DATA_PATH="+identityCenterDataPath(t))
	cli := func(args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append(args, "--endpoint-url", srv.endpoint)...)
	}
	const instance = "arn:aws:sso:::instance/ssoins-7777777777777777"
	if app := cli("workmail", "create-identity-center-application", "--name", "wm", "--instance-arn", instance)["ApplicationArn"].(string); !strings.Contains(app, "ssoins-7777777777777777") {
		t.Fatalf("create-identity-center-application: %s", app)
	}
	d := cli("sso-admin", "describe-instance", "--instance-arn", instance)
	storeID, _ := d["IdentityStoreId"].(string)
	if d["Status"] != "ACTIVE" || !strings.HasPrefix(storeID, "d-") {
		t.Fatalf("describe-instance: %v", d)
	}
	cli("identitystore", "create-user", "--identity-store-id", storeID, "--user-name", "bob", "--display-name", "Bob")
}

func TestIdentityCenterIssuerFlag(t *testing.T) {
	const a, b = "arn:aws:sso:::instance/ssoins-1111111111111111", "arn:aws:sso:::instance/ssoins-2222222222222222"
	var f idpFlags
	if err := f.issuers.Set(a + "=https://idp.example.com/realms/mail,client-id=mailgate"); err != nil {
		t.Fatal(err)
	}
	if err := f.issuers.Set(b + "=https://login.example.org,client-id=mg,audience=mail,user-claim=oid"); err != nil {
		t.Fatal(err)
	}
	if err := f.check(); err != nil {
		t.Fatal(err)
	}
	ps := f.providers()
	if len(ps) != 2 || ps[0].InstanceARN != a || ps[0].ClientID != "mailgate" || ps[1].Audience != "mail" || ps[1].UserClaim != "oid" {
		t.Fatalf("%+v", ps)
	}
	for _, bad := range []string{a, "https://idp.example.com", a + "=ftp://x", a + "=https://x,colour=blue", b + "=https://other"} {
		if err := f.issuers.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Several in one value, as the environment twin carries them.
	var g issuerBindings
	if err := g.Set(a + "=https://x,client-id=c " + b + "=https://y,audience=d"); err != nil || len(g) != 2 {
		t.Fatalf("%v %v", g, err)
	}
}
