package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/cloudtrail"
	"github.com/mailgate/mailgate/internal/console"
	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/identitystore"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/secretbox"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/ssoadmin"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
	"github.com/mailgate/mailgate/internal/sts"
	"github.com/mailgate/mailgate/internal/workmail"
)

// DefaultAddr is where `mailgate serve` listens unless told otherwise:
// loopback only, so a fresh install exposes nothing.
const DefaultAddr = "127.0.0.1:4599"

// PrintedRegion is the region in the export line of a first start. The
// server serves whatever region a request is signed for; the AWS CLI
// (v1 and v2 read AWS_DEFAULT_REGION) and the SDKs need one to sign at all.
const PrintedRegion = "us-east-1"

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "mailgate")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "mailgate")
	}
	return "mailgate-data"
}

type serveFlags struct {
	addr, dataDir, storeURL, masterKey string
	accountID, rootKeyID, rootSecret   string
	logLevel, logFormat                string
	maxBodyBytes                       int64
	bodyTimeout                        time.Duration
	maxUnauthConns                     int
	unauthConnTimeout                  time.Duration
	shutdownTimeout                    time.Duration
	storeMaxConns                      int
	storeStatementTimeout              time.Duration
	impersonationTokenTTL              time.Duration
	impersonationMaxRoles              int
	enforcement                        string
	publicURL                          string
	webIdentityCAFile                  string
	mailFrontSecretFile                string
	modeFlags
	idpFlags
	listenFlags
	auditFlags
}

// serveFlagSet declares the flags of serve into f (completion lists them too).
func serveFlagSet(f *serveFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", DefaultAddr, "address to listen on (host:port)")
	fs.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "directory for the embedded database and the master key")
	fs.StringVar(&f.storeURL, "store", "", "state store: empty for embedded SQLite in the data directory, or a postgres:// URL")
	fs.IntVar(&f.storeMaxConns, "store-max-conns", 16, "PostgreSQL: connections per replica")
	fs.DurationVar(&f.storeStatementTimeout, "store-statement-timeout", 10*time.Second, "PostgreSQL: longest a statement may run before it fails the request")
	fs.StringVar(&f.masterKey, "master-key", "", "base64 32-byte key sealing secrets at rest; empty = <data-dir>/master.key, created on first start")
	fs.StringVar(&f.accountID, "account-id", "", "12-digit account ID of the server's account (empty = generated on first start)")
	fs.StringVar(&f.rootKeyID, "root-access-key-id", "", "pin the root access key ID (with --root-secret-access-key)")
	fs.StringVar(&f.rootSecret, "root-secret-access-key", "", "pin the root secret access key (with --root-access-key-id)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&f.logFormat, "log-format", "text", "text or json")
	fs.Int64Var(&f.maxBodyBytes, "max-body-bytes", server.DefaultMaxBodyBytes, "largest request body accepted")
	fs.DurationVar(&f.bodyTimeout, "body-timeout", server.DefaultBodyTimeout, "longest a request body may take to arrive, from the end of its headers; past it the connection is closed (negative: no limit)")
	fs.IntVar(&f.maxUnauthConns, "max-unauthenticated-conns", server.DefaultMaxUnauthenticatedConns,
		"connections that have not yet carried an authenticated request, at most; a new one beyond closes the oldest such (negative: no limit)")
	fs.DurationVar(&f.unauthConnTimeout, "unauthenticated-conn-timeout", server.DefaultUnauthenticatedConnTimeout,
		"a connection without an authenticated request this long after it was accepted is closed; keep it above the 10s header timeout plus --body-timeout (negative: no limit)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight requests may finish after SIGINT/SIGTERM")
	fs.DurationVar(&f.impersonationTokenTTL, "impersonation-token-ttl", workmail.DefaultImpersonationTokenTTL, "lifetime of the tokens AssumeImpersonationRole issues (ExpiresIn)")
	fs.IntVar(&f.impersonationMaxRoles, "impersonation-max-roles", workmail.DefaultMaxImpersonationRoles, "impersonation roles per organization (LimitExceededException beyond)")
	fs.StringVar(&f.enforcement, "enforcement", string(authz.EnforceStrict), "IAM policy enforcement: strict (deny what policies do not allow), soft (allow, but log each would-be denial and why), or off")
	fs.StringVar(&f.publicURL, "public-url", "", "URL clients reach this server at, which the issuers of outbound web identity federation are named by (empty = the listening endpoint)")
	fs.StringVar(&f.webIdentityCAFile, "web-identity-ca-file", "", "PEM file of CA certificates trusted, besides the system's, when STS fetches the keys of web identity issuers")
	fs.StringVar(&f.mailFrontSecretFile, "mail-front-secret-file", "", "file holding the shared secret Dovecot authenticates with (written by mailgate dovecot-config); empty disables the mail front end's endpoints")
	f.modeFlags.register(fs)
	f.idpFlags.register(fs)
	f.listenFlags.register(fs)
	f.auditFlags.register(fs)
	fs.Usage = flagUsage(fs, "Usage: mailgate serve [flags]\n\nEvery flag has an environment twin; the flag wins.\n\n")
	return fs
}

func serve(args []string) int {
	var f serveFlags
	fs := serveFlagSet(&f)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "mailgate serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve:", err)
		return 2
	}
	if err := resolveMode(fs, &f); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve:", err)
		return 2
	}
	if err := f.idpFlags.check(); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve: --oidc-*:", err)
		return 2
	}
	if err := f.listenFlags.check(); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve:", err)
		return 2
	}
	logger, err := newLogger(f.logLevel, f.logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve:", err)
		return 2
	}
	if _, err := authz.ParseEnforcement(f.enforcement); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate serve: --enforcement:", err)
		return 2
	}
	if err := run(f, logger); err != nil {
		logger.Error("server stopped", "error", err)
		return 1
	}
	return 0
}

func newLogger(level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %v", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, got %q", format)
}

func run(f serveFlags, logger *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var key []byte
	var err error
	if f.ephemeral {
		if f.dataDir, key, err = ephemeralDataDir(); err != nil {
			return err
		}
		defer os.RemoveAll(f.dataDir)
	}
	switch {
	case f.masterKey != "":
		key, err = secretbox.ParseKey(f.masterKey)
	case key == nil:
		key, err = secretbox.LoadOrCreateKeyFile(filepath.Join(f.dataDir, "master.key"))
	}
	if err != nil {
		return err
	}
	box, err := secretbox.New(key)
	if err != nil {
		return err
	}
	url := f.storeURL
	if url == "" {
		url = filepath.Join(f.dataDir, "mailgate.db")
	}
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: url, Box: box, MaxConns: f.storeMaxConns, StatementTimeout: f.storeStatementTimeout})
	if err != nil {
		return err
	}
	defer st.Close()
	defer metrics.WatchPools(st.Stats)()
	metrics.SetBuildInfo(versionString(), readBuild().revision, runtime.Version())

	boot, err := bootstrap.Run(ctx, st, bootstrapOptions(f))
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	ln, scheme, err := f.listenFlags.listen(ctx, ln, logger)
	if err != nil {
		return err
	}
	endpoint := scheme + "://" + ln.Addr().String()
	if boot.NewRootKey != nil {
		// Shown once, on standard output, ready to paste; never logged.
		fmt.Printf("# mailgate created the root access key of account %s. It is shown only this once:\nexport AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_ENDPOINT_URL=%s AWS_DEFAULT_REGION=%s\n",
			boot.AccountID, boot.NewRootKey.AccessKeyID, boot.NewRootKey.SecretAccessKey, endpoint, PrintedRegion)
	}

	stsOpts := sts.Options{}
	if f.webIdentityCAFile != "" {
		pem, err := os.ReadFile(f.webIdentityCAFile)
		if err != nil {
			return err
		}
		if stsOpts.HTTPClient, err = sts.IssuerClient(pem); err != nil {
			return err
		}
	}
	trail, closeAuditLog, err := f.auditFlags.open(st, logger)
	if err != nil {
		return err
	}
	defer closeAuditLog()
	clk, now := serviceClock(f)
	wm := workmail.New(st, workmail.Options{Now: now, Impersonation: workmail.ImpersonationOptions{MaxRolesPerOrg: f.impersonationMaxRoles, TokenTTL: f.impersonationTokenTTL},
		IdentityProviders: f.idpFlags.providers(), SignIn: f.idpFlags.signIn(logger)})
	sso := ssoadmin.New(st, ssoadmin.Options{Now: now, CreateOnFirstUse: f.mode == modeTest})
	idstore := identitystore.New(st, sso, identitystore.Options{Now: now})
	wm.UseIdentityCenter(idstore)
	srv := server.New(server.Config{
		Store:        st,
		WorkMail:     wm,
		STS:          sts.New(st, stsOpts),
		Enforcement:  authz.Enforcement(f.enforcement),
		IAM:          iam.New(st, iam.Options{PublicURL: func() string { return cmp.Or(f.publicURL, endpoint) }}),
		Logger:       logger,
		MaxBodyBytes: f.maxBodyBytes,
		BodyTimeout:  f.bodyTimeout,
		TestMode:     testModeConfig(f, clk),

		MaxUnauthenticatedConns:    f.maxUnauthConns,
		UnauthenticatedConnTimeout: f.unauthConnTimeout,
		TrustedProxies:             f.proxies,
		AllowInsecureSignIn:        f.allowInsecureSignIn,
		DisableMetrics:             !f.metrics,

		SSOAdmin:      sso,
		IdentityStore: idstore,
		CloudTrail:    cloudtrail.New(st, cloudtrail.Options{Flush: trail.Flush}),
		Audit:         trail,

		MailFrontSecretFile: f.mailFrontSecretFile,
	})
	// After the HTTP server's shutdown, before the store closes: the
	// audit records still queued are written.
	defer srv.Close()
	srv.MountConsole(console.New(console.Config{Store: st, Invoker: srv, Logger: logger}))
	if f.mode == modeTest {
		fmt.Fprintln(os.Stderr, testModeWarning(f, storeKind(url)))
	}
	// No ReadTimeout: it would also cut long-running handlers. The body
	// has its own deadline (--body-timeout), and Harden bounds the
	// connections that have not authenticated (in number and in time).
	httpSrv := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	srv.Harden(httpSrv)
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	logger.Info("mailgate ready", "endpoint", endpoint, "account", boot.AccountID, "store", storeKind(url), "version", versionString(), "enforcement", f.enforcement)
	if f.enforcement != string(authz.EnforceStrict) {
		logger.Warn("IAM policies are not enforced", "enforcement", f.enforcement)
	}
	fmt.Printf("mailgate ready on %s\n", endpoint)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", f.shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		return err
	}
	return nil
}

func storeKind(url string) string {
	if strings.HasPrefix(url, "postgres") {
		return "postgres"
	}
	return "sqlite:" + url
}
