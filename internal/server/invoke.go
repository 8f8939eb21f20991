package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// ConsolePrefix is where the web console is served (MountConsole).
const ConsolePrefix = "/console/"

// MountConsole serves h under ConsolePrefix. The console's requests go
// through ServeHTTP's bounds (body size and time, recovery); h finds the
// request's ID, source address and transport security in reqctx.From.
func (s *Server) MountConsole(h http.Handler) { s.console = h }

func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) int {
	req := &reqctx.Request{ID: w.Header().Get("x-amzn-RequestId"), SourceIP: sourceIP(r), Secure: s.secure(r)}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.console.ServeHTTP(sw, r.WithContext(reqctx.With(r.Context(), req)))
	return sw.status
}

// Invoke runs one operation for a caller authenticated elsewhere (the
// console's signed-in principal, req.Caller) through the same frame as a
// signed API request: validation from the model, binding, the target,
// authorization by the server's Authorizer, the handler. in is the
// operation's typed input; the answer is its typed output, or the API
// error the API would have answered. A denial comes as a *Denial.
func (s *Server) Invoke(ctx context.Context, req *reqctx.Request, service, operation string, in any) (any, error) {
	b := s.byName[service]
	if b == nil || b.model.Operations[operation] == nil {
		return nil, apierror.InvalidAction.InJSON("Unknown operation %s:%s.", service, operation)
	}
	if req.ID == "" {
		req.ID = uuid.NewString()
	}
	c := &call{req: req, svc: b, op: b.model.Operations[operation], started: s.cfg.Now()}
	req.Service, req.Operation = b.model.Name, operation
	s.conns.trust(ctx) // the console authenticated this connection's caller
	out, err := s.call(reqctx.With(ctx, req), c, model.ToDocument(in))
	if err == nil {
		return out, nil
	}
	e := s.asAPIError(c, err)
	if code := e.ErrorCode(); code == apierror.AccessDenied.JSONCode || code == apierror.AccessDenied.QueryCode {
		return nil, &Denial{APIError: e, Explanation: s.explain(ctx, c, in)}
	}
	return nil, e
}

// Allowed tells whether req.Caller may run the operation on in, without
// running it: the operation's target and the policy engine's decision, as
// Invoke would reach them. The console asks it to show read-only pages
// to principals that may only read. It answers true where it cannot
// tell (another Authorizer, enforcement other than strict, a target that
// cannot be named yet): the operation itself still decides.
func (s *Server) Allowed(ctx context.Context, req *reqctx.Request, service, operation string, in any) bool {
	b := s.byName[service]
	ex := deciderOf(s.cfg.Authorizer)
	if b == nil || b.model.Operations[operation] == nil || ex == nil || (s.cfg.Enforcement != "" && s.cfg.Enforcement != authz.EnforceStrict) {
		return true
	}
	c := &call{req: req, svc: b, op: b.model.Operations[operation]}
	req.Service, req.Operation, req.Action = b.model.Name, operation, b.model.SigningName+":"+operation
	op := b.ops[operation]
	bound, err := op.Bind(model.ToDocument(in))
	if err != nil {
		return true
	}
	t, err := s.target(reqctx.With(ctx, req), c, op, bound)
	if err != nil {
		return true
	}
	d, _, err := ex.Decide(ctx, req, t, false)
	return err != nil || d == policy.Allowed
}

// Denial is an AccessDenied with the policy engine's account of it.
type Denial struct {
	apierror.APIError
	// Explanation is the decision, its reason, and each policy consulted
	// with its statements ("" when the authorizer cannot explain).
	Explanation string
}

func (d *Denial) Unwrap() error { return d.APIError }

// explain asks the authorizer again, this time for its reasons.
func (s *Server) explain(ctx context.Context, c *call, in any) string {
	ex := deciderOf(s.cfg.Authorizer)
	if ex == nil {
		return ""
	}
	op := c.svc.ops[c.op.Name]
	bound, err := op.Bind(model.ToDocument(in))
	if err != nil {
		return ""
	}
	t, err := s.target(ctx, c, op, bound)
	if err != nil {
		return ""
	}
	_, why, err := ex.Decide(ctx, c.req, t, true)
	if err != nil || why == nil {
		return ""
	}
	return strings.TrimSpace(why.String())
}

// decider is an authorizer that can say why (authz.Engine).
type decider interface {
	Decide(context.Context, *reqctx.Request, *api.Target, bool) (policy.Decision, *policy.Explanation, error)
}

// deciderOf finds the decider under the authorizers that wrap it (the
// denial counter, or any with an Unwrap method).
func deciderOf(a authz.Authorizer) decider {
	for {
		switch x := a.(type) {
		case decider:
			return x
		case denialCounter:
			a = x.Authorizer
		case interface{ Unwrap() authz.Authorizer }:
			a = x.Unwrap()
		default:
			return nil
		}
	}
}
