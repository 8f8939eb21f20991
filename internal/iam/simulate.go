package iam

import (
	"context"
	"errors"
	"strconv"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// The policy simulator runs the server's own engine (package policy) on
// the given policies: what it answers is what a request would get
// (IAM API reference, SimulateCustomPolicy and SimulatePrincipalPolicy;
// IAM User Guide, "Testing IAM policies with the IAM policy simulator").
//
// Each (action, resource) pair is one EvaluationResult, with the
// resource's result in ResourceSpecificResults. Matched statements are
// those that produced the decision (the Allow statements of an allow, the
// Deny statements of an explicit deny, none for an implicit deny), named
// and typed as AWS answers: SourcePolicyType "IAM Policy", "Permissions
// Boundary Policy" or "Resource Policy"; SourcePolicyId
// PolicyInputList.N, PermissionsBoundaryPolicyInputList.N, ResourcePolicy,
// a managed policy's name, or <kind>_<owner>_<name> for an inline policy.
// Context values come only from ContextEntries; keys the policies read
// that are not given are MissingContextValues.
//
// The resource's owner is the account in its ARN, else ResourceOwner,
// else the caller's account. When it is not the caller's account the
// request is cross-account: both the identity-based and the resource-based
// policy must allow, and EvalDecisionDetails says what each decided
// (User Guide, "Cross-account policy evaluation logic").

// Simulator names of the policy types (MatchedStatements'
// SourcePolicyType and EvalDecisionDetails' keys).
const (
	simIdentity = "IAM Policy"
	simBoundary = "Permissions Boundary Policy"
	simResource = "Resource Policy"
)

var simTypes = map[string]string{policy.RoleIdentity: simIdentity, policy.RoleBoundary: simBoundary, policy.RoleResource: simResource}

// simulation is one simulator request, validated.
type simulation struct {
	identity, boundary []policy.Entry
	resourcePolicy     []policy.Entry
	caller             *policy.Caller
	callerAccount      string
	// owner is the account of resources whose ARN names none.
	owner     string
	context   policy.Context
	actions   []string
	resources []string
	// name turns a policy's source into its simulator SourcePolicyId.
	name func(policy.Source) string
}

// SimulateCustomPolicy evaluates the given policies.
func (s *Service) SimulateCustomPolicy(ctx context.Context, in *iamapi.SimulateCustomPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	sim := &simulation{name: func(src policy.Source) string { return src.ID }}
	if sim.identity, err = inputPolicies(in.PolicyInputList, "PolicyInputList"); err != nil {
		return nil, err
	}
	if sim.boundary, err = boundaryInput(in.PermissionsBoundaryPolicyInputList); err != nil {
		return nil, err
	}
	caller := opt.Deref(in.CallerArn)
	if in.ResourcePolicy != nil && caller == "" {
		return nil, iamapi.NewInvalidInputException("CallerArn is required when a ResourcePolicy is included, so that the Principal element of the resource-based policy has a value to evaluate.")
	}
	req := simRequest{callerArn: caller, account: sc.account, resourcePolicy: in.ResourcePolicy, resourceOwner: in.ResourceOwner,
		actions: in.ActionNames, resources: in.ResourceArns, entries: in.ContextEntries, handling: in.ResourceHandlingOption}
	if err := sim.prepare(req); err != nil {
		return nil, err
	}
	return sim.run(in.Marker, in.MaxItems)
}

// SimulatePrincipalPolicy evaluates the policies of a user (with its
// groups'), group or role, plus any given, under its boundary (or the
// one given instead).
func (s *Service) SimulatePrincipalPolicy(ctx context.Context, in *iamapi.SimulatePrincipalPolicyRequest) (*iamapi.SimulatePolicyResponse, error) {
	pp, extra, err := s.principalPolicies(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	name, err := s.sourceNamer(ctx, pp.Entity)
	if err != nil {
		return nil, err
	}
	sim := &simulation{identity: append(pp.Identity, extra...), boundary: pp.Boundary, name: name}
	if len(in.PermissionsBoundaryPolicyInputList) > 0 {
		// A boundary given replaces the entity's own (API reference).
		if sim.boundary, err = boundaryInput(in.PermissionsBoundaryPolicyInputList); err != nil {
			return nil, err
		}
	}
	if err := sim.evaluable(); err != nil {
		return nil, err
	}
	caller := opt.Deref(in.CallerArn)
	if caller == "" && pp.Entity.Kind == store.IAMUser {
		caller = in.PolicySourceArn
	}
	if in.ResourcePolicy != nil && caller == "" {
		return nil, iamapi.NewInvalidInputException("CallerArn is required when a ResourcePolicy is included and the PolicySourceArn is not the ARN of an IAM user.")
	}
	req := simRequest{callerArn: caller, account: pp.Entity.AccountID, resourcePolicy: in.ResourcePolicy, resourceOwner: in.ResourceOwner,
		actions: in.ActionNames, resources: in.ResourceArns, entries: in.ContextEntries, handling: in.ResourceHandlingOption}
	if err := sim.prepare(req); err != nil {
		return nil, err
	}
	return sim.run(in.Marker, in.MaxItems)
}

// principalPolicies loads the policies of the user, group or role an ARN
// of the caller's account names, and reads the identity policies the
// request adds (PolicyInputList).
func (s *Service) principalPolicies(ctx context.Context, source string, input []string) (*authz.PrincipalPolicies, []policy.Entry, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	account, kind, _, name, ok := arn.IAMEntity(source, store.IAMUser, store.IAMGroup, store.IAMRole)
	if !ok {
		return nil, nil, iamapi.NewInvalidInputException("Invalid PolicySourceArn %s: it must be the ARN of an IAM user, group or role.", source)
	}
	e, found, err := authz.EntityByARN(ctx, s.st, source)
	if err != nil {
		return nil, nil, err
	}
	if !found || account != sc.account {
		return nil, nil, iamapi.NewNoSuchEntityException("The %s with name %s cannot be found.", kind, name)
	}
	pp, err := authz.LoadPrincipalPolicies(ctx, s.st, sc.partition, e)
	if err != nil {
		return nil, nil, err
	}
	extra, err := inputPolicies(input, "PolicyInputList")
	if err != nil {
		return nil, nil, err
	}
	return pp, extra, nil
}

// evaluable refuses a principal's stored policy that cannot be read:
// the simulator answers PolicyEvaluation rather than guess.
func (sim *simulation) evaluable() error {
	for _, entries := range [][]policy.Entry{sim.identity, sim.boundary} {
		for _, e := range entries {
			if e.Policy == nil || e.Policy.Err != nil {
				return iamapi.NewPolicyEvaluationException("The policy %s could not be evaluated.", sim.name(e.Source))
			}
		}
	}
	return nil
}

// inputPolicies compiles documents given in a request; one that does not
// parse is InvalidInput, as IAM answers.
func inputPolicies(docs []string, name string) ([]policy.Entry, error) {
	var out []policy.Entry
	for i, d := range docs {
		id := name + "." + strconv.Itoa(i+1)
		p, err := compileInput(d, policy.Identity, id)
		if err != nil {
			return nil, err
		}
		out = append(out, policy.Entry{Policy: p, Source: policy.Source{ID: id, Type: "none"}})
	}
	return out, nil
}

func compileInput(doc string, kind policy.Kind, id string) (*policy.Policy, error) {
	p, err := policy.Compile(doc, kind)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			return nil, iamapi.NewInvalidInputException("The policy document %s is malformed: %s", id, pe.Message)
		}
		return nil, err
	}
	return p, nil
}

// boundaryInput reads PermissionsBoundaryPolicyInputList: "You can input
// only one permissions boundary" (API reference).
func boundaryInput(docs []string) ([]policy.Entry, error) {
	if len(docs) > 1 {
		return nil, iamapi.NewInvalidInputException("Only one permissions boundary policy can be included in PermissionsBoundaryPolicyInputList.")
	}
	return inputPolicies(docs, "PermissionsBoundaryPolicyInputList")
}

// run evaluates every (action, resource) pair and cuts the page asked.
func (sim *simulation) run(marker *string, max *int32) (*iamapi.SimulatePolicyResponse, error) {
	var results []iamapi.EvaluationResult
	for _, a := range sim.actions {
		for _, r := range sim.resources {
			results = append(results, sim.evaluate(a, r))
		}
	}
	page, truncated, next, err := paginate(results, marker, max)
	if err != nil {
		return nil, err
	}
	return &iamapi.SimulatePolicyResponse{EvaluationResults: page, IsTruncated: truncated, Marker: next}, nil
}

func (sim *simulation) evaluate(action, resource string) iamapi.EvaluationResult {
	set := &policy.Set{Identity: sim.identity, Boundary: sim.boundary, Resource: sim.resourcePolicy}
	// An ARN's account field that is no account ID ("aws" of AWS managed
	// policies) names no owner.
	owner := sim.owner
	if a, ok := arn.Parse(resource); ok && isAccountID(a.Account) {
		owner = a.Account
	}
	set.CrossAccount = owner != sim.callerAccount
	// A KMS key policy must allow even within the account (User Guide,
	// "Policy evaluation logic": the documented exception to "either
	// suffices"); IAM role trust policies are not simulated.
	if a, ok := arn.Parse(resource); ok && a.Service == "kms" && len(sim.resourcePolicy) > 0 {
		set.ResourceRequired = true
	}
	ex := policy.Explain(set, &policy.Request{Action: action, Resource: resource, Caller: sim.caller, Context: sim.context})
	dec := iamapi.PolicyEvaluationDecisionType(ex.Decision.String())
	stmts := sim.statements(ex)
	missing := nonNil(ex.Missing)
	var pb *iamapi.PermissionsBoundaryDecisionDetail
	if ex.BoundaryAllowed != nil {
		pb = &iamapi.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: opt.Ptr(*ex.BoundaryAllowed)}
	}
	// EvalDecisionDetails: per policy type for a cross-account request;
	// present and empty for one resource of the account; absent for "*"
	// of the account (EvaluationResult, API reference).
	var details, rsDetails map[string]iamapi.PolicyEvaluationDecisionType
	switch {
	case set.CrossAccount:
		details = decisionDetails(ex, len(sim.boundary) > 0)
		rsDetails = details
	case resource != "*":
		details = map[string]iamapi.PolicyEvaluationDecisionType{}
	}
	// MissingContextValues belong to the result for "*", to the
	// resource-specific result for a named resource.
	top, specific := missing, []string{}
	if resource != "*" {
		top, specific = []string{}, missing
	}
	return iamapi.EvaluationResult{
		EvalActionName: action, EvalResourceName: opt.Ptr(resource), EvalDecision: dec, MatchedStatements: stmts,
		MissingContextValues: top, PermissionsBoundaryDecisionDetail: pb, EvalDecisionDetails: details,
		ResourceSpecificResults: []iamapi.ResourceSpecificResult{{EvalResourceName: resource, EvalResourceDecision: dec,
			MatchedStatements: stmts, MissingContextValues: specific, EvalDecisionDetails: rsDetails, PermissionsBoundaryDecisionDetail: pb}},
	}
}

func decisionDetails(ex *policy.Explanation, boundary bool) map[string]iamapi.PolicyEvaluationDecisionType {
	d := map[string]iamapi.PolicyEvaluationDecisionType{
		simIdentity: iamapi.PolicyEvaluationDecisionType(ex.RoleDecision(policy.RoleIdentity).String()),
		simResource: iamapi.PolicyEvaluationDecisionType(ex.RoleDecision(policy.RoleResource).String()),
	}
	if boundary {
		d[simBoundary] = iamapi.PolicyEvaluationDecisionType(ex.RoleDecision(policy.RoleBoundary).String())
	}
	return d
}

func (sim *simulation) statements(ex *policy.Explanation) []iamapi.Statement {
	out := []iamapi.Statement{}
	for _, m := range ex.Matched() {
		typ := iamapi.PolicySourceType(simTypes[m.Role])
		out = append(out, iamapi.Statement{
			SourcePolicyId: opt.Ptr(sim.name(m.Source)), SourcePolicyType: &typ,
			StartPosition: &iamapi.Position{Line: opt.Ptr(int32(m.Span.StartLine)), Column: opt.Ptr(int32(m.Span.StartColumn))},
			EndPosition:   &iamapi.Position{Line: opt.Ptr(int32(m.Span.EndLine)), Column: opt.Ptr(int32(m.Span.EndColumn))},
		})
	}
	return out
}
