// Package api is the frame every generated service API (iamapi, stsapi,
// workmailapi, ...) fills in: one Operation per modeled operation, which
// binds the validated request document to the operation's typed input
// once, names what the call acts on for authorization, and calls the
// handler with the same typed input.
//
// What an operation acts on comes from the model where the model says
// enough: the generator turns the members that identify a resource
// (RoleName, OrganizationId, ResourceARN, ...) into Refs, and the members
// that are condition keys (PolicyArn, Tags, ExternalId, ...) into Keys.
// Where it does not, the service implements the operation's hook,
// <Operation>Target, and the generated Operation calls it instead.
package api

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// Operation is one modeled operation of one service.
type Operation struct {
	Name string
	// Bind returns the typed input (a pointer to the generated struct)
	// of a validated document; nil for an operation without input.
	Bind func(doc map[string]any) (any, error)
	// Target names what the call acts on, for authorization.
	Target func(ctx context.Context, req *reqctx.Request, in any) (*Target, error)
	// Call runs the handler on the bound input; the output is the typed
	// output struct, or nil.
	Call func(ctx context.Context, in any) (any, error)
}

// Target is what one request acts on: the resources the policy engine
// evaluates the action against, and the condition keys the request itself
// sets. Refs name resources the service still has to turn into ARNs
// (Resolver); Resources are ARNs already.
type Target struct {
	Refs      []Ref
	Resources []string
	// Keys are the request's own condition keys (aws:RequestTag/...,
	// iam:PolicyARN, sts:ExternalId, ...).
	Keys policy.Context
	// Also lists further actions the caller needs on the same
	// resources (sts:TagSession when AssumeRole passes tags).
	Also []string
}

// Ref names a resource by the member of the input that identifies it.
type Ref struct {
	// Kind is what the member names ("role", "user", "organization",
	// "arn", ...), as the generator's table of identifying members says.
	Kind string
	// Name is the member's value; "" when an optional member is absent
	// (for IAM's user members: the caller itself).
	Name string
	// New is set for operations that create the resource: its ARN has
	// Path (the input's Path member; "" for the default "/") rather than
	// the path of an existing resource.
	New  bool
	Path string
}

// Resolver is implemented by services that turn Refs into ARNs.
type Resolver interface {
	Resolve(ctx context.Context, req *reqctx.Request, refs []Ref) ([]string, error)
}

// SetKey sets a condition key, creating Keys on first use.
func (t *Target) SetKey(key string, values ...string) {
	if t.Keys == nil {
		t.Keys = policy.Context{}
	}
	t.Keys.Set(key, values...)
}

// KindARN is the Ref kind of members that hold an ARN already
// (ResourceARN, RoleArn, PolicySourceArn): the server takes them as they
// are, without asking the service.
const KindARN = "arn"

// ARN is the resource a KindARN ref names: its value when it is an ARN,
// "*" otherwise (the operation then refuses the value itself).
func (r Ref) ARN() string {
	if strings.HasPrefix(r.Name, "arn:") {
		return r.Name
	}
	return "*"
}
