package mailfront

import (
	"context"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/workmail"
)

// Mailbox is what the front end's user database needs about a session's
// mailbox once its login was allowed.
type Mailbox struct {
	UserID string
	Name   string
	// RoleType is set for an impersonation session (READ_ONLY sessions
	// get read rights only).
	RoleType string
	// Shared are the other mailboxes the user has FULL_ACCESS to, shown
	// in a shared namespace; none in an impersonation session, which
	// opens its target only.
	Shared []SharedMailbox
}

// SharedMailbox is one mailbox shown in the shared namespace.
type SharedMailbox struct {
	UserID string
	Name   string
}

// ErrUnknownMailbox answers a lookup of a user that is not an enabled
// user of the organization.
var ErrUnknownMailbox = errors.New("mailfront: unknown mailbox")

// Lookup answers the front end's user database: user is the session's
// mailbox (as the login decision named it) and roleID the impersonation
// role of a master-user session ("" otherwise).
func (d *Decider) Lookup(ctx context.Context, orgID, user, roleID string) (*Mailbox, error) {
	if len(user) > maxIdentity || len(roleID) > maxIdentity || user == "" {
		return nil, ErrUnknownMailbox
	}
	u, err := d.enabledUser(ctx, orgID, user)
	if err != nil {
		return nil, err
	}
	mb := &Mailbox{UserID: u.ID, Name: u.Name}
	if roleID != "" {
		role, err := d.Store.GetImpersonationRole(ctx, orgID, roleID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrUnknownMailbox
		}
		if err != nil {
			return nil, err
		}
		mb.RoleType = role.Type
		return mb, nil
	}
	ids, err := d.Dir.FullAccessMailboxes(ctx, orgID, u.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		e, err := d.Store.GetEntity(ctx, orgID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// A mailbox disabled or deleted since its grant is not shown.
		if e.Type == store.EntityUser && e.State == store.EntityEnabled {
			mb.Shared = append(mb.Shared, SharedMailbox{UserID: e.ID, Name: e.Name})
		}
	}
	return mb, nil
}

func (d *Decider) enabledUser(ctx context.Context, orgID, identifier string) (*store.Entity, error) {
	o, err := d.Store.GetOrganization(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownMailbox
	}
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, ErrUnknownMailbox
	}
	u, err := d.Store.ResolveEntity(ctx, orgID, identifier)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownMailbox
	}
	if err != nil {
		return nil, err
	}
	if u.Type != store.EntityUser || u.State != store.EntityEnabled {
		return nil, ErrUnknownMailbox
	}
	return u, nil
}

// SenderAllowed decides the From: and Sender: addresses of a message a
// signed-in user submits (WorkMail's rules, administrator guide "Sending
// as or on behalf of"): the user's own address always; another mailbox's
// address in From: with SEND_AS on it; with SEND_ON_BEHALF on it, when
// Sender: is the user's own address. Addresses are compared through the
// directory, so aliases count as their mailbox's.
func (d *Decider) SenderAllowed(ctx context.Context, orgID, user, from, sender string) (bool, string, error) {
	u, err := d.enabledUser(ctx, orgID, user)
	if errors.Is(err, ErrUnknownMailbox) {
		return false, "unknown user", nil
	}
	if err != nil {
		return false, "", err
	}
	owner := func(addr string) (string, error) {
		addr = strings.TrimSpace(addr)
		if addr == "" || len(addr) > maxIdentity || !strings.Contains(addr, "@") {
			return "", nil
		}
		e, err := d.Store.GetEntityByEmail(ctx, orgID, addr)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return e.ID, nil
	}
	fromID, err := owner(from)
	if err != nil {
		return false, "", err
	}
	senderID := u.ID
	if sender != "" {
		if senderID, err = owner(sender); err != nil {
			return false, "", err
		}
	}
	switch {
	case fromID == "":
		return false, "From: is not an address of the organization", nil
	case senderID != u.ID:
		return false, "Sender: is not the user's address", nil
	case fromID == u.ID:
		return true, "own address", nil
	}
	if sender == "" {
		ok, err := d.Dir.MailboxPermitted(ctx, orgID, u.ID, fromID, workmail.MailboxSendAs)
		if err != nil || ok {
			return ok, workmail.MailboxSendAs, err
		}
		return false, "no " + workmail.MailboxSendAs + " permission on the From: mailbox", nil
	}
	ok, err := d.Dir.MailboxPermitted(ctx, orgID, u.ID, fromID, workmail.MailboxSendOnBehalf)
	if err != nil || ok {
		return ok, workmail.MailboxSendOnBehalf, err
	}
	// SEND_AS covers a message that also names the sender.
	ok, err = d.Dir.MailboxPermitted(ctx, orgID, u.ID, fromID, workmail.MailboxSendAs)
	if err != nil || ok {
		return ok, workmail.MailboxSendAs, err
	}
	return false, "no " + workmail.MailboxSendOnBehalf + " permission on the From: mailbox", nil
}
