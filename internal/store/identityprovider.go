package store

import (
	"context"
	"time"
)

// IdentityCenterApplication is the WorkMail application registered in an
// Identity Center instance by CreateIdentityCenterApplication. Its ARN
// names the account; the store also keeps the Region it was created in,
// since an organization may only use applications of its own account
// and Region.
type IdentityCenterApplication struct {
	ARN         string
	AccountID   string
	Region      string
	InstanceARN string
	Name        string

	// ClientToken and RequestHash make creation idempotent per account
	// and Region.
	ClientToken string
	RequestHash string

	CreatedAt time.Time
}

// Personal access token configuration statuses and authentication modes,
// spelled as the WorkMail model spells them.
const (
	PATActive   = "ACTIVE"
	PATInactive = "INACTIVE"

	AuthIdentityProviderOnly         = "IDENTITY_PROVIDER_ONLY"
	AuthIdentityProviderAndDirectory = "IDENTITY_PROVIDER_AND_DIRECTORY"
)

// IdentityProviderConfig is the identity provider configuration of one
// organization (PutIdentityProviderConfiguration).
type IdentityProviderConfig struct {
	OrgID              string
	AuthenticationMode string // AuthIdentityProviderOnly or AuthIdentityProviderAndDirectory
	InstanceARN        string
	ApplicationARN     string
	PATStatus          string // PATActive or PATInactive
	PATLifetimeDays    int    // 0: not given
	UpdatedAt          time.Time
}

// PersonalAccessToken is the stored half of a personal access token: its
// public ID and a hash of the secret, never the secret itself.
type PersonalAccessToken struct {
	ID         string
	OrgID      string
	UserID     string
	Name       string
	Scopes     []string
	SecretHash string // hex SHA-256 of the secret
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero: never used
}

// IdentityProvider holds Identity Center applications, the identity
// provider configuration of organizations and personal access tokens.
type IdentityProvider interface {
	// CreateIdentityCenterApplication inserts a. When a.ClientToken is
	// set and the account and Region already hold an application created
	// with it, nothing is written and that application is returned with
	// replayed true (the caller compares RequestHash). ErrAlreadyExists
	// for a taken ARN.
	CreateIdentityCenterApplication(ctx context.Context, a IdentityCenterApplication) (app *IdentityCenterApplication, replayed bool, err error)
	GetIdentityCenterApplication(ctx context.Context, arn string) (*IdentityCenterApplication, error)
	// DeleteIdentityCenterApplication deletes an application. ErrNotFound
	// when there is none; ErrInUse while the configuration of an active
	// organization names it.
	DeleteIdentityCenterApplication(ctx context.Context, arn string) error

	// PutIdentityProviderConfig creates or replaces the configuration of
	// c.OrgID. Errors: ErrNotFound or ErrOrganizationDeleted for the
	// organization, ErrNotFound when c.ApplicationARN names no
	// application (any more).
	PutIdentityProviderConfig(ctx context.Context, c IdentityProviderConfig) error
	GetIdentityProviderConfig(ctx context.Context, orgID string) (*IdentityProviderConfig, error)
	// DeleteIdentityProviderConfig deletes the configuration of an
	// organization and every personal access token of the organization;
	// deleting a configuration that does not exist succeeds.
	DeleteIdentityProviderConfig(ctx context.Context, orgID string) error

	// FindUsersByIdentityProviderUserID returns the users of an
	// organization, other than deleted ones, whose IdentityProviderUserID
	// equals id exactly.
	FindUsersByIdentityProviderUserID(ctx context.Context, orgID, id string) ([]Entity, error)

	// CreatePersonalAccessToken reads the configuration of t.OrgID in the
	// write transaction and calls prepare with it and the token; prepare
	// may refuse (its error is returned as is) or complete the token
	// (ExpiresAt). Errors: ErrNotFound when the organization has no
	// configuration, ErrAlreadyExists for a taken ID.
	CreatePersonalAccessToken(ctx context.Context, t PersonalAccessToken, prepare func(c *IdentityProviderConfig, t *PersonalAccessToken) error) error
	GetPersonalAccessToken(ctx context.Context, id string) (*PersonalAccessToken, error)
	// ListPersonalAccessTokens pages through the tokens of an
	// organization by ID, only those of userID when it is not "".
	ListPersonalAccessTokens(ctx context.Context, orgID, userID string, p Page) ([]PersonalAccessToken, error)
	// DeletePersonalAccessToken deletes a token of an organization, only
	// when it belongs to userID if that is not "". ErrNotFound otherwise.
	DeletePersonalAccessToken(ctx context.Context, orgID, userID, id string) error
	// TouchPersonalAccessToken records a use of a token at the given
	// time (never moving LastUsedAt back). A missing token is no error.
	TouchPersonalAccessToken(ctx context.Context, id string, at time.Time) error
}
