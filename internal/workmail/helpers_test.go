package workmail

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/secretbox"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
)

const testAccount = "123456789012"

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	t     *testing.T
	s     *Service
	db    *sqlstore.DB
	clock *clock
	ctx   context.Context // the root caller of testAccount in us-east-1
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	box, err := secretbox.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), sqlstore.Config{URL: filepath.Join(t.TempDir(), "mailgate.db"), Box: box})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Now().UTC().Truncate(time.Millisecond)}
	return &fixture{t: t, s: New(db, Options{Now: c.Now, MailHost: "mx.mailgate.test"}), db: db, clock: c,
		ctx: callerCtx(testAccount, "us-east-1")}
}

func callerCtx(account, region string) context.Context {
	return reqctx.With(context.Background(), &reqctx.Request{
		ID:        "req-1",
		Service:   "workmail",
		Caller:    &reqctx.Caller{AccountID: account, Root: true, Arn: "arn:aws:iam::" + account + ":root", UserID: account},
		Region:    region,
		Partition: "aws",
	})
}

// wantCode fails unless err is the modeled error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := apierror.As(err)
	if !ok || e.ErrorCode() != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// asAPI returns the code of an API error.
func asAPI(err error) (string, bool) {
	e, ok := apierror.As(err)
	if !ok {
		return "", false
	}
	return e.ErrorCode(), true
}

// org creates an organization and returns its ID.
func (f *fixture) org(alias string, domains ...string) string {
	f.t.Helper()
	in := &workmailapi.CreateOrganizationRequest{Alias: alias}
	for _, d := range domains {
		in.Domains = append(in.Domains, workmailapi.Domain{DomainName: d})
	}
	out, err := f.s.CreateOrganization(f.ctx, in)
	if err != nil {
		f.t.Fatalf("CreateOrganization %s: %v", alias, err)
	}
	return *out.OrganizationId
}

// user creates a user and returns its ID.
func (f *fixture) user(orgID, name string) string {
	f.t.Helper()
	out, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: orgID, Name: name, DisplayName: name, Password: opt.Ptr("Sup3r-secret!")})
	if err != nil {
		f.t.Fatalf("CreateUser %s: %v", name, err)
	}
	return *out.UserId
}

// group creates a group and returns its ID.
func (f *fixture) group(orgID, name string) string {
	f.t.Helper()
	out, err := f.s.CreateGroup(f.ctx, &workmailapi.CreateGroupRequest{OrganizationId: orgID, Name: name})
	if err != nil {
		f.t.Fatalf("CreateGroup %s: %v", name, err)
	}
	return *out.GroupId
}

func (f *fixture) register(orgID, entityID, email string) {
	f.t.Helper()
	if _, err := f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: orgID, EntityId: entityID, Email: email}); err != nil {
		f.t.Fatalf("RegisterToWorkMail %s %s: %v", entityID, email, err)
	}
}

func (f *fixture) describeUser(orgID, id string) *workmailapi.DescribeUserResponse {
	f.t.Helper()
	out, err := f.s.DescribeUser(f.ctx, &workmailapi.DescribeUserRequest{OrganizationId: orgID, UserId: id})
	if err != nil {
		f.t.Fatalf("DescribeUser %s: %v", id, err)
	}
	return out
}
