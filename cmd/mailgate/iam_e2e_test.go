package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIAMModifyRoleWithAWSCLI runs the IAM user guide's "Modifying a role
// (AWS CLI)" procedure against the binary with the aws CLI: list roles,
// view and replace a trust policy naming two other accounts' roots, give
// a user the minimal AssumeRole permissions policy, list the role's
// inline and managed policies, update a managed policy with a new
// default version and an inline policy, change the description, the
// maximum session duration and the permissions boundary.
func TestIAMModifyRoleWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	awsPath := requireAWSCLI(t)
	bin := buildBinary(t)
	t.Setenv("MAILGATE_ROOT_ACCESS_KEY_ID", "AKIAE2EIAMROOT000001")
	t.Setenv("MAILGATE_ROOT_SECRET_ACCESS_KEY", "e2e-iam-root-secret-0000000000000000000000")
	t.Setenv("MAILGATE_ACCOUNT_ID", "123456789012")
	t.Setenv("MAILGATE_DATA_DIR", t.TempDir())
	srv := startServer(t, bin)
	defer srv.stop(t)
	dir := t.TempDir()

	run := func(keyID, secret string, args ...string) (string, string, error) {
		cmd := exec.Command(awsPath, append([]string{"--endpoint-url", srv.endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard")
		cmd.Env = filterEnv(cmd.Env, "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	aws := func(args ...string) map[string]any {
		t.Helper()
		out, stderr, err := run(os.Getenv("MAILGATE_ROOT_ACCESS_KEY_ID"), os.Getenv("MAILGATE_ROOT_SECRET_ACCESS_KEY"), args...)
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr)
		}
		m := map[string]any{}
		if strings.TrimSpace(out) != "" {
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("aws %v: %v\n%s", args, err, out)
			}
		}
		return m
	}
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return "file://" + p
	}
	field := func(m map[string]any, path ...string) any {
		var x any = m
		for _, p := range path {
			x = x.(map[string]any)[p]
		}
		return x
	}

	// A role to modify, with a trust policy for the account itself.
	aws("iam", "create-role", "--role-name", "Test-Role", "--assume-role-policy-document",
		file("trust0.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`))

	// 1. List the roles.
	roles := aws("iam", "list-roles")["Roles"].([]any)
	if len(roles) != 1 || field(roles[0].(map[string]any), "RoleName") != "Test-Role" {
		t.Fatalf("list-roles: %v", roles)
	}
	// 2. View the current trust policy: the CLI shows the decoded document.
	role := aws("iam", "get-role", "--role-name", "Test-Role")
	if field(role, "Role", "AssumeRolePolicyDocument", "Version") != "2012-10-17" {
		t.Fatalf("get-role trust policy: %v", field(role, "Role", "AssumeRolePolicyDocument"))
	}
	roleARN := field(role, "Role", "Arn").(string)
	if roleARN != "arn:aws:iam::123456789012:role/Test-Role" || !regexp.MustCompile(`^AROA[A-Z2-7]{17}$`).MatchString(field(role, "Role", "RoleId").(string)) {
		t.Fatalf("role: %v", role)
	}
	// 3-4. Trust two other accounts.
	aws("iam", "update-assume-role-policy", "--role-name", "Test-Role", "--policy-document", file("trust.json", `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
    "Action": "sts:AssumeRole"
  }
}`))
	trust := field(aws("iam", "get-role", "--role-name", "Test-Role"), "Role", "AssumeRolePolicyDocument", "Statement", "Principal", "AWS").([]any)
	if len(trust) != 2 || trust[1] != "arn:aws:iam::444455556666:root" {
		t.Fatalf("trust principals: %v", trust)
	}
	// A trust policy with a Resource is refused, as AWS does.
	if _, stderr, err := run(os.Getenv("MAILGATE_ROOT_ACCESS_KEY_ID"), os.Getenv("MAILGATE_ROOT_SECRET_ACCESS_KEY"), "iam", "update-assume-role-policy",
		"--role-name", "Test-Role", "--policy-document", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}}`); err == nil ||
		!strings.Contains(stderr, "MalformedPolicyDocument") || !strings.Contains(stderr, "Has prohibited field Resource") {
		t.Fatalf("trust policy with a resource: %v %s", err, stderr)
	}

	// Allow a user to use the role: the minimal permissions policy.
	pol := aws("iam", "create-policy", "--policy-name", "AssumeTestRole", "--policy-document",
		file("assume.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+roleARN+`"}}`))
	polARN := field(pol, "Policy", "Arn").(string)
	if polARN != "arn:aws:iam::123456789012:policy/AssumeTestRole" {
		t.Fatalf("policy: %v", pol)
	}
	aws("iam", "create-user", "--user-name", "Alice")
	aws("iam", "create-group", "--group-name", "Admins")
	if users := aws("iam", "list-users")["Users"].([]any); len(users) != 1 {
		t.Fatalf("list-users: %v", users)
	}
	if groups := aws("iam", "list-groups")["Groups"].([]any); len(groups) != 1 {
		t.Fatalf("list-groups: %v", groups)
	}
	aws("iam", "attach-user-policy", "--user-name", "Alice", "--policy-arn", polARN)
	attachedUser := aws("iam", "list-attached-user-policies", "--user-name", "Alice")["AttachedPolicies"].([]any)
	if len(attachedUser) != 1 || field(attachedUser[0].(map[string]any), "PolicyArn") != polARN {
		t.Fatalf("attached to user: %v", attachedUser)
	}

	// The user's own key works at once and names the user.
	key := field(aws("iam", "create-access-key", "--user-name", "Alice"), "AccessKey").(map[string]any)
	out, stderr, err := run(key["AccessKeyId"].(string), key["SecretAccessKey"].(string), "sts", "get-caller-identity")
	if err != nil || !strings.Contains(out, `"arn:aws:iam::123456789012:user/Alice"`) {
		t.Fatalf("caller with the user's key: %v %s %s", err, out, stderr)
	}

	// Modify the role's permissions: see them, then update a managed policy
	// (new default version) and an inline one.
	aws("iam", "attach-role-policy", "--role-name", "Test-Role", "--policy-arn", polARN)
	aws("iam", "put-role-policy", "--role-name", "Test-Role", "--policy-name", "Inline", "--policy-document",
		file("inline.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"workmail:List*","Resource":"*"}}`))
	if names := aws("iam", "list-role-policies", "--role-name", "Test-Role")["PolicyNames"].([]any); len(names) != 1 || names[0] != "Inline" {
		t.Fatalf("list-role-policies: %v", names)
	}
	if ap := aws("iam", "list-attached-role-policies", "--role-name", "Test-Role")["AttachedPolicies"].([]any); len(ap) != 1 {
		t.Fatalf("list-attached-role-policies: %v", ap)
	}
	v := aws("iam", "create-policy-version", "--policy-arn", polARN, "--set-as-default", "--policy-document",
		file("assume2.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"`+roleARN+`"}}`))
	if field(v, "PolicyVersion", "VersionId") != "v2" || field(v, "PolicyVersion", "IsDefaultVersion") != true {
		t.Fatalf("create-policy-version: %v", v)
	}
	if got := aws("iam", "get-policy", "--policy-arn", polARN); field(got, "Policy", "DefaultVersionId") != "v2" || field(got, "Policy", "AttachmentCount") != float64(2) {
		t.Fatalf("get-policy: %v", got)
	}
	doc := aws("iam", "get-policy-version", "--policy-arn", polARN, "--version-id", "v2")
	if acts := field(doc, "PolicyVersion", "Document", "Statement", "Action").([]any); len(acts) != 2 {
		t.Fatalf("get-policy-version: %v", doc)
	}
	aws("iam", "put-role-policy", "--role-name", "Test-Role", "--policy-name", "Inline", "--policy-document",
		file("inline2.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["workmail:List*","workmail:Describe*"],"Resource":"*"}}`))
	inline := aws("iam", "get-role-policy", "--role-name", "Test-Role", "--policy-name", "Inline")
	if acts := field(inline, "PolicyDocument", "Statement", "Action").([]any); len(acts) != 2 {
		t.Fatalf("get-role-policy: %v", inline)
	}

	// Description and maximum session duration.
	aws("iam", "update-role", "--role-name", "Test-Role", "--description", "Cross-account admin role")
	aws("iam", "update-role", "--role-name", "Test-Role", "--max-session-duration", "43200")
	role = aws("iam", "get-role", "--role-name", "Test-Role")
	if field(role, "Role", "Description") != "Cross-account admin role" || field(role, "Role", "MaxSessionDuration") != float64(43200) {
		t.Fatalf("description and duration: %v", role)
	}
	if _, stderr, err := run(os.Getenv("MAILGATE_ROOT_ACCESS_KEY_ID"), os.Getenv("MAILGATE_ROOT_SECRET_ACCESS_KEY"), "iam", "update-role",
		"--role-name", "Test-Role", "--max-session-duration", "50000"); err == nil || !strings.Contains(stderr, "ValidationError") {
		t.Fatalf("duration out of range: %v %s", err, stderr)
	}

	// Permissions boundary: set, then change.
	aws("iam", "put-role-permissions-boundary", "--role-name", "Test-Role", "--permissions-boundary", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	aws("iam", "put-role-permissions-boundary", "--role-name", "Test-Role", "--permissions-boundary", polARN)
	role = aws("iam", "get-role", "--role-name", "Test-Role")
	if field(role, "Role", "PermissionsBoundary", "PermissionsBoundaryArn") != polARN {
		t.Fatalf("boundary: %v", field(role, "Role", "PermissionsBoundary"))
	}

	// The key stops working once deleted.
	aws("iam", "delete-access-key", "--user-name", "Alice", "--access-key-id", key["AccessKeyId"].(string))
	if _, stderr, err := run(key["AccessKeyId"].(string), key["SecretAccessKey"].(string), "sts", "get-caller-identity"); err == nil || !strings.Contains(stderr, "InvalidClientTokenId") {
		t.Fatalf("deleted key: %v %s", err, stderr)
	}
}
