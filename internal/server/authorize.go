package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/sts"
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
//
// A principal's policies are loaded from the store in one statement,
// compiled once per document text, and kept per principal with the
// account's authorization generation that authentication read with the
// principal (policyCache): while the generation is unchanged no further
// read is needed, and any write that changes a principal's permissions,
// acknowledged by any replica, changes the generation the next request
// reads.
type Engine struct {
	st    store.Store
	log   *slog.Logger
	mode  Enforcement
	now   func() time.Time
	cache *policyCache
}

// NewEngine returns the policy engine authorizer.
func NewEngine(st store.Store, log *slog.Logger, mode Enforcement, now func() time.Time) *Engine {
	if mode == "" {
		mode = EnforceStrict
	}
	if now == nil {
		now = time.Now
	}
	return &Engine{st: st, log: log, mode: mode, now: now, cache: newPolicyCache(policyCacheSize)}
}

// ResetCache forgets the policies the engine keeps (the test mode's
// reset wipes the store, and with it the generations).
func (e *Engine) ResetCache() { e.cache.reset() }

// principalPolicies returns the caller's compiled policies: those kept
// for its entity at the generation authentication read, or fresh from
// the store. found is false when the entity no longer exists.
func (e *Engine) principalPolicies(ctx context.Context, partition string, c *reqctx.Caller) (*iam.PrincipalPolicies, bool, error) {
	if !c.HasAuthzGeneration {
		return iam.LoadPoliciesByID(ctx, e.st, partition, c.EntityID)
	}
	k := policyKey{entityID: c.EntityID, partition: partition}
	if pp := e.cache.get(k, c.AuthzGeneration); pp != nil {
		return pp, true, nil
	}
	pp, found, err := iam.LoadPoliciesByID(ctx, e.st, partition, c.EntityID)
	if err == nil && found {
		e.cache.put(k, c.AuthzGeneration, pp)
	}
	return pp, found, err
}

var allowAll = policy.MustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.Identity)

// Authorize implements Authorizer.
func (e *Engine) Authorize(ctx context.Context, req *reqctx.Request, input map[string]any) error {
	if e.mode == EnforceOff {
		if req.Caller == nil || req.Caller.AccountID == "" {
			return AccessDenied(req)
		}
		return nil
	}
	dec, ex, err := e.Decide(ctx, req, input, false)
	if err != nil {
		return err
	}
	if dec == policy.Allowed {
		return nil
	}
	if ex == nil {
		_, ex, err = e.Decide(ctx, req, input, true)
		if err != nil {
			return err
		}
	}
	attrs := []any{"request_id", req.ID, "principal", callerArn(req), "action", req.Action, "resource", req.Resource,
		"decision", ex.Decision.String(), "explanation", ex.String(), "authorization_message", EncodeAuthorizationMessage(req, ex)}
	if e.mode == EnforceSoft {
		e.log.Warn("authorization would deny (soft enforcement)", attrs...)
		return nil
	}
	e.log.Info("access denied", attrs...)
	return AccessDeniedBecause(req, ex.Reason)
}

func callerArn(req *reqctx.Request) string {
	if req.Caller == nil || req.Caller.Arn == "" {
		return "anonymous"
	}
	return req.Caller.Arn
}

// Decide evaluates the request; with explain it also says why.
func (e *Engine) Decide(ctx context.Context, req *reqctx.Request, input map[string]any, explain bool) (policy.Decision, *policy.Explanation, error) {
	c := req.Caller
	deny := func(reason string) (policy.Decision, *policy.Explanation, error) {
		return policy.ImplicitDeny, &policy.Explanation{Decision: policy.ImplicitDeny, Reason: reason}, nil
	}
	if c == nil || c.AccountID == "" {
		return deny("")
	}
	// No permission is needed to ask who one is or for one's own session
	// token (STS API reference); GetSessionToken refuses sessions itself.
	if req.Action == "sts:GetCallerIdentity" || req.Action == "sts:GetSessionToken" {
		return policy.Allowed, nil, nil
	}
	// Credentials from GetSessionToken without MFA call neither IAM nor
	// STS beyond AssumeRole and GetCallerIdentity (IAM user guide,
	// "Comparing the AWS STS API operations").
	if c.Session != nil && c.Session.Kind == store.SessionToken {
		if req.Service == "iam" || (req.Service == "sts" && req.Action != "sts:AssumeRole") {
			return deny("because temporary credentials from GetSessionToken without MFA cannot call " + req.Action)
		}
	}
	resAccount := arnAccount(req.Resource)
	cross := resAccount != "" && resAccount != c.AccountID && resAccount != store.AWSManagedAccount
	assume := strings.EqualFold(req.Action, "sts:AssumeRole")
	if c.Root && !assume && !cross {
		return policy.Allowed, nil, nil
	}

	set := &policy.Set{CrossAccount: cross}
	var principalTags map[string]string
	var entityID string
	if c.Root {
		set.Identity = []policy.Entry{{Policy: allowAll, Source: policy.Source{ID: "root", Type: "none"}}}
	} else if c.EntityID != "" {
		pp, found, err := e.principalPolicies(ctx, req.ARNPartition(), c)
		if err != nil {
			return 0, nil, err
		}
		if !found {
			return deny("because the principal no longer exists")
		}
		entityID = c.EntityID
		set.Identity, set.Boundary = pp.Identity, pp.Boundary
	} else {
		return deny("")
	}
	if c.Session != nil {
		for i, doc := range c.Session.Policies {
			p, _ := policy.Compile(doc, policy.Identity)
			set.Session = append(set.Session, policy.Entry{Policy: p, Source: policy.Source{ID: "session policy " + strconv.Itoa(i+1), Type: "none"}})
		}
	}
	var role *store.IAMEntity
	if assume {
		set.ResourceRequired = true
		if r, ok, err := iam.EntityByARN(ctx, e.st, req.Resource); err != nil {
			return 0, nil, err
		} else if ok && r.Kind == store.IAMRole {
			role = r
			p, _ := policy.Compile(r.TrustPolicy, policy.Trust)
			set.Resource = []policy.Entry{{Policy: p, Source: policy.Source{ID: req.Resource, Type: "resource"}}}
		}
	}

	// Tags are read only when a policy reads them.
	reads := func(prefix string) bool {
		for _, l := range [][]policy.Entry{set.Identity, set.Boundary, set.Session, set.Resource} {
			for _, en := range l {
				if en.Policy.Reads(prefix) {
					return true
				}
			}
		}
		return false
	}
	if entityID != "" && reads("aws:PrincipalTag/") {
		tags, err := e.st.ListIAMTags(ctx, entityID)
		if err != nil {
			return 0, nil, err
		}
		principalTags = map[string]string{}
		for _, t := range tags {
			principalTags[t.Key] = t.Value
		}
	}
	var pctx policy.Context
	if reads("") {
		pctx = e.context(req, input, principalTags, reads)
	} else {
		// No policy reads any condition key or variable.
		pctx = policy.Context{}
	}
	if reads("aws:ResourceTag/") {
		if err := e.resourceTags(ctx, req, role, pctx); err != nil {
			return 0, nil, err
		}
	}
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
	if d != policy.Allowed || !assume {
		return d, ex, nil
	}
	// Session tags and a source identity need their own permission in
	// the trust policy.
	if hasList(input, "Tags") || hasList(input, "TransitiveTagKeys") {
		if d, ex := run("sts:TagSession"); d != policy.Allowed {
			return d, ex, nil
		}
	}
	if s, _ := input["SourceIdentity"].(string); s != "" {
		if d, ex := run("sts:SetSourceIdentity"); d != policy.Allowed {
			return d, ex, nil
		}
	}
	return d, ex, nil
}

// stringList keeps the strings of a decoded list member.
func stringList(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func hasList(in map[string]any, k string) bool {
	l, _ := in[k].([]any)
	return len(l) > 0
}

// arnAccount is the account of an ARN ("" for "*" or none).
func arnAccount(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[4]
}

// context builds the request's condition keys: the global keys the
// server knows, the principal's tags, the request's tags, and STS's keys
// for AssumeRole.
func (e *Engine) context(req *reqctx.Request, input map[string]any, principalTags map[string]string, reads func(prefix string) bool) policy.Context {
	c := req.Caller
	ctx := policy.Context{
		"aws:securetransport":  {strconv.FormatBool(req.Secure)},
		"aws:principalaccount": {c.AccountID},
		"aws:principaltype":    {c.Type},
		"aws:userid":           {c.UserID},
	}
	// The clock keys cost a formatting each; most policies never read them.
	if reads("aws:currenttime") || reads("aws:epochtime") {
		now := e.now().UTC()
		ctx["aws:currenttime"] = []string{now.Format(time.RFC3339)}
		ctx["aws:epochtime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	}
	if req.SourceIP != "" {
		ctx["aws:sourceip"] = []string{req.SourceIP}
	}
	if req.Region != "" {
		ctx["aws:requestedregion"] = []string{req.Region}
	}
	switch {
	case c.RoleArn != "":
		ctx["aws:principalarn"] = []string{c.RoleArn}
	default:
		ctx["aws:principalarn"] = []string{c.Arn}
	}
	if c.UserName != "" {
		ctx["aws:username"] = []string{c.UserName}
	}
	for k, v := range principalTags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	if s := c.Session; s != nil {
		ctx["aws:tokenissuetime"] = []string{s.IssuedAt.UTC().Format(time.RFC3339)}
		ctx["aws:multifactorauthpresent"] = []string{"false"}
		for k, v := range s.Tags {
			ctx.Set("aws:PrincipalTag/"+k, v) // session tags win over the role's
		}
		if s.SourceIdentity != "" {
			ctx["aws:sourceidentity"] = []string{s.SourceIdentity}
		}
	}
	if tags, ok := input["Tags"].([]any); ok {
		var keys []string
		for _, t := range tags {
			m, _ := t.(map[string]any)
			k, _ := m["Key"].(string)
			v, _ := m["Value"].(string)
			if k == "" {
				continue
			}
			keys = append(keys, k)
			ctx.Set("aws:RequestTag/"+k, v)
		}
		ctx["aws:tagkeys"] = keys
	}
	if keys, ok := input["TagKeys"].([]any); ok {
		ctx["aws:tagkeys"] = stringList(keys)
	}
	if req.Service == "sts" {
		for member, key := range map[string]string{"ExternalId": "sts:externalid", "RoleSessionName": "sts:rolesessionname", "SourceIdentity": "sts:sourceidentity"} {
			if v, ok := input[member].(string); ok {
				ctx[key] = []string{v}
			}
		}
		if v, ok := input["DurationSeconds"]; ok {
			ctx["sts:durationseconds"] = []string{fmt.Sprint(v)}
		}
		if keys, ok := input["TransitiveTagKeys"].([]any); ok {
			ctx["sts:transitivetagkeys"] = stringList(keys)
		}
	}
	if req.Service == "iam" {
		if v, ok := input["PolicyArn"].(string); ok {
			ctx["iam:policyarn"] = []string{v}
		}
		if v, ok := input["PermissionsBoundary"].(string); ok {
			ctx["iam:permissionsboundary"] = []string{v}
		}
		if v, ok := input["AWSServiceName"].(string); ok {
			ctx["iam:awsservicename"] = []string{v}
		}
	}
	return ctx
}

// resourceTags adds aws:ResourceTag/* for the resources that carry tags:
// IAM roles and users, and WorkMail organizations.
func (e *Engine) resourceTags(ctx context.Context, req *reqctx.Request, role *store.IAMEntity, pctx policy.Context) error {
	var tags []store.Tag
	var err error
	switch {
	case role != nil:
		tags, err = e.st.ListIAMTags(ctx, role.ID)
	case strings.Contains(req.Resource, ":iam::"):
		ent, ok, lerr := iam.EntityByARN(ctx, e.st, req.Resource)
		if lerr != nil || !ok {
			return lerr
		}
		tags, err = e.st.ListIAMTags(ctx, ent.ID)
	case strings.Contains(req.Resource, ":workmail:"):
		if _, org, ok := strings.Cut(req.Resource, ":organization/"); ok && !strings.Contains(org, "/") {
			tags, err = e.st.ListTags(ctx, org)
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			}
		}
	}
	if err != nil {
		return err
	}
	for _, t := range tags {
		pctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	return nil
}

// EncodeAuthorizationMessage is the decision in the form
// sts:DecodeAuthorizationMessage reads: the JSON AWS documents (allowed,
// explicitDeny, matchedStatements, failures, context) with mailgate's
// explanation, base64url-encoded. It appears in the server's log of each
// denial, never in responses.
func EncodeAuthorizationMessage(req *reqctx.Request, ex *policy.Explanation) string {
	type stmt struct {
		SourcePolicyID   string `json:"sourcePolicyId"`
		SourcePolicyType string `json:"sourcePolicyType"`
		StartLine        int    `json:"startLine"`
		EndLine          int    `json:"endLine"`
	}
	m := struct {
		Allowed           bool           `json:"allowed"`
		ExplicitDeny      bool           `json:"explicitDeny"`
		MatchedStatements []stmt         `json:"matchedStatements"`
		Failures          []string       `json:"failures"`
		Context           map[string]any `json:"context"`
	}{Allowed: ex.Decision == policy.Allowed, ExplicitDeny: ex.Decision == policy.ExplicitDeny, MatchedStatements: []stmt{},
		Failures: []string{ex.String()},
		Context:  map[string]any{"principal": map[string]string{"arn": callerArn(req)}, "action": req.Action, "resource": req.Resource}}
	for _, s := range ex.Matched() {
		m.MatchedStatements = append(m.MatchedStatements, stmt{s.Source.ID, s.Source.Type, s.Span.StartLine, s.Span.EndLine})
	}
	b, _ := json.Marshal(m)
	return AuthorizationMessagePrefix + base64.RawURLEncoding.EncodeToString(b)
}

// AuthorizationMessagePrefix starts every encoded authorization message.
const AuthorizationMessagePrefix = sts.MessagePrefix
