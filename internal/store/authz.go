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
}
