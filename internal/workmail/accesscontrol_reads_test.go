package workmail

import (
	"context"
	"net/netip"
	"reflect"
	"sync"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// readCounter counts the store reads the mail front end's questions make.
type readCounter struct {
	store.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *readCounter) note(m string) {
	c.mu.Lock()
	c.calls[m]++
	c.mu.Unlock()
}

func (c *readCounter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.calls
	c.calls = map[string]int{}
	return got
}

func (c *readCounter) GetOrganization(ctx context.Context, id string) (*store.Organization, error) {
	c.note("GetOrganization")
	return c.Store.GetOrganization(ctx, id)
}

func (c *readCounter) GetOrgRecord(ctx context.Context, orgID, kind, key string) (*store.Record, error) {
	c.note("GetOrgRecord")
	return c.Store.GetOrgRecord(ctx, orgID, kind, key)
}

func (c *readCounter) ListOrgRecords(ctx context.Context, orgID, kind, prefix string, p store.Page) ([]store.Record, error) {
	c.note("ListOrgRecords")
	return c.Store.ListOrgRecords(ctx, orgID, kind, prefix, p)
}

func (c *readCounter) GetEntity(ctx context.Context, orgID, id string) (*store.Entity, error) {
	c.note("GetEntity")
	return c.Store.GetEntity(ctx, orgID, id)
}

func (c *readCounter) ResolveEntity(ctx context.Context, orgID, identifier string) (*store.Entity, error) {
	c.note("ResolveEntity")
	return c.Store.ResolveEntity(ctx, orgID, identifier)
}

func (c *readCounter) ListEntities(ctx context.Context, orgID string, f store.EntityFilter, p store.Page) ([]store.Entity, error) {
	c.note("ListEntities")
	return c.Store.ListEntities(ctx, orgID, f, p)
}

func (c *readCounter) ListGroupMembers(ctx context.Context, orgID, groupID string, p store.Page) ([]store.Entity, error) {
	c.note("ListGroupMembers")
	return c.Store.ListGroupMembers(ctx, orgID, groupID, p)
}

func (c *readCounter) ListGroupsForEntity(ctx context.Context, orgID, entityID, prefix string, p store.Page) ([]store.Entity, error) {
	c.note("ListGroupsForEntity")
	return c.Store.ListGroupsForEntity(ctx, orgID, entityID, prefix, p)
}

// The questions the mail front end asks for every connection read a fixed
// number of records and nothing of the directory but the user's groups,
// and those only when a group holds the permission asked about.
func TestAccessControlEffectReads(t *testing.T) {
	f := newFixture(t)
	org := f.org("reads")
	alice, bob, carol := f.user(org, "alice"), f.user(org, "bob"), f.user(org, "carol")
	team := f.group(org, "team")
	if _, err := f.s.AssociateMemberToGroup(f.ctx, &workmailapi.AssociateMemberToGroupRequest{OrganizationId: org, GroupId: team, MemberId: carol}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PutAccessControlRule(f.ctx, &workmailapi.PutAccessControlRuleRequest{OrganizationId: org, Name: "no-bob", Effect: "DENY",
		Description: "d", UserIds: []string{bob}, NotIpRanges: []string{"198.51.100.0/24"}}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		grantee string
		perm    workmailapi.PermissionType
	}{{bob, workmailapi.PermissionTypeSendAs}, {team, workmailapi.PermissionTypeFullAccess}} {
		if _, err := f.s.PutMailboxPermissions(f.ctx, &workmailapi.PutMailboxPermissionsRequest{OrganizationId: org, EntityId: alice, GranteeId: g.grantee,
			PermissionValues: []workmailapi.PermissionType{g.perm}}); err != nil {
			t.Fatal(err)
		}
	}
	c := &readCounter{Store: f.db, calls: map[string]int{}}
	s := New(c, Options{})
	ctx := context.Background()

	t.Run("method=AccessControlEffect/case=two reads", func(t *testing.T) {
		// The first question reads the rules too; later ones only their
		// generation (rulecache.go).
		if _, _, err := s.AccessControlEffect(ctx, org, AccessRequest{Action: AccessActionIMAP, IP: netip.MustParseAddr("192.0.2.1"), UserID: alice}); err != nil {
			t.Fatal(err)
		}
		if got := c.reset(); !reflect.DeepEqual(got, map[string]int{"GetOrganization": 1, "GetOrgRecord": 2}) {
			t.Fatalf("reads of the first question %v", got)
		}
		for _, user := range []string{alice, bob} {
			if _, _, err := s.AccessControlEffect(ctx, org, AccessRequest{Action: AccessActionIMAP, IP: netip.MustParseAddr("192.0.2.1"), UserID: user}); err != nil {
				t.Fatal(err)
			}
			if got := c.reset(); !reflect.DeepEqual(got, map[string]int{"GetOrganization": 1, "GetOrgRecord": 1}) {
				t.Fatalf("reads %v", got)
			}
		}
	})
	t.Run("method=MailboxPermitted/case=direct grant", func(t *testing.T) {
		for _, user := range []string{bob, carol} {
			if _, err := s.MailboxPermitted(ctx, org, user, alice, MailboxSendAs); err != nil {
				t.Fatal(err)
			}
			if got := c.reset(); !reflect.DeepEqual(got, map[string]int{"GetOrganization": 1, "ListOrgRecords": 1}) {
				t.Fatalf("reads %v", got)
			}
		}
	})
	t.Run("method=MailboxPermitted/case=group grant", func(t *testing.T) {
		ok, err := s.MailboxPermitted(ctx, org, carol, alice, MailboxFullAccess)
		if err != nil || !ok {
			t.Fatalf("carol through team: %v %v", ok, err)
		}
		if got := c.reset(); !reflect.DeepEqual(got, map[string]int{"GetOrganization": 1, "ListOrgRecords": 1, "ListGroupsForEntity": 1}) {
			t.Fatalf("reads %v", got)
		}
	})
}
