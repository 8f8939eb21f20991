package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// callAudit is what the audit record of an API call needs beyond the
// request: the decoded input, the target, the error answered.
type callAudit struct {
	userAgent string
	doc       map[string]any
	target    *api.Target
	err       apierror.APIError
	// recorded: the record was written with the call's transaction.
	recorded bool
}

// Close writes the audit records still queued. The HTTP server must have
// shut down first.
func (s *Server) Close() error {
	if s.cfg.Audit != nil {
		return s.cfg.Audit.Close()
	}
	return nil
}

// TxPreparer is a service with work to do before its mutating calls run
// in the transaction that also writes their audit record: writes that
// must outlast a call that fails (shared data seeded on first use).
type TxPreparer interface {
	PrepareTx(ctx context.Context) error
}

// AuditAnnotator is a service that adds to the audit record of its
// successful calls (CloudTrail's additionalEventData); nil adds nothing.
type AuditAnnotator interface {
	AuditAdditional(operation string) map[string]any
}

// readOnlyPrefixes start the names of operations that change nothing.
var readOnlyPrefixes = []string{"Get", "List", "Describe", "Lookup", "Search", "Simulate", "Decode", "Test"}

// readOnly reports whether an operation only reads.
func readOnly(op string) bool {
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// callAndRecord runs the handler. A mutating call runs in one store
// transaction with the write of its audit record: both commit or
// neither does. Reads, and calls that fail, are recorded when the
// answer has been written (auditCall).
func (s *Server) callAndRecord(ctx context.Context, c *call, op *api.Operation, in any) (any, error) {
	if s.cfg.Audit == nil || readOnly(c.op.Name) {
		return op.Call(ctx, in)
	}
	if c.svc.prepare != nil {
		if err := c.svc.prepare.PrepareTx(ctx); err != nil {
			return nil, err
		}
	}
	var out any
	var rec audit.Written
	err := s.cfg.Store.InTx(ctx, func(ctx context.Context) error {
		o, err := op.Call(ctx, in)
		if err != nil {
			return err
		}
		out = o
		rec, err = s.cfg.Audit.Write(ctx, s.apiEvent(c, o))
		return err
	})
	if err != nil {
		return nil, err
	}
	c.audit.recorded = true
	s.cfg.Audit.Committed(rec)
	return out, nil
}

// auditCall queues the record of an authenticated API call that was not
// recorded with its transaction: a read, a denial, a failure.
func (s *Server) auditCall(c *call) {
	if s.cfg.Audit == nil || c.audit.recorded || c.op == nil || c.req.Caller == nil || c.req.Caller.AccountID == "" {
		return
	}
	s.cfg.Audit.Record(context.Background(), s.apiEvent(c, nil))
}

// apiEvent is the audit event of an API call; out is its output when it
// succeeded. Reads carry no response elements, as in CloudTrail.
func (s *Server) apiEvent(c *call, out any) audit.Event {
	ev := s.requestEvent(c.req, c.audit.userAgent)
	ev.Source, ev.Name, ev.ReadOnly = audit.Source(c.svc.model.SigningName), c.op.Name, readOnly(c.op.Name)
	ev.Request = audit.Params{Doc: c.audit.doc, Shape: c.op.Input}
	if out != nil && !ev.ReadOnly {
		ev.Response = audit.Params{Doc: model.ToDocument(out), Shape: c.op.Output}
	}
	if c.audit.target != nil {
		ev.Resources = resourcesOf(c.audit.target.Resources)
	}
	if e := c.audit.err; e != nil {
		ev.ErrorCode, ev.ErrorMessage = e.ErrorCode(), e.ErrorMessage()
	}
	if c.svc.annotate != nil && ev.ErrorCode == "" {
		ev.Additional = c.svc.annotate.AuditAdditional(c.op.Name)
	}
	return ev
}

// requestEvent is an event with what every request carries: when, who,
// from where.
func (s *Server) requestEvent(req *reqctx.Request, userAgent string) audit.Event {
	ev := audit.Event{Time: req.Received, RequestID: req.ID, Region: req.Region, SourceIP: req.SourceIP, UserAgent: userAgent}
	if req.Caller != nil {
		ev.AccountID, ev.Identity = req.Caller.AccountID, audit.IdentityOf(req.Caller)
	}
	return ev
}

func resourcesOf(arns []string) []audit.Resource {
	var out []audit.Resource
	for _, a := range arns {
		if r, ok := audit.ResourceOf(a); ok {
			out = append(out, r)
		}
	}
	return out
}

// userAgent bounds the user agent kept in a record.
func userAgent(r *http.Request) string {
	ua := r.UserAgent()
	if len(ua) > 1024 {
		ua = ua[:1024]
	}
	return ua
}
