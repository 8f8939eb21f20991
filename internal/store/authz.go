package store

import "context"

// PolicyDocument is one policy that applies to a principal, as the policy
// engine reads them all at once.
type PolicyDocument struct {
	// Use is "inline", "attached" or "boundary".
	Use string
	// OwnerKind is the kind of the entity the policy is on (the principal
	// or one of its groups).
	OwnerKind string
	// Name of an inline policy or a managed policy; PolicyAccount and
	// PolicyPath complete a managed policy's ARN.
	Name          string
	PolicyAccount string
	PolicyPath    string
	Document      string
}

// Authz reads what authorization needs in one round trip.
type Authz interface {
	// PrincipalPolicyDocuments returns the identity policies of a user
	// (its own and its groups', inline and the default versions of
	// attached managed policies) or a role, and its permissions
	// boundary's default version, ordered by use, owner kind and name.
	// boundaryID is the boundary the entity names ("" for none): when it
	// is set and no "boundary" document comes back, the boundary could
	// not be read. found is false when the entity does not exist.
	PrincipalPolicyDocuments(ctx context.Context, entityID string) (docs []PolicyDocument, boundaryID string, found bool, err error)

	// GetIAMPrincipal is GetIAMEntity that also returns the account's
	// authorization generation, read in the same statement. Every write
	// that can change what a principal of the account is allowed to do
	// (inline policies put or deleted, policies attached or detached, a
	// managed policy's versions, default version or deletion, group
	// membership, an entity's deletion, rename, path, trust policy or
	// boundary) changes the generation of the accounts it affects in its
	// own transaction; reads and other writes (creations, tags, last use)
	// leave it. Policies loaded after reading generation g are therefore
	// current for every later request that reads g again.
	GetIAMPrincipal(ctx context.Context, accountID, kind, name string) (*IAMEntity, int64, error)
	// GetIAMPrincipalByID is GetIAMPrincipal by unique ID.
	GetIAMPrincipalByID(ctx context.Context, id string) (*IAMEntity, int64, error)
	// AuthzGeneration is the account's authorization generation alone (0
	// for an account no such write has touched).
	AuthzGeneration(ctx context.Context, accountID string) (int64, error)
}
