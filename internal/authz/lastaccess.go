package authz

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Service last accessed data (IAM user guide, "Refining permissions in
// AWS using last accessed information"): when the engine allows a call of
// an IAM user or role, the recorder notes who called which service's
// action, where and when. Notes gather in memory and are written in one
// batch every AccessFlushInterval, so the request path never waits on a
// write; a report generated at T is complete once every replica has
// flushed what it noted before T (AccessReportDelay).
const (
	AccessFlushInterval = time.Second
	AccessReportDelay   = 2 * AccessFlushInterval
)

// ServiceAccess is one entity's last access to one service, an account
// record keyed "<entity ID>/<service namespace>".
type ServiceAccess struct {
	EntityID  string `json:"entityId"`
	EntityARN string `json:"entityArn"`
	Service   string `json:"service"`
	Access
	// Actions are the last accesses per action name ("GetUser").
	Actions map[string]Access `json:"actions,omitempty"`
}

// Access is when and where.
type Access struct {
	At     time.Time `json:"at"`
	Region string    `json:"region"`
}

// ServiceAccesses is the kind of the records.
var ServiceAccesses = records.Of[ServiceAccess](records.Account, store.RecordServiceLastAccessed)

// ServiceAccessKey is the key of an entity's record for a service.
func ServiceAccessKey(entityID, service string) string { return entityID + "/" + service }

type accessKey struct{ account, entityID, service string }

// accessRecorder batches the notes.
type accessRecorder struct {
	st  store.Store
	log *slog.Logger

	mu       sync.Mutex
	pending  map[accessKey]*ServiceAccess
	flushing bool
}

func newAccessRecorder(st store.Store, log *slog.Logger) *accessRecorder {
	return &accessRecorder{st: st, log: log, pending: map[accessKey]*ServiceAccess{}}
}

// note records an allowed call of an IAM user or role; the root and
// anonymous callers are not tracked, as in AWS.
func (r *accessRecorder) note(req *reqctx.Request, at time.Time) {
	c := req.Caller
	if r == nil || c == nil || c.EntityID == "" {
		return
	}
	service, action, ok := strings.Cut(req.Action, ":")
	if !ok {
		return
	}
	entityARN := c.Arn
	if c.RoleArn != "" {
		entityARN = c.RoleArn
	}
	k := accessKey{c.AccountID, c.EntityID, strings.ToLower(service)}
	a := Access{At: at.UTC(), Region: req.Region}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pending[k]
	if p == nil {
		p = &ServiceAccess{EntityID: c.EntityID, Service: k.service, Actions: map[string]Access{}}
		r.pending[k] = p
	}
	p.EntityARN, p.Access, p.Actions[action] = entityARN, a, a
	if !r.flushing {
		r.flushing = true
		go r.flushLoop()
	}
}

// flushLoop writes the pending notes every AccessFlushInterval while
// there are some.
func (r *accessRecorder) flushLoop() {
	for {
		time.Sleep(AccessFlushInterval)
		r.mu.Lock()
		batch := r.pending
		if len(batch) == 0 {
			r.flushing = false
			r.mu.Unlock()
			return
		}
		r.pending = map[accessKey]*ServiceAccess{}
		r.mu.Unlock()
		if err := r.write(context.Background(), batch); err != nil {
			r.log.Warn("service last accessed data not recorded", "error", err, "entries", len(batch))
		}
	}
}

// write merges a batch into the stored records in one transaction.
func (r *accessRecorder) write(ctx context.Context, batch map[accessKey]*ServiceAccess) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return r.st.InTx(ctx, func(ctx context.Context) error {
		for k, p := range batch {
			_, err := ServiceAccesses.Put(ctx, r.st, k.account, ServiceAccessKey(k.entityID, k.service), func(cur *ServiceAccess) (*ServiceAccess, error) {
				if cur == nil {
					return p, nil
				}
				return mergeAccess(cur, p), nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// mergeAccess keeps the later of each access.
func mergeAccess(cur, p *ServiceAccess) *ServiceAccess {
	if !p.At.Before(cur.At) {
		cur.Access, cur.EntityARN = p.Access, p.EntityARN
	}
	if cur.Actions == nil {
		cur.Actions = map[string]Access{}
	}
	for name, a := range p.Actions {
		if old, ok := cur.Actions[name]; !ok || !a.At.Before(old.At) {
			cur.Actions[name] = a
		}
	}
	return cur
}
