// Package introspection holds the contract between the server's token
// introspection endpoint (RFC 7662) and the service that issues
// impersonation tokens, so neither depends on the other.
package introspection

import "context"

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
}

// Introspector answers for impersonation tokens; the
// WorkMail service implements it. authorize must be called with the ARN
// of the token's organization before anything about the token beyond
// "inactive" is revealed; its error is returned as is.
type Introspector interface {
	IntrospectImpersonationToken(ctx context.Context, token, mailbox string, authorize func(resourceARN string) error) (*Result, error)
}
