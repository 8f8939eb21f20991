package main

// mailgate dovecot-relay runs the submission relay of a configuration
// `mailgate dovecot-config` wrote (internal/mailfront/relay.go): Dovecot's
// submission service relays to it on loopback; it checks each message's
// From: and Sender: with mailgate and delivers into the local mailboxes
// over Dovecot's LMTP socket.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mailgate/mailgate/internal/mailfront"
)

func dovecotRelayCommand(args []string) int {
	fs := flag.NewFlagSet("dovecot-relay", flag.ContinueOnError)
	dir := fs.String("dir", "", "the folder mailgate dovecot-config wrote")
	fs.Usage = flagUsage(fs, "Usage: mailgate dovecot-relay --dir DIR\n\nRuns the submission relay of a Dovecot configuration written by mailgate dovecot-config.\n\n")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := applyEnv(fs); err != nil || *dir == "" {
		fmt.Fprintln(os.Stderr, "mailgate dovecot-relay: --dir is required")
		return 2
	}
	if err := runRelay(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate dovecot-relay:", err)
		return 1
	}
	return 0
}

func runRelay(dir string) error {
	var c dovecotConfig
	b, err := os.ReadFile(filepath.Join(dir, "relay.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	secret, err := readSecret(c.SecretFile)
	if err != nil {
		return err
	}
	relaySecret, err := readSecret(filepath.Join(dir, "relay.secret"))
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	hc, err := relayHTTPClient(c.CAFile)
	if err != nil {
		return err
	}
	mg := &mailgateClient{endpoint: c.Endpoint + "/_mailgate/mail/v1/", secret: secret, org: c.OrganizationID, http: hc}
	r := &mailfront.Relay{Secret: relaySecret, LMTP: c.LMTPSocket, Hostname: c.Hostname, Log: log,
		Check: mg.sender, Local: mg.local}
	l, err := net.Listen("tcp", c.Relay)
	if err != nil {
		return err
	}
	fmt.Printf("mailgate dovecot-relay ready on %s\n", l.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-stop; l.Close() }()
	if err := r.Serve(l); !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// relayHTTPClient trusts caFile's authorities when given (as Dovecot's
// client does), the system's otherwise.
func relayHTTPClient(caFile string) (*http.Client, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	if caFile == "" {
		return hc, nil
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return hc, nil
}

func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// mailgateClient asks mailgate's mail front end endpoints, as the Lua
// script does.
type mailgateClient struct {
	endpoint, secret, org string
	http                  *http.Client
}

func (m *mailgateClient) call(ctx context.Context, path string, form url.Values) (map[string]string, error) {
	form.Set("organization_id", m.org)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.endpoint+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+m.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := m.http.Do(req)
	if err != nil {
		return nil, errors.Join(mailfront.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: HTTP %d", mailfront.ErrUnavailable, resp.StatusCode)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, nil
}

func (m *mailgateClient) sender(ctx context.Context, user, from, sender string) (bool, string, error) {
	out, err := m.call(ctx, "sender", url.Values{"user": {user}, "from": {from}, "sender": {sender}})
	if err != nil {
		return false, "", err
	}
	return out["result"] == "allow", out["reason"], nil
}

func (m *mailgateClient) local(ctx context.Context, address string) (bool, error) {
	out, err := m.call(ctx, "user", url.Values{"user": {address}})
	if err != nil {
		return false, err
	}
	return out["result"] == "ok", nil
}
