// Package cloudtrail serves CloudTrail over awsJson1_1 from mailgate's
// audit trail (internal/audit): LookupEvents answers with the records of
// the caller's account, every other operation as CloudTrail answers an
// account that has no trails, event data stores, channels, dashboards or
// imports (empty listings, the model's not-found errors).
package cloudtrail

import (
	"context"
	"time"

	"github.com/mailgate/mailgate/internal/api/cloudtrailapi"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Options configure the service.
type Options struct {
	// Flush, when set, is called before a lookup so that the events
	// still queued for the store (audit.Trail.Flush) are found.
	Flush func(ctx context.Context) error
	Now   func() time.Time
}

// Service implements cloudtrailapi.API.
type Service struct {
	store store.Audit
	opts  Options
}

var _ cloudtrailapi.API = (*Service)(nil)

// New builds the service on the audit store.
func New(st store.Audit, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: st, opts: o}
}

// account is the caller's account.
func account(ctx context.Context) string { return reqctx.From(ctx).Caller.AccountID }

// region is the Region the request was signed for.
func region(ctx context.Context) string { return reqctx.From(ctx).Region }
