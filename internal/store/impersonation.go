package store

import (
	"context"
	"time"
)

// ImpersonationRole is a WorkMail impersonation role of an organization.
// Its rules name users by entity ID only: the service resolves whatever
// identifier a caller gives (ID, address, name) before writing, so a rule
// follows a user's identity, not a string that another user may later
// take.
type ImpersonationRole struct {
	OrgID       string
	ID          string
	Name        string
	Type        string // FULL_ACCESS or READ_ONLY
	Description string
	Rules       []ImpersonationRule

	// Version starts at 1 and grows by one with every update; tokens
	// record the version they were issued under.
	Version int64

	// ClientToken and RequestHash make creation idempotent.
	ClientToken string
	RequestHash string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// ImpersonationRule is one rule of a role.
type ImpersonationRule struct {
	ID             string
	Name           string
	Description    string
	Effect         string   // ALLOW or DENY
	TargetUsers    []string // user IDs
	NotTargetUsers []string // user IDs
}

// ImpersonationToken is the stored half of a token issued by
// AssumeImpersonationRole: the public ID and a hash of the secret, never
// the secret itself.
type ImpersonationToken struct {
	ID          string
	SecretHash  string // hex SHA-256 of the secret
	OrgID       string
	RoleID      string
	RoleVersion int64
	// IssuedTo is the ARN of the principal that assumed the role.
	IssuedTo  string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Impersonation holds impersonation roles and the tokens issued for them.
type Impersonation interface {
	// CreateImpersonationRole inserts r with Version 1. When r.ClientToken
	// is set and the organization already holds a role created with it,
	// nothing is written and that role is returned with replayed true
	// (the caller compares RequestHash). Errors: ErrLimitExceeded when the
	// organization already holds maxPerOrg roles (0: no limit),
	// ErrNotFound or ErrOrganizationDeleted for the organization,
	// ErrAlreadyExists for a taken ID.
	CreateImpersonationRole(ctx context.Context, r ImpersonationRole, maxPerOrg int) (role *ImpersonationRole, replayed bool, err error)
	GetImpersonationRole(ctx context.Context, orgID, id string) (*ImpersonationRole, error)
	// ListImpersonationRoles pages through the roles of an organization by ID.
	ListImpersonationRoles(ctx context.Context, orgID string, p Page) ([]ImpersonationRole, error)
	// UpdateImpersonationRole applies fn to the role and writes Name,
	// Type, Description, Rules and UpdatedAt as fn leaves them; the store
	// increments Version and deletes the tokens issued for the role.
	// Errors: ErrNotFound, ErrOrganizationDeleted.
	UpdateImpersonationRole(ctx context.Context, orgID, id string, fn func(*ImpersonationRole) error) (*ImpersonationRole, error)
	// DeleteImpersonationRole deletes the role and its tokens; ErrNotFound
	// when there is no such role.
	DeleteImpersonationRole(ctx context.Context, orgID, id string) error

	// CreateImpersonationToken records an issued token, and drops the
	// tokens of the same role that expired before t.IssuedAt. Errors:
	// ErrNotFound when the role does not exist (any more) at
	// t.RoleVersion, ErrAlreadyExists for a taken ID.
	CreateImpersonationToken(ctx context.Context, t ImpersonationToken) error
	GetImpersonationToken(ctx context.Context, id string) (*ImpersonationToken, error)
	// DeleteExpiredImpersonationTokens drops every token that expired
	// before the given time and returns how many it dropped.
	DeleteExpiredImpersonationTokens(ctx context.Context, before time.Time) (int, error)
}
