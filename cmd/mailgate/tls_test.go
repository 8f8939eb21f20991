package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA issues certificates for 127.0.0.1 in tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailgate test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue writes a certificate for 127.0.0.1 with the given serial, valid
// for validFor, to certFile and its key to keyFile.
func (ca *testCA) issue(t testing.TB, serial int64, validFor time.Duration, certFile, keyFile string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(validFor).Truncate(time.Second),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// writeFile replaces a file atomically, as an operator's renewal should.
func writeFile(t testing.TB, name string, b []byte) {
	t.Helper()
	tmp := name + ".new"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

func serialOf(c *certificate) int64 { return c.cur.Load().Leaf.SerialNumber.Int64() }

func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	ca := newTestCA(t)
	ca.issue(t, 100, time.Hour, certFile, keyFile)
	var logs bytes.Buffer
	c, err := loadCertificate(certFile, keyFile, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if serialOf(c) != 100 {
		t.Fatalf("serial %d", serialOf(c))
	}
	cfg := c.config()
	if cfg.MinVersion != tls.VersionTLS12 {
		t.Fatalf("min version %x", cfg.MinVersion)
	}
	ca.issue(t, 101, time.Hour, certFile, keyFile)
	if err := c.reload(); err != nil || serialOf(c) != 101 {
		t.Fatalf("reload: %v, serial %d", err, serialOf(c))
	}
	got, _ := cfg.GetCertificate(&tls.ClientHelloInfo{})
	if got.Leaf.SerialNumber.Int64() != 101 {
		t.Fatalf("GetCertificate serves %d", got.Leaf.SerialNumber.Int64())
	}
	// A broken certificate, or a key that does not match, keeps the old one.
	writeFile(t, certFile, []byte("not a certificate"))
	if err := c.reload(); err == nil || serialOf(c) != 101 {
		t.Fatalf("broken certificate: %v, serial %d", err, serialOf(c))
	}
	ca.issue(t, 102, time.Hour, certFile, filepath.Join(dir, "other-key.pem"))
	if err := c.reload(); err == nil || serialOf(c) != 101 {
		t.Fatalf("mismatched key: %v, serial %d", err, serialOf(c))
	}
	if strings.Contains(logs.String(), "PRIVATE KEY") {
		t.Fatal("key material in the logs")
	}
	if _, err := loadCertificate(filepath.Join(dir, "missing.pem"), keyFile, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("a missing certificate loaded")
	}
}

func TestListenFlagsCheck(t *testing.T) {
	l := listenFlags{trustedProxies: "10.0.0.0/8, 192.0.2.7,2001:db8::/32,::ffff:198.51.100.1"}
	if err := l.check(); err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32", "198.51.100.1/32"}
	if len(l.proxies) != len(want) {
		t.Fatalf("proxies %v", l.proxies)
	}
	for i, p := range l.proxies {
		if p.String() != want[i] {
			t.Fatalf("proxies %v, want %v", l.proxies, want)
		}
	}
	for _, bad := range []listenFlags{{trustedProxies: "example.com"}, {tlsCertFile: "cert.pem"}, {tlsKeyFile: "key.pem"}} {
		if err := bad.check(); err == nil {
			t.Fatalf("%+v passed", bad)
		}
	}
}
