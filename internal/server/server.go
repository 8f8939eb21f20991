// Package server is mailgate's HTTP front: it turns one HTTP request into
// one typed service call through an ordered chain, each step in one place:
//
//	request ID, recover, whole body      (ServeHTTP: size and time bounds)
//	identify service and operation       (route.go: X-Amz-Target or Action)
//	authenticate                         (SigV4: header or presigned query)
//	decode and validate from the model   (protocol codecs, model.Validate)
//	bind to the typed input, once        (api.Operation.Bind)
//	name the target                      (api.Operation.Target, api.Resolver)
//	authorize                            (authz.Authorizer)
//	typed handler                        (api.Operation.Call)
//	encode from the model                (protocol codecs) + access log
//
// Handlers never see HTTP and never write error bodies: they return an
// apierror.APIError (the generated type of a modeled error) and the
// protocol of the service decides its wire shape.
package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/cloudtrailapi"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/api/ssoadminapi"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/mailfront"
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
	// SSOAdmin, IdentityStore and CloudTrail are served when set; nil
	// answers NotImplemented for each of their operations.
	SSOAdmin      ssoadminapi.API
	IdentityStore identitystoreapi.API
	CloudTrail    cloudtrailapi.API
	// Authorizer decides whether the caller may run the operation; nil
	// is the policy engine (authz.NewEngine) with Enforcement.
	Authorizer authz.Authorizer
	// Enforcement of the policy engine: strict (default), soft or off.
	Enforcement  authz.Enforcement
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
	// TrustedProxies may vouch for TLS with X-Forwarded-Proto;
	// AllowInsecureSignIn lets sign-in run over plain HTTP from anywhere
	// (transport.go).
	TrustedProxies      []netip.Prefix
	AllowInsecureSignIn bool
	// DisableMetrics hides MetricsPath (requests are counted anyway).
	DisableMetrics bool
	// MailFrontSecretFile holds the shared secret that authenticates the
	// mail front end (mailfront.go); "" disables its endpoints.
	MailFrontSecretFile string
	// MailFrontHook, when set, receives every mail login decision
	// besides the audit trail (mailfront.go).
	MailFrontHook func(context.Context, mailfront.Decision)
	// Audit, when set, records every API call, sign-in, token use and
	// denial (audit.go); Close writes what it still holds.
	Audit *audit.Trail
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
	metrics  *requestMetrics

	mailFront mailFrontState // the mail front end (mailfront.go)
	console   http.Handler   // MountConsole (invoke.go)
}

// binding is one service as the server runs it.
type binding struct {
	model *model.Service
	ops   map[string]*api.Operation
	// resolver turns the targets' Refs into ARNs; nil: "*".
	resolver api.Resolver
	// modeledError builds a modeled error of the service by shape name.
	modeledError func(shape, message string) apierror.APIError
	// prepare runs before a call in an audit transaction; annotate adds
	// to a call's audit record (audit.go).
	prepare  TxPreparer
	annotate AuditAnnotator
}

func newBinding(m *model.Service, svc any, ops map[string]*api.Operation, modeled func(string, string) apierror.APIError) *binding {
	r, _ := svc.(api.Resolver)
	p, _ := svc.(TxPreparer)
	a, _ := svc.(AuditAnnotator)
	return &binding{model: m, ops: ops, resolver: r, modeledError: modeled, prepare: p, annotate: a}
}

// New builds a server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	wallClock := cfg.Now == nil
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.Authorizer == nil {
		cfg.Authorizer = authz.NewEngine(cfg.Store, cfg.Logger, cfg.Enforcement, cfg.Now)
	}
	// The verifier leaves AllowUnsignedPayload off: no service here
	// streams its payload, so every signature covers the body it came with.
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		verifier: &sigv4.Verifier{Credentials: authz.Credentials{Store: cfg.Store}, Now: cfg.Now, MaxSkew: cfg.MaxSkew},
		byTarget: map[string]*binding{},
		byName:   map[string]*binding{},
		metrics:  &requestMetrics{wallClock: wallClock},
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
	s.add(newBinding(workmailapi.Model(), wm, workmailapi.Operations(wm), workmailapi.ModeledError))
	s.add(newBinding(stsapi.Model(), st, stsapi.Operations(st), stsapi.ModeledError))
	s.add(newBinding(iamapi.Model(), ia, iamapi.Operations(ia), iamapi.ModeledError))
	sa, is, ct := cfg.SSOAdmin, cfg.IdentityStore, cfg.CloudTrail
	if sa == nil {
		sa = ssoadminapi.Unimplemented{}
	}
	if is == nil {
		is = identitystoreapi.Unimplemented{}
	}
	if ct == nil {
		ct = cloudtrailapi.Unimplemented{}
	}
	s.add(newBinding(ssoadminapi.Model(), sa, ssoadminapi.Operations(sa), ssoadminapi.ModeledError))
	s.add(newBinding(identitystoreapi.Model(), is, identitystoreapi.Operations(is), identitystoreapi.ModeledError))
	s.add(newBinding(cloudtrailapi.Model(), ct, cloudtrailapi.Operations(ct), cloudtrailapi.ModeledError))
	s.initMetrics()
	return s
}

func (s *Server) add(b *binding) {
	s.byName[b.model.Name] = b
	if b.model.Protocol == "json" {
		s.byTarget[b.model.TargetPrefix] = b
		if i := strings.LastIndexByte(b.model.TargetPrefix, '.'); i >= 0 {
			// The SDKs send the last part alone ("CloudTrail_20131101"),
			// the AWS CLI the whole prefix; AWS takes both.
			s.byTarget[b.model.TargetPrefix[i+1:]] = b
		}
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
	audit   callAudit
}

// ServeHTTP runs the chain.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{started: s.cfg.Now(), req: &reqctx.Request{ID: uuid.NewString(), SourceIP: sourceIP(r), Secure: s.secure(r)}}
	start := s.requestStart(c)
	c.req.Received = c.started
	w.Header().Set("x-amzn-RequestId", c.req.ID)
	c.audit.userAgent = userAgent(r)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "request_id", c.req.ID, "panic", p)
			s.writeError(w, c, apierror.Internal())
		}
		s.accessLog(c)
		s.observe(c, r, start)
		s.auditCall(c)
	}()

	// The whole body first, before anything waits on this request: a
	// client that stalls its upload holds no lock, not even test mode's
	// reset gate, and past BodyTimeout loses its connection.
	body, err := s.readBody(w, r)
	if err != nil {
		s.routeForError(r, c)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, c, apierror.RequestEntityTooLarge.New(s.protocol(c),
				"Request body is larger than the limit of %d bytes.", s.cfg.MaxBodyBytes))
			return
		}
		s.writeError(w, c, apierror.MalformedInput.New(s.protocol(c), "Could not read the request body."))
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
	if s.console != nil && strings.HasPrefix(r.URL.Path, ConsolePrefix) {
		c.status = s.serveConsole(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, ControlPrefix) || isMetricsAlias(r) {
		c.status = s.serveControl(w, r)
		return
	}

	form, aerr := s.route(r, body, c)
	if aerr != nil {
		s.writeError(w, c, aerr)
		return
	}
	c.req.Service, c.req.Operation = c.svc.model.Name, c.op.Name

	if c.op.NoAuth && unsigned(r) {
		// Called without credentials, as AWS allows for this operation:
		// the handler verifies the token or assertion it carries. The
		// caller is anonymous: no account.
		c.req.Caller = &reqctx.Caller{}
	} else if aerr := s.authenticate(r, body, c); aerr != nil {
		s.writeError(w, c, aerr)
		return
	}
	ctx := reqctx.With(r.Context(), c.req)
	out, err := s.run(ctx, c, body, form)
	if err != nil {
		c.audit.err = s.asAPIError(c, err)
		s.writeError(w, c, c.audit.err)
		return
	}
	s.writeOutput(w, c, out)
}

// run decodes, validates and binds the request once, authorizes it on its
// target and calls the handler with the same typed input.
func (s *Server) run(ctx context.Context, c *call, body []byte, form url.Values) (any, error) {
	var doc map[string]any
	var err error
	if c.svc.model.Protocol == "json" {
		doc, err = awsjson.DecodeRequest(c.op.Input, body)
	} else {
		doc, err = awsquery.DecodeRequest(c.op.Input, form)
	}
	if err != nil {
		return nil, err
	}
	return s.call(ctx, c, doc)
}

// call validates, binds, targets, authorizes and runs one decoded request.
func (s *Server) call(ctx context.Context, c *call, doc map[string]any) (any, error) {
	if err := model.Validate(c.op.Input, doc); err != nil {
		return nil, err
	}
	c.audit.doc = doc
	op := c.svc.ops[c.op.Name]
	in, err := op.Bind(doc)
	if err != nil {
		return nil, err
	}
	c.req.Action = c.svc.model.SigningName + ":" + c.op.Name
	t, err := s.target(ctx, c, op, in)
	if err != nil {
		return nil, err
	}
	c.audit.target = t
	// Signed or not, the handler of an operation without authentication
	// authorizes what the request carries (the token or assertion against
	// the role's trust policy), as AWS needs no permission of a signer.
	if !c.op.NoAuth {
		if err := s.cfg.Authorizer.Authorize(ctx, c.req, t); err != nil {
			return nil, err
		}
	}
	return s.callAndRecord(ctx, c, op, in)
}

// unsigned: the request carries no SigV4 signature at all.
func unsigned(r *http.Request) bool {
	return r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Algorithm") == ""
}

// target names what the request acts on: the operation's target, with its
// Refs turned into ARNs by the service ("*" when it names nothing).
func (s *Server) target(ctx context.Context, c *call, op *api.Operation, in any) (*api.Target, error) {
	t, err := op.Target(ctx, c.req, in)
	if err != nil {
		return nil, err
	}
	var refs []api.Ref
	for _, r := range t.Refs {
		if r.Kind == api.KindARN {
			t.Resources = append(t.Resources, r.ARN())
		} else {
			refs = append(refs, r)
		}
	}
	if len(refs) > 0 && c.svc.resolver != nil {
		arns, err := c.svc.resolver.Resolve(ctx, c.req, refs)
		if err != nil {
			return nil, err
		}
		t.Resources = append(t.Resources, arns...)
	}
	if len(t.Resources) == 0 {
		t.Resources = anyResource
	}
	c.req.Resource = t.Resources[0]
	return t, nil
}

// anyResource is the target of operations that name no resource.
var anyResource = []string{"*"}

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
func (s *Server) asAPIError(c *call, err error) apierror.APIError {
	if e, ok := apierror.As(err); ok {
		return e
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.validationError(c, ve)
	}
	if store.IsUnavailable(err) {
		s.log.Warn("store unavailable", "request_id", c.req.ID, "operation", c.req.Operation, "error", err)
		return apierror.ServiceUnavailable.New(s.protocol(c), "The service is temporarily unavailable. Please retry.")
	}
	if errors.Is(err, context.Canceled) {
		return apierror.RequestCanceled.New(s.protocol(c), "The request was canceled.")
	}
	s.log.Error("internal error", "request_id", c.req.ID, "service", c.req.Service, "operation", c.req.Operation, "error", err)
	return apierror.Internal()
}

// protocol is the protocol of the request's service ("json" when it could
// not be told).
func (s *Server) protocol(c *call) string {
	if c.svc == nil {
		return apierror.ProtocolJSON
	}
	return c.svc.model.Protocol
}

// validationError is the service's modeled validation error (WorkMail's
// InvalidParameterException), or the common ValidationError.
func (s *Server) validationError(c *call, ve *model.ValidationError) apierror.APIError {
	if c.svc != nil && c.svc.model.ValidationError != nil {
		if e := c.svc.modeledError(c.svc.model.ValidationError.Name, ve.Error()); e != nil {
			return e
		}
	}
	return apierror.ValidationError.New(s.protocol(c), "%s", ve.Error())
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
