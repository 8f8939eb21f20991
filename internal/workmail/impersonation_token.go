package workmail

// Impersonation tokens.
//
// AssumeImpersonationRole issues "mgi1.<id>.<secret>": a random 128-bit ID
// and a random 256-bit secret, base64url, 70 printable ASCII characters.
// The store keeps the ID, a SHA-256 hash of the secret, the organization,
// the role and the role's version, the issuing principal and the expiry;
// never the secret, so neither the database nor a backup can produce a
// usable token, and the secret appears in no log or error message. Any
// replica that shares the store can verify any token.
//
// A token is active while all of these hold, checked at every use against
// the service clock (Options.Now):
//
//   - now is before its expiry (ImpersonationOptions.TokenTTL after
//     issue, 15 minutes by default, reported as ExpiresIn);
//   - its role still exists, at the version it was issued for: deleting
//     the role revokes its tokens, and so does any UpdateImpersonationRole,
//     even one that changes nothing. A token grants what the role granted
//     when it was assumed, never what an administrator later wrote;
//     callers assume the role again after an update. (The store also
//     drops the rows of revoked tokens.)
//   - its organization is active and belongs to the caller's account and
//     Region.
//
// Introspection (server.IntrospectPath) answers for a token and, given a
// mailbox, makes the GetImpersonationRoleEffect decision for it at the
// time of the call.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	tokenPrefix      = "mgi1."
	tokenIDBytes     = 16
	tokenSecretBytes = 32
)

var b64 = base64.RawURLEncoding

func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// newImpersonationToken returns the token to hand out, its ID and the
// hash of its secret.
func newImpersonationToken() (token, id, hash string) {
	b := make([]byte, tokenIDBytes+tokenSecretBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	id, secret := b64.EncodeToString(b[:tokenIDBytes]), b64.EncodeToString(b[tokenIDBytes:])
	return tokenPrefix + id + "." + secret, id, secretHash(secret)
}

// splitToken returns the ID and secret of a well-formed token.
func splitToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, ".")
	if !ok || b64.DecodedLen(len(id)) != tokenIDBytes || b64.DecodedLen(len(secret)) != tokenSecretBytes {
		return "", "", false
	}
	return id, secret, true
}

func (s *Service) AssumeImpersonationRole(ctx context.Context, in *workmailapi.AssumeImpersonationRoleRequest) (*workmailapi.AssumeImpersonationRoleResponse, error) {
	o, role, err := s.role(ctx, in.OrganizationId, in.ImpersonationRoleId)
	if err != nil {
		return nil, err
	}
	ttl := s.impersonationOptions().TokenTTL
	now := s.now()
	token, id, hash := newImpersonationToken()
	var issuedTo string
	if c := reqctx.From(ctx).Caller; c != nil {
		issuedTo = c.Arn
	}
	err = s.st.CreateImpersonationToken(ctx, store.ImpersonationToken{ID: id, SecretHash: hash, OrgID: o.ID, RoleID: role.ID,
		RoleVersion: role.Version, IssuedTo: issuedTo, IssuedAt: now, ExpiresAt: now.Add(ttl)})
	if errors.Is(err, store.ErrNotFound) {
		// Updated or deleted since we read it.
		return nil, roleNotFound(o.ID, role.ID)
	}
	if err != nil {
		return nil, err
	}
	return &workmailapi.AssumeImpersonationRoleResponse{Token: &token, ExpiresIn: opt.Ptr(int64(ttl.Seconds()))}, nil
}

// IntrospectImpersonationToken implements introspection.Introspector.
func (s *Service) IntrospectImpersonationToken(ctx context.Context, token, mailbox string, authorize func(resourceARN string) error) (_ *introspection.Result, err error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	check := tokenCheck{kind: metrics.TokenImpersonation}
	defer func() { check.done(err) }()
	id, secret, ok := splitToken(token)
	if !ok {
		return check.inactive(metrics.TokenMalformed)
	}
	t, err := s.st.GetImpersonationToken(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return check.inactive(metrics.TokenUnknown)
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(t.SecretHash), []byte(secretHash(secret))) != 1 {
		return check.inactive(metrics.TokenMismatch)
	}
	if !s.now().Before(t.ExpiresAt) {
		return check.inactive(metrics.TokenExpired)
	}
	o, err := s.st.GetOrganization(ctx, t.OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return check.inactive(metrics.TokenInactive)
	}
	if err != nil {
		return nil, err
	}
	if !s.sees(sc, o) || o.State != store.OrganizationActive {
		return check.inactive(metrics.TokenInactive)
	}
	if err := authorize(sc.orgARN(o.ID)); err != nil {
		return nil, err
	}
	role, err := s.st.GetImpersonationRole(ctx, o.ID, t.RoleID)
	if errors.Is(err, store.ErrNotFound) {
		return check.inactive(metrics.TokenRevoked)
	}
	if err != nil {
		return nil, err
	}
	if role.Version != t.RoleVersion {
		return check.inactive(metrics.TokenRevoked)
	}
	check.outcome = metrics.TokenActive
	res := &introspection.Result{Active: true, TokenType: "Bearer", Exp: t.ExpiresAt.Unix(), Iat: t.IssuedAt.Unix(), Sub: t.IssuedTo,
		OrganizationID: o.ID, ImpersonationRoleID: role.ID, RoleType: role.Type}
	if mailbox == "" {
		return res, nil
	}
	u, err := s.introspectMailbox(ctx, o.ID, mailbox, res)
	if err != nil || u == nil {
		return res, err
	}
	effect, matched := evaluateRole(role, u.ID)
	*res.MailboxAllowed = effect == effectAllow
	for _, r := range matched {
		res.MatchedRules = append(res.MatchedRules, r.ID)
	}
	return res, nil
}

// introspectMailbox fills the mailbox fields of an active introspection
// result (MailboxAllowed false until the caller decides) and returns the
// mailbox's user, or nil with MailboxError set when it is unknown or
// deleted.
func (s *Service) introspectMailbox(ctx context.Context, orgID, mailbox string, res *introspection.Result) (*store.Entity, error) {
	res.Mailbox = mailbox
	res.MailboxAllowed = new(bool)
	u, err := s.live(ctx, orgID, mailbox, userKind)
	if err != nil {
		ae, ok := apierror.As(err)
		if !ok {
			return nil, err
		}
		res.MailboxError = ae.ErrorCode()
		return nil, nil
	}
	res.MailboxUserID = u.ID
	return u, nil
}

// AuditAdditional marks the audit record of the operations that revoke
// every impersonation token issued for a role: updating or deleting it.
func (s *Service) AuditAdditional(operation string) map[string]any {
	if operation == "UpdateImpersonationRole" || operation == "DeleteImpersonationRole" {
		return map[string]any{"impersonationTokensRevoked": true}
	}
	return nil
}
