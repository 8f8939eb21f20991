package main

import (
	"encoding/base64"
	"os/exec"
	"strings"
	"testing"
)

// TestIAMAccountWithAWSCLI drives the account-level IAM operations with
// the aws CLI against the binary: an AWS-managed policy from the
// catalogue, an instance profile holding a role, a login profile under a
// password policy, the account summary and the credential report.
func TestIAMAccountWithAWSCLI(t *testing.T) {
	awsPath := requireAWSCLI(t)
	bin := buildBinary(t)
	const key, secret = "AKIAE2EIAMACCT000001", "e2e-iam-account-secret-000000000000000000"
	t.Setenv("MAILGATE_ROOT_ACCESS_KEY_ID", key)
	t.Setenv("MAILGATE_ROOT_SECRET_ACCESS_KEY", secret)
	t.Setenv("MAILGATE_ACCOUNT_ID", "123456789012")
	t.Setenv("MAILGATE_DATA_DIR", t.TempDir())
	srv := startServer(t, bin)
	defer srv.stop(t)
	env := awsCLIEnv(key, secret)
	aws := func(args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append([]string{"--endpoint-url", srv.endpoint}, args...)...)
	}

	p := aws("iam", "get-policy", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")["Policy"].(map[string]any)
	if p["PolicyName"] != "IAMReadOnlyAccess" || !strings.HasPrefix(p["PolicyId"].(string), "ANPA") {
		t.Fatalf("get-policy: %v", p)
	}
	v := aws("iam", "get-policy-version", "--policy-arn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", "--version-id", p["DefaultVersionId"].(string))
	doc := v["PolicyVersion"].(map[string]any)["Document"].(map[string]any) // the CLI decodes it
	if doc["Version"] != "2012-10-17" {
		t.Fatalf("document: %v", doc)
	}

	aws("iam", "create-role", "--role-name", "Web", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	aws("iam", "create-instance-profile", "--instance-profile-name", "Web", "--path", "/app/")
	aws("iam", "add-role-to-instance-profile", "--instance-profile-name", "Web", "--role-name", "Web")
	ip := aws("iam", "get-instance-profile", "--instance-profile-name", "Web")["InstanceProfile"].(map[string]any)
	if ip["Arn"] != "arn:aws:iam::123456789012:instance-profile/app/Web" || len(ip["Roles"].([]any)) != 1 {
		t.Fatalf("instance profile: %v", ip)
	}

	aws("iam", "update-account-password-policy", "--minimum-password-length", "12", "--require-symbols")
	aws("iam", "create-user", "--user-name", "dev")
	cmdErr := awsFails(t, awsPath, env, "--endpoint-url", srv.endpoint, "iam", "create-login-profile", "--user-name", "dev", "--password", "short")
	if !strings.Contains(cmdErr, "PasswordPolicyViolation") {
		t.Fatalf("weak password: %s", cmdErr)
	}
	aws("iam", "create-login-profile", "--user-name", "dev", "--password", "a-long-enough-pw!")

	sum := aws("iam", "get-account-summary")["SummaryMap"].(map[string]any)
	if sum["Users"] != float64(1) || sum["Roles"] != float64(1) || sum["InstanceProfiles"] != float64(1) {
		t.Fatalf("summary: %v", sum)
	}

	aws("iam", "generate-credential-report")
	rep := aws("iam", "get-credential-report")
	csv, err := base64.StdEncoding.DecodeString(rep["Content"].(string))
	if err != nil || !strings.HasPrefix(string(csv), "user,arn,user_creation_time,") || !strings.Contains(string(csv), "\ndev,arn:aws:iam::123456789012:user/dev,") {
		t.Fatalf("credential report: %v %q", err, csv)
	}
}

// awsFails runs the aws CLI, which must fail, and returns its stderr.
func awsFails(t *testing.T, awsPath string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(awsPath, append([]string{"--region", "us-east-1", "--output", "json"}, args...)...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("aws %s: succeeded, want a failure", strings.Join(args, " "))
	}
	return stderr.String()
}
