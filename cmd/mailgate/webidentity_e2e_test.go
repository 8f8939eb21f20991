package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/testenv"
)

// TestWebIdentityWithAWSCLI: the binary trusts an issuer's private CA
// (--web-identity-ca-file); the aws CLI registers the issuer as an OIDC
// provider and a role trusting it, then assumes the role with a token the
// issuer signed, without AWS credentials (the CLI sends the call
// unsigned), and uses the session; a token for another audience is
// refused.
func TestWebIdentityWithAWSCLI(t *testing.T) {
	awsPath := requireAWSCLI(t)
	bin := buildBinary(t)
	iss := testenv.NewHTTPSOIDCIssuer(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, iss.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	key, secret := "AKIAE2EWEBIDENTITY01", "e2e-web-identity-secret-00000000000000000"
	t.Setenv("MAILGATE_ROOT_ACCESS_KEY_ID", key)
	t.Setenv("MAILGATE_ROOT_SECRET_ACCESS_KEY", secret)
	t.Setenv("MAILGATE_ACCOUNT_ID", "123456789012")
	t.Setenv("MAILGATE_DATA_DIR", t.TempDir())
	srv := startServer(t, bin, "--web-identity-ca-file", ca)
	defer srv.stop(t)
	root := awsCLIEnv(key, secret)
	cli := func(env []string, args ...string) map[string]any {
		t.Helper()
		return awsJSON(t, awsPath, env, append([]string{"--endpoint-url", srv.endpoint}, args...)...)
	}

	prov := cli(root, "iam", "create-open-id-connect-provider", "--url", iss.URL, "--client-id-list", "mail-app")
	provARN, _ := prov["OpenIDConnectProviderArn"].(string)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role := cli(root, "iam", "create-role", "--role-name", "ci", "--assume-role-policy-document", trust)
	roleARN := role["Role"].(map[string]any)["Arn"].(string)

	// No credentials at all in the environment.
	anon := filterEnv(awsCLIEnv("", ""), "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	tok := iss.Token(t, testenv.Claims{Subject: "build-7", Audience: []string{"mail-app"}})
	out := cli(anon, "sts", "assume-role-with-web-identity", "--role-arn", roleARN, "--role-session-name", "build-7", "--web-identity-token", tok)
	if out["SubjectFromWebIdentityToken"] != "build-7" || out["Provider"] != provARN {
		t.Fatalf("assume: %v", out)
	}
	creds := out["Credentials"].(map[string]any)
	sess := append(awsCLIEnv(creds["AccessKeyId"].(string), creds["SecretAccessKey"].(string)), "AWS_SESSION_TOKEN="+creds["SessionToken"].(string))
	id := cli(sess, "sts", "get-caller-identity")
	if id["Arn"] != "arn:aws:sts::123456789012:assumed-role/ci/build-7" {
		t.Fatalf("identity: %v", id)
	}

	bad := iss.Token(t, testenv.Claims{Subject: "build-7", Audience: []string{"other"}})
	cmd := exec.Command(awsPath, "--endpoint-url", srv.endpoint, "--region", "us-east-1", "sts", "assume-role-with-web-identity",
		"--role-arn", roleARN, "--role-session-name", "build-7", "--web-identity-token", bad)
	cmd.Env = anon
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "InvalidIdentityToken") {
		t.Fatalf("wrong audience: %v\n%s", err, msg)
	}
}
