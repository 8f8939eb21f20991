// Package authz decides, for every API request, whether the caller may
// do what it asks: it builds the caller from verified credentials
// (callers.go), loads and caches the caller's policies (principals.go,
// cache.go), assembles the request's condition keys (context.go) and
// evaluates them with the policy engine, explaining each denial
// (denied.go). It depends on the store and the policy engine only, never
// on the service packages: the services depend on it (the simulator loads
// policies through it, STS reads roles through it).
package authz

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Enforcement is how the policy engine's decisions are applied.
type Enforcement string

const (
	// EnforceStrict denies what the policies do not allow (the default).
	EnforceStrict Enforcement = "strict"
	// EnforceSoft allows every request but logs each would-be denial with
	// its explanation: for rolling out policies.
	EnforceSoft Enforcement = "soft"
	// EnforceOff evaluates nothing; every authenticated caller may do
	// anything in its own account (trust policies included).
	EnforceOff Enforcement = "off"
)

// ParseEnforcement reads --enforcement.
func ParseEnforcement(v string) (Enforcement, error) {
	switch e := Enforcement(v); e {
	case EnforceStrict, EnforceSoft, EnforceOff:
		return e, nil
	case "":
		return EnforceStrict, nil
	}
	return "", fmt.Errorf("enforcement must be strict, soft or off, got %q", v)
}

// Authorizer decides whether the authenticated caller (req.Caller) may
// perform req.Action ("workmail:CreateUser") on the target's resources.
type Authorizer interface {
	Authorize(ctx context.Context, req *reqctx.Request, t *api.Target) error
}

// Engine is the Authorizer that evaluates IAM policies for every request,
// as IAM's policy evaluation logic does:
//
//   - The root of an account may do anything in its account (but assumes
//     a role only where the role's trust policy admits the account).
//   - Other callers need an Allow in their identity policies (a user's own,
//     its groups', or an assumed role's), capped by the permissions
//     boundary and, for role sessions, the session policies; an explicit
//     Deny anywhere wins. sts:AssumeRole also needs the role's trust
//     policy (a resource policy): naming the caller suffices, naming the
//     account delegates to the caller's identity policy.
//   - Resources of another account are reached only through a resource
//     policy (trust policies), and then the identity policy must allow too.
//   - sts:GetCallerIdentity and sts:GetSessionToken are always allowed,
//     as in AWS.
//   - A request on several resources needs the action allowed on each,
//     and the target's further actions (Also) on each as well.
//
// A principal's policies are loaded from the store in one statement,
// compiled once per document text, and kept per principal with the
// account's authorization generation that authentication read with the
// principal (cache.go): while the generation is unchanged no further read
// is needed, and any write that changes a principal's permissions,
// acknowledged by any replica, changes the generation the next request
// reads.
type Engine struct {
	st    store.Store
	log   *slog.Logger
	mode  Enforcement
	now   func() time.Time
	cache *policyCache
	// access notes the calls allowed, for service last accessed reports.
	access *accessRecorder
}

// NewEngine returns the policy engine authorizer.
func NewEngine(st store.Store, log *slog.Logger, mode Enforcement, now func() time.Time) *Engine {
	if mode == "" {
		mode = EnforceStrict
	}
	if now == nil {
		now = time.Now
	}
	return &Engine{st: st, log: log, mode: mode, now: now, cache: newPolicyCache(policyCacheSize), access: newAccessRecorder(st, log)}
}

// ResetCache forgets the policies the engine keeps (the test mode's
// reset wipes the store, and with it the generations).
func (e *Engine) ResetCache() { e.cache.reset() }

// Authorize implements Authorizer.
func (e *Engine) Authorize(ctx context.Context, req *reqctx.Request, t *api.Target) error {
	if e.mode == EnforceOff {
		if req.Caller == nil || req.Caller.AccountID == "" {
			return AccessDenied(req)
		}
		e.access.note(req, e.now())
		return nil
	}
	dec, ex, err := e.Decide(ctx, req, t, false)
	if err != nil || dec == policy.Allowed {
		if err == nil {
			e.access.note(req, e.now())
		}
		return err
	}
	if ex == nil {
		if _, ex, err = e.Decide(ctx, req, t, true); err != nil {
			return err
		}
	}
	attrs := []any{"request_id", req.ID, "principal", callerArn(req), "action", req.Action, "resource", req.Resource,
		"decision", ex.Decision.String(), "explanation", ex.String(), "authorization_message", EncodeAuthorizationMessage(req, ex, e.requestConditions(req, t))}
	if e.mode == EnforceSoft {
		e.log.Warn("authorization would deny (soft enforcement)", attrs...)
		return nil
	}
	e.log.Info("access denied", attrs...)
	return AccessDeniedBecause(req, ex.Reason)
}

// Decide evaluates the request on every resource of its target; with
// explain it also says why. The first resource not allowed decides, and
// req.Resource names it.
func (e *Engine) Decide(ctx context.Context, req *reqctx.Request, t *api.Target, explain bool) (policy.Decision, *policy.Explanation, error) {
	resources := t.Resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	var dec policy.Decision
	var ex *policy.Explanation
	for _, res := range resources {
		req.Resource = res
		var err error
		if dec, ex, err = e.decide(ctx, req, t, explain); err != nil || dec != policy.Allowed {
			return dec, ex, err
		}
	}
	return dec, ex, nil
}

func implicitDeny(reason string) (policy.Decision, *policy.Explanation, error) {
	return policy.ImplicitDeny, &policy.Explanation{Decision: policy.ImplicitDeny, Reason: reason}, nil
}

// decide evaluates the request on req.Resource.
func (e *Engine) decide(ctx context.Context, req *reqctx.Request, t *api.Target, explain bool) (policy.Decision, *policy.Explanation, error) {
	c := req.Caller
	if c == nil || c.AccountID == "" {
		return implicitDeny("")
	}
	// No permission is needed to ask who one is or for one's own session
	// token (STS API reference); GetSessionToken refuses sessions itself.
	if req.Action == "sts:GetCallerIdentity" || req.Action == "sts:GetSessionToken" {
		return policy.Allowed, nil, nil
	}
	// Credentials from GetSessionToken without MFA call neither IAM nor
	// STS beyond AssumeRole and GetCallerIdentity (IAM user guide,
	// "Comparing the AWS STS API operations").
	// With MFA they may call IAM; STS stays limited either way.
	if c.Session != nil && c.Session.Kind == store.SessionToken {
		if req.Service == "iam" && c.Session.MFAAt.IsZero() {
			return implicitDeny("because temporary credentials from GetSessionToken without MFA cannot call " + req.Action)
		}
		if req.Service == "sts" && req.Action != "sts:AssumeRole" {
			return implicitDeny("because temporary credentials from GetSessionToken cannot call " + req.Action)
		}
	}
	// Federated users call no IAM operation and no STS operation but
	// GetCallerIdentity (STS API reference, GetFederationToken).
	if c.Session != nil && c.Session.Kind == store.SessionFederated && (req.Service == "iam" || req.Service == "sts") {
		return implicitDeny("because federated users cannot call " + req.Action)
	}
	resAccount := arn.Account(req.Resource)
	cross := resAccount != "" && resAccount != c.AccountID && resAccount != store.AWSManagedAccount
	assume := strings.EqualFold(req.Action, "sts:AssumeRole")
	if c.Root && !assume && !cross {
		return policy.Allowed, nil, nil
	}
	set, entityID, found, err := e.policySet(ctx, req, cross)
	if err != nil || !found {
		if err == nil {
			return implicitDeny("because the principal no longer exists")
		}
		return 0, nil, err
	}
	var role *store.IAMEntity
	if assume {
		if role, err = e.trustPolicy(ctx, req.Resource, set); err != nil {
			return 0, nil, err
		}
	}
	pctx, err := e.conditionKeys(ctx, req, t, set, entityID, role)
	if err != nil {
		return 0, nil, err
	}
	return e.evaluate(req, t, set, pctx, explain)
}

// policySet gathers the caller's identity policies, boundary and session
// policies; found is false when the caller's user or role is gone.
func (e *Engine) policySet(ctx context.Context, req *reqctx.Request, cross bool) (*policy.Set, string, bool, error) {
	c := req.Caller
	set := &policy.Set{CrossAccount: cross}
	var entityID string
	switch {
	case c.Root:
		set.Identity = []policy.Entry{{Policy: allowAll, Source: policy.Source{ID: "root", Type: "none"}}}
	case c.EntityID == "" && c.Session != nil && c.Session.Kind == store.SessionFederated:
		// The root's federated user: everything, capped by the session.
		set.Identity = []policy.Entry{{Policy: allowAll, Source: policy.Source{ID: "root", Type: "none"}}}
	case c.EntityID != "":
		pp, found, err := e.principalPolicies(ctx, req.ARNPartition(), c)
		if err != nil || !found {
			return nil, "", found, err
		}
		entityID = c.EntityID
		set.Identity, set.Boundary = pp.Identity, pp.Boundary
	default:
		return nil, "", false, nil
	}
	if c.Session != nil {
		for i, doc := range c.Session.Policies {
			p, _ := policy.Compile(doc, policy.Identity)
			set.Session = append(set.Session, policy.Entry{Policy: p, Source: policy.Source{ID: "session policy " + strconv.Itoa(i+1), Type: "none"}})
		}
		if c.Session.Kind == store.SessionFederated && len(set.Session) == 0 {
			// A federated user given no policy has no permissions.
			set.Session = []policy.Entry{{Policy: allowNothing, Source: policy.Source{ID: "no session policy", Type: "none"}}}
		}
	}
	return set, entityID, true, nil
}

// trustPolicy adds the trust policy of the role to assume as the set's
// resource policy, and returns the role (nil when there is none).
func (e *Engine) trustPolicy(ctx context.Context, roleARN string, set *policy.Set) (*store.IAMEntity, error) {
	set.ResourceRequired = true
	r, ok, err := EntityByARN(ctx, e.st, roleARN)
	if err != nil || !ok || r.Kind != store.IAMRole {
		return nil, err
	}
	p, _ := policy.Compile(r.TrustPolicy, policy.Trust)
	set.Resource = []policy.Entry{{Policy: p, Source: policy.Source{ID: roleARN, Type: "resource"}}}
	return r, nil
}

// evaluate runs the action, then each further action the target needs.
func (e *Engine) evaluate(req *reqctx.Request, t *api.Target, set *policy.Set, pctx policy.Context, explain bool) (policy.Decision, *policy.Explanation, error) {
	c := req.Caller
	pc := &policy.Caller{Account: c.AccountID, ARNs: []string{c.Arn}}
	if c.RoleArn != "" {
		pc.ARNs = append(pc.ARNs, c.RoleArn)
	}
	preq := &policy.Request{Action: req.Action, Resource: req.Resource, Caller: pc, Context: pctx}
	run := func(action string) (policy.Decision, *policy.Explanation) {
		preq.Action = action
		if explain {
			ex := policy.Explain(set, preq)
			return ex.Decision, ex
		}
		return policy.Evaluate(set, preq), nil
	}
	d, ex := run(req.Action)
	for _, also := range t.Also {
		if d != policy.Allowed {
			break
		}
		d, ex = run(also)
	}
	return d, ex, nil
}

// principalPolicies returns the caller's compiled policies: those kept
// for its entity at the generation authentication read, or fresh from
// the store. found is false when the entity no longer exists.
func (e *Engine) principalPolicies(ctx context.Context, partition string, c *reqctx.Caller) (*PrincipalPolicies, bool, error) {
	if !c.HasAuthzGeneration {
		return LoadPoliciesByID(ctx, e.st, partition, c.EntityID)
	}
	k := policyKey{entityID: c.EntityID, partition: partition}
	if pp := e.cache.get(k, c.AuthzGeneration); pp != nil {
		return pp, true, nil
	}
	pp, found, err := LoadPoliciesByID(ctx, e.st, partition, c.EntityID)
	if err == nil && found {
		e.cache.put(k, c.AuthzGeneration, pp)
	}
	return pp, found, err
}

// allowNothing allows no action there is.
var allowNothing = policy.MustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"none:none","Resource":"*"}]}`, policy.Identity)

var allowAll = policy.MustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.Identity)

func callerArn(req *reqctx.Request) string {
	if req.Caller == nil || req.Caller.Arn == "" {
		return "anonymous"
	}
	return req.Caller.Arn
}

// requestConditions are the request's condition keys for an
// authorization message: the global keys and the target's own.
func (e *Engine) requestConditions(req *reqctx.Request, t *api.Target) policy.Context {
	keys := e.globalKeys(req, nil, func(string) bool { return true })
	for k, v := range t.Keys {
		keys[k] = v
	}
	return keys
}
