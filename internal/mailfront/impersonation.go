package mailfront

import (
	"context"
	"errors"
	"net/netip"

	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// impersonate decides a master-user login: req.User is the impersonation
// role, req.Target the mailbox, req.Credential the role's token. The
// token is checked by the same code as the introspection endpoint
// (expiry, revocation by a role update or deletion, forgery), and the
// role's effect on the target is evaluated now.
func (d *Decider) impersonate(ctx context.Context, req Request, ip netip.Addr, dec *Decision) error {
	if dec.Kind != KindImpersonationToken {
		return refuse("impersonation needs an impersonation token")
	}
	o, err := d.Store.GetOrganization(ctx, req.OrganizationID)
	if errors.Is(err, store.ErrNotFound) {
		return refuse("unknown organization")
	}
	if err != nil {
		return err
	}
	if o.State != store.OrganizationActive {
		return refuse("organization not active")
	}
	// The token is looked at as its organization's account would: the
	// front end speaks for the organization it is configured for.
	ctx = reqctx.With(ctx, &reqctx.Request{Service: "workmail", Operation: "MailLogin", Region: o.Region,
		Caller: &reqctx.Caller{AccountID: o.AccountID}, SourceIP: req.RemoteIP, Received: d.now()})
	res, err := d.Dir.IntrospectImpersonationToken(ctx, req.Credential, req.Target, func(string) error { return nil })
	if err != nil {
		return err
	}
	switch {
	case !res.Active:
		return refuse("impersonation token not active")
	case res.OrganizationID != o.ID:
		return refuse("impersonation token of another organization")
	case res.ImpersonationRoleID != req.User:
		return refuse("impersonation token of another role")
	}
	dec.RoleID, dec.RoleType, dec.Rules = res.ImpersonationRoleID, res.RoleType, res.MatchedRules
	if res.MailboxError != "" || res.MailboxUserID == "" {
		return refuse("unknown target mailbox")
	}
	target, err := d.Store.GetEntity(ctx, o.ID, res.MailboxUserID)
	if err != nil {
		return err
	}
	dec.User, dec.UserID = target.Name, target.ID
	if target.State != store.EntityEnabled {
		return refuse("target mailbox not enabled")
	}
	if res.MailboxAllowed == nil || !*res.MailboxAllowed {
		return refuse("impersonation role effect on the target is DENY")
	}
	if req.Protocol == ProtocolSubmission && res.RoleType != RoleFullAccess {
		return refuse("a READ_ONLY impersonation role cannot submit mail")
	}
	return d.accessRules(ctx, req, ip, dec)
}
