// Package ssoadmin serves IAM Identity Center's administration API
// (sso-admin): the instances of an account, each with its identity store.
//
// An account has at most one instance, across all Regions, as AWS allows
// for a standalone account; the instance lives in the Region it was
// created in and is seen only there. Its identity store's users and
// groups are served by package identitystore. Operations beyond the
// instances answer NotImplemented.
package ssoadmin

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/api/ssoadminapi"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Options adjust the service.
type Options struct {
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// CreateOnFirstUse makes every well-formed instance ARN that a caller
	// names an instance of the caller's account, created on first use
	// (the server's test mode).
	CreateOnFirstUse bool
}

// Service implements ssoadminapi.API.
type Service struct {
	ssoadminapi.Unimplemented
	st   store.Store
	opts Options
}

var _ ssoadminapi.API = (*Service)(nil)

// New returns the service.
func New(st store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{st: st, opts: opts}
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// scope is where a call acts: the caller's account, Region and partition.
type scope struct{ account, region, partition string }

func scopeOf(ctx context.Context) (scope, error) {
	r := reqctx.From(ctx)
	if r == nil || r.Caller == nil || r.Caller.AccountID == "" {
		return scope{}, errors.New("ssoadmin: the request carries no authenticated account")
	}
	return scope{account: r.Caller.AccountID, region: r.Region, partition: r.ARNPartition()}, nil
}
