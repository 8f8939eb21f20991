package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestImpersonationWithAWSCLI runs the flow of the WorkMail guide on
// impersonation roles with the aws CLI against the real binary: rules
// written in shorthand and in JSON, the effect check, AssumeImpersonationRole,
// and a mail front end checking the token at the introspection endpoint,
// with curl as docs/impersonation.md shows and with a Go SigV4 signer.
func TestImpersonationWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	awsPath := requireAWSCLI(t)
	const keyID, secret = "AKIAIMPERSONATIONE2E", "impersonation/e2e/secret/key/0123456789ab"
	srv := startServer(t, buildBinary(t), "--data-dir", t.TempDir(), "--root-access-key-id", keyID, "--root-secret-access-key", secret)
	defer srv.stop(t)
	env := awsCLIEnv(keyID, secret)
	cli := func(args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append([]string{"workmail", "--endpoint-url", srv.endpoint}, args...)...)
	}

	alias := fmt.Sprintf("imp-e2e-%d", time.Now().UnixNano()%1000000)
	domain := alias + ".awsapps.com"
	org := cli("create-organization", "--alias", alias)["OrganizationId"].(string)
	for _, name := range []string{"alice", "bob", "carol"} {
		id := cli("create-user", "--organization-id", org, "--name", name, "--display-name", name)["UserId"].(string)
		cli("register-to-work-mail", "--organization-id", org, "--entity-id", id, "--email", name+"@"+domain)
	}
	role := cli("create-impersonation-role", "--organization-id", org, "--name", "mail-archiver", "--type", "READ_ONLY",
		"--rules", "[]")["ImpersonationRoleId"].(string)

	effect := func(target string) (string, []any) {
		t.Helper()
		out := cli("get-impersonation-role-effect", "--organization-id", org, "--impersonation-role-id", role, "--target-user", target)
		rules, _ := out["MatchedRules"].([]any)
		return out["Effect"].(string), rules
	}

	// Rules in shorthand syntax.
	cli("update-impersonation-role", "--organization-id", org, "--impersonation-role-id", role, "--name", "mail-archiver", "--type", "FULL_ACCESS",
		"--rules", "ImpersonationRuleId=r1,Effect=ALLOW,TargetUsers=alice", "ImpersonationRuleId=r2,Effect=DENY,TargetUsers=bob")
	if e, rules := effect("alice"); e != "ALLOW" || len(rules) != 1 || rules[0].(map[string]any)["ImpersonationRuleId"] != "r1" {
		t.Fatalf("alice after shorthand rules: %s %v", e, rules)
	}
	if e, _ := effect("bob@" + domain); e != "DENY" {
		t.Fatalf("bob after shorthand rules: %s", e)
	}
	if e, rules := effect("carol"); e != "DENY" || len(rules) != 0 {
		t.Fatalf("carol after shorthand rules: %s %v", e, rules)
	}

	// Rules in JSON: everyone but bob.
	cli("update-impersonation-role", "--organization-id", org, "--impersonation-role-id", role, "--name", "mail-archiver", "--type", "FULL_ACCESS",
		"--rules", `[{"ImpersonationRuleId":"everyone","Name":"Everyone","Effect":"ALLOW","NotTargetUsers":["bob"]},
		            {"ImpersonationRuleId":"not-bob","Effect":"DENY","TargetUsers":["bob@`+domain+`"]}]`)
	got := cli("get-impersonation-role", "--organization-id", org, "--impersonation-role-id", role)
	if got["Type"] != "FULL_ACCESS" || len(got["Rules"].([]any)) != 2 {
		t.Fatalf("get-impersonation-role: %v", got)
	}
	for target, want := range map[string]string{"alice": "ALLOW", "carol@" + domain: "ALLOW", "bob": "DENY"} {
		if e, _ := effect(target); e != want {
			t.Fatalf("%s after JSON rules: %s, want %s", target, e, want)
		}
	}

	assumed := cli("assume-impersonation-role", "--organization-id", org, "--impersonation-role-id", role)
	token := assumed["Token"].(string)
	if assumed["ExpiresIn"].(float64) != 900 || token == "" {
		t.Fatalf("assume-impersonation-role: %v", assumed)
	}
	if strings.Contains(srv.stderrSoFar(), token) || strings.Contains(srv.stderrSoFar(), strings.SplitN(token, ".", 3)[2]) {
		t.Fatal("the token appeared in the server's logs")
	}

	// The mail front end asks whether the token may open a mailbox.
	introspectors := map[string]func(mailbox string) map[string]any{
		"go": func(mailbox string) map[string]any {
			body := url.Values{"token": {token}, "mailbox": {mailbox}}.Encode()
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
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			return m
		},
	}
	if curl, err := exec.LookPath("curl"); err == nil {
		introspectors["curl"] = func(mailbox string) map[string]any {
			// As in docs/impersonation.md.
			cmd := exec.Command(curl, "-sS", "--aws-sigv4", "aws:amz:us-east-1:workmail", "--user", keyID+":"+secret,
				"--data-urlencode", "token="+token, "--data-urlencode", "mailbox="+mailbox,
				srv.endpoint+"/_mailgate/v1/impersonation/introspect")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("curl: %v\n%s", err, out)
			}
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("curl: %v\n%s", err, out)
			}
			return m
		}
	}
	for name, introspect := range introspectors {
		if m := introspect("alice@" + domain); m["active"] != true || m["mailbox_allowed"] != true || m["organization_id"] != org ||
			m["impersonation_role_id"] != role || m["role_type"] != "FULL_ACCESS" {
			t.Fatalf("%s: allowed mailbox: %v", name, m)
		}
		if m := introspect("bob"); m["active"] != true || m["mailbox_allowed"] != false {
			t.Fatalf("%s: denied mailbox: %v", name, m)
		}
	}

	// Deleting the role revokes the token.
	cli("delete-impersonation-role", "--organization-id", org, "--impersonation-role-id", role)
	if m := introspectors["go"]("alice"); m["active"] != false {
		t.Fatalf("token of a deleted role: %v", m)
	}
}
