package policy

import (
	"strconv"
	"strings"
)

// Explanation says why a decision was made: every policy that was
// consulted, each statement with whether it matched and, when not, why.
type Explanation struct {
	Decision Decision
	// Reason completes AWS's denial message ("because no identity-based
	// policy allows the iam:GetUser action"); "" when allowed.
	Reason   string
	Policies []PolicyExplanation
	// Missing lists condition keys the policies read that the request
	// did not carry (the simulator's MissingContextValues).
	Missing []string
	// BoundaryAllowed is set when a permissions boundary was consulted.
	BoundaryAllowed *bool
}

// PolicyExplanation is one consulted policy.
type PolicyExplanation struct {
	Source Source
	Role   string // "identity-based policy", "permissions boundary", ...
	// Error is set for a document that could not be evaluated.
	Error          string
	Allows, Denies bool
	Statements     []StatementExplanation
}

// StatementExplanation is one statement.
type StatementExplanation struct {
	Index   int // 0-based
	Sid     string
	Effect  Effect
	Matched bool
	Why     string // why it did not match
	Span    Span
}

// MatchedStatement is a statement that produced the decision.
type MatchedStatement struct {
	Source Source
	// Role is the policy's role in the evaluation (RoleIdentity, ...).
	Role string
	Span Span
}

// Roles of the policies of a Set, as PolicyExplanation.Role names them.
const (
	RoleIdentity = "identity-based policy"
	RoleResource = "resource-based policy"
	RoleBoundary = "permissions boundary"
	RoleSession  = "session policy"
)

// RoleDecision is the decision the policies of one role reach on their
// own: explicitDeny when one denies, allowed when one allows, otherwise
// implicitDeny (the simulator's EvalDecisionDetails).
func (ex *Explanation) RoleDecision(role string) Decision {
	d := ImplicitDeny
	for _, p := range ex.Policies {
		switch {
		case p.Role != role:
		case p.Denies:
			return ExplicitDeny
		case p.Allows:
			d = Allowed
		}
	}
	return d
}

func (ex *Explanation) addMissing(key string) {
	for _, k := range ex.Missing {
		if strings.EqualFold(k, key) {
			return
		}
	}
	ex.Missing = append(ex.Missing, key)
}

// missingAfter records the absent keys of the conditions that a failed
// one left unevaluated: the simulator lists every key the applicable
// statements read that the request did not give.
func (ex *Explanation) missingAfter(conds []condition, r *Request) {
	for i := range conds {
		if conds[i].Base == "Null" {
			continue
		}
		if v, ok := r.Context.get(conds[i].key); !ok || len(v) == 0 {
			ex.addMissing(conds[i].Key)
		}
	}
}

// Matched lists the statements that produced the decision: the matching
// Deny statements of an explicit deny, the matching Allow statements of
// an allow, none for an implicit deny (as the simulator reports them).
func (ex *Explanation) Matched() []MatchedStatement {
	var want Effect
	switch ex.Decision {
	case Allowed:
		want = Allow
	case ExplicitDeny:
		want = Deny
	default:
		return nil
	}
	var out []MatchedStatement
	for _, p := range ex.Policies {
		for _, s := range p.Statements {
			if s.Matched && s.Effect == want {
				out = append(out, MatchedStatement{Source: p.Source, Role: p.Role, Span: s.Span})
			}
		}
	}
	return out
}

// String is a one-line account for logs: the decision, the reason, and
// each policy with its matching statements and why the others did not
// match.
func (ex *Explanation) String() string {
	var b strings.Builder
	b.WriteString(ex.Decision.String())
	if ex.Reason != "" {
		b.WriteString(" (" + ex.Reason + ")")
	}
	for _, p := range ex.Policies {
		b.WriteString("; " + p.Role + " " + p.Source.ID + ":")
		if p.Error != "" {
			b.WriteString(" " + p.Error)
			continue
		}
		for _, s := range p.Statements {
			name := s.Sid
			if name == "" {
				name = "#" + strconv.Itoa(s.Index+1)
			}
			b.WriteString(" " + name + "[" + string(s.Effect) + "]=")
			if s.Matched {
				b.WriteString("matched")
			} else {
				b.WriteString(s.Why)
			}
		}
	}
	if len(ex.Missing) > 0 {
		b.WriteString("; missing context: " + strings.Join(ex.Missing, ","))
	}
	return b.String()
}

// ContextKeys lists the condition keys a document reads, in its
// conditions and in its policy variables, in the order they first appear
// and spelled as first written, without duplicates (ignoring case), as
// GetContextKeysFor*Policy lists them.
func ContextKeys(p *Policy) []string {
	if p == nil || p.Err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if l := strings.ToLower(k); !seen[l] {
			seen[l] = true
			out = append(out, k)
		}
	}
	vars := p.Version == Version2012
	for _, st := range p.statements {
		if vars {
			for _, r := range st.resources {
				for _, k := range variables(r.s) {
					add(k)
				}
			}
		}
		for _, c := range st.conds {
			add(c.Key)
			if vars {
				for _, v := range c.Values {
					for _, k := range variables(v) {
						add(k)
					}
				}
			}
		}
	}
	return out
}
