package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
)

// MetricsPath serves the Prometheus metrics (internal/metrics) unless
// Config.DisableMetrics. MetricsAliasPath serves them too, where
// Prometheus looks by default: no AWS API of the server uses a path other
// than "/", so a GET of /metrics without X-Amz-Target or Action cannot be
// an AWS call.
const (
	MetricsPath      = ControlPrefix + "metrics"
	MetricsAliasPath = "/metrics"
)

// Labels of the requests that are not AWS operations.
const (
	controlService = "mailgate" // mailgate's own endpoints
	unknownLabel   = "unknown"  // unrouted requests, unknown operations
)

// requestMetrics holds the metrics handles of one server, resolved once
// (operations lazily, at their first request), so that recording a
// request costs no label lookup.
type requestMetrics struct {
	ops       sync.Map                 // *model.Operation → *metrics.Op
	unknownOp map[*binding]*metrics.Op // a service's unknown operations
	control   map[string]*metrics.Op   // by path
	authFail  map[*binding]*metrics.AuthFailures
	unrouted  *metrics.Op
	signIn    *metrics.SignInFront
	// wallClock: Config.Now is the wall clock, whose reading at arrival
	// (call.started) times the request too.
	wallClock bool
}

func (s *Server) initMetrics() {
	m := s.metrics
	m.unknownOp, m.authFail = map[*binding]*metrics.Op{}, map[*binding]*metrics.AuthFailures{}
	m.unrouted, m.signIn = metrics.NewOp(unknownLabel, unknownLabel), metrics.SignInFrontend("http")
	for _, b := range s.byName {
		m.unknownOp[b] = metrics.NewOp(b.model.Name, unknownLabel)
		m.authFail[b] = metrics.NewAuthFailures(b.model.Name)
	}
	m.control = map[string]*metrics.Op{
		IntrospectPath:           metrics.NewOp("workmail", "IntrospectImpersonationToken"),
		SignInPath:               metrics.NewOp(controlService, "SignIn"),
		PersonalAccessTokensPath: metrics.NewOp(controlService, "PersonalAccessTokens"),
		ControlPrefix + "health": metrics.NewOp(controlService, "Health"),
		ReadyPath:                metrics.NewOp(controlService, "Ready"),
		MetricsPath:              metrics.NewOp(controlService, "Metrics"),
		"":                       metrics.NewOp(controlService, unknownLabel),
	}
	m.control[MetricsAliasPath] = m.control[MetricsPath]
	s.cfg.Authorizer = denialCounter{Authorizer: s.cfg.Authorizer, s: s}
}

// requestStart is when the request arrived by the monotonic clock: the
// arrival time already read, unless Config.Now is another clock (a test's).
func (s *Server) requestStart(c *call) time.Time {
	if s.metrics.wallClock {
		return c.started
	}
	return time.Now()
}

// observe records an answered request: its latency and status under its
// service and operation.
func (s *Server) observe(c *call, r *http.Request, start time.Time) {
	var m *metrics.Op
	switch {
	case c.svc != nil && c.op != nil:
		m = s.opMetrics(c.svc, c.op)
	case c.svc != nil:
		m = s.metrics.unknownOp[c.svc]
	default:
		m = s.controlMetrics(r.URL.Path)
	}
	m.Observe(c.status, time.Since(start))
}

func (s *Server) opMetrics(b *binding, op *model.Operation) *metrics.Op {
	if m, ok := s.metrics.ops.Load(op); ok {
		return m.(*metrics.Op)
	}
	m, _ := s.metrics.ops.LoadOrStore(op, metrics.NewOp(b.model.Name, op.Name))
	return m.(*metrics.Op)
}

func (s *Server) controlMetrics(path string) *metrics.Op {
	if m := s.metrics.control[path]; m != nil {
		return m
	}
	if len(path) >= len(ControlPrefix) && path[:len(ControlPrefix)] == ControlPrefix {
		return s.metrics.control[""]
	}
	return s.metrics.unrouted
}

// authFailed records a SigV4 failure of the request's service.
func (s *Server) authFailed(c *call, r metrics.AuthReason) {
	if a := s.metrics.authFail[c.svc]; a != nil {
		a.Inc(r)
	}
}

// authReason is the metrics reason of a SigV4 failure.
func authReason(k sigv4.Kind) metrics.AuthReason {
	switch k {
	case sigv4.KindMissing:
		return metrics.AuthMissing
	case sigv4.KindIncomplete:
		return metrics.AuthIncomplete
	case sigv4.KindUnknownKey:
		return metrics.AuthUnknownKey
	case sigv4.KindInvalidToken:
		return metrics.AuthInvalidToken
	case sigv4.KindExpired:
		return metrics.AuthExpired
	}
	return metrics.AuthSignatureMismatch
}

// denialCounter counts the denials of the authorizer it wraps, whichever
// endpoint asked (the API chain, introspection).
type denialCounter struct {
	authz.Authorizer
	s *Server
}

func (d denialCounter) Authorize(ctx context.Context, req *reqctx.Request, t *api.Target) error {
	err := d.Authorizer.Authorize(ctx, req, t)
	if err != nil {
		if e, ok := apierror.As(err); ok && (e.ErrorCode() == apierror.AccessDenied.JSONCode || e.ErrorCode() == apierror.AccessDenied.QueryCode) {
			d.s.denialMetrics(req).Denied()
		}
	}
	return err
}

// ResetCache passes the test mode's reset on to the wrapped authorizer.
func (d denialCounter) ResetCache() {
	if rc, ok := d.Authorizer.(interface{ ResetCache() }); ok {
		rc.ResetCache()
	}
}

func (s *Server) denialMetrics(req *reqctx.Request) *metrics.Op {
	b := s.byName[req.Service]
	if b == nil {
		return s.metrics.unrouted
	}
	if op := b.model.Operations[req.Operation]; op != nil {
		return s.opMetrics(b, op)
	}
	if req.Action == IntrospectAction {
		return s.metrics.control[IntrospectPath]
	}
	return s.metrics.unknownOp[b]
}

// signInDecided records a decision of the sign-in endpoints.
func (s *Server) signInDecided(req mailauth.SignInRequest, err error) {
	method := mailauth.MethodPassword
	switch {
	case req.IDToken != "":
		method = mailauth.MethodIDToken
	case introspection.IsPersonalAccessToken(req.Password):
		method = mailauth.MethodPersonalAccessToken
	}
	o := metrics.SignInSuccess
	switch {
	case err == nil:
	case errors.Is(err, mailauth.ErrSignInFailed):
		o = metrics.SignInFailure
	case errors.Is(err, mailauth.ErrProviderUnavailable):
		o = metrics.SignInUnavailable
	default:
		o = metrics.SignInError
	}
	s.metrics.signIn.Decision(method, o)
}

// serveMetrics runs MetricsPath and MetricsAliasPath.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) int {
	if s.cfg.DisableMetrics {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Use GET.", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	metricsHandler.ServeHTTP(sw, r)
	return sw.status
}

var metricsHandler = metrics.Handler()

// isMetricsAlias tells a scrape of MetricsAliasPath from an AWS call.
func isMetricsAlias(r *http.Request) bool {
	return r.URL.Path == MetricsAliasPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		r.Header.Get("X-Amz-Target") == "" && r.URL.Query().Get("Action") == ""
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
