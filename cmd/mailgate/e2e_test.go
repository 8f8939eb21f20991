package main

import (
	"bufio"
	"bytes"

	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryWithAWSCLI builds the real binary, starts it, and drives it with
// the aws CLI, as a user would.
func TestBinaryWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	awsPath := requireAWSCLI(t)
	bin := buildBinary(t)
	dataDir := t.TempDir()

	// First start: the server creates its account and root key and prints
	// them once, ready to paste.
	srv := startServer(t, bin, "--data-dir", dataDir)
	exports := regexp.MustCompile(`export AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16}) AWS_SECRET_ACCESS_KEY=(\S{40}) AWS_ENDPOINT_URL=(\S+) AWS_DEFAULT_REGION=us-east-1\n`).FindStringSubmatch(srv.stdout)
	if exports == nil {
		t.Fatalf("first start printed no credentials:\n%s", srv.stdout)
	}
	keyID, secret, endpoint := exports[1], exports[2], exports[3]
	if strings.Contains(srv.stderrSoFar(), secret) {
		t.Fatal("the secret key appeared in the logs")
	}

	aws := func(args ...string) (string, string, error) {
		cmd := exec.Command(awsPath, append([]string{"--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard")
		cmd.Env = filterEnv(cmd.Env, "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	mustJSON := func(args ...string) map[string]any {
		t.Helper()
		out, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return m
	}

	id := mustJSON("sts", "get-caller-identity")
	if !strings.HasSuffix(id["Arn"].(string), ":root") {
		t.Fatalf("caller: %v", id)
	}
	org := mustJSON("workmail", "create-organization", "--alias", "e2e-"+fmt.Sprint(time.Now().UnixNano()%100000))
	orgID := org["OrganizationId"].(string)
	if !regexp.MustCompile(`^m-[0-9a-f]{32}$`).MatchString(orgID) {
		t.Fatalf("organization ID %q", orgID)
	}
	user := mustJSON("workmail", "create-user", "--organization-id", orgID, "--name", "alice", "--display-name", "Alice", "--password", "Corr3ct-Horse-Battery")
	users := mustJSON("workmail", "list-users", "--organization-id", orgID)
	list, _ := users["Users"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["Id"] != user["UserId"] || list[0].(map[string]any)["Name"] != "alice" {
		t.Fatalf("list-users: %v", users)
	}

	_, stderr, err := aws("workmail", "describe-organization", "--organization-id", "m-NOT-A-VALID-ORGANIZATION-ID-0000")
	if err == nil || !strings.Contains(stderr, "InvalidParameterException") {
		t.Fatalf("bad organization ID: %v\n%s", err, stderr)
	}
	_, stderr, err = aws("workmail", "describe-organization", "--organization-id", "m-00000000000000000000000000000000")
	if err == nil || !strings.Contains(stderr, "OrganizationNotFoundException") {
		t.Fatalf("unknown organization: %v\n%s", err, stderr)
	}

	// Graceful shutdown, then a restart on the same data: the key is not
	// printed again and the organization is still there.
	srv.stop(t)
	srv2 := startServer(t, bin, "--data-dir", dataDir, "--addr", strings.TrimPrefix(endpoint, "http://"))
	if strings.Contains(srv2.stdout, "AWS_SECRET_ACCESS_KEY") {
		t.Fatal("restart printed the root key again")
	}
	got := mustJSON("workmail", "describe-organization", "--organization-id", orgID)
	if got["State"] != "Active" {
		t.Fatalf("after restart: %v", got)
	}
	srv2.stop(t)
}

// TestPinnedCredentialsFromEnv pins root credentials and the account
// through environment twins, as a test harness would.
func TestPinnedCredentialsFromEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	t.Setenv("MAILGATE_ROOT_ACCESS_KEY_ID", "test")
	t.Setenv("MAILGATE_ROOT_SECRET_ACCESS_KEY", "test")
	t.Setenv("MAILGATE_ACCOUNT_ID", "000000000000")
	t.Setenv("MAILGATE_DATA_DIR", t.TempDir())
	srv := startServer(t, bin)
	if strings.Contains(srv.stdout, "AWS_SECRET_ACCESS_KEY") {
		t.Fatal("pinned credentials must not be printed")
	}
	resp, err := http.Get(srv.endpoint + "/_mailgate/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	srv.stop(t)
}

var binPath string

func buildBinary(t testing.TB) string {
	t.Helper()
	if binPath != "" {
		return binPath
	}
	dir, err := os.MkdirTemp("", "mailgate-bin")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "mailgate")
	// -buildvcs=auto stamps the VCS revision as a user's build would,
	// whatever GOFLAGS says (TestVersion).
	out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", p, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	binPath = p
	return p
}

type runningServer struct {
	cmd      *exec.Cmd
	endpoint string
	stdout   string
	stderr   *strings.Builder
	done     chan error
}

func (s *runningServer) stderrSoFar() string { return s.stderr.String() }

func startServer(t testing.TB, bin string, args ...string) *runningServer {
	t.Helper()
	hasAddr := false
	for _, a := range args {
		hasAddr = hasAddr || a == "--addr"
	}
	if !hasAddr && os.Getenv("MAILGATE_ADDR") == "" {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	s := &runningServer{cmd: cmd, stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	ready := make(chan string, 1)
	var lines strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines.WriteString(sc.Text() + "\n")
			if ep, ok := strings.CutPrefix(sc.Text(), "mailgate ready on "); ok {
				ready <- ep
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case ep := <-ready:
		s.endpoint = ep
		s.stdout = lines.String()
	case err := <-s.done:
		t.Fatalf("server exited: %v\n%s", err, s.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("server not ready\n%s", s.stderr.String())
	}
	return s
}

func (s *runningServer) stop(t testing.TB) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("server exited with %v after SIGTERM\n%s", err, s.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Fatalf("no graceful shutdown logged:\n%s", s.stderr.String())
	}
}

func filterEnv(env []string, drop ...string) []string {
	var out []string
	for _, kv := range env {
		keep := true
		for _, d := range drop {
			if strings.HasPrefix(kv, d+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// requireAWSCLI skips a test in -short mode or without the aws CLI
// (fails without it when MAILGATE_REQUIRE_AWS_CLI is set) and returns
// the CLI's path.
func requireAWSCLI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	p, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("MAILGATE_REQUIRE_AWS_CLI") != "" {
			t.Fatal("aws CLI not found")
		}
		t.Skip("aws CLI not installed")
	}
	return p
}

// awsCLIEnv is the environment for running the aws CLI as the given key,
// isolated from the user's own AWS configuration.
func awsCLIEnv(keyID, secret string) []string {
	return filterEnv(append(os.Environ(), "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"), "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
}

// awsJSON runs the aws CLI (in us-east-1, JSON output) and returns its
// parsed output; a failure fails the test.
func awsJSON(t *testing.T, awsPath string, env []string, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(awsPath, append([]string{"--region", "us-east-1", "--output", "json"}, args...)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	out := map[string]any{}
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
		}
	}
	return out
}
