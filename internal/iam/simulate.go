package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// The policy simulator runs the server's own engine (package policy) on
// the given policies: what it answers is what a request would get.
//
// Each (action, resource) pair is one EvaluationResult, with the
// resource's result repeated in ResourceSpecificResults. Matched
// statements are those that produced the decision (the Allow statements
// of an allow, the Deny statements of an explicit deny), with their
// positions in the document (1-based line and column of the statement's
// braces). Custom policies are named PolicyInputList.N and
// PermissionsBoundaryPolicyInputList.N (type none), the resource policy
// ResourcePolicy (type resource); a principal's inline policies by name
// (type user, group or role) and managed policies by ARN (aws-managed or
// user-managed). Context values are taken only from ContextEntries; keys
// the policies read that are not given are MissingContextValues.
// ResourceOwner and ResourceHandlingOption are accepted and not used: no
// mailgate operation needs more than one resource.

// SimulateCustomPolicy evaluates the given policies.
func (s *Service) SimulateCustomPolicy(ctx context.Context, in *iamapi.SimulateCustomPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	if _, err := s.scope(ctx); err != nil {
		return nil, err
	}
	set := &policy.Set{}
	var err error
	if set.Identity, err = inputPolicies(in.PolicyInputList, "PolicyInputList", policy.Identity); err != nil {
		return nil, err
	}
	if set.Boundary, err = inputPolicies(in.PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList", policy.Identity); err != nil {
		return nil, err
	}
	return s.simulate(set, "", in.ActionNames, in.ResourceArns, in.ResourcePolicy, opt.Deref(in.CallerArn), in.ContextEntries, in.Marker, in.MaxItems)
}

// SimulatePrincipalPolicy evaluates the policies of a user (with its
// groups'), group or role, plus any given, under its boundary (or the
// one given instead).
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, in *iamapi.SimulatePrincipalPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	pp, extra, err := s.principalPolicies(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	set := &policy.Set{Identity: append(pp.Identity, extra...), Boundary: pp.Boundary}
	if len(in.PermissionsBoundaryPolicyInputList) > 0 {
		if set.Boundary, err = inputPolicies(in.PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList", policy.Identity); err != nil {
			return nil, err
		}
	}
	caller := opt.Deref(in.CallerArn)
	if caller == "" && pp.Entity.Kind != store.IAMGroup {
		caller = in.PolicySourceArn
	}
	return s.simulate(set, pp.Entity.AccountID, in.ActionNames, in.ResourceArns, in.ResourcePolicy, caller, in.ContextEntries, in.Marker, in.MaxItems)
}

// GetContextKeysForCustomPolicy lists the condition keys the documents read.
func (s *Service) GetContextKeysForCustomPolicy(ctx context.Context, in *iamapi.GetContextKeysForCustomPolicyRequest) (*iamapi.GetContextKeysForPolicyResponse, error) {
	entries, err := inputPolicies(in.PolicyInputList, "PolicyInputList", policy.Identity)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(entries)}, nil
}

// GetContextKeysForPrincipalPolicy lists the condition keys the
// principal's policies (and those given) read.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, in *iamapi.GetContextKeysForPrincipalPolicyRequest) (*iamapi.GetContextKeysForPolicyResponse, error) {
	pp, extra, err := s.principalPolicies(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(append(pp.Identity, extra...))}, nil
}

func contextKeys(entries []policy.Entry) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, e := range entries {
		for _, k := range policy.ContextKeys(e.Policy) {
			if !seen[strings.ToLower(k)] {
				seen[strings.ToLower(k)] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// principalPolicies loads the policies of the user, group or role an ARN
// of the caller's account names, and reads the identity policies the
// request adds (PolicyInputList).
func (s *Service) principalPolicies(ctx context.Context, arn string, input []string) (*authz.PrincipalPolicies, []policy.Entry, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	e, ok, err := authz.EntityByARN(ctx, s.st, arn)
	if err != nil {
		return nil, nil, err
	}
	if !ok || e.AccountID != sc.account {
		return nil, nil, iamapi.NewNoSuchEntityException("The principal %s cannot be found.", arn)
	}
	pp, err := authz.LoadPrincipalPolicies(ctx, s.st, sc.partition, e)
	if err != nil {
		return nil, nil, err
	}
	extra, err := inputPolicies(input, "PolicyInputList", policy.Identity)
	if err != nil {
		return nil, nil, err
	}
	return pp, extra, nil
}

// inputPolicies compiles documents given in a request; one that does not
// parse is InvalidInput, as IAM answers.
func inputPolicies(docs []string, name string, kind policy.Kind) ([]policy.Entry, error) {
	var out []policy.Entry
	for i, d := range docs {
		p, err := policy.Compile(d, kind)
		if err != nil {
			var pe *policy.Error
			if errors.As(err, &pe) {
				return nil, iamapi.NewInvalidInputException("The policy document %s.%d is malformed: %s", name, i+1, pe.Message)
			}
			return nil, err
		}
		out = append(out, policy.Entry{Policy: p, Source: policy.Source{ID: name + "." + strconv.Itoa(i+1), Type: "none"}})
	}
	return out, nil
}

func (s *Service) simulate(set *policy.Set, account string, actions, resources []string, resourcePolicy *string, callerArn string,
	entries []iamapi.ContextEntry, marker *string, max *int32) (*iamapi.SimulatePolicyResponse, error) {
	if resourcePolicy != nil {
		p, err := policy.Compile(*resourcePolicy, policy.Trust)
		if err != nil {
			// Resource policies of other kinds name resources: accept any
			// valid grammar.
			if p2, err2 := policy.Compile(*resourcePolicy, policy.Resource); err2 == nil {
				p, err = p2, nil
			}
		}
		if err != nil {
			return nil, iamapi.NewInvalidInputException("The resource policy is malformed: %s", err.Error())
		}
		set.Resource = []policy.Entry{{Policy: p, Source: policy.Source{ID: "ResourcePolicy", Type: "resource"}}}
	}
	ctxv := policy.Context{}
	for _, e := range entries {
		if e.ContextKeyName == nil {
			continue
		}
		vals := e.ContextKeyValues
		if vals == nil {
			vals = []string{}
		}
		ctxv.Set(*e.ContextKeyName, vals...)
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	var caller *policy.Caller
	if callerArn != "" {
		parts := strings.SplitN(callerArn, ":", 6)
		acct := account
		if len(parts) == 6 {
			acct = parts[4]
		}
		caller = &policy.Caller{Account: acct, ARNs: []string{callerArn}}
	}
	var results []iamapi.EvaluationResult
	for _, a := range actions {
		for _, r := range resources {
			ex := policy.Explain(set, &policy.Request{Action: a, Resource: r, Caller: caller, Context: ctxv})
			stmts := statements(ex)
			missing := nonNil(ex.Missing)
			var pb *iamapi.PermissionsBoundaryDecisionDetail
			if ex.BoundaryAllowed != nil {
				pb = &iamapi.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: opt.Ptr(*ex.BoundaryAllowed)}
			}
			dec := iamapi.PolicyEvaluationDecisionType(ex.Decision.String())
			results = append(results, iamapi.EvaluationResult{
				EvalActionName: a, EvalResourceName: opt.Ptr(r), EvalDecision: dec, MatchedStatements: stmts,
				MissingContextValues: missing, PermissionsBoundaryDecisionDetail: pb,
				ResourceSpecificResults: []iamapi.ResourceSpecificResult{{EvalResourceName: r, EvalResourceDecision: dec,
					MatchedStatements: stmts, MissingContextValues: missing, PermissionsBoundaryDecisionDetail: pb}},
			})
		}
	}
	page, truncated, next, err := paginate(results, marker, max)
	if err != nil {
		return nil, err
	}
	return &iamapi.SimulatePolicyResponse{EvaluationResults: page, IsTruncated: truncated, Marker: next}, nil
}

func statements(ex *policy.Explanation) []iamapi.Statement {
	out := []iamapi.Statement{}
	for _, m := range ex.Matched() {
		typ := iamapi.PolicySourceType(m.Source.Type)
		out = append(out, iamapi.Statement{
			SourcePolicyId: opt.Ptr(m.Source.ID), SourcePolicyType: &typ,
			StartPosition: &iamapi.Position{Line: opt.Ptr(int32(m.Span.StartLine)), Column: opt.Ptr(int32(m.Span.StartColumn))},
			EndPosition:   &iamapi.Position{Line: opt.Ptr(int32(m.Span.EndLine)), Column: opt.Ptr(int32(m.Span.EndColumn))},
		})
	}
	return out
}
