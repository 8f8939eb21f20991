package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
)

// listenFlags configure what the listener serves and how: TLS, the
// proxies trusted to say that a request came over TLS, the metrics.
type listenFlags struct {
	tlsCertFile, tlsKeyFile string
	trustedProxies          string
	allowInsecureSignIn     bool
	metrics                 bool

	proxies []netip.Prefix // set by check
}

func (l *listenFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.tlsCertFile, "tls-cert-file", "", "PEM certificate (chain) to serve HTTPS with, TLS 1.2 or later; reloaded on SIGHUP (with --tls-key-file)")
	fs.StringVar(&l.tlsKeyFile, "tls-key-file", "", "PEM private key of --tls-cert-file")
	fs.StringVar(&l.trustedProxies, "trusted-proxies", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-Proto: https counts as TLS (for the sign-in endpoints and aws:SecureTransport)")
	fs.BoolVar(&l.allowInsecureSignIn, "allow-insecure-signin", false, "let the sign-in and personal access token endpoints take credentials over plain HTTP from other hosts")
	fs.BoolVar(&l.metrics, "metrics", true, "serve Prometheus metrics at /metrics and /_mailgate/metrics")
}

// check validates the flags and parses the trusted proxies.
func (l *listenFlags) check() error {
	if (l.tlsCertFile == "") != (l.tlsKeyFile == "") {
		return errors.New("--tls-cert-file and --tls-key-file go together")
	}
	l.proxies = nil
	for _, s := range strings.Split(l.trustedProxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		l.proxies = append(l.proxies, p.Masked())
	}
	return nil
}

// listen wraps ln in TLS when a certificate is configured, reloading it
// on SIGHUP until ctx ends, and returns the URL scheme it serves.
func (l *listenFlags) listen(ctx context.Context, ln net.Listener, logger *slog.Logger) (net.Listener, string, error) {
	var cert *certificate
	if l.tlsCertFile != "" {
		var err error
		if cert, err = loadCertificate(l.tlsCertFile, l.tlsKeyFile, logger); err != nil {
			ln.Close()
			return nil, "", err
		}
	}
	reloadOnSIGHUP(ctx, cert, logger)
	if cert == nil {
		if !l.allowInsecureSignIn && len(l.proxies) == 0 && !isLoopback(ln.Addr()) {
			logger.Warn("serving plain HTTP beyond loopback: the sign-in endpoints refuse credentials from other hosts; give --tls-cert-file, or --trusted-proxies for a proxy that terminates TLS")
		}
		return ln, "http", nil
	}
	return tls.NewListener(ln, cert.config()), "https", nil
}

func isLoopback(a net.Addr) bool {
	ap, err := netip.ParseAddrPort(a.String())
	return err == nil && ap.Addr().IsLoopback()
}
