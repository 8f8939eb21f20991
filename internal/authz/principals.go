package authz

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/iam/managed"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// PrincipalPolicies are the compiled policies that apply to a user or a
// role, as the authorizer and the simulator use them.
type PrincipalPolicies struct {
	Entity   *store.IAMEntity
	Identity []policy.Entry
	Boundary []policy.Entry
}

// LoadPrincipalPolicies reads the identity policies of a user (its own
// inline and attached policies and those of its groups) or a role, and
// its permissions boundary, from the store in one query, and compiles
// them (cached by content, so a document is compiled once). A stored
// document that does not parse, or a boundary that cannot be read, is
// kept as a failing policy: it never allows.
func LoadPrincipalPolicies(ctx context.Context, st store.Store, partition string, e *store.IAMEntity) (*PrincipalPolicies, error) {
	pp, _, err := LoadPoliciesByID(ctx, st, partition, e.ID)
	if err != nil {
		return nil, err
	}
	if pp == nil {
		pp = &PrincipalPolicies{}
	}
	pp.Entity = e
	return pp, nil
}

// LoadPoliciesByID is LoadPrincipalPolicies for an entity known by its
// unique ID (Entity is left nil); found is false when there is none.
func LoadPoliciesByID(ctx context.Context, st store.Store, partition, id string) (*PrincipalPolicies, bool, error) {
	docs, boundaryID, found, err := st.PrincipalPolicyDocuments(ctx, id)
	if err != nil || !found {
		return nil, found, err
	}
	pp := &PrincipalPolicies{}
	for _, d := range docs {
		var src policy.Source
		switch {
		case d.Use == "inline":
			src = policy.Source{ID: d.Name, Type: d.OwnerKind}
		case d.PolicyAccount == store.AWSManagedAccount:
			src = policy.Source{ID: "arn:" + partition + ":iam::aws:policy" + d.PolicyPath + d.Name, Type: "aws-managed"}
		default:
			src = policy.Source{ID: "arn:" + partition + ":iam::" + d.PolicyAccount + ":policy" + d.PolicyPath + d.Name, Type: "user-managed"}
		}
		p, _ := policy.Compile(d.Document, policy.Identity)
		if d.Use == "boundary" {
			pp.Boundary = append(pp.Boundary, policy.Entry{Policy: p, Source: src})
		} else {
			pp.Identity = append(pp.Identity, policy.Entry{Policy: p, Source: src})
		}
	}
	if boundaryID != "" && len(pp.Boundary) == 0 {
		// A boundary that cannot be read caps everything (fail closed).
		pp.Boundary = append(pp.Boundary, policy.Entry{Source: policy.Source{ID: boundaryID, Type: "none"}})
	}
	return pp, true, nil
}

// ManagedPolicyDocument returns the default version's document of a
// managed policy by ARN (the caller's account's or AWS's), for session
// policies (AssumeRole PolicyArns).
func ManagedPolicyDocument(ctx context.Context, st store.Store, account, policyARN string) (string, bool, error) {
	owner, path, name, ok := arn.Policy(policyARN)
	if !ok || (owner != account && owner != store.AWSManagedAccount) {
		return "", false, nil
	}
	mp, err := st.GetManagedPolicy(ctx, owner, name, account)
	if errors.Is(err, store.ErrNotFound) && owner == store.AWSManagedAccount {
		// An AWS-managed policy no account uses has no row: the catalogue's.
		if c, ok := managed.Lookup(name); ok && c.Path == path && c.Name == name {
			return c.Document, true, nil
		}
		return "", false, nil
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && mp.Path != path) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	v, err := st.GetPolicyVersion(ctx, mp.ID, mp.DefaultVersion)
	if err != nil {
		return "", false, err
	}
	return v.Document, true, nil
}

// EntityByARN finds a role or user of an account by its ARN
// (arn:aws:iam::<account>:role/<path><name>); ok is false when the ARN
// names none.
func EntityByARN(ctx context.Context, st store.Store, entityARN string) (*store.IAMEntity, bool, error) {
	account, kind, path, name, ok := arn.IAMEntity(entityARN, store.IAMRole, store.IAMUser, store.IAMGroup)
	if !ok {
		return nil, false, nil
	}
	e, err := st.GetIAMEntity(ctx, account, kind, name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (e.Path != path || e.Name != name)) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return e, true, nil
}
