package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/mailgate/mailgate/internal/metrics"
)

// certificate is the served TLS certificate, swapped atomically on
// reload: handshakes in flight keep the one they started with, new ones
// get the new one, and a reload that fails keeps the old one.
type certificate struct {
	certFile, keyFile string
	log               *slog.Logger
	cur               atomic.Pointer[tls.Certificate]
}

func loadCertificate(certFile, keyFile string, log *slog.Logger) (*certificate, error) {
	c := &certificate{certFile: certFile, keyFile: keyFile, log: log}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the key pair again; on error the served one stays.
func (c *certificate) reload() error {
	kp, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("TLS certificate: %w", err)
	}
	c.cur.Store(&kp)
	leaf := kp.Leaf
	c.log.Info("TLS certificate loaded", "file", c.certFile, "subject", leaf.Subject.String(), "serial", leaf.SerialNumber.Text(16),
		"not_after", leaf.NotAfter)
	metrics.SetCertificateExpiry(leaf.NotAfter)
	return nil
}

// config serves TLS 1.2 or later with the current certificate, and
// offers HTTP/2.
func (c *certificate) config() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return c.cur.Load(), nil },
	}
}

// reloadOnSIGHUP reloads the certificate on each SIGHUP until ctx ends.
// Without TLS there is nothing to reload; the signal is still caught, so
// that a reload (systemctl reload) does not stop the server.
func reloadOnSIGHUP(ctx context.Context, c *certificate, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if c == nil {
				log.Info("SIGHUP: nothing to reload without --tls-cert-file")
				continue
			}
			if err := c.reload(); err != nil {
				log.Error("SIGHUP: keeping the current TLS certificate", "error", err)
			}
		}
	}()
}
