package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The Dovecot end-to-end tests run the real binary, the real Dovecot of
// the Debian packages and a real IMAP/SMTP client (Python's imaplib and
// smtplib, tests/dovecot/mailclient.py), all on loopback.

// requireDovecot skips a test without Dovecot or python3, unless
// MAILGATE_REQUIRE_DOVECOT=1 makes their absence a failure.
func requireDovecot(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Dovecot")
	}
	for _, p := range []string{"dovecot", "doveadm", "python3"} {
		if _, err := exec.LookPath(p); err != nil {
			if _, err2 := os.Stat("/usr/sbin/" + p); err2 == nil {
				continue
			}
			if os.Getenv("MAILGATE_REQUIRE_DOVECOT") == "1" {
				t.Fatalf("%s is required (MAILGATE_REQUIRE_DOVECOT=1): %v", p, err)
			}
			t.Skipf("%s not installed", p)
		}
	}
	if os.Getuid() != 0 && os.Getenv("MAILGATE_REQUIRE_DOVECOT") != "1" {
		t.Skip("the Dovecot tests run as root (Dovecot's login processes change user)")
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitPort waits until something listens on a loopback port.
func waitPort(t testing.TB, port int, what string, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s does not listen on %d\n%s", what, port, logs())
}

// mailStack is mailgate, Dovecot configured by dovecot-config, and the
// submission relay.
type mailStack struct {
	t                  testing.TB
	bin, dir, dataDir  string
	serveArgs          []string
	srv                *runningServer
	env                []string
	org, domain        string
	imapPort, subPort  int
	dovecot, relay     *exec.Cmd
	relayOut           *bytes.Buffer
	mailgateLogsBefore strings.Builder
}

const stackKeyID, stackSecret = "AKIADOVECOTENDTOEND1", "dovecot/end/to/end/secret/key/0123456789"

// newMailStack starts mailgate (extra serve flags may be given) and
// creates an organization, then writes the Dovecot configuration for it
// and starts Dovecot and the relay.
func newMailStack(t testing.TB, extra ...string) *mailStack {
	t.Helper()
	return newMailStackTLS(t, "", extra...)
}

// newMailStackTLS is newMailStack with mailgate serving HTTPS when caFile
// (the authority of its certificate) is given: the serve flags must name
// the certificate.
func newMailStackTLS(t testing.TB, caFile string, extra ...string) *mailStack {
	t.Helper()
	dir, err := os.MkdirTemp("", "mailgate-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's processes run as its users: they must reach the folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &mailStack{t: t, bin: buildBinary(t), dir: filepath.Join(dir, "dovecot"), dataDir: filepath.Join(dir, "data"),
		imapPort: freePort(t), subPort: freePort(t), env: append(awsCLIEnv(stackKeyID, stackSecret), "AWS_CA_BUNDLE="+caFile)}
	t.Setenv("MAILGATE_MAIL_FRONT_SECRET_FILE", filepath.Join(s.dir, "mailgate.secret"))
	s.serveArgs = append([]string{"--addr", "127.0.0.1:" + strconv.Itoa(freePort(t)), "--data-dir", s.dataDir,
		"--root-access-key-id", stackKeyID, "--root-secret-access-key", stackSecret, "--mode", "test", "--signature-check", "strict"}, extra...)
	s.srv = startServer(t, s.bin, s.serveArgs...)
	t.Cleanup(func() { s.srv.cmd.Process.Kill() })
	alias := fmt.Sprintf("dc-%d", time.Now().UnixNano()%1000000000)
	s.org = s.mg("create-organization", "--alias", alias)["OrganizationId"].(string)
	s.domain = alias + ".awsapps.com"
	args := []string{"dovecot-config", "--endpoint", s.srv.endpoint, "--organization-id", s.org,
		"--imap", "127.0.0.1:" + strconv.Itoa(s.imapPort), "--submission", "127.0.0.1:" + strconv.Itoa(s.subPort),
		"--relay", "127.0.0.1:" + strconv.Itoa(freePort(t)), "--dir", s.dir, "--auth-failure-delay", "0"}
	if caFile != "" {
		args = append(args, "--ca-file", caFile)
	}
	out, err := exec.Command(s.bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dovecot-config: %v\n%s", err, out)
	}
	s.startRelay()
	s.startDovecot()
	return s
}

func (s *mailStack) startDovecot() {
	t := s.t
	s.dovecot = exec.Command("dovecot", "-c", filepath.Join(s.dir, "dovecot.conf"), "-F")
	var out bytes.Buffer
	s.dovecot.Stdout, s.dovecot.Stderr = &out, &out
	if err := s.dovecot.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.dovecot.Wait(); close(done) }()
	t.Cleanup(func() {
		// Stop Dovecot by its PID; its master stops its children.
		s.dovecot.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			s.dovecot.Process.Kill()
		}
	})
	waitPort(t, s.imapPort, "Dovecot IMAP", func() string { return out.String() + s.dovecotLog() })
	waitPort(t, s.subPort, "Dovecot submission", func() string { return out.String() + s.dovecotLog() })
}

func (s *mailStack) startRelay() {
	t := s.t
	s.relay = exec.Command(s.bin, "dovecot-relay", "--dir", s.dir)
	s.relayOut = &bytes.Buffer{}
	stdout, _ := s.relay.StdoutPipe()
	s.relay.Stderr = s.relayOut
	if err := s.relay.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.relay.Process.Signal(syscall.SIGTERM); s.relay.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "ready on") {
		t.Fatalf("relay: %q %v\n%s", line, err, s.relayOut.String())
	}
	go func() { bufio.NewScanner(stdout).Scan() }()
}

func (s *mailStack) dovecotLog() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	return string(b)
}

// mg runs a WorkMail command with mailgate's own CLI.
func (s *mailStack) mg(args ...string) map[string]any {
	s.t.Helper()
	return awsJSON(s.t.(*testing.T), s.bin, s.env, append([]string{"workmail", "--endpoint-url", s.srv.endpoint}, args...)...)
}

// user creates and enables a user, returning its ID.
func (s *mailStack) user(name, password string, extra ...string) string {
	s.t.Helper()
	id := s.mg(append([]string{"create-user", "--organization-id", s.org, "--name", name, "--display-name", name, "--password", password}, extra...)...)["UserId"].(string)
	s.mg("register-to-work-mail", "--organization-id", s.org, "--entity-id", id, "--email", name+"@"+s.domain)
	return id
}

// restartMailgate stops mailgate and runs fn while it is down, then
// starts it again on the same address and state.
func (s *mailStack) whileMailgateDown(fn func()) {
	s.t.Helper()
	s.mailgateLogsBefore.WriteString(s.srv.stderrSoFar())
	s.srv.stop(s.t)
	fn()
	s.srv = startServer(s.t, s.bin, s.serveArgs...)
}

func (s *mailStack) mailgateLogs() string { return s.mailgateLogsBefore.String() + s.srv.stderrSoFar() }

// clientResult is what tests/dovecot/mailclient.py prints.
type clientResult struct {
	Login   string            `json:"login"`
	Message string            `json:"message"`
	Actions map[string]string `json:"actions"`
}

// client runs the mail client: protocol imap or smtp, the secret in its
// environment, the rest as arguments.
func (s *mailStack) client(protocol, secret string, args ...string) clientResult {
	s.t.Helper()
	port := s.imapPort
	if protocol == "smtp" {
		port = s.subPort
	}
	script, _ := filepath.Abs("../../tests/dovecot/mailclient.py")
	cmd := exec.Command("python3", append([]string{script, protocol, "--port", strconv.Itoa(port)}, args...)...)
	cmd.Env = append(os.Environ(), "MAIL_SECRET="+secret)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var r clientResult
	if err != nil || json.Unmarshal(out, &r) != nil {
		s.t.Fatalf("mailclient %v: %v\n%s\n%s", args, err, out, stderr.String())
	}
	return r
}

// httpForm posts a form to mailgate.
func (s *mailStack) httpForm(path, bearer string, form url.Values) (int, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.endpoint+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}
