// Package server is mailgate's HTTP front: it turns one HTTP request into
// one typed service call through an ordered chain, each step in one place:
//
//	request ID, recover, whole body      (ServeHTTP: size and time bounds)
//	identify service and operation       (route.go: X-Amz-Target or Action)
//	authenticate                         (SigV4: header or presigned query)
//	decode and validate from the model   (protocol codecs, model.Validate)
//	authorize                            (Authorizer)
//	typed handler                        (generated Dispatch)
//	encode from the model                (protocol codecs) + access log
//
// Handlers never see HTTP and never write error bodies: they return an
// *apierror.Error and the protocol of the service decides its wire shape.
package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/protocol/awsjson"
	"github.com/mailgate/mailgate/internal/protocol/awsquery"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// ControlPrefix is the one path prefix reserved for mailgate's own
// endpoints (health, and later metrics and control); AWS never uses it.
const ControlPrefix = "/_mailgate/"

// DefaultMaxBodyBytes bounds request bodies. The largest modeled input is an
// IAM policy document (131,072 characters), URL-encoded.
const DefaultMaxBodyBytes = 2 << 20

// DefaultBodyTimeout bounds the time a request body may take to arrive,
// from the end of its headers: the largest body at a slow link's pace.
const DefaultBodyTimeout = 30 * time.Second

// Config assembles a server.
type Config struct {
	Store    store.Store
	WorkMail workmailapi.API
	IAM      iamapi.API
	STS      stsapi.API
	// Authorizer decides whether the caller may run the operation; nil
	// is the policy engine (NewEngine) with Enforcement.
	Authorizer Authorizer
	// Enforcement of the policy engine: strict (default), soft or off.
	Enforcement  Enforcement
	Logger       *slog.Logger
	MaxBodyBytes int64
	MaxSkew      time.Duration
	Now          func() time.Time
	// TestMode, when set, makes the server a test double (testmode.go).
	TestMode *TestMode

	// BodyTimeout is the longest a request body may take to arrive,
	// measured from the end of the request's headers; past it the
	// connection is closed. 0 = DefaultBodyTimeout; negative = no limit.
	BodyTimeout time.Duration
	// MaxUnauthenticatedConns and UnauthenticatedConnTimeout bound the
	// connections that have not yet carried an authenticated request
	// (see Harden). 0 = the defaults; negative = no limit.
	MaxUnauthenticatedConns    int
	UnauthenticatedConnTimeout time.Duration
}

// Authorizer decides whether the authenticated caller (req.Caller) may
// perform req.Action ("workmail:CreateUser") on req.Resource (an ARN, or
// "*"). The input document is there for condition keys.
type Authorizer interface {
	Authorize(ctx context.Context, req *reqctx.Request, input map[string]any) error
}

// ResourceNamer is implemented by services whose operations act on named
// resources: it returns the ARN an operation acts on, for authorization.
// Services that do not implement it are authorized on "*".
type ResourceNamer interface {
	ResourceARN(req *reqctx.Request, input map[string]any) string
}

// Server is the HTTP handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	verifier *sigv4.Verifier
	byTarget map[string]*binding // awsJson target prefix → service
	byName   map[string]*binding
	query    []*binding // awsQuery services, in lookup order
	keyUse   sync.Map   // access key ID → time its last use was written
	test     *testMode  // nil outside the test mode
	conns    *connGuard // unauthenticated connections (conns.go)
}

type binding struct {
	model    *model.Service
	dispatch func(ctx context.Context, op string, in map[string]any) (any, error)
	namer    ResourceNamer // nil: "*"
}

// New builds a server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.Authorizer == nil {
		cfg.Authorizer = NewEngine(cfg.Store, cfg.Logger, cfg.Enforcement, cfg.Now)
	}
	// The verifier leaves AllowUnsignedPayload off: no service here
	// streams its payload, so every signature covers the body it came with.
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		verifier: &sigv4.Verifier{Credentials: credentialSource{cfg.Store}, Now: cfg.Now, MaxSkew: cfg.MaxSkew},
		byTarget: map[string]*binding{},
		byName:   map[string]*binding{},
	}
	s.conns = newConnGuard(cfg.MaxUnauthenticatedConns, cfg.UnauthenticatedConnTimeout, cfg.Logger)
	s.enableTestMode(cfg.TestMode)
	wm, ia, st := cfg.WorkMail, cfg.IAM, cfg.STS
	if wm == nil {
		wm = workmailapi.Unimplemented{}
	}
	if ia == nil {
		ia = iamapi.Unimplemented{}
	}
	if st == nil {
		st = stsapi.Unimplemented{}
	}
	s.add(&binding{model: workmailapi.Model(), namer: namerOf(wm), dispatch: func(ctx context.Context, op string, in map[string]any) (any, error) {
		return workmailapi.Dispatch(ctx, wm, op, in)
	}})
	s.add(&binding{model: stsapi.Model(), namer: namerOf(st), dispatch: func(ctx context.Context, op string, in map[string]any) (any, error) {
		return stsapi.Dispatch(ctx, st, op, in)
	}})
	s.add(&binding{model: iamapi.Model(), namer: namerOf(ia), dispatch: func(ctx context.Context, op string, in map[string]any) (any, error) {
		return iamapi.Dispatch(ctx, ia, op, in)
	}})
	return s
}

func namerOf(svc any) ResourceNamer {
	n, _ := svc.(ResourceNamer)
	return n
}

func (s *Server) add(b *binding) {
	s.byName[b.model.Name] = b
	if b.model.Protocol == "json" {
		s.byTarget[b.model.TargetPrefix] = b
	} else {
		s.query = append(s.query, b)
	}
}

// call is one request in flight.
type call struct {
	req     *reqctx.Request
	svc     *binding
	op      *model.Operation
	started time.Time
	status  int
}

// ServeHTTP runs the chain.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{started: s.cfg.Now(), req: &reqctx.Request{ID: uuid.NewString(), SourceIP: sourceIP(r), Secure: r.TLS != nil}}
	c.req.Received = c.started
	w.Header().Set("x-amzn-RequestId", c.req.ID)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "request_id", c.req.ID, "panic", p)
			s.writeError(w, c, apierror.Internal())
		}
		s.accessLog(c)
	}()

	// The whole body first, before anything waits on this request: a
	// client that stalls its upload holds no lock, not even test mode's
	// reset gate, and past BodyTimeout loses its connection.
	body, err := s.readBody(w, r)
	if err != nil {
		s.routeForError(r, c)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, c, apierror.New(s.code(c, "RequestEntityTooLargeException", "RequestEntityTooLarge"), http.StatusRequestEntityTooLarge, true,
				"Request body is larger than the limit of %d bytes.", s.cfg.MaxBodyBytes))
			return
		}
		s.writeError(w, c, apierror.New(s.code(c, "SerializationException", "MalformedInput"), 400, true, "Could not read the request body."))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	if s.test != nil {
		status, handled, release := s.serveTest(w, r)
		if handled {
			c.status = status
			return
		}
		defer release()
	}
	if strings.HasPrefix(r.URL.Path, ControlPrefix) {
		c.status = s.serveControl(w, r)
		return
	}

	form, aerr := s.route(r, body, c)
	if aerr != nil {
		s.writeError(w, c, aerr)
		return
	}
	c.req.Service, c.req.Operation = c.svc.model.Name, c.op.Name

	if aerr := s.authenticate(r, body, c); aerr != nil {
		s.writeError(w, c, aerr)
		return
	}
	ctx := reqctx.With(r.Context(), c.req)

	var doc map[string]any
	if c.svc.model.Protocol == "json" {
		doc, err = awsjson.DecodeRequest(c.op.Input, body)
	} else {
		doc, err = awsquery.DecodeRequest(c.op.Input, form)
	}
	if err != nil {
		s.writeError(w, c, s.asAPIError(c, err))
		return
	}
	if err := model.Validate(c.op.Input, doc); err != nil {
		s.writeError(w, c, s.asAPIError(c, err))
		return
	}
	c.req.Action = c.svc.model.SigningName + ":" + c.op.Name
	c.req.Resource = "*"
	if c.svc.namer != nil {
		c.req.Resource = c.svc.namer.ResourceARN(c.req, doc)
	}
	if err := s.cfg.Authorizer.Authorize(ctx, c.req, doc); err != nil {
		s.writeError(w, c, s.asAPIError(c, err))
		return
	}
	out, err := c.svc.dispatch(ctx, c.op.Name, doc)
	if err != nil {
		s.writeError(w, c, s.asAPIError(c, err))
		return
	}
	s.writeOutput(w, c, out)
}

// readBody reads the whole request body, at most MaxBodyBytes, within
// BodyTimeout of the end of its headers (ServeHTTP runs as soon as they
// are read). The deadline is lifted once the body is in: net/http keeps
// reading the connection while the handler runs, to notice a client that
// goes away, and that read timing out would cancel the request. (It lifts
// the deadline itself when a body ends, but a request without a body has
// that read under way already.)
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	rc := http.NewResponseController(w)
	limited := s.cfg.BodyTimeout > 0
	if limited {
		// Not every ResponseWriter has a connection (httptest's
		// recorder): then there is nothing to bound.
		limited = rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout)) == nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			s.log.Debug("request body not received in time", "source_ip", sourceIP(r), "timeout", s.cfg.BodyTimeout.String())
		}
		return nil, err
	}
	if limited {
		_ = rc.SetReadDeadline(time.Time{})
	}
	return body, nil
}

// asAPIError turns any error into the API error the caller sees. Errors
// that are not API errors are internal: logged here, hidden from callers.
func (s *Server) asAPIError(c *call, err error) *apierror.Error {
	if e, ok := apierror.As(err); ok {
		return e
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		if c.svc != nil && c.svc.model.Protocol == "json" {
			return workmailapi.NewInvalidParameterException("%s", ve.Error())
		}
		return apierror.New("ValidationError", 400, true, "%s", ve.Error())
	}
	if store.IsUnavailable(err) {
		s.log.Warn("store unavailable", "request_id", c.req.ID, "operation", c.req.Operation, "error", err)
		return apierror.New("ServiceUnavailable", http.StatusServiceUnavailable, false, "The service is temporarily unavailable. Please retry.")
	}
	if errors.Is(err, context.Canceled) {
		return apierror.New("RequestCanceled", 499, true, "The request was canceled.")
	}
	s.log.Error("internal error", "request_id", c.req.ID, "service", c.req.Service, "operation", c.req.Operation, "error", err)
	return apierror.Internal()
}

// code picks the JSON or query spelling of a protocol-level error code.
func (s *Server) code(c *call, jsonCode, queryCode string) string {
	if c.svc == nil || c.svc.model.Protocol == "json" {
		return jsonCode
	}
	return queryCode
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) accessLog(c *call) {
	attrs := []any{"request_id", c.req.ID, "status", c.status, "duration_ms", float64(s.cfg.Now().Sub(c.started).Microseconds()) / 1000, "source_ip", c.req.SourceIP}
	if c.req.Service != "" {
		attrs = append(attrs, "service", c.req.Service, "operation", c.req.Operation)
	}
	if c.req.Caller != nil && c.req.Caller.AccessKeyID != "" {
		attrs = append(attrs, "access_key_id", c.req.Caller.AccessKeyID, "account", c.req.Caller.AccountID)
	}
	s.log.Info("request", attrs...)
}
