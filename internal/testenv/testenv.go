// Package testenv starts a complete mailgate server for tests: a real
// store, the real services, the real HTTP stack on a loopback port, and
// AWS SDK clients signed with the account's root key. Set
// MAILGATE_TEST_STORE to a postgres:// URL to run on PostgreSQL; every
// environment gets its own random account, so suites can share a database.
package testenv

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/bootstrap"
	cloudtrailsvc "github.com/mailgate/mailgate/internal/cloudtrail"
	iamsvc "github.com/mailgate/mailgate/internal/iam"
	idstoresvc "github.com/mailgate/mailgate/internal/identitystore"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/secretbox"
	"github.com/mailgate/mailgate/internal/server"
	ssosvc "github.com/mailgate/mailgate/internal/ssoadmin"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
	stssvc "github.com/mailgate/mailgate/internal/sts"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

// Env is a running server.
type Env struct {
	URL       string
	AccountID string
	AccessKey string
	SecretKey string
	Region    string
	Store     store.Store
	Server    *httptest.Server
	// Audit is the server's audit trail (its Flush makes queued
	// records visible).
	Audit    *audit.Trail
	storeURL string
}

// Options adjust the environment.
type Options struct {
	// Configure may change the server configuration before it starts.
	Configure func(*server.Config)
	// StoreURL overrides MAILGATE_TEST_STORE (a postgres:// URL).
	StoreURL string
	// replicaOf makes the environment a second replica of another's
	// deployment: same database, same account and keys.
	replicaOf *Env
}

// New starts an environment that stops when the test ends.
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	st := openStore(t, o.StoreURL)
	e := &Env{
		AccountID: ids.AccountID(),
		AccessKey: ids.AccessKeyID(ids.PrefixAccessKey),
		SecretKey: ids.SecretAccessKey(),
		Region:    "us-east-1",
		Store:     st,
	}
	if r := o.replicaOf; r != nil {
		e.AccountID, e.AccessKey, e.SecretKey = r.AccountID, r.AccessKey, r.SecretKey
	}
	ctx := context.Background()
	if _, err := bootstrap.Run(ctx, st, bootstrap.Options{AccountID: e.AccountID, RootAccessKeyID: e.AccessKey, RootSecretAccessKey: e.SecretKey}); err != nil {
		t.Fatal(err)
	}
	sso := ssosvc.New(st, ssosvc.Options{})
	idstore := idstoresvc.New(st, sso, idstoresvc.Options{})
	e.Audit = audit.New(audit.Options{Store: st})
	cfg := server.Config{
		Store:         st,
		WorkMail:      wmsvc.New(st, wmsvc.Options{}),
		STS:           stssvc.New(st, stssvc.Options{}),
		IAM:           iamsvc.New(st, iamsvc.Options{}),
		SSOAdmin:      sso,
		IdentityStore: idstore,
		CloudTrail:    cloudtrailsvc.New(st, cloudtrailsvc.Options{Flush: e.Audit.Flush}),
		Audit:         e.Audit,
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	// WorkMail knows the instances created through sso-admin, as under
	// `mailgate serve`, unless the test replaced the identity store.
	if wm, ok := cfg.WorkMail.(*wmsvc.Service); ok && cfg.IdentityStore == identitystoreapi.API(idstore) {
		wm.UseIdentityCenter(idstore)
	}
	if strings.HasPrefix(o.StoreURL, "postgres") {
		e.storeURL = o.StoreURL
	}
	h := server.New(cfg)
	t.Cleanup(func() { h.Close(); e.Audit.Close() }) // after the HTTP server's close below
	e.Server = httptest.NewUnstartedServer(h)
	h.Harden(e.Server.Config) // as `mailgate serve` does
	e.Server.Start()
	e.URL = e.Server.URL
	t.Cleanup(e.Server.Close)
	return e
}

// OpenStore opens a store for a test: SQLite in a temporary directory, or
// PostgreSQL when MAILGATE_TEST_STORE names one.
func OpenStore(t testing.TB) store.Store { return openStore(t, "") }

func openStore(t testing.TB, url string) store.Store {
	t.Helper()
	box, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if url == "" {
		url = os.Getenv("MAILGATE_TEST_STORE")
	}
	if url == "" {
		url = filepath.Join(t.TempDir(), "mailgate.db")
	}
	st, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: url, Box: box})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// NewReplica starts a second server on the same PostgreSQL database as e
// (its own connection pool and caches, as another process would have),
// serving the same account. e must have been made with a postgres StoreURL.
func NewReplica(t testing.TB, e *Env, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.StoreURL, o.replicaOf = e.storeURL, e
	if o.StoreURL == "" {
		t.Fatal("testenv: replicas need a shared PostgreSQL store")
	}
	return New(t, o)
}

// AWSConfig returns an SDK configuration signed with the root key.
func (e *Env) AWSConfig() aws.Config {
	return e.AWSConfigFor(e.AccessKey, e.SecretKey, "")
}

// AWSConfigFor returns an SDK configuration for other credentials.
func (e *Env) AWSConfigFor(accessKey, secretKey, sessionToken string) aws.Config {
	return aws.Config{
		Region:       e.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, sessionToken),
		BaseEndpoint: aws.String(e.URL),
		Retryer:      Retryer,
	}
}

// Retryer is the SDK retryer of tests: they assert on the server's first
// answer, so no answer is retried; only a connection the client lost
// before it read the answer is, once. The SDK's HTTP client can close its
// own connection while it reads a response, when its writer goroutine
// finishes after the request's body was released (aws-sdk-go-v2 #2737,
// which its standard retryer absorbs by retrying such errors); a suite
// with retries off would fail on that race under load.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

// WorkMail returns a WorkMail client.
func (e *Env) WorkMail() *workmail.Client { return workmail.NewFromConfig(e.AWSConfig()) }

// IAM returns an IAM client.
func (e *Env) IAM() *iam.Client { return iam.NewFromConfig(e.AWSConfig()) }

// SSOAdmin, IdentityStore and CloudTrail are clients of the services
// of those names.
func (e *Env) SSOAdmin() *ssoadmin.Client { return ssoadmin.NewFromConfig(e.AWSConfig()) }

func (e *Env) IdentityStore() *identitystore.Client {
	return identitystore.NewFromConfig(e.AWSConfig())
}

func (e *Env) CloudTrail() *cloudtrail.Client { return cloudtrail.NewFromConfig(e.AWSConfig()) }

// STS returns an STS client.
func (e *Env) STS() *sts.Client { return sts.NewFromConfig(e.AWSConfig()) }
