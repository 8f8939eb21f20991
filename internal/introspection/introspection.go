// Package introspection holds the contract between the server's token
// introspection endpoint (RFC 7662) and the service that issues
// impersonation tokens, so neither depends on the other.
package introspection

import (
	"context"
	"strings"
)

// Result is the RFC 7662 answer for one token.
type Result struct {
	Active bool `json:"active"`
	// The rest is set only for an active token.
	TokenType           string `json:"token_type,omitempty"` // "Bearer"
	Exp                 int64  `json:"exp,omitempty"`        // Unix seconds
	Iat                 int64  `json:"iat,omitempty"`        // Unix seconds
	Sub                 string `json:"sub,omitempty"`        // ARN of the principal that assumed the role
	OrganizationID      string `json:"organization_id,omitempty"`
	ImpersonationRoleID string `json:"impersonation_role_id,omitempty"`
	RoleType            string `json:"role_type,omitempty"` // FULL_ACCESS or READ_ONLY
	// Set when a mailbox was asked about: MailboxAllowed is the decision
	// GetImpersonationRoleEffect makes at this moment (ALLOW → true).
	Mailbox        string   `json:"mailbox,omitempty"`
	MailboxUserID  string   `json:"mailbox_user_id,omitempty"`
	MailboxAllowed *bool    `json:"mailbox_allowed,omitempty"`
	MatchedRules   []string `json:"matched_rules,omitempty"`
	// MailboxError is the WorkMail error code when the mailbox could not
	// be evaluated (EntityNotFoundException, EntityStateException).
	MailboxError string `json:"mailbox_error,omitempty"`

	// TokenKind is KindPersonalAccessToken for a personal access token;
	// it is absent for an impersonation token (whose answer predates it).
	TokenKind string `json:"token_kind,omitempty"`
	// Set for a personal access token: the user it belongs to (Sub is
	// the user ID too), its address (or name), the token's ID and its
	// scopes, space-separated (RFC 7662 "scope"). MailboxAllowed is true
	// only for the token's own mailbox.
	Username              string `json:"username,omitempty"`
	UserID                string `json:"user_id,omitempty"`
	PersonalAccessTokenID string `json:"personal_access_token_id,omitempty"`
	Scope                 string `json:"scope,omitempty"`
}

// KindPersonalAccessToken is the TokenKind of a personal access token.
const KindPersonalAccessToken = "personal_access_token"

// PersonalAccessTokenPrefix starts every personal access token.
const PersonalAccessTokenPrefix = "mgp1."

// IsPersonalAccessToken reports whether a token is shaped as a personal
// access token (whether or not it is valid).
func IsPersonalAccessToken(token string) bool {
	return strings.HasPrefix(token, PersonalAccessTokenPrefix)
}

// PersonalAccessTokenIntrospector answers for personal access tokens,
// with the same authorize contract as Introspector.
type PersonalAccessTokenIntrospector interface {
	IntrospectPersonalAccessToken(ctx context.Context, token, mailbox string, authorize func(resourceARN string) error) (*Result, error)
}

// Introspector answers for impersonation tokens; the
// WorkMail service implements it. authorize must be called with the ARN
// of the token's organization before anything about the token beyond
// "inactive" is revealed; its error is returned as is.
type Introspector interface {
	IntrospectImpersonationToken(ctx context.Context, token, mailbox string, authorize func(resourceARN string) error) (*Result, error)
}
