package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestPolicyEngineWithAWSCLI drives the policy engine and STS with the
// aws CLI against the binary: a user without a policy is denied
// workmail:AssumeImpersonationRole and allowed once a policy grants it; a
// role whose trust policy names someone else cannot be assumed;
// --duration-seconds beyond the role's maximum is refused; credentials
// from sts assume-role carry the role's permissions capped by the session
// policy; and revoking older sessions takes effect.
func TestPolicyEngineWithAWSCLI(t *testing.T) {
	awsPath := requireAWSCLI(t)
	bin := buildBinary(t)
	const account = "123456789012"
	root := creds{"AKIAE2EPOLICYROOT001", "e2e-policy-root-secret-00000000000000000", ""}
	t.Setenv("MAILGATE_ROOT_ACCESS_KEY_ID", root.id)
	t.Setenv("MAILGATE_ROOT_SECRET_ACCESS_KEY", root.secret)
	t.Setenv("MAILGATE_ACCOUNT_ID", account)
	t.Setenv("MAILGATE_DATA_DIR", t.TempDir())
	t.Setenv("MAILGATE_ENFORCEMENT", "strict")
	srv := startServer(t, bin)
	defer srv.stop(t)

	run := func(c creds, args ...string) (map[string]any, string, error) {
		cmd := exec.Command(awsPath, append([]string{"--endpoint-url", srv.endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = filterEnv(os.Environ(), "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+c.id, "AWS_SECRET_ACCESS_KEY="+c.secret, "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard")
		if c.token != "" {
			cmd.Env = append(cmd.Env, "AWS_SESSION_TOKEN="+c.token)
		}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		m := map[string]any{}
		if err == nil && strings.TrimSpace(out.String()) != "" {
			if jerr := json.Unmarshal([]byte(out.String()), &m); jerr != nil {
				t.Fatalf("aws %v: %v\n%s", args, jerr, out.String())
			}
		}
		return m, errb.String(), err
	}
	ok := func(c creds, args ...string) map[string]any {
		t.Helper()
		m, stderr, err := run(c, args...)
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr)
		}
		return m
	}
	fails := func(c creds, code string, args ...string) string {
		t.Helper()
		_, stderr, err := run(c, args...)
		if err == nil || !strings.Contains(stderr, "("+code+")") {
			t.Fatalf("aws %v: want %s, got %v\n%s", args, code, err, stderr)
		}
		return stderr
	}
	str := func(m map[string]any, path ...string) string {
		var x any = m
		for _, p := range path {
			x = x.(map[string]any)[p]
		}
		return x.(string)
	}

	// An organization and an impersonation role, made by the root.
	org := str(ok(root, "workmail", "create-organization", "--alias", "policy-e2e"), "OrganizationId")
	imp := str(ok(root, "workmail", "create-impersonation-role", "--organization-id", org, "--name", "reader", "--type", "READ_ONLY", "--rules", "[]"), "ImpersonationRoleId")
	orgArn := "arn:aws:workmail:us-east-1:" + account + ":organization/" + org

	// A user without a policy is denied; a policy allows it.
	ok(root, "iam", "create-user", "--user-name", "alice")
	k := ok(root, "iam", "create-access-key", "--user-name", "alice")["AccessKey"].(map[string]any)
	alice := creds{k["AccessKeyId"].(string), k["SecretAccessKey"].(string), ""}
	stderr := fails(alice, "AccessDeniedException", "workmail", "assume-impersonation-role", "--organization-id", org, "--impersonation-role-id", imp)
	if !strings.Contains(stderr, "User: arn:aws:iam::"+account+":user/alice is not authorized to perform: workmail:AssumeImpersonationRole on resource: "+orgArn) {
		t.Fatalf("denial message: %s", stderr)
	}
	ok(root, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "impersonate", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:AssumeImpersonationRole","Resource":"`+orgArn+`"},
		 {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+account+`:role/*"}]}`)
	if tok := str(ok(alice, "workmail", "assume-impersonation-role", "--organization-id", org, "--impersonation-role-id", imp), "Token"); tok == "" {
		t.Fatal("no token")
	}

	// A role whose trust policy names another principal cannot be assumed.
	ok(root, "iam", "create-user", "--user-name", "bob")
	ok(root, "iam", "create-role", "--role-name", "bobs-role", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+account+`:user/bob"},"Action":"sts:AssumeRole"}]}`)
	fails(alice, "AccessDenied", "sts", "assume-role", "--role-arn", "arn:aws:iam::"+account+":role/bobs-role", "--role-session-name", "nope")

	// A role for alice, at most an hour per session.
	roleArn := "arn:aws:iam::" + account + ":role/ops"
	ok(root, "iam", "create-role", "--role-name", "ops", "--max-session-duration", "3600", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+account+`:user/alice"},"Action":"sts:AssumeRole"}]}`)
	ok(root, "iam", "put-role-policy", "--role-name", "ops", "--policy-name", "perms", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","iam:ListUsers"],"Resource":"*"}]}`)
	stderr = fails(alice, "ValidationError", "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "long", "--duration-seconds", "7200")
	if !strings.Contains(stderr, "exceeds the MaxSessionDuration set for this role") {
		t.Fatal(stderr)
	}

	// Credentials from assume-role: the role's permissions, capped by the
	// session policy.
	assume := func(name string) creds {
		t.Helper()
		out := ok(alice, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", name,
			"--policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","workmail:ListOrganizations"],"Resource":"*"}]}`)
		c := out["Credentials"].(map[string]any)
		if arn := str(out, "AssumedRoleUser", "Arn"); arn != "arn:aws:sts::"+account+":assumed-role/ops/"+name {
			t.Fatalf("assumed role user: %s", arn)
		}
		return creds{c["AccessKeyId"].(string), c["SecretAccessKey"].(string), c["SessionToken"].(string)}
	}
	s1 := assume("session-one")
	if arn := str(ok(s1, "sts", "get-caller-identity"), "Arn"); arn != "arn:aws:sts::"+account+":assumed-role/ops/session-one" {
		t.Fatalf("caller: %s", arn)
	}
	ok(s1, "iam", "list-roles")
	stderr = fails(s1, "AccessDenied", "iam", "list-users") // the role allows it, the session policy does not
	if !strings.Contains(stderr, "because no session policy allows the iam:ListUsers action") {
		t.Fatal(stderr)
	}
	fails(s1, "AccessDeniedException", "workmail", "list-organizations") // the session policy allows it, the role does not
	fails(alice, "AccessDenied", "iam", "list-roles")                    // alice herself may not

	// Revoking older sessions: a Deny on aws:TokenIssueTime before now.
	time.Sleep(1100 * time.Millisecond)
	cut := time.Now().UTC().Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	ok(root, "iam", "put-role-policy", "--role-name", "ops", "--policy-name", "AWSRevokeOlderSessions", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"`+cut+`"}}}]}`)
	stderr = fails(s1, "AccessDenied", "iam", "list-roles")
	if !strings.Contains(stderr, "with an explicit deny in an identity-based policy") {
		t.Fatal(stderr)
	}
	s2 := assume("session-two")
	ok(s2, "iam", "list-roles")

	// The simulator says the same.
	sim := ok(root, "iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::"+account+":user/alice",
		"--action-names", "workmail:AssumeImpersonationRole", "iam:ListRoles", "--resource-arns", orgArn)
	res := sim["EvaluationResults"].([]any)
	if d := res[0].(map[string]any)["EvalDecision"]; d != "allowed" {
		t.Fatalf("simulated AssumeImpersonationRole: %v", res[0])
	}
	if d := res[1].(map[string]any)["EvalDecision"]; d != "implicitDeny" {
		t.Fatalf("simulated ListRoles: %v", res[1])
	}
}

type creds struct{ id, secret, token string }
