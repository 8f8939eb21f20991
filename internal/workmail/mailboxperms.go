package workmail

// Mailbox permissions: PutMailboxPermissions, ListMailboxPermissions and
// DeleteMailboxPermissions grant users and groups FULL_ACCESS, SEND_AS
// and SEND_ON_BEHALF on a mailbox; the mail front end asks
// MailboxPermitted and FullAccessMailboxes.
//
// As the administrator guide describes them
// (https://docs.aws.amazon.com/workmail/latest/adminguide/mail_perms_overview.html):
//
//   - A grant to a group reaches its members, including the members of
//     nested groups.
//   - FULL_ACCESS is not available on a group, which has no mailbox
//     (InvalidParameterException); SEND_AS and SEND_ON_BEHALF are.
//   - PutMailboxPermissions replaces the grantee's permission set on the
//     mailbox ("This replaces any pre-existing permissions", API reference:
//     https://docs.aws.amazon.com/workmail/latest/APIReference/API_PutMailboxPermissions.html).
//
// EntityId (the mailbox: a user, group or resource) and GranteeId (a user
// or group) take an ID, an address or a name. An unknown one, or one of
// another organization, answers EntityNotFoundException, the model's
// error for an identifier that "does not exist in your organization"; a
// deleted one EntityStateException. A resource as grantee, the mailbox
// itself as grantee and an empty PermissionValues answer
// InvalidParameterException. Disabled entities are accepted: grants may be
// prepared before a mailbox is registered. DeleteMailboxPermissions of a
// grant that does not exist succeeds, and it accepts deleted entities so
// that stale grants can be revoked; ListMailboxPermissions pages by
// grantee ID.
//
// Storage: each grant is one organization record (kind
// store.RecordMailboxPermission) written twice in one transaction, under
// "m/<mailbox ID>/<grantee ID>" for the mailbox's listing and under
// "g/<grantee ID>/<mailbox ID>" for what a grantee may open. A grant
// outlives a grantee deleted later (whose ID nobody else can hold, and who
// belongs to no group any more) and is listed until it is revoked.

import (
	"context"
	"slices"
	"sort"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Mailbox permissions, as MailboxPermitted takes them.
const (
	MailboxFullAccess   = string(workmailapi.PermissionTypeFullAccess)
	MailboxSendAs       = string(workmailapi.PermissionTypeSendAs)
	MailboxSendOnBehalf = string(workmailapi.PermissionTypeSendOnBehalf)
)

// mailboxPermissions are the permissions in the order grants list them.
var mailboxPermissions = []string{MailboxFullAccess, MailboxSendAs, MailboxSendOnBehalf}

// mailboxGrant is one grantee's permissions on one mailbox.
type mailboxGrant struct {
	Mailbox     string
	Grantee     string
	GranteeType string // store.EntityUser or store.EntityGroup
	Permissions []string
}

var mailboxGrants = records.Of[mailboxGrant](records.Org, store.RecordMailboxPermission)

func grantByMailboxKey(mailbox, grantee string) string { return "m/" + mailbox + "/" + grantee }
func grantByGranteeKey(grantee, mailbox string) string { return "g/" + grantee + "/" + mailbox }

// permissionSet returns the permissions of a request without duplicates,
// in the order of mailboxPermissions.
func permissionSet(in []workmailapi.PermissionType) ([]string, error) {
	var out []string
	for _, p := range mailboxPermissions {
		if slices.Contains(in, workmailapi.PermissionType(p)) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, workmailapi.NewInvalidParameterException("PermissionValues: name at least one permission; DeleteMailboxPermissions revokes a grant.")
	}
	return out, nil
}

// grantParties resolves the mailbox and the grantee of a new grant.
func (s *Service) grantParties(ctx context.Context, orgID, entityID, granteeID string, perms []string) (mailbox, grantee *store.Entity, err error) {
	if mailbox, err = s.entity(ctx, orgID, entityID); err != nil {
		return nil, nil, err
	}
	if grantee, err = s.entity(ctx, orgID, granteeID); err != nil {
		return nil, nil, err
	}
	for _, e := range []*store.Entity{mailbox, grantee} {
		if e.State == store.EntityDeleted {
			return nil, nil, deletedErr(e)
		}
	}
	switch {
	case grantee.Type == store.EntityResource:
		return nil, nil, workmailapi.NewInvalidParameterException("GranteeId: %s is a resource; permissions are granted to users and groups.", grantee.ID)
	case grantee.ID == mailbox.ID:
		return nil, nil, workmailapi.NewInvalidParameterException("GranteeId: %s owns the mailbox; permissions are granted to others.", grantee.ID)
	case mailbox.Type == store.EntityGroup && slices.Contains(perms, MailboxFullAccess):
		return nil, nil, workmailapi.NewInvalidParameterException("PermissionValues: %s cannot be granted on the group %s, which has no mailbox.", MailboxFullAccess, mailbox.ID)
	}
	return mailbox, grantee, nil
}

// orgMailbox loads an active organization and resolves a mailbox of it
// (a user, group or resource, whatever its state).
func (s *Service) orgMailbox(ctx context.Context, orgID, entityID string) (*store.Organization, *store.Entity, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	mailbox, err := s.entity(ctx, o.ID, entityID)
	if err != nil {
		return nil, nil, err
	}
	return o, mailbox, nil
}

// PutMailboxPermissions sets a grantee's permissions on a mailbox,
// replacing those it had.
func (s *Service) PutMailboxPermissions(ctx context.Context, in *workmailapi.PutMailboxPermissionsRequest) (*workmailapi.PutMailboxPermissionsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	perms, err := permissionSet(in.PermissionValues)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		mailbox, grantee, err := s.grantParties(ctx, o.ID, in.EntityId, in.GranteeId, perms)
		if err != nil {
			return err
		}
		g := &mailboxGrant{Mailbox: mailbox.ID, Grantee: grantee.ID, GranteeType: grantee.Type, Permissions: perms}
		for _, key := range []string{grantByMailboxKey(g.Mailbox, g.Grantee), grantByGranteeKey(g.Grantee, g.Mailbox)} {
			if _, err := mailboxGrants.Put(ctx, s.st, o.ID, key, func(*mailboxGrant) (*mailboxGrant, error) { return g, nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.PutMailboxPermissionsResponse{}, nil
}

// ListMailboxPermissions pages through the grants on a mailbox by grantee
// ID.
func (s *Service) ListMailboxPermissions(ctx context.Context, in *workmailapi.ListMailboxPermissionsRequest) (*workmailapi.ListMailboxPermissionsResponse, error) {
	o, mailbox, err := s.orgMailbox(ctx, in.OrganizationId, in.EntityId)
	if err != nil {
		return nil, err
	}
	lst := listing("ListMailboxPermissions", o.ID, mailbox.ID)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	grants, err := mailboxGrants.Page(ctx, s.st, o.ID, grantByMailboxKey(mailbox.ID, ""), p)
	if err != nil {
		return nil, err
	}
	grants, next, err := finishPage(ctx, s, lst, grants, limit, func(g records.Keyed[mailboxGrant]) string { return g.Key })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListMailboxPermissionsResponse{Permissions: make([]workmailapi.Permission, 0, len(grants)), NextToken: next}
	for _, g := range grants {
		perms := make([]workmailapi.PermissionType, 0, len(g.Value.Permissions))
		for _, p := range g.Value.Permissions {
			perms = append(perms, workmailapi.PermissionType(p))
		}
		out.Permissions = append(out.Permissions, workmailapi.Permission{GranteeId: g.Value.Grantee,
			GranteeType: workmailapi.MemberType(g.Value.GranteeType), PermissionValues: perms})
	}
	return out, nil
}

// DeleteMailboxPermissions revokes a grantee's permissions on a mailbox.
func (s *Service) DeleteMailboxPermissions(ctx context.Context, in *workmailapi.DeleteMailboxPermissionsRequest) (*workmailapi.DeleteMailboxPermissionsResponse, error) {
	o, mailbox, err := s.orgMailbox(ctx, in.OrganizationId, in.EntityId)
	if err != nil {
		return nil, err
	}
	grantee, err := s.entity(ctx, o.ID, in.GranteeId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		for _, key := range []string{grantByMailboxKey(mailbox.ID, grantee.ID), grantByGranteeKey(grantee.ID, mailbox.ID)} {
			if _, err := mailboxGrants.Remove(ctx, s.st, o.ID, key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DeleteMailboxPermissionsResponse{}, nil
}

// MailboxPermitted reports whether a user may use a permission
// (MailboxFullAccess, MailboxSendAs or MailboxSendOnBehalf) on a mailbox:
// the mailbox is the user's own, or the permission is granted to the user
// or to a group the user belongs to, directly or through nested groups.
// userID and mailboxID are entity IDs. It reads the organization and the
// grants on the mailbox and, only when a group holds the permission, the
// user's groups upward, each group once (a membership cycle cannot make
// it loop), stopping at the first granted one: the directory's size does
// not matter. An organization that does not exist or is deleted permits
// nothing.
func (s *Service) MailboxPermitted(ctx context.Context, orgID, userID, mailboxID, perm string) (bool, error) {
	if !slices.Contains(mailboxPermissions, perm) {
		return false, workmailapi.NewInvalidParameterException("%s is not a mailbox permission.", perm)
	}
	if live, err := s.orgLive(ctx, orgID); err != nil || !live {
		return false, err
	}
	if userID == mailboxID {
		return true, nil
	}
	grants, err := mailboxGrants.All(ctx, s.st, orgID, grantByMailboxKey(mailboxID, ""))
	if err != nil {
		return false, err
	}
	groups := map[string]bool{}
	for _, g := range grants {
		if !slices.Contains(g.Permissions, perm) {
			continue
		}
		if g.Grantee == userID {
			return true, nil
		}
		if g.GranteeType == store.EntityGroup {
			groups[g.Grantee] = true
		}
	}
	if len(groups) == 0 {
		return false, nil
	}
	found := false
	err = s.walkGroups(ctx, orgID, userID, func(groupID string) bool {
		found = groups[groupID]
		return found
	})
	return found, err
}

// FullAccessMailboxes returns the IDs of the mailboxes, other than their
// own, that a user has FULL_ACCESS to, directly or through groups (nested
// ones included), in ID order: what the mail front end shows in its
// shared namespace. It reads the user's groups upward and the grants of
// the user and of each of those groups. A mailbox disabled or deleted
// since its grant is still listed; the front end opens each anyway. An
// organization that does not exist or is deleted has none.
func (s *Service) FullAccessMailboxes(ctx context.Context, orgID, userID string) ([]string, error) {
	if live, err := s.orgLive(ctx, orgID); err != nil || !live {
		return nil, err
	}
	holders := []string{userID}
	err := s.walkGroups(ctx, orgID, userID, func(groupID string) bool {
		holders = append(holders, groupID)
		return false
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{userID: true}
	var out []string
	for _, h := range holders {
		grants, err := mailboxGrants.All(ctx, s.st, orgID, grantByGranteeKey(h, ""))
		if err != nil {
			return nil, err
		}
		for _, g := range grants {
			if !seen[g.Mailbox] && slices.Contains(g.Permissions, MailboxFullAccess) {
				seen[g.Mailbox] = true
				out = append(out, g.Mailbox)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// walkGroups visits the groups an entity belongs to, directly or through
// nested groups, breadth first and each once, so that a membership cycle
// cannot make it loop; it stops when visit returns true.
func (s *Service) walkGroups(ctx context.Context, orgID, entityID string, visit func(groupID string) (stop bool)) error {
	seen := map[string]bool{entityID: true}
	queue := []string{entityID}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		p := store.Page{Limit: 100}
		for {
			gs, err := s.st.ListGroupsForEntity(ctx, orgID, id, "", p)
			if err != nil {
				return err
			}
			for _, g := range gs {
				if seen[g.ID] {
					continue
				}
				seen[g.ID] = true
				if visit(g.ID) {
					return nil
				}
				queue = append(queue, g.ID)
			}
			if len(gs) < p.Limit {
				break
			}
			p.After = gs[len(gs)-1].ID
		}
	}
	return nil
}
