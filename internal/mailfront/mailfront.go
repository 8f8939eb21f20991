// Package mailfront decides the logins of a mail front end (Dovecot's
// IMAP and submission services) from what mailgate already knows: the
// organization's authentication mode, passwords, personal access tokens,
// ID tokens, impersonation roles and tokens, access control rules and
// mailbox permissions. The server exposes it over HTTP
// (server.MailFrontAuthPath); Dovecot asks it through the Lua script
// `mailgate dovecot-config` writes.
//
// A login is one of:
//
//   - a user signing in with the directory password, a personal access
//     token (mgp1.…) or an ID token of the organization's identity
//     provider, decided by the WorkMail sign-in (mailauth.Service), whose
//     throttling it shares with the HTTP sign-in endpoint;
//   - an application impersonating a mailbox: the authentication identity
//     is an impersonation role ID, the authorization identity the target
//     mailbox and the credential an impersonation token (mgi1.…) of that
//     role; the role's effect on the target must be ALLOW at login time.
//
// Either way the organization's access control rules must then allow the
// protocol (IMAP for IMAP, SMTP for submission) from the client's address
// for the user and the role. Every refusal is the same to the client;
// the reason is logged, never the credential.
package mailfront

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/workmail"
)

// Protocols a front end asks about.
const (
	ProtocolIMAP       = "imap"
	ProtocolSubmission = "submission"
)

// Credential kinds, as decisions name them.
const (
	KindPassword            = mailauth.MethodPassword
	KindPersonalAccessToken = mailauth.MethodPersonalAccessToken
	KindIDToken             = mailauth.MethodIDToken
	KindImpersonationToken  = "impersonation_token"
)

// Role types an impersonation session runs with.
const (
	RoleFullAccess = "FULL_ACCESS"
	RoleReadOnly   = "READ_ONLY"
)

// MaxCredential bounds a credential (an ID token is the longest: a few
// kilobytes); a longer one is refused without being looked at.
const MaxCredential = 8 << 10

// maxIdentity bounds the identities (entity identifiers are at most 256
// characters).
const maxIdentity = 256

// ErrUnavailable is a decision that could not be made now (the store or
// the identity provider is unreachable): the front end answers a
// temporary failure, not a refusal.
var ErrUnavailable = errors.New("mailfront: decision temporarily unavailable")

// Directory is what the decisions read; the WorkMail service implements it.
type Directory interface {
	mailauth.Service
	introspection.Introspector
	AccessControlEffect(ctx context.Context, orgID string, req workmail.AccessRequest) (effect string, matched []string, err error)
	FullAccessMailboxes(ctx context.Context, orgID, userID string) ([]string, error)
	MailboxPermitted(ctx context.Context, orgID, userID, mailboxID, perm string) (bool, error)
}

// Request is one login attempt as the front end saw it.
type Request struct {
	Protocol       string
	RemoteIP       string
	OrganizationID string
	// User is the authentication identity: a user (ID, address or name),
	// or, with Target, an impersonation role ID.
	User string
	// Target is the authorization identity when it differs from User:
	// the mailbox an impersonation token opens.
	Target string
	// Mechanism is the SASL mechanism (informational).
	Mechanism  string
	Credential string
}

// Decision is the answer to a Request, and what is logged of it.
type Decision struct {
	Allowed bool
	// Reason says why, for the log (never shown to the client).
	Reason string
	Kind   string
	// Rules are the access control rules (or impersonation rules) that
	// decided, when any did.
	Rules          []string
	Protocol       string
	RemoteIP       string
	OrganizationID string
	// User is the mailbox the session opens: its user name, and ID.
	User   string
	UserID string
	// RoleID and RoleType are set for an impersonation session.
	RoleID   string
	RoleType string
	At       time.Time
}

// ReadOnly reports whether the session may only read.
func (d *Decision) ReadOnly() bool { return d.RoleType == RoleReadOnly }

// Decider makes the decisions.
type Decider struct {
	Dir   Directory
	Store store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Hook, when set, receives every decision (the audit trail's feed).
	Hook func(ctx context.Context, d Decision)
}

// refusal is a decided refusal with its reason.
type refusal struct{ reason string }

func (r refusal) Error() string { return r.reason }

func refuse(reason string) error { return refusal{reason} }

// Decide decides one login. It returns ErrUnavailable (wrapped) when no
// decision could be made; every other outcome is a Decision.
func (d *Decider) Decide(ctx context.Context, req Request) (*Decision, error) {
	dec := &Decision{Protocol: req.Protocol, RemoteIP: req.RemoteIP, OrganizationID: req.OrganizationID,
		Kind: credentialKind(req), At: d.now()}
	err := d.decide(ctx, req, dec)
	var r refusal
	switch {
	case err == nil:
		dec.Allowed, dec.Reason = true, "allowed"
	case errors.As(err, &r):
		dec.Reason = r.reason
	default:
		d.log().Warn("mail login undecided", "protocol", req.Protocol, "remote_ip", req.RemoteIP,
			"organization_id", req.OrganizationID, "kind", dec.Kind, "error", err)
		return nil, errors.Join(ErrUnavailable, err)
	}
	d.record(ctx, dec, req)
	return dec, nil
}

func (d *Decider) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Decider) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

// record logs a decision and hands it to the hook. The credential is not
// in the Decision and never logged.
func (d *Decider) record(ctx context.Context, dec *Decision, req Request) {
	outcome := "refused"
	if dec.Allowed {
		outcome = "allowed"
	}
	attrs := []any{"outcome", outcome, "reason", dec.Reason, "protocol", dec.Protocol, "kind", dec.Kind,
		"mechanism", req.Mechanism, "remote_ip", dec.RemoteIP, "organization_id", dec.OrganizationID,
		"login", boundedIdentity(req.User)}
	if req.Target != "" {
		attrs = append(attrs, "target", boundedIdentity(req.Target))
	}
	if dec.UserID != "" {
		attrs = append(attrs, "mailbox", dec.User, "user_id", dec.UserID)
	}
	if dec.RoleID != "" {
		attrs = append(attrs, "role_id", dec.RoleID, "role_type", dec.RoleType)
	}
	if len(dec.Rules) > 0 {
		attrs = append(attrs, "rules", strings.Join(dec.Rules, ","))
	}
	d.log().Info("mail login", attrs...)
	if d.Hook != nil {
		d.Hook(ctx, *dec)
	}
}

// boundedIdentity keeps a logged identity short: a client chooses it.
func boundedIdentity(s string) string {
	if len(s) > maxIdentity {
		return s[:maxIdentity] + "…"
	}
	return s
}

// credentialKind tells the credential's kind from its shape.
func credentialKind(req Request) string {
	switch c := req.Credential; {
	case strings.HasPrefix(c, "mgi1."):
		return KindImpersonationToken
	case introspection.IsPersonalAccessToken(c):
		return KindPersonalAccessToken
	case looksLikeJWT(c):
		return KindIDToken
	}
	return KindPassword
}

// looksLikeJWT reports whether a credential is shaped as a compact JWS
// (an ID token): three base64url parts, the header a JSON object.
func looksLikeJWT(c string) bool {
	return strings.HasPrefix(c, "eyJ") && strings.Count(c, ".") == 2
}

func (d *Decider) decide(ctx context.Context, req Request, dec *Decision) error {
	switch {
	case req.Protocol != ProtocolIMAP && req.Protocol != ProtocolSubmission:
		return refuse("unknown protocol")
	case req.OrganizationID == "" || req.User == "" || req.Credential == "":
		return refuse("incomplete request")
	case len(req.Credential) > MaxCredential || len(req.User) > maxIdentity || len(req.Target) > maxIdentity:
		return refuse("oversized identity or credential")
	}
	ip, err := netip.ParseAddr(req.RemoteIP)
	if err != nil {
		return refuse("no client address")
	}
	if req.Target != "" && req.Target != req.User {
		return d.impersonate(ctx, req, ip, dec)
	}
	if dec.Kind == KindImpersonationToken {
		return refuse("impersonation token without a target mailbox")
	}
	if err := d.signIn(ctx, req, dec); err != nil {
		return err
	}
	return d.accessRules(ctx, req, ip, dec)
}

// signIn checks a user's own credential through the WorkMail sign-in.
func (d *Decider) signIn(ctx context.Context, req Request, dec *Decision) error {
	in := mailauth.SignInRequest{OrganizationID: req.OrganizationID, Username: req.User, SourceIP: req.RemoteIP}
	if dec.Kind == KindIDToken {
		in.IDToken = req.Credential
	} else {
		in.Password = req.Credential
	}
	who, err := d.Dir.SignIn(ctx, in)
	switch {
	case errors.Is(err, mailauth.ErrSignInFailed):
		return refuse("credentials refused")
	case err != nil:
		return err
	}
	dec.User, dec.UserID = who.Name, who.UserID
	return nil
}

// accessRules applies the organization's access control rules.
func (d *Decider) accessRules(ctx context.Context, req Request, ip netip.Addr, dec *Decision) error {
	action := workmail.AccessActionIMAP
	if req.Protocol == ProtocolSubmission {
		action = workmail.AccessActionSMTP
	}
	effect, matched, err := d.Dir.AccessControlEffect(ctx, req.OrganizationID,
		workmail.AccessRequest{Action: action, IP: ip, UserID: dec.UserID, ImpersonationRoleID: dec.RoleID})
	if err != nil {
		return err
	}
	dec.Rules = matched
	if effect != "ALLOW" {
		return refuse("access control rules deny " + action)
	}
	return nil
}
