// Package identitystore serves the identity stores of IAM Identity Center
// instances (identitystore): users, groups and group memberships.
//
// An identity store belongs to an instance created through sso-admin
// (package ssoadmin) and is reached from the instance's account and
// Region only. Its records are account records keyed under
// "<identity store ID>/": users and groups by ID, with an index by
// lower-cased user name and group display name that keeps those unique,
// and memberships by ID, with indexes by group and by member.
package identitystore

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/ssoadmin"
	"github.com/mailgate/mailgate/internal/store"
)

// Options adjust the service.
type Options struct {
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

// Service implements identitystoreapi.API.
type Service struct {
	identitystoreapi.Unimplemented
	st   store.Store
	sso  *ssoadmin.Service
	opts Options
}

var _ identitystoreapi.API = (*Service)(nil)

// New returns the service of the identity stores of sso's instances.
func New(st store.Store, sso *ssoadmin.Service, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{st: st, sso: sso, opts: opts}
}

func (s *Service) now() *time.Time {
	t := s.opts.Now().UTC().Truncate(time.Millisecond)
	return &t
}

// dir is one identity store as a call reaches it.
type dir struct {
	account string
	id      string
	caller  string // the caller's ARN, for CreatedBy and UpdatedBy
}

// key is a record's key in the store: "<identity store ID>/<parts...>".
func (d dir) key(parts ...string) string { return d.id + "/" + strings.Join(parts, "/") }

// open returns the identity store of an instance of the caller's account
// in the caller's Region; ResourceNotFoundException when there is none.
func (s *Service) open(ctx context.Context, storeID string) (dir, error) {
	r := reqctx.From(ctx)
	if r.Caller == nil || r.Caller.AccountID == "" {
		return dir{}, errors.New("identitystore: the request carries no authenticated account")
	}
	i, err := s.sso.InstanceOfStore(ctx, r.Caller.AccountID, r.Region, storeID)
	if err != nil {
		return dir{}, err
	}
	if i == nil {
		return dir{}, identitystoreapi.NewResourceNotFoundException("Identity store %s does not exist.", storeID).
			WithResourceType(identitystoreapi.ResourceTypeIdentityStore).WithResourceId(storeID)
	}
	return dir{account: r.Caller.AccountID, id: storeID, caller: r.Caller.Arn}, nil
}

// newID is a user, group or membership ID in the form AWS gives the IDs
// of an identity store that was not migrated from a legacy one:
// "<the identity store ID's 10 digits>-<UUID>".
func (d dir) newID() string { return strings.TrimPrefix(d.id, "d-") + "-" + uuid.NewString() }

// Resolve names the identity store an operation acts on, for
// authorization: arn:<partition>:identitystore::<account>:identitystore/<ID>.
// A call without an account names nothing it could be allowed on.
func (s *Service) Resolve(_ context.Context, req *reqctx.Request, refs []api.Ref) ([]string, error) {
	if req.Caller == nil || req.Caller.AccountID == "" {
		return nil, errors.New("identitystore: the request carries no authenticated account")
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		if r.Kind != "identitystore" {
			return nil, errors.New("identitystore: unknown resource reference " + r.Kind)
		}
		out = append(out, "arn:"+req.ARNPartition()+":identitystore::"+req.Caller.AccountID+":identitystore/"+r.Name)
	}
	return out, nil
}

const defaultMaxResults = 100

// page is a List operation's position: its limit, and the key of the
// record after which it goes on.
type page struct {
	limit int
	after string
}

func pageOf(maxResults *int32, token *string) (page, error) {
	p := page{limit: int(opt.Deref(maxResults))}
	if p.limit <= 0 {
		p.limit = defaultMaxResults
	}
	b, err := base64.RawURLEncoding.DecodeString(opt.Deref(token))
	if err != nil {
		return p, identitystoreapi.NewValidationException("The NextToken is not valid.")
	}
	p.after = string(b)
	return p, nil
}

// fetch is the store page to read: one record more than the limit, to
// know whether another page follows.
func (p page) fetch() store.Page { return store.Page{After: p.after, Limit: p.limit + 1} }

// next is the NextToken after a page of fetched records whose last shown
// record has key last: none when nothing follows.
func (p page) next(fetched int, last string) *string {
	if fetched <= p.limit {
		return nil
	}
	return opt.Ptr(base64.RawURLEncoding.EncodeToString([]byte(last)))
}
