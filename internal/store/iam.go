package store

import (
	"context"
	"time"
)

// IAM entity kinds.
const (
	IAMRole  = "role"
	IAMUser  = "user"
	IAMGroup = "group"
)

// AWSManagedAccount is the account AWS-managed policies belong to
// (arn:aws:iam::aws:policy/...).
const AWSManagedAccount = "aws"

// IAMEntity is an IAM role, user or group. Names are unique per account
// and kind ignoring case; IDs (AROA…, AIDA…, AGPA…) are unique.
type IAMEntity struct {
	AccountID string
	Kind      string // IAMRole, IAMUser, IAMGroup
	ID        string
	Name      string
	Path      string

	// Roles.
	Description        string
	MaxSessionDuration int
	TrustPolicy        string
	// ServiceName is the AWS service of a service-linked role ("" for others).
	ServiceName    string
	LastUsedAt     time.Time
	LastUsedRegion string

	// BoundaryPolicyID is the ID of the managed policy set as permissions
	// boundary (roles and users), "" for none.
	BoundaryPolicyID string

	CreatedAt time.Time
}

// ManagedPolicy is a customer- or AWS-managed policy. Names are unique
// per account ignoring case; AccountID is AWSManagedAccount for AWS's.
type ManagedPolicy struct {
	AccountID      string
	ID             string // ANPA…
	Name           string
	Path           string
	Description    string
	DefaultVersion string // "v3"
	// NextVersion is the number the next version gets (versions are
	// never renumbered).
	NextVersion int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Usage within the account the policy was read for (Get/List take
	// one); AWS-managed policies count each account's own use.
	AttachmentCount int
	BoundaryCount   int
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	PolicyID  string
	VersionID string // "v1"
	Document  string
	CreatedAt time.Time
}

// InlinePolicy is a policy embedded in a role, user or group.
type InlinePolicy struct {
	OwnerID  string
	Name     string
	Document string
}

// PolicyFilter narrows ListManagedPolicies.
type PolicyFilter struct {
	// Accounts lists the owners to include (the caller's account and/or
	// AWSManagedAccount).
	Accounts   []string
	PathPrefix string
	// Attached: only policies the account uses, as a permissions policy
	// (Usage "PermissionsPolicy"), a boundary ("PermissionsBoundary") or
	// either ("").
	Attached bool
	Usage    string
}

// AccessKeyUsage is when and where a key was last used.
type AccessKeyUsage struct {
	At      time.Time
	Region  string
	Service string
}

// IAM holds IAM roles, users, groups, policies, attachments, memberships
// and tags. Compound operations (deleting an entity only when nothing
// depends on it, counting towards a quota before writing) are composed
// by the service inside InTx; every method here joins a transaction in
// its ctx.
//
// Listings with a Page are keyset-paginated: Page.After is the cursor
// returned by the backend with the previous page (IAMEntityCursor /
// PolicyCursor), opaque to callers.
type IAM interface {
	// CreateIAMEntity inserts e with its tags. ErrAlreadyExists: the name
	// (ignoring case) or the ID is taken for the account and kind.
	CreateIAMEntity(ctx context.Context, e IAMEntity, tags []Tag) error
	// GetIAMEntity finds an entity by name, ignoring case.
	GetIAMEntity(ctx context.Context, accountID, kind, name string) (*IAMEntity, error)
	GetIAMEntityByID(ctx context.Context, id string) (*IAMEntity, error)
	// ListIAMEntities pages through entities ordered by path, then name
	// ignoring case; pathPrefix filters ("" = all).
	ListIAMEntities(ctx context.Context, accountID, kind, pathPrefix string, p Page) ([]IAMEntity, error)
	// UpdateIAMEntity changes an entity through fn. Name, Path,
	// Description, MaxSessionDuration, TrustPolicy, BoundaryPolicyID and
	// LastUsed* are written. ErrAlreadyExists: a rename to a taken name.
	// A user's rename carries its access keys along.
	UpdateIAMEntity(ctx context.Context, accountID, kind, name string, fn func(*IAMEntity) error) (*IAMEntity, error)
	// DeleteIAMEntity removes the entity and its tags; the caller checks
	// dependencies first.
	DeleteIAMEntity(ctx context.Context, accountID, kind, name string) error

	// Tags of an entity or policy (ownerID is its unique ID), by key
	// ignoring case; a tag whose key exists ignoring case replaces it.
	// PutIAMTags returns ErrLimitExceeded when more than max would result.
	ListIAMTags(ctx context.Context, ownerID string) ([]Tag, error)
	PutIAMTags(ctx context.Context, ownerID string, tags []Tag, max int) error
	DeleteIAMTags(ctx context.Context, ownerID string, keys []string) error

	// Inline policies by owner and name (ignoring case, first spelling
	// kept on replace); listings are ordered by name.
	PutInlinePolicy(ctx context.Context, p InlinePolicy) error
	GetInlinePolicy(ctx context.Context, ownerID, name string) (*InlinePolicy, error)
	ListInlinePolicies(ctx context.Context, ownerID string) ([]InlinePolicy, error)
	DeleteInlinePolicy(ctx context.Context, ownerID, name string) error

	// CreateManagedPolicy inserts p with its first version and tags.
	// ErrAlreadyExists: name (ignoring case) or ID taken.
	CreateManagedPolicy(ctx context.Context, p ManagedPolicy, v PolicyVersion, tags []Tag) error
	// GetManagedPolicy finds a policy by owner and name (ignoring case);
	// usage counts are those of usageAccount.
	GetManagedPolicy(ctx context.Context, owner, name, usageAccount string) (*ManagedPolicy, error)
	GetManagedPolicyByID(ctx context.Context, id, usageAccount string) (*ManagedPolicy, error)
	// ListManagedPolicies pages by path, name (ignoring case) and ID.
	ListManagedPolicies(ctx context.Context, usageAccount string, f PolicyFilter, p Page) ([]ManagedPolicy, error)
	// UpdateManagedPolicy writes DefaultVersion, NextVersion, UpdatedAt.
	UpdateManagedPolicy(ctx context.Context, id string, fn func(*ManagedPolicy) error) (*ManagedPolicy, error)
	// DeleteManagedPolicy removes the policy, its versions and tags.
	DeleteManagedPolicy(ctx context.Context, id string) error
	PutPolicyVersion(ctx context.Context, v PolicyVersion) error
	GetPolicyVersion(ctx context.Context, policyID, versionID string) (*PolicyVersion, error)
	// ListPolicyVersions lists versions newest first.
	ListPolicyVersions(ctx context.Context, policyID string) ([]PolicyVersion, error)
	DeletePolicyVersion(ctx context.Context, policyID, versionID string) error

	// AttachPolicy attaches a managed policy to an entity of the account
	// (a no-op when attached); DetachPolicy returns ErrNotFound when it
	// is not.
	AttachPolicy(ctx context.Context, accountID string, e IAMEntity, policyID string) error
	DetachPolicy(ctx context.Context, entityID, policyID string) error
	// ListAttachedPolicies lists the policies attached to an entity by
	// name (usage counts not filled).
	ListAttachedPolicies(ctx context.Context, entityID string) ([]ManagedPolicy, error)
	// ListPolicyEntities lists the account's entities with the policy
	// attached (boundary false) or set as boundary (boundary true),
	// ordered by kind, then name.
	ListPolicyEntities(ctx context.Context, accountID, policyID string, boundary bool) ([]IAMEntity, error)

	// Group membership.
	AddIAMGroupMember(ctx context.Context, groupID, userID string) error // no-op when a member
	RemoveIAMGroupMember(ctx context.Context, groupID, userID string) error
	ListIAMGroupMembers(ctx context.Context, groupID string) ([]IAMEntity, error) // users by name
	ListIAMUserGroups(ctx context.Context, userID string) ([]IAMEntity, error)    // groups by name

	// Access keys of one user of an account (UserName "" = the root),
	// oldest first.
	ListUserAccessKeys(ctx context.Context, accountID, userName string) ([]AccessKey, error)
	SetAccessKeyStatus(ctx context.Context, accessKeyID, status string) error
	// TouchAccessKey records a use of the key.
	TouchAccessKey(ctx context.Context, accessKeyID string, u AccessKeyUsage) error
	GetAccessKeyUsage(ctx context.Context, accessKeyID string) (*AccessKeyUsage, error)
}

// IAMEntityCursor is the Page.After that continues a ListIAMEntities
// listing after e.
func IAMEntityCursor(e IAMEntity) string { return e.Path + "\x00" + lower(e.Name) }

// PolicyCursor continues a ListManagedPolicies listing after p.
func PolicyCursor(p ManagedPolicy) string { return p.Path + "\x00" + lower(p.Name) + "\x00" + p.ID }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
