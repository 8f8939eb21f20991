package policy

import (
	"strings"
)

// Context holds the request's condition keys. Keys are case-insensitive
// (stored lowercased); values are compared as the operator says.
type Context map[string][]string

// Set sets a key's values.
func (c Context) Set(key string, values ...string) { c[strings.ToLower(key)] = values }

// Get returns a key's values.
func (c Context) Get(key string) ([]string, bool) { return c.get(strings.ToLower(key)) }

func (c Context) get(lower string) ([]string, bool) {
	v, ok := c[lower]
	return v, ok
}

// Caller is the principal for policies that name principals (trust
// policies): the account and every ARN it answers to, most specific
// first (an assumed-role session's ARN, then its role's ARN).
type Caller struct {
	Account string
	ARNs    []string
	// Federated is the identity provider that vouched for a federated
	// caller (an OIDC or SAML provider's ARN, or a web identity
	// provider's name), matched by "Federated" principals.
	Federated string
}

// Request is what is being decided.
type Request struct {
	Action   string // "iam:GetUser"
	Resource string // an ARN or "*"
	Caller   *Caller
	Context  Context

	action string // lowercased
}

// Decision of an evaluation, spelled as the simulator spells it.
type Decision int

const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// Source identifies a policy in explanations and simulator results.
type Source struct {
	// ID is the policy's name or ARN ("user/alice/inline-name",
	// "arn:aws:iam::aws:policy/ReadOnlyAccess", "PolicyInputList.1").
	ID string
	// Type is the simulator's PolicySourceType: user, group, role,
	// aws-managed, user-managed, resource or none.
	Type string
}

// Entry is one policy of a Set.
type Entry struct {
	Policy *Policy
	Source Source
}

// Set is every policy that bears on one request, by role in IAM's
// evaluation logic.
type Set struct {
	// Identity policies of the principal (its own, its groups', its
	// role's).
	Identity []Entry
	// Resource policies (a role's trust policy).
	Resource []Entry
	// Boundary is the permissions boundary, if the principal has one.
	Boundary []Entry
	// Session policies of an assumed-role session (Policy, PolicyArns).
	Session []Entry
	// ResourceRequired: the resource policy must allow (trust policies:
	// a role is assumed only by whom its trust policy admits).
	ResourceRequired bool
	// CrossAccount: the resource belongs to another account; both the
	// identity and the resource policy must allow.
	CrossAccount bool
}

type role int

const (
	roleIdentity role = iota
	roleResource
	roleBoundary
	roleSession
)

var roleNames = [...]string{RoleIdentity, RoleResource, RoleBoundary, RoleSession}

// pmatch is how a resource policy's principal matched.
type pmatch int

const (
	pNone    pmatch = iota
	pAccount        // the account (root ARN or ID): delegated to identity policies
	pCapped         // the role of a role session: capped by boundary and session policies
	pExact          // the caller itself, or everyone
)

type policyOutcome struct {
	allow, deny bool
	allowBy     pmatch // best principal match of an allowing statement
}

// Evaluate decides the request. It is the fast path: no explanation is
// built.
func Evaluate(s *Set, r *Request) Decision {
	d, _ := decide(s, r, nil)
	return d
}

// Explain decides the request and says why: which statements matched,
// which did not and why, what context was missing.
func Explain(s *Set, r *Request) *Explanation {
	ex := &Explanation{}
	ex.Decision, ex.Reason = decide(s, r, ex)
	return ex
}

func decide(s *Set, r *Request, ex *Explanation) (Decision, string) {
	r.action = strings.ToLower(r.Action)
	var id, res, bnd, ses policyOutcome
	denyIn := -1
	run := func(entries []Entry, rl role, out *policyOutcome) {
		for i := range entries {
			o := entries[i].Policy.eval(r, rl, entries[i].Source, ex)
			if o.deny && denyIn < 0 {
				denyIn = int(rl)
			}
			out.deny = out.deny || o.deny
			if o.allow {
				out.allow = true
				if o.allowBy > out.allowBy {
					out.allowBy = o.allowBy
				}
			}
		}
	}
	run(s.Identity, roleIdentity, &id)
	run(s.Resource, roleResource, &res)
	run(s.Boundary, roleBoundary, &bnd)
	run(s.Session, roleSession, &ses)
	if ex != nil && len(s.Boundary) > 0 {
		b := bnd.allow && !bnd.deny
		ex.BoundaryAllowed = &b
	}
	if denyIn >= 0 {
		article := "a "
		if role(denyIn) == roleIdentity {
			article = "an "
		}
		return ExplicitDeny, "with an explicit deny in " + article + roleNames[denyIn]
	}
	identityOK := id.allow && (len(s.Boundary) == 0 || bnd.allow) && (len(s.Session) == 0 || ses.allow)
	// A resource policy naming the caller grants by itself; naming the
	// role of a role session, within the boundary and session policies.
	resourceDirect := res.allow && res.allowBy == pExact ||
		res.allow && res.allowBy == pCapped && (len(s.Boundary) == 0 || bnd.allow) && (len(s.Session) == 0 || ses.allow)
	resourceAny := res.allow
	var ok bool
	switch {
	case s.CrossAccount:
		ok = identityOK && resourceAny
	case s.ResourceRequired:
		ok = resourceDirect || (resourceAny && identityOK)
	default:
		ok = resourceDirect || identityOK
	}
	if ok {
		return Allowed, ""
	}
	act := r.Action
	switch {
	case (s.ResourceRequired || s.CrossAccount) && !resourceAny:
		return ImplicitDeny, "because no resource-based policy allows the " + act + " action"
	case !id.allow:
		return ImplicitDeny, "because no identity-based policy allows the " + act + " action"
	case len(s.Boundary) > 0 && !bnd.allow:
		return ImplicitDeny, "because no permissions boundary allows the " + act + " action"
	case len(s.Session) > 0 && !ses.allow:
		return ImplicitDeny, "because no session policy allows the " + act + " action"
	}
	return ImplicitDeny, "because no identity-based policy allows the " + act + " action"
}

// eval runs the policy's statements.
func (p *Policy) eval(r *Request, rl role, src Source, ex *Explanation) policyOutcome {
	var pe *PolicyExplanation
	if ex != nil {
		ex.Policies = append(ex.Policies, PolicyExplanation{Source: src, Role: roleNames[rl]})
		pe = &ex.Policies[len(ex.Policies)-1]
	}
	var o policyOutcome
	if p == nil || p.Err != nil {
		// A document that cannot be read fails closed: it allows nothing
		// and denies everything, so a broken Deny is never lost.
		o.deny = true
		if pe != nil {
			msg := "policy document could not be parsed"
			if p != nil {
				msg += ": " + p.Err.Error()
			}
			pe.Error, pe.Denies = msg, true
		}
		return o
	}
	vars := p.Version == Version2012
	for i := range p.statements {
		st := &p.statements[i]
		var se *StatementExplanation
		if pe != nil {
			pe.Statements = append(pe.Statements, StatementExplanation{Index: st.index, Sid: st.sid, Effect: st.effect, Span: st.span})
			se = &pe.Statements[len(pe.Statements)-1]
		}
		m, pm := st.match(r, vars, se, ex)
		if !m {
			continue
		}
		if st.effect == Deny {
			o.deny = true
		} else {
			o.allow = true
			if pm > o.allowBy {
				o.allowBy = pm
			}
		}
	}
	if pe != nil {
		pe.Allows, pe.Denies = o.allow, o.deny
	}
	return o
}

// match reports whether the statement applies to the request and, for
// statements that name principals, how the principal matched.
func (st *statement) match(r *Request, vars bool, se *StatementExplanation, ex *Explanation) (bool, pmatch) {
	if !st.matchAction(r.action) {
		se.why("action not matched")
		return false, pNone
	}
	if !st.matchResource(r, vars) {
		se.why("resource not matched")
		return false, pNone
	}
	pm := pExact
	if st.hasPrincipal {
		pm = st.matchPrincipal(r.Caller)
		if pm == pNone {
			se.why("principal not matched")
			return false, pNone
		}
	}
	result := yes
	for i := range st.conds {
		c := &st.conds[i]
		t, missing := c.eval(r, vars)
		if missing && ex != nil {
			ex.addMissing(c.Key)
		}
		switch t {
		case no:
			if se != nil {
				se.why("condition " + c.Operator + " on " + c.Key + " not met")
			}
			if ex != nil {
				ex.missingAfter(st.conds[i+1:], r)
			}
			return false, pNone
		case fault:
			if result == yes {
				result = fault
				if se != nil {
					se.why("condition " + c.Operator + " on " + c.Key + " could not be evaluated")
				}
			}
		}
	}
	if result == fault {
		// Fail closed: an Allow that cannot be evaluated does not allow;
		// a Deny that cannot be evaluated denies.
		if st.effect == Allow {
			return false, pNone
		}
		if se != nil {
			se.Matched = true
		}
		return true, pm
	}
	if se != nil {
		se.Matched, se.Why = true, ""
	}
	return true, pm
}

func (st *statement) matchAction(action string) bool {
	if st.anyAction {
		return true
	}
	hit := false
	for _, p := range st.actions {
		if p.match(action) {
			hit = true
			break
		}
	}
	return hit != st.notAction
}

func (st *statement) matchResource(r *Request, vars bool) bool {
	if !st.hasResource {
		return true
	}
	hit := false
	for _, p := range st.resources {
		if p.vars && vars {
			s, ok := substitute(p.s, r, true)
			if !ok {
				continue
			}
			p = pattern{s: s, vars: true}
		}
		if r.Resource == "*" {
			// Account-wide operations are authorized on "*": only a "*"
			// resource covers them.
			if p.s == "*" {
				hit = true
				break
			}
			continue
		}
		if matchARN(p, r.Resource) {
			hit = true
			break
		}
	}
	return hit != st.notResource
}

func (st *statement) matchPrincipal(c *Caller) pmatch {
	best := pNone
	for _, pv := range st.principals {
		if m := principalMatch(pv, c); m > best {
			best = m
		}
	}
	if st.notPrincipal {
		if best == pNone {
			return pExact
		}
		return pNone
	}
	return best
}

func principalMatch(pv principalValue, c *Caller) pmatch {
	if pv.typ == "*" || (pv.typ == "AWS" && pv.val == "*") {
		return pExact
	}
	if pv.typ == "Federated" && c != nil && c.Federated != "" {
		if pv.val == c.Federated {
			return pExact
		}
		return pNone
	}
	if pv.typ != "AWS" || c == nil {
		return pNone
	}
	v := pv.val
	if v == c.Account {
		return pAccount
	}
	if strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":root") {
		if parts, ok := splitARN(v); ok && parts[2] == "iam" && parts[4] == c.Account && parts[5] == "root" {
			return pAccount
		}
	}
	p := newPattern(v, false)
	for i, a := range c.ARNs {
		if matchARN(p, a) {
			if i > 0 {
				return pCapped
			}
			return pExact
		}
	}
	return pNone
}

func (se *StatementExplanation) why(s string) {
	if se != nil {
		se.Why = s
	}
}
