package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cliHarness runs the built binary as a CLI against a running server.
type cliHarness struct {
	t        *testing.T
	bin      string
	endpoint string
	env      []string
}

func newCLIHarness(t *testing.T) *cliHarness {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	srv := startServer(t, bin, "--data-dir", t.TempDir(), "--root-access-key-id", "AKIACLITESTKEY000001",
		"--root-secret-access-key", "cli-test-secret-key-0000000000000000000000", "--account-id", "123456789012")
	t.Cleanup(func() { srv.stop(t) })
	cfg := filepath.Join(t.TempDir(), "config")
	// The AWS CLI v1 prints timestamps as they come on the wire unless told
	// to use ISO 8601, as v2 (and mailgate) do.
	os.WriteFile(cfg, []byte("[default]\ncli_timestamp_format = iso8601\n"), 0o600)
	env := filterEnv(os.Environ(), "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE", "AWS_CLI_AUTO_PROMPT")
	env = append(env, "AWS_ACCESS_KEY_ID=AKIACLITESTKEY000001", "AWS_SECRET_ACCESS_KEY=cli-test-secret-key-0000000000000000000000",
		"AWS_ENDPOINT_URL="+srv.endpoint, "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE="+cfg,
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true", "TZ=UTC")
	return &cliHarness{t: t, bin: bin, endpoint: srv.endpoint, env: env}
}

func (h *cliHarness) runWith(prog string, stdin string, args ...string) (string, string, int) {
	h.t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = h.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("%s %v: %v", prog, args, err)
	}
	return out.String(), errb.String(), code
}

func (h *cliHarness) mg(args ...string) (string, string, int) {
	return h.runWith(h.bin, "", args...)
}

func (h *cliHarness) ok(args ...string) string {
	h.t.Helper()
	out, stderr, code := h.mg(args...)
	if code != 0 {
		h.t.Fatalf("mailgate %v: exit %d\n%s", args, code, stderr)
	}
	return out
}

func (h *cliHarness) json(args ...string) map[string]any {
	h.t.Helper()
	var m map[string]any
	out := h.ok(args...)
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		h.t.Fatalf("mailgate %v: %v\n%s", args, err, out)
	}
	return m
}

func TestCLI(t *testing.T) {
	h := newCLIHarness(t)

	t.Run("case=sts-table", func(t *testing.T) {
		out := h.ok("sts", "get-caller-identity", "--output", "table")
		if !strings.Contains(out, "|                         GetCallerIdentity                        |") || !strings.Contains(out, "123456789012") {
			t.Fatalf("table:\n%s", out)
		}
	})

	org := h.json("workmail", "create-organization", "--alias", fmt.Sprintf("cli-%d", time.Now().UnixNano()%1000000))["OrganizationId"].(string)
	names := []string{"alice", "bob", "carol", "dave", "erin"}
	for _, n := range names {
		h.ok("workmail", "create-user", "--organization-id", org, "--name", n, "--display-name", "User "+n, "--password", "Corr3ct-Horse-Battery")
	}

	t.Run("case=query-text", func(t *testing.T) {
		out := h.ok("workmail", "list-users", "--organization-id", org, "--query", "Users[].Name", "--output", "text")
		if strings.Fields(out) == nil || len(strings.Fields(out)) != 5 || strings.Count(out, "\n") != 1 {
			t.Fatalf("one line of five names expected:\n%q", out)
		}
	})

	t.Run("case=pagination", func(t *testing.T) {
		// Pages of two: every page is fetched and the lists merged.
		m := h.json("workmail", "list-users", "--organization-id", org, "--page-size", "2")
		if users := m["Users"].([]any); len(users) != 5 || m["NextToken"] != nil {
			t.Fatalf("merged: %v", m)
		}
		// Text output prints page by page, as the AWS CLI does.
		out := h.ok("workmail", "list-users", "--organization-id", org, "--page-size", "2", "--query", "Users[].Name", "--output", "text")
		if strings.Count(out, "\n") != 3 {
			t.Fatalf("three pages expected:\n%s", out)
		}
		// --no-paginate sends one request.
		m = h.json("workmail", "list-users", "--organization-id", org, "--max-results", "2", "--no-paginate")
		if len(m["Users"].([]any)) != 2 || m["NextToken"] == nil {
			t.Fatalf("one page: %v", m)
		}
		// --max-items stops early; --starting-token resumes where it stopped.
		m = h.json("workmail", "list-users", "--organization-id", org, "--page-size", "2", "--max-items", "3")
		tok, _ := m["NextToken"].(string)
		if len(m["Users"].([]any)) != 3 || tok == "" {
			t.Fatalf("max-items: %v", m)
		}
		rest := h.json("workmail", "list-users", "--organization-id", org, "--page-size", "2", "--starting-token", tok)
		if len(rest["Users"].([]any)) != 2 {
			t.Fatalf("resumed: %v", rest)
		}
		_, stderr, code := h.mg("workmail", "list-users", "--organization-id", org, "--no-paginate", "--max-items", "1")
		if code != 252 || !strings.Contains(stderr, "Cannot specify --no-paginate along with pagination arguments") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})

	t.Run("case=skeleton-and-cli-input-json", func(t *testing.T) {
		sk := h.ok("workmail", "create-group", "--generate-cli-skeleton")
		var m map[string]any
		if err := json.Unmarshal([]byte(sk), &m); err != nil || len(m) == 0 {
			t.Fatalf("skeleton: %v\n%s", err, sk)
		}
		m["OrganizationId"] = "m-00000000000000000000000000000000" // overridden below
		m["Name"] = "team"
		delete(m, "HiddenFromGlobalAddressList")
		b, _ := json.Marshal(m)
		p := filepath.Join(t.TempDir(), "in.json")
		os.WriteFile(p, b, 0o600)
		got := h.json("workmail", "create-group", "--cli-input-json", "file://"+p, "--organization-id", org)
		if got["GroupId"] == nil {
			t.Fatalf("create-group: %v", got)
		}
		yml := h.ok("workmail", "create-group", "--generate-cli-skeleton", "yaml-input")
		if !strings.Contains(yml, "OrganizationId: ''  # [REQUIRED]") {
			t.Fatalf("yaml skeleton:\n%s", yml)
		}
		out := h.ok("workmail", "create-group", "--cli-input-yaml", "Name: team2\nOrganizationId: "+org, "--generate-cli-skeleton", "output")
		if !strings.Contains(out, `"GroupId": "GroupId"`) {
			t.Fatalf("output skeleton:\n%s", out)
		}
	})

	t.Run("case=shorthand", func(t *testing.T) {
		_, stderr, code := h.mg("workmail", "create-impersonation-role", "--organization-id", org, "--name", "r", "--type", "FULL_ACCESS",
			"--rules", "ImpersonationRuleId=r1,Name=x,Effect=ALLOW,TargetUsers=alice,bob", "ImpersonationRuleId=r2,Name=y,Effect=DENY,NotTargetUsers=carol",
			"--generate-cli-skeleton", "output")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		_, stderr, code = h.mg("workmail", "create-impersonation-role", "--organization-id", org, "--name", "r", "--type", "FULL_ACCESS", "--rules", "Name=x,Effect")
		if code != 252 || !strings.Contains(stderr, "Parameter validation failed") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})

	t.Run("case=exit-codes", func(t *testing.T) {
		_, stderr, code := h.mg("workmail", "describe-organization", "--organization-id", "m-00000000000000000000000000000000")
		if code != 254 || !strings.Contains(stderr, "An error occurred (OrganizationNotFoundException) when calling the DescribeOrganization operation:") {
			t.Fatalf("service error: exit %d\n%s", code, stderr)
		}
		if _, _, code = h.mg("workmail", "list-users"); code != 252 {
			t.Fatalf("missing required: exit %d", code)
		}
		if _, _, code = h.mg("workmail", "no-such-operation"); code != 252 {
			t.Fatalf("unknown operation: exit %d", code)
		}
		if _, _, code = h.mg("sts", "get-caller-identity", "--profile", "nope"); code != 253 {
			t.Fatalf("unknown profile: exit %d", code)
		}
		if _, _, code = h.mg("sts", "get-caller-identity", "--endpoint-url", "http://127.0.0.1:1"); code != 255 {
			t.Fatalf("unreachable: exit %d", code)
		}
	})

	t.Run("case=debug-masks-secrets", func(t *testing.T) {
		_, stderr, _ := h.mg("workmail", "reset-password", "--organization-id", org, "--user-id", "nobody-nobody-0000", "--password", "Very-Secret-Passw0rd", "--debug")
		if strings.Contains(stderr, "Very-Secret-Passw0rd") || !strings.Contains(stderr, "Signature=****") || !strings.Contains(stderr, "X-Amz-Target: WorkMailService.ResetPassword") {
			t.Fatalf("debug:\n%s", stderr)
		}
	})

	t.Run("case=help", func(t *testing.T) {
		out := h.ok("workmail", "get-impersonation-role-effect", "help")
		for _, want := range []string{"--organization-id", "--impersonation-role-id", "--target-user", "required", "Constraints:"} {
			if !strings.Contains(out, want) {
				t.Errorf("help lacks %q", want)
			}
		}
		out = h.ok("workmail", "put-identity-provider-configuration", "help")
		for _, want := range []string{"Possible values: IDENTITY_PROVIDER_ONLY, IDENTITY_PROVIDER_AND_DIRECTORY", "Shorthand:", "JSON:", "LifetimeInDays"} {
			if !strings.Contains(out, want) {
				t.Errorf("help lacks %q", want)
			}
		}
		if out := h.ok("workmail", "help"); !strings.Contains(out, "update-impersonation-role") {
			t.Error("service help lacks its operations")
		}
	})

	t.Run("case=auto-prompt", func(t *testing.T) {
		out, stderr, code := h.runWith(h.bin, "sts\nget-caller-identity\n", "--cli-auto-prompt", "--output", "text")
		if code != 0 || !strings.Contains(out, "123456789012") || !strings.Contains(stderr, "> mailgate sts get-caller-identity") {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
		py, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("python3 (for a pseudo-terminal) not installed")
		}
		script := `import os, pty, sys, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "workmail", "describe-organization", "--cli-auto-prompt", "--output", "text", "--query", "State"])
buf = b""
def until(s):
    global buf
    while s not in buf:
        r, _, _ = select.select([fd], [], [], 10)
        if not r: raise SystemExit("timeout waiting for %r, got %r" % (s, buf))
        try: chunk = os.read(fd, 4096)
        except OSError: raise SystemExit("eof waiting for %r, got %r" % (s, buf))
        buf += chunk
until(b"--organization-id")
os.write(fd, sys.argv[2].encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk: break
    buf += chunk
os.waitpid(pid, 0)
sys.stdout.write(buf.decode())`
		cmd := exec.Command(py, "-c", script, h.bin, org)
		cmd.Env = h.env
		got, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(got), "Active") {
			t.Fatalf("pty prompt: %v\n%s", err, got)
		}
	})

	t.Run("case=differential", func(t *testing.T) {
		clis := awsCLIs(t)
		if os.Getenv("MAILGATE_REQUIRE_AWS_CLI") != "" && len(clis) < 2 {
			t.Fatalf("the differential needs the AWS CLI v1 and v2, found %v", clis)
		}
		if len(clis) == 0 {
			t.Skip("aws CLI not installed")
		}
		h.ok("iam", "create-role", "--role-name", "diff-role", "--path", "/team/", "--description", "differential",
			"--assume-role-policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
		h.ok("iam", "put-role-policy", "--role-name", "diff-role", "--policy-name", "inline",
			"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:ListUsers","Resource":"*"}]}`)
		h.ok("iam", "create-user", "--user-name", "diff-user")
		lines := [][]string{
			{"sts", "get-caller-identity"},
			{"workmail", "list-users", "--organization-id", org},
			{"workmail", "list-users", "--organization-id", org, "--query", "Users[].Name"},
			{"workmail", "list-users", "--organization-id", org, "--query", "Users[].[Name,State]"},
			{"workmail", "list-users", "--organization-id", org, "--query", "Users[?Name=='bob'].{N:Name,S:State}"},
			{"workmail", "list-users", "--organization-id", org, "--page-size", "2"},
			{"workmail", "list-users", "--organization-id", org, "--page-size", "2", "--max-items", "3"},
			{"workmail", "describe-organization", "--organization-id", org},
			{"workmail", "list-groups", "--organization-id", org},
			{"workmail", "list-organizations", "--query", "length(OrganizationSummaries) > `0`"},
			{"workmail", "create-impersonation-role", "--organization-id", org, "--name", "r", "--type", "FULL_ACCESS",
				"--rules", "ImpersonationRuleId=r1,Name=x,Effect=ALLOW,TargetUsers=alice,bob", "ImpersonationRuleId=r2,Name=y,Effect=DENY,NotTargetUsers=carol",
				"--generate-cli-skeleton", "output"},
			{"workmail", "put-identity-provider-configuration", "--organization-id", org, "--authentication-mode", "IDENTITY_PROVIDER_AND_DIRECTORY",
				"--identity-center-configuration", "InstanceArn=arn:aws:sso:::instance/ssoins-1111111111111111,ApplicationArn=arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-1111111111111111",
				"--personal-access-token-configuration", "Status=ACTIVE,LifetimeInDays=30", "--generate-cli-skeleton", "output"},
			{"iam", "list-roles", "--path-prefix", "/team/"},
			{"iam", "get-role", "--role-name", "diff-role", "--query", "Role.{Name:RoleName,Path:Path,Trust:AssumeRolePolicyDocument.Statement[0].Principal}"},
			{"iam", "list-role-policies", "--role-name", "diff-role"},
			{"iam", "get-role-policy", "--role-name", "diff-role", "--policy-name", "inline", "--query", "PolicyDocument"},
			{"iam", "list-users", "--query", "Users[].UserName"},
			{"iam", "list-policies", "--scope", "AWS", "--max-items", "2", "--query", "Policies[].PolicyName"},
			{"workmail", "update-impersonation-role", "--generate-cli-skeleton", "output", "--organization-id", org, "--impersonation-role-id", "x", "--name", "n", "--type", "READ_ONLY", "--rules", "ImpersonationRuleId=a,Name=b,Effect=DENY"},
		}
		dataPath := t.TempDir()
		for _, svc := range []string{"workmail/2017-10-01", "iam/2010-05-08", "sts/2011-06-15"} {
			name := strings.SplitN(svc, "/", 2)[0]
			b, err := os.ReadFile(filepath.Join("..", "..", "internal", "model", "specs", name, "service-2.json"))
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(dataPath, svc), 0o755)
			os.WriteFile(filepath.Join(dataPath, svc, "service-2.json"), b, 0o644)
		}
		for _, c := range clis {
			t.Run("cli="+c.version, func(t *testing.T) {
				hc := *h
				hc.t = t
				// Older CLIs ignore AWS_ENDPOINT_URL; the flag works everywhere.
				hc.env = append(append([]string{}, h.env...), "AWS_DATA_PATH="+dataPath)
				for _, line := range lines {
					for _, format := range []string{"json", "text", "table"} {
						args := append(append([]string{}, line...), "--output", format, "--endpoint-url", h.endpoint)
						got, gerr, gcode := hc.mg(args...)
						want, werr, wcode := hc.runWith(c.path, "", args...)
						if (gcode == 0) != (wcode == 0) || got != want {
							t.Errorf("%v:\nmailgate (exit %d):\n%s%s\n%s (exit %d):\n%s%s", args, gcode, got, gerr, c.version, wcode, want, werr)
						}
					}
				}
			})
		}
	})
}

// awsCLI is one installed AWS CLI.
type awsCLI struct{ path, version string }

// awsCLIs finds the installed AWS CLIs, one per major version: the aws on
// PATH and Debian's (/usr/bin/aws). Version 2 is handed the embedded
// models through AWS_DATA_PATH (as `aws configure add-model` lays them
// out), since Debian's build predates some WorkMail operations.
func awsCLIs(t *testing.T) []awsCLI {
	var out []awsCLI
	seen := map[string]bool{}
	cands := []string{"/usr/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil {
		cands = append([]string{p}, cands...)
	}
	for _, p := range cands {
		v, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		major := strings.TrimPrefix(strings.SplitN(string(v), ".", 2)[0], "aws-cli/")
		if seen[major] {
			continue
		}
		seen[major] = true
		out = append(out, awsCLI{path: p, version: "v" + major})
	}
	return out
}
