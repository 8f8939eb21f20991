package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"golang.org/x/crypto/argon2"
)

// TestDovecotLoginCost measures what signing in through mailgate costs
// (docs/mail-front-end.md gives the figures). It runs when
// MAILGATE_DOVECOT_COST=1 (it takes a minute) and reports medians over
// MAILGATE_DOVECOT_COST_N logins (default 200):
//
//   - an IMAP password login through mailgate, against the same Dovecot
//     configuration with a static passdb holding the same password, as a
//     hash of the same argon2id parameters mailgate uses and in clear;
//   - token logins (an impersonation token, a personal access token is
//     the same path as a password without the hash);
//   - mailgate's side of a decision, over HTTP, against a signed
//     DescribeUser of the same user.
func TestDovecotLoginCost(t *testing.T) {
	if os.Getenv("MAILGATE_DOVECOT_COST") != "1" {
		t.Skip("set MAILGATE_DOVECOT_COST=1 to measure the login cost")
	}
	requireDovecot(t)
	n := 200
	if v, err := strconv.Atoi(os.Getenv("MAILGATE_DOVECOT_COST_N")); err == nil && v > 0 {
		n = v
	}
	s := newMailStack(t)
	const pw = "Corr3ct-Horse-Battery!"
	alice := s.user("alice", pw)
	s.user("bob", pw)
	roleID := s.mg("create-impersonation-role", "--organization-id", s.org, "--name", "reader", "--type", "READ_ONLY",
		"--rules", "ImpersonationRuleId=r1,Effect=ALLOW")["ImpersonationRoleId"].(string)
	token := s.mg("assume-impersonation-role", "--organization-id", s.org, "--impersonation-role-id", roleID)["Token"].(string)

	staticArgon := s.staticDovecot(t, "{ARGON2ID}"+argon2idHash(pw))
	staticPlain := s.staticDovecot(t, "{PLAIN}"+pw)
	login := "a LOGIN alice " + imapQuote(pw)
	plainImpersonation := "a AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("bob\x00"+roleID+"\x00"+token))

	viaMailgate := median(t, n, func() time.Duration { return imapLoginTime(t, s.imapPort, login) })
	viaArgon := median(t, n, func() time.Duration { return imapLoginTime(t, staticArgon, login) })
	viaPlain := median(t, n, func() time.Duration { return imapLoginTime(t, staticPlain, login) })
	viaToken := median(t, n, func() time.Duration { return imapLoginTime(t, s.imapPort, plainImpersonation) })

	secret, err := os.ReadFile(filepath.Join(s.dir, "mailgate.secret"))
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{}
	decide := func(form url.Values) func() time.Duration {
		return func() time.Duration {
			form.Set("organization_id", s.org)
			req, _ := http.NewRequest(http.MethodPost, s.srv.endpoint+"/_mailgate/mail/v1/auth", strings.NewReader(form.Encode()))
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(secret)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return timedRequest(t, hc, req, "result=allow")
		}
	}
	base := url.Values{"protocol": {"imap"}, "remote_ip": {"127.0.0.1"}, "mechanism": {"PLAIN"}}
	withCred := func(extra url.Values) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	decisionPassword := median(t, n, decide(withCred(url.Values{"user": {"alice"}, "credential": {pw}})))
	decisionToken := median(t, n, decide(withCred(url.Values{"user": {roleID}, "target": {"bob"}, "credential": {token}})))
	describe := median(t, n, func() time.Duration {
		body := fmt.Sprintf(`{"OrganizationId":%q,"UserId":%q}`, s.org, alice)
		req, _ := http.NewRequest(http.MethodPost, s.srv.endpoint+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "WorkMailService.DescribeUser")
		sum := sha256.Sum256([]byte(body))
		start := time.Now()
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: stackKeyID, SecretAccessKey: stackSecret}, req,
			hex.EncodeToString(sum[:]), "workmail", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		signing := time.Since(start)
		return signing + timedRequest(t, hc, req, `"UserId"`)
	})

	hashing := median(t, 50, func() time.Duration { start := time.Now(); argon2idHash(pw); return time.Since(start) })
	t.Logf("IMAP LOGIN, median of %d: through mailgate %v; static passdb argon2id %v (+%v); static passdb plain %v (+%v)",
		n, viaMailgate, viaArgon, viaMailgate-viaArgon, viaPlain, viaMailgate-viaPlain)
	t.Logf("IMAP impersonation-token login, median of %d: %v (%+v against the password login)", n, viaToken, viaToken-viaMailgate)
	t.Logf("added by mailgate over a static passdb, the password hash aside: password login %v, token login %v",
		viaMailgate-viaPlain-hashing, viaToken-viaPlain)
	t.Logf("mailgate decision over HTTP, median of %d: password %v (of which argon2id ≈ %v), impersonation token %v; signed DescribeUser %v (token %.2f×, password without its hash %.2f×)",
		n, decisionPassword, hashing, decisionToken, describe, float64(decisionToken)/float64(describe),
		float64(decisionPassword-hashing)/float64(describe))
	if os.Getenv("MAILGATE_DOVECOT_COST_ENFORCE") == "1" {
		if viaMailgate-viaArgon > 5*time.Millisecond || viaToken > viaMailgate || decisionToken > 2*describe {
			t.Fatal("over budget")
		}
	}
}

// staticDovecot starts a second Dovecot, the same configuration as the
// stack's but with static password and user databases, and returns its
// IMAP port.
func (s *mailStack) staticDovecot(t *testing.T, password string) int {
	t.Helper()
	port := freePort(t)
	dir := filepath.Join(filepath.Dir(s.dir), "static-"+strconv.Itoa(port))
	out, err := exec.Command(s.bin, "dovecot-config", "--endpoint", s.srv.endpoint, "--organization-id", s.org,
		"--imap", "127.0.0.1:"+strconv.Itoa(port), "--submission", "127.0.0.1:"+strconv.Itoa(freePort(t)),
		"--relay", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--dir", dir, "--auth-failure-delay", "0").CombinedOutput()
	if err != nil {
		t.Fatalf("dovecot-config: %v\n%s", err, out)
	}
	conf := filepath.Join(dir, "dovecot.conf")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start, end := strings.Index(text, "passdb {"), strings.Index(text, "mail_location")
	static := fmt.Sprintf("passdb {\n  driver = static\n  args = password=%s\n}\nuserdb {\n  driver = static\n  args = home=%s/home/static mail=maildir:%s/mail/static\n}\n", password, dir, dir)
	if err := os.WriteFile(conf, []byte(text[:start]+static+text[end:]), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dovecot", "-c", conf, "-F")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	waitPort(t, port, "static Dovecot", func() string { b, _ := os.ReadFile(filepath.Join(dir, "dovecot.log")); return string(b) })
	return port
}

// argon2idHash hashes a password as mailgate does (internal/workmail's
// parameters), in the PHC format Dovecot's ARGON2ID scheme reads.
func argon2idHash(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, 2, 19*1024, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 19*1024, 2, 1, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func imapQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// imapLoginTime connects, and times one login command from its sending
// to its tagged answer, which must be OK.
func imapLoginTime(t *testing.T, port int, command string) time.Duration {
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	fmt.Fprintf(c, "%s\r\n", command)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "a ") {
			d := time.Since(start)
			if !strings.HasPrefix(line, "a OK") {
				t.Fatalf("login refused: %s", line)
			}
			fmt.Fprintf(c, "b LOGOUT\r\n")
			return d
		}
	}
}

func timedRequest(t *testing.T, hc *http.Client, req *http.Request, want string) time.Duration {
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	d := time.Since(start)
	if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Fatalf("%s: %d %s", req.URL.Path, resp.StatusCode, body)
	}
	return d
}

// median runs f n times (after a few warm-up runs) and returns the median.
func median(t *testing.T, n int, f func() time.Duration) time.Duration {
	for range 5 {
		f()
	}
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = f()
	}
	slices.Sort(ds)
	return ds[n/2]
}
