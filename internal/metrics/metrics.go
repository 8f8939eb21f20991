// Package metrics is mailgate's Prometheus instrumentation: one registry
// for the process, every metric the server exposes, and the handler that
// serves them (server.MetricsPath).
//
// Packages record through small handles resolved once (Op, AuthFailures,
// SignInFront) or through functions indexed by a small enum
// (TokenVerified, StoreError), so that recording costs a request no label
// lookup and no allocation, and so that the services (internal/workmail,
// internal/store/sqlstore) record without importing the HTTP server.
// Label values come only from fixed sets (model names, enums here), never
// from what a caller sent, so no request can add a series.
//
// The registry is the process's: a second server in one process (tests)
// feeds the same counters.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "mailgate"

// Registry holds every mailgate metric, the Go runtime's and the
// process's. Nothing else registers on it by accident, as it could on
// the client library's global registry.
var Registry = prometheus.NewRegistry()

// DurationBuckets are the request latency buckets, in seconds: a signed
// read takes about a millisecond on SQLite, a password sign-in (argon2id)
// tens of milliseconds, a statement timeout seconds.
var DurationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "requests_total",
		Help: "Requests answered, by service, operation and HTTP status code."}, []string{"service", "operation", "status"})
	duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "request_duration_seconds",
		Help: "Time from a request's arrival to its answer, by service and operation.", Buckets: DurationBuckets}, []string{"service", "operation"})
	denials = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "authorization_denials_total",
		Help: "Requests the authorizer denied (AccessDenied), by service and operation."}, []string{"service", "operation"})
	authFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "authentication_failures_total",
		Help: "Requests refused before authorization because their SigV4 authentication failed, by service and reason."}, []string{"service", "reason"})
	tokenVerifications = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "token_verifications_total",
		Help: "Impersonation and personal access token verifications, by kind and outcome."}, []string{"kind", "outcome"})
	signIns = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "signin_decisions_total",
		Help: "Mailbox sign-in decisions, by front end, method and outcome."}, []string{"front", "method", "outcome"})
	storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "store_errors_total",
		Help: "Failed database statements and transactions (retried ones included), by kind."}, []string{"kind"})
	buildInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: "build_info",
		Help: "Always 1; the labels say which build is running."}, []string{"version", "revision", "go_version"})
	certExpiry = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "tls_certificate_expiry_timestamp_seconds",
		Help: "When the served TLS certificate expires (Unix time); absent without TLS."})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		requests, duration, denials, authFailures, tokenVerifications, signIns, storeErrors, buildInfo, pools,
	)
	for k := range tokenCounters {
		for o := range tokenCounters[k] {
			tokenCounters[k][o] = tokenVerifications.WithLabelValues(tokenKindNames[k], tokenOutcomeNames[o])
		}
	}
	for k := range storeErrorCounters {
		storeErrorCounters[k] = storeErrors.WithLabelValues(storeErrorNames[k])
	}
}

// Handler serves the registry in the Prometheus text format (or
// OpenMetrics, as the scraper asks). A collector that fails leaves its
// metrics out instead of failing the scrape.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, EnableOpenMetrics: true})
}

// SetBuildInfo publishes mailgate_build_info.
func SetBuildInfo(version, revision, goVersion string) {
	buildInfo.Reset()
	buildInfo.WithLabelValues(version, revision, goVersion).Set(1)
}

// SetCertificateExpiry publishes the expiry of the served certificate.
func SetCertificateExpiry(t time.Time) {
	if !registeredCertExpiry.Swap(true) {
		Registry.MustRegister(certExpiry)
	}
	certExpiry.Set(float64(t.Unix()))
}

var registeredCertExpiry atomic.Bool

// ---------------------------------------------------------------------------
// Requests.

// Op is the request metrics of one operation, resolved once: its latency
// histogram, a counter per status code seen so far, its denials.
type Op struct {
	service, operation string
	duration           prometheus.Observer
	statuses           atomic.Pointer[[]statusCounter] // copied on write
	mu                 sync.Mutex
	denied             func() prometheus.Counter
}

type statusCounter struct {
	code int
	c    prometheus.Counter
}

// NewOp resolves the metrics of one operation. service and operation must
// come from a fixed set (model names), never from request input.
func NewOp(service, operation string) *Op {
	return &Op{service: service, operation: operation, duration: duration.WithLabelValues(service, operation),
		denied: sync.OnceValue(func() prometheus.Counter { return denials.WithLabelValues(service, operation) })}
}

// Observe records one answered request.
func (o *Op) Observe(status int, d time.Duration) {
	o.duration.Observe(d.Seconds())
	o.status(status).Inc()
}

// Denied records an authorization denial.
func (o *Op) Denied() { o.denied().Inc() }

func (o *Op) status(code int) prometheus.Counter {
	if l := o.statuses.Load(); l != nil {
		for _, s := range *l {
			if s.code == code {
				return s.c
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var old []statusCounter
	if l := o.statuses.Load(); l != nil {
		old = *l
		for _, s := range old {
			if s.code == code {
				return s.c
			}
		}
	}
	c := requests.WithLabelValues(o.service, o.operation, strconv.Itoa(code))
	l := append(old[:len(old):len(old)], statusCounter{code, c})
	o.statuses.Store(&l)
	return c
}

// ---------------------------------------------------------------------------
// Authentication.

// AuthReason is why SigV4 authentication failed.
type AuthReason uint8

const (
	AuthMissing           AuthReason = iota // no signature at all
	AuthIncomplete                          // a malformed or wrongly scoped signature
	AuthUnknownKey                          // no such access key
	AuthInvalidToken                        // session token missing, unexpected or wrong
	AuthSignatureMismatch                   // wrong signature or payload hash
	AuthExpired                             // clock skew or presigned URL past its expiry
	AuthExpiredToken                        // the session's credentials expired
	numAuthReasons
)

var authReasonNames = [numAuthReasons]string{"missing", "incomplete", "unknown_key", "invalid_token", "signature_mismatch", "expired", "expired_token"}

func (r AuthReason) String() string { return authReasonNames[r] }

// AuthFailures counts one service's authentication failures.
type AuthFailures [numAuthReasons]prometheus.Counter

// NewAuthFailures resolves a service's counters (each present at 0).
func NewAuthFailures(service string) *AuthFailures {
	var a AuthFailures
	for r := range a {
		a[r] = authFailures.WithLabelValues(service, authReasonNames[r])
	}
	return &a
}

// Inc records one failure.
func (a *AuthFailures) Inc(r AuthReason) { a[r].Inc() }

// ---------------------------------------------------------------------------
// Token verifications.

// TokenKind is a kind of bearer token mailgate issues.
type TokenKind uint8

const (
	TokenImpersonation       TokenKind = iota // mgi1.…, from AssumeImpersonationRole
	TokenPersonalAccessToken                  // mgp1.…, a mailbox user's
	numTokenKinds
)

var tokenKindNames = [numTokenKinds]string{"impersonation", "personal_access_token"}

// TokenOutcome is what verifying a token found.
type TokenOutcome uint8

const (
	TokenActive    TokenOutcome = iota // the token works
	TokenMalformed                     // not a token of its kind
	TokenUnknown                       // no such token
	TokenMismatch                      // a known ID with the wrong secret
	TokenExpired                       // past its expiry
	TokenRevoked                       // its role was updated or deleted since it was issued
	TokenInactive                      // its organization, user or the organization's tokens are not active, or the caller cannot see them
	TokenError                         // the verification failed (the store)
	numTokenOutcomes
)

var tokenOutcomeNames = [numTokenOutcomes]string{"active", "malformed", "unknown", "mismatch", "expired", "revoked", "inactive", "error"}

func (o TokenOutcome) String() string { return tokenOutcomeNames[o] }

var tokenCounters [numTokenKinds][numTokenOutcomes]prometheus.Counter

// TokenVerified records one verification.
func TokenVerified(k TokenKind, o TokenOutcome) { tokenCounters[k][o].Inc() }

// ---------------------------------------------------------------------------
// Mailbox sign-in.

// SignInOutcome is a sign-in decision.
type SignInOutcome uint8

const (
	SignInSuccess     SignInOutcome = iota // signed in
	SignInFailure                          // refused (wrong or unknown credentials, throttled, forbidden method)
	SignInUnavailable                      // the identity provider could not be reached
	SignInError                            // an internal error
	numSignInOutcomes
)

var signInOutcomeNames = [numSignInOutcomes]string{"success", "failure", "unavailable", "error"}

// Sign-in methods, as mailauth names them, and "other".
var signInMethodNames = [...]string{"password", "id_token", "personal_access_token", "other"}

// SignInFront counts the sign-in decisions of one front end.
type SignInFront struct {
	c [len(signInMethodNames)][numSignInOutcomes]prometheus.Counter
}

var (
	frontsMu sync.Mutex
	fronts   = map[string]*SignInFront{}
)

// SignInFrontend returns the counters of a front end ("http" for the
// sign-in endpoint; a mail front end names itself: "imap", "smtp", …),
// each present at 0. Resolve it once and keep it.
func SignInFrontend(name string) *SignInFront {
	frontsMu.Lock()
	defer frontsMu.Unlock()
	if f := fronts[name]; f != nil {
		return f
	}
	f := &SignInFront{}
	for m := range f.c {
		for o := range f.c[m] {
			f.c[m][o] = signIns.WithLabelValues(name, signInMethodNames[m], signInOutcomeNames[o])
		}
	}
	fronts[name] = f
	return f
}

// Decision records one decision; method is a mailauth method name
// (password, id_token, personal_access_token).
func (f *SignInFront) Decision(method string, o SignInOutcome) {
	m := len(signInMethodNames) - 1
	for i, n := range signInMethodNames[:m] {
		if n == method {
			m = i
			break
		}
	}
	f.c[m][o].Inc()
}

// ---------------------------------------------------------------------------
// Store errors.

// StoreErrorKind classifies a failed database statement.
type StoreErrorKind uint8

const (
	StoreUnavailable StoreErrorKind = iota // unreachable, dropped connection, timeout
	StoreBusy                              // lock or serialization conflict (retried)
	StoreConstraint                        // a unique key taken
	StoreCanceled                          // the request went away
	StoreOther                             // anything else
	numStoreErrorKinds
)

var storeErrorNames = [numStoreErrorKinds]string{"unavailable", "busy", "constraint", "canceled", "other"}

var storeErrorCounters [numStoreErrorKinds]prometheus.Counter

// StoreError records one failed statement.
func StoreError(k StoreErrorKind) { storeErrorCounters[k].Inc() }
