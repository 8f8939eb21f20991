package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTLSReloadOnSIGHUP runs the binary with a certificate, replaces the
// certificate and sends SIGHUP: new connections get the new one, with no
// restart. A broken certificate then keeps the one served.
func TestTLSReloadOnSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	ca := newTestCA(t)
	ca.issue(t, 1001, 48*time.Hour, certFile, keyFile)
	srv := startServer(t, bin, "--data-dir", filepath.Join(dir, "data"), "--tls-cert-file", certFile, "--tls-key-file", keyFile)
	if !strings.HasPrefix(srv.endpoint, "https://127.0.0.1:") {
		t.Fatalf("endpoint %s", srv.endpoint)
	}
	client := func(maxVersion uint16) *http.Client {
		// A new connection each time: a reload affects new handshakes.
		return &http.Client{Transport: &http.Transport{DisableKeepAlives: true, ForceAttemptHTTP2: true,
			TLSClientConfig: &tls.Config{RootCAs: ca.pool, MaxVersion: maxVersion}}}
	}
	served := func() int64 {
		t.Helper()
		resp, err := client(0).Get(srv.endpoint + "/_mailgate/health")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
			t.Fatalf("health over TLS: %d %s", resp.StatusCode, resp.Proto)
		}
		return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
	}
	if s := served(); s != 1001 {
		t.Fatalf("serial %d", s)
	}
	if _, err := client(tls.VersionTLS11).Get(srv.endpoint + "/_mailgate/health"); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
	if resp, err := http.Get(strings.Replace(srv.endpoint, "https:", "http:", 1) + "/_mailgate/health"); err == nil && resp.StatusCode == 200 {
		t.Fatal("plain HTTP served on the TLS listener")
	}

	renewed := ca.issue(t, 1002, 72*time.Hour, certFile, keyFile)
	hup := func() {
		if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}
	hup()
	waitFor(t, "the renewed certificate", func() bool { return served() == 1002 })
	expiry := metricValue(t, client(0), srv.endpoint, "mailgate_tls_certificate_expiry_timestamp_seconds")
	if expiry != strconv.FormatInt(renewed.NotAfter.Unix(), 10) && expiry != strconv.FormatFloat(float64(renewed.NotAfter.Unix()), 'e', -1, 64) {
		t.Fatalf("expiry metric %s, want %d", expiry, renewed.NotAfter.Unix())
	}

	writeFile(t, certFile, []byte("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n"))
	hup()
	waitFor(t, "the failed reload's log", func() bool { return strings.Contains(srv.stderrSoFar(), "keeping the current TLS certificate") })
	if s := served(); s != 1002 {
		t.Fatalf("after a failed reload: serial %d", s)
	}
	srv.stop(t)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metricValue is the value of an unlabeled metric on the server's /metrics.
func metricValue(t *testing.T, c *http.Client, endpoint, name string) string {
	t.Helper()
	resp, err := c.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return ""
}
