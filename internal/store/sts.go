package store

import (
	"context"
	"time"
)

// STS session kinds.
const (
	// SessionAssumedRole is a session from AssumeRole.
	SessionAssumedRole = "assumed-role"
	// SessionToken is a session from GetSessionToken: the caller is the
	// user (or root) that asked for it.
	SessionToken = "session-token"
	// SessionFederated is a session from GetFederationToken: the caller
	// is the federated user SessionName, with the permissions of the IAM
	// user UserName ("" = root) capped by the session policies.
	SessionFederated = "federated-user"
)

// STSSession is a set of temporary credentials. The secret access key is
// sealed at rest like an access key's; of the session token only its
// SHA-256 is kept (the verifier hashes the token a request presents).
type STSSession struct {
	AccessKeyID     string // ASIA…
	SecretAccessKey string
	TokenSHA256     []byte
	AccountID       string
	Kind            string // SessionAssumedRole or SessionToken

	// Assumed roles: the role (by unique ID, with the name and path it
	// had when assumed) and the session name.
	RoleID      string
	RoleName    string
	RolePath    string
	SessionName string
	// UserName is the IAM user of a SessionToken session ("" = root).
	UserName string

	// SessionPolicies are the documents that cap the session (the Policy
	// parameter and the documents of PolicyArns when assumed).
	SessionPolicies   []string
	Tags              []Tag
	TransitiveTagKeys []string
	SourceIdentity    string
	// ContextKeys are condition keys every request of the session
	// carries: the web identity token's (<provider>:sub, :aud, ...) and
	// aws:FederatedProvider.
	ContextKeys map[string][]string
	// Chained: assumed with temporary credentials (role chaining).
	Chained bool
	// MFAAuthenticatedAt is when the session's caller proved an MFA
	// device (zero: not MFA-authenticated): aws:MultiFactorAuthPresent
	// and aws:MultiFactorAuthAge.
	MFAAuthenticatedAt time.Time

	IssuedAt  time.Time
	ExpiresAt time.Time
}

// STS holds temporary credentials.
type STS interface {
	// PutSTSSession stores a new session (ErrAlreadyExists: the key ID is
	// taken).
	PutSTSSession(ctx context.Context, s STSSession) error
	GetSTSSession(ctx context.Context, accessKeyID string) (*STSSession, error)
	// DeleteExpiredSTSSessions removes sessions that expired before t.
	DeleteExpiredSTSSessions(ctx context.Context, before time.Time) (int, error)
}
