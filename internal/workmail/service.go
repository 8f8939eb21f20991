package workmail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Limits mailgate chooses. AWS's default quotas are of the same order;
// they keep one account or organization from growing without bound.
const (
	maxOrganizationsPerRegion = 25  // live organizations per account and region
	maxMailDomainsPerOrg      = 100 // mail domains per organization, test domain included
	maxAliasesPerEntity       = 100 // aliases per user, group or resource
	maxTagsPerResource        = 50  // as TooManyTagsException documents
)

const (
	// defaultDeletedRetention is how long deleted organizations and
	// entities stay visible, mirroring the 30 days WorkMail keeps the
	// mailboxes of deleted users.
	defaultDeletedRetention = 30 * 24 * time.Hour
	// testDomainSuffix names the test domain every organization gets.
	testDomainSuffix      = ".awsapps.com"
	directoryTypeWorkMail = "WorkMailDirectory"
	// directoryTypeExternal is what AWS reports for an organization tied to
	// an AWS Directory Service directory.
	directoryTypeExternal = "VpcDirectory"
	verified              = string(workmailapi.DnsRecordVerificationStatusVerified)
)

// Options configures the service.
type Options struct {
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// MailHost is the public host name of this server's SMTP endpoint, used
	// in the DNS records GetMailDomain recommends (default "localhost").
	MailHost string
	// DeletedRetention is how long deleted organizations stay listed and
	// describable, and deleted users and groups stay listed (default 30
	// days). A deleted user or group stays describable by ID for good.
	DeletedRetention time.Duration
	// Impersonation sets the role quota and token lifetime.
	Impersonation ImpersonationOptions
	// IdentityProviders are the OpenID Connect providers that stand for
	// Identity Center instances (idp.go).
	IdentityProviders []mailauth.ProviderConfig
	// SignIn tunes mailbox sign-in (signin.go).
	SignIn SignInOptions
}

// Service implements the WorkMail directory operations. Operations it
// does not implement answer NotImplemented through Unimplemented.
type Service struct {
	workmailapi.Unimplemented

	st   store.Store
	opts Options

	keyMu   sync.Mutex
	pageKey []byte // NextToken MAC key, loaded on first use

	idp idpState

	rules *ruleCaches // cached access and mobile device rules (rulecache.go)
}

var _ workmailapi.API = (*Service)(nil)

// New returns the service over st.
func New(st store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Impersonation = opts.Impersonation.withDefaults()
	if opts.MailHost == "" {
		opts.MailHost = "localhost"
	}
	if opts.DeletedRetention <= 0 {
		opts.DeletedRetention = defaultDeletedRetention
	}
	s := &Service{st: st, opts: opts, rules: newRuleCaches()}
	s.initIdentityProviders()
	return s
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// deletedSince is the cut-off before which deleted records are hidden.
func (s *Service) deletedSince() time.Time { return s.now().Add(-s.opts.DeletedRetention) }

// scope is the caller's account, region and partition.
type scope struct {
	account, region, partition string
}

func scopeOf(ctx context.Context) (scope, error) {
	r := reqctx.From(ctx)
	if r.Caller == nil || r.Caller.AccountID == "" {
		return scope{}, errors.New("workmail: the request carries no authenticated account")
	}
	p := r.ARNPartition()
	return scope{account: r.Caller.AccountID, region: r.Region, partition: p}, nil
}

func (sc scope) orgARN(id string) string {
	return fmt.Sprintf("arn:%s:workmail:%s:%s:organization/%s", sc.partition, sc.region, sc.account, id)
}

// visibleOrg returns an organization of the caller's account and region;
// deleted ones stay visible for the retention period.
func (s *Service) visibleOrg(ctx context.Context, id string) (*store.Organization, scope, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, sc, err
	}
	o, err := s.st.GetOrganization(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !s.sees(sc, o)) {
		return nil, sc, workmailapi.NewOrganizationNotFoundException("The organization %s does not exist.", id)
	}
	if err != nil {
		return nil, sc, err
	}
	return o, sc, nil
}

// sees reports whether the caller may see o: other accounts and regions
// never do, and deleted organizations fade after the retention period.
func (s *Service) sees(sc scope, o *store.Organization) bool {
	if o.AccountID != sc.account || o.Region != sc.region {
		return false
	}
	return o.State != store.OrganizationDeleted || !o.DeletedAt.Before(s.deletedSince())
}

// activeOrg returns a visible organization that operations may use.
func (s *Service) activeOrg(ctx context.Context, id string) (*store.Organization, error) {
	o, _, err := s.visibleOrg(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, orgStateErr(o.ID)
	}
	return o, nil
}

// inOrg starts an operation on one thing of an organization: the active
// organization, then what find finds in it.
func inOrg[T any](ctx context.Context, s *Service, orgID string, find func(orgID string) (T, error)) (*store.Organization, T, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		var zero T
		return nil, zero, err
	}
	x, err := find(o.ID)
	return o, x, err
}

func orgStateErr(id string) error {
	return workmailapi.NewOrganizationStateException("The organization %s is deleted.", id)
}

// ResolveEntity resolves a WorkMail entity identifier (entity ID, email
// address or alias, or name, ignoring case) in an active organization of
// the caller.
func (s *Service) ResolveEntity(ctx context.Context, orgID, identifier string) (*store.Entity, error) {
	if _, err := s.activeOrg(ctx, orgID); err != nil {
		return nil, err
	}
	return s.entity(ctx, orgID, identifier)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// writeErr maps the store errors any directory write may return.
func writeErr(err error, orgID string) error {
	if errors.Is(err, store.ErrOrganizationDeleted) {
		return orgStateErr(orgID)
	}
	return err
}

func newOrgID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "m-" + hex.EncodeToString(b)
}

func newEntityID() string { return uuid.NewString() }

// domainOf returns the lowercase domain of an address.
func domainOf(address string) string {
	return strings.ToLower(address[strings.LastIndexByte(address, '@')+1:])
}

// ---- response helpers ----

func tstamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
