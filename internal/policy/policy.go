// Package policy is the grammar of the IAM policy language: it parses a
// policy document (JSON) into a Document and validates it for the place
// the document is used (an identity policy, a permissions boundary, a role
// trust policy), with the messages IAM gives for MalformedPolicyDocument.
//
// The parsed form is normalized for a later compile-and-evaluate step:
// every element that may be a string or a list is a []string, the
// Principal is a map from principal type to values, and each condition
// is split into its operator parts (set qualifier, base operator,
// IfExists) with its values kept as strings, which is how IAM compares
// them.
//
// The rest of the package evaluates, one file per concern: compile.go
// (the compiled form, cached by content), evaluate.go (IAM's decision:
// explicit deny wins, identity ∪ resource policies allow, capped by the
// boundary and the session policies), conditions.go (every operator
// family, set qualifiers, IfExists, missing keys), variables.go (policy
// variables and their escapes) and explain.go (why: per statement, for
// logs and the simulator). Evaluation fails closed: a condition that
// cannot be evaluated never makes an Allow match and always makes a Deny
// match, and a document that does not parse denies.
//
// What is checked: the top-level elements (Version, Id, Statement), the
// statement elements (Sid, Effect, Principal/NotPrincipal,
// Action/NotAction, Resource/NotResource, Condition), their JSON types,
// that each pair is used one way at most, action and resource shapes,
// principal shapes, condition operators against the list IAM knows,
// unique Sids, and the rules of each policy Kind. What is not: whether a
// named principal exists (IAM resolves principals to unique IDs; mailgate
// keeps the ARN as written) and whether an action is one a service
// defines.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is where a document is used; the rules differ.
type Kind int

const (
	// Identity policies (inline or managed, and permissions boundaries)
	// name actions and resources and never a principal.
	Identity Kind = iota
	// Trust is a role's trust policy: a resource policy that names
	// principals and no resource.
	Trust
	// Resource is any other resource policy (the simulator's
	// ResourcePolicy): only the grammar is checked.
	Resource
)

// Versions of the policy language.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Document is a parsed policy.
type Document struct {
	Version    string // "" when absent (IAM then applies 2008-10-17)
	ID         string
	Statements []Statement
}

// Effect of a statement.
type Effect string

const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Statement is one statement. For each pair (Principal/NotPrincipal,
// Action/NotAction, Resource/NotResource) at most one is set; Not* tells
// which.
type Statement struct {
	Sid    string
	Effect Effect

	Principal    Principal // nil when absent
	NotPrincipal bool      // Principal holds the NotPrincipal element

	Action    []string
	NotAction bool

	Resource    []string
	NotResource bool

	Conditions []Condition
}

// Principal maps a principal type ("AWS", "Service", "Federated",
// "CanonicalUser", or "*" for the bare "*" principal) to its values.
type Principal map[string][]string

// Condition is one key of one operator block:
// "StringEquals": {"aws:username": ["a", "b"]}.
type Condition struct {
	// Operator is as written ("ForAnyValue:StringLikeIfExists").
	Operator string
	// Base is the operator without qualifier and suffix ("StringLike").
	Base string
	// Set is "", "ForAllValues" or "ForAnyValue".
	Set string
	// IfExists is the ...IfExists suffix.
	IfExists bool
	Key      string
	Values   []string
}

// Error is a malformed document; Message is what IAM would say.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func errf(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// Operators are the condition operators IAM knows (without qualifiers
// and IfExists).
var Operators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true,
	"Null": true,
}

var (
	sidPattern     = regexp.MustCompile(`^[A-Za-z0-9]*$`)
	actionPattern  = regexp.MustCompile(`^[A-Za-z0-9_.*?-]+:[A-Za-z0-9_*?-]+$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// Parse parses and validates a document for kind.
func Parse(doc string, kind Kind) (*Document, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if err := d.check(kind); err != nil {
		return nil, err
	}
	return d, nil
}

// Size is the length IAM counts against its quotas: characters, without
// the white space outside string values. It is -1 for text that is not
// JSON.
func Size(doc string) int {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return -1
	}
	return utf8.RuneCount(b.Bytes())
}

func parse(doc string) (*Document, error) {
	if strings.TrimSpace(doc) == "" || !json.Valid([]byte(doc)) {
		return nil, errf("Syntax errors in policy.")
	}
	top, err := object([]byte(doc), "policy")
	if err != nil {
		return nil, err
	}
	d := &Document{}
	for _, f := range top {
		switch f.key {
		case "Version":
			// IAM's words for a Version that is not one of its two.
			if err := json.Unmarshal(f.val, &d.Version); err != nil || (d.Version != Version2012 && d.Version != Version2008) {
				return nil, errf("The policy failed legacy parsing")
			}
		case "Id":
			if err := json.Unmarshal(f.val, &d.ID); err != nil {
				return nil, errf("The policy element Id must be a string.")
			}
		case "Statement":
			raws, err := oneOrMany(f.val)
			if err != nil {
				return nil, errf("The policy element Statement must be an object or a list of objects.")
			}
			for i, r := range raws {
				st, err := parseStatement(r)
				if err != nil {
					if len(raws) > 1 {
						var pe *Error
						if errors.As(err, &pe) {
							return nil, errf("%s (statement %d)", pe.Message, i+1)
						}
					}
					return nil, err
				}
				d.Statements = append(d.Statements, *st)
			}
		default:
			return nil, errf("Unknown field %s", f.key)
		}
	}
	if len(d.Statements) == 0 {
		return nil, errf("Missing required field Statement")
	}
	return d, nil
}

type field struct {
	key string
	val json.RawMessage
}

// object decodes a JSON object keeping its field order and refusing
// duplicate fields, which IAM refuses too.
func object(b []byte, what string) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil, errf("Syntax errors in policy.")
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, errf("The %s must be a JSON object.", what)
	}
	var out []field
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, errf("Syntax errors in policy.")
		}
		k := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errf("Syntax errors in policy.")
		}
		if seen[k] {
			return nil, errf("Duplicate field %s", k)
		}
		seen[k] = true
		out = append(out, field{k, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, errf("Syntax errors in policy.")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errf("Syntax errors in policy.")
	}
	return out, nil
}

// oneOrMany splits an object-or-list of objects.
func oneOrMany(b json.RawMessage) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		return []json.RawMessage{b}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, err
	}
	for _, x := range list {
		if x = bytes.TrimSpace(x); len(x) == 0 || x[0] != '{' {
			return nil, errors.New("not an object")
		}
	}
	return list, nil
}

// strings decodes a string or a non-empty list of strings.
func stringList(b json.RawMessage, elem string) ([]string, error) {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil || many == nil {
		return nil, errf("The policy element %s must be a string or a list of strings.", elem)
	}
	if len(many) == 0 {
		return nil, errf("The policy element %s must not be an empty list.", elem)
	}
	return many, nil
}

func parseStatement(b json.RawMessage) (*Statement, error) {
	fields, err := object(b, "statement")
	if err != nil {
		return nil, err
	}
	st := &Statement{}
	var haveEffect bool
	for _, f := range fields {
		switch f.key {
		case "Sid":
			if err := json.Unmarshal(f.val, &st.Sid); err != nil {
				return nil, errf("The policy element Sid must be a string.")
			}
		case "Effect":
			var e string
			if err := json.Unmarshal(f.val, &e); err != nil || (e != string(Allow) && e != string(Deny)) {
				return nil, errf("Invalid effect: %s. The Effect must be Allow or Deny.", strings.Trim(string(f.val), `"`))
			}
			st.Effect, haveEffect = Effect(e), true
		case "Principal", "NotPrincipal":
			if st.Principal != nil {
				return nil, errf("A statement cannot have both Principal and NotPrincipal.")
			}
			p, err := parsePrincipal(f.val, f.key)
			if err != nil {
				return nil, err
			}
			st.Principal, st.NotPrincipal = p, f.key == "NotPrincipal"
		case "Action", "NotAction":
			if st.Action != nil {
				return nil, errf("A statement cannot have both Action and NotAction.")
			}
			l, err := stringList(f.val, f.key)
			if err != nil {
				return nil, err
			}
			for _, a := range l {
				if err := checkAction(a); err != nil {
					return nil, err
				}
			}
			st.Action, st.NotAction = l, f.key == "NotAction"
		case "Resource", "NotResource":
			if st.Resource != nil {
				return nil, errf("A statement cannot have both Resource and NotResource.")
			}
			l, err := stringList(f.val, f.key)
			if err != nil {
				return nil, err
			}
			for _, r := range l {
				if err := checkResource(r); err != nil {
					return nil, err
				}
			}
			st.Resource, st.NotResource = l, f.key == "NotResource"
		case "Condition":
			cs, err := parseConditions(f.val)
			if err != nil {
				return nil, err
			}
			st.Conditions = cs
		default:
			return nil, errf("Unknown field %s", f.key)
		}
	}
	if !haveEffect {
		return nil, errf("Missing required field Effect")
	}
	return st, nil
}

func checkAction(a string) error {
	if a == "*" {
		return nil
	}
	if !strings.Contains(a, ":") {
		return errf("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
	}
	if strings.Count(a, ":") > 1 {
		return errf("Actions/Condition can contain only one colon.")
	}
	vendor, _, _ := strings.Cut(a, ":")
	if strings.ContainsAny(vendor, "*?") {
		return errf("Action vendors must not contain wildcard characters: %s", a)
	}
	if !actionPattern.MatchString(a) {
		return errf("Invalid action: %s", a)
	}
	return nil
}

func checkResource(r string) error {
	if r == "*" {
		return nil
	}
	if !strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 5 {
		return errf("Resource %s must be in ARN format or \"*\".", r)
	}
	parts := strings.SplitN(r, ":", 6)
	if parts[1] == "" || parts[2] == "" {
		return errf("Resource %s must be in ARN format or \"*\".", r)
	}
	if !partitions[parts[1]] && !strings.ContainsAny(parts[1], "*?$") {
		return errf("Partition \"%s\" is not valid for resource \"%s\".", parts[1], r)
	}
	return nil
}

// partitions are AWS's partitions, the ones a resource ARN may name.
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
	"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

func parsePrincipal(b json.RawMessage, elem string) (Principal, error) {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return nil, errf("Invalid principal in policy: %s", string(b))
		}
		return Principal{"*": {"*"}}, nil
	}
	fields, err := object(b, elem)
	if err != nil {
		return nil, errf("The policy element %s must be \"*\" or an object.", elem)
	}
	if len(fields) == 0 {
		return nil, errf("The policy element %s must not be empty.", elem)
	}
	p := Principal{}
	for _, f := range fields {
		vals, err := stringList(f.val, elem)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if !validPrincipal(f.key, v) {
				return nil, errf("Invalid principal in policy: \"%s\":%q", f.key, v)
			}
		}
		p[f.key] = vals
	}
	return p, nil
}

func validPrincipal(typ, v string) bool {
	switch typ {
	case "AWS":
		if v == "*" || accountPattern.MatchString(v) {
			return true
		}
		parts := strings.SplitN(v, ":", 6)
		if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || (parts[2] != "iam" && parts[2] != "sts") || parts[3] != "" {
			return false
		}
		if !accountPattern.MatchString(parts[4]) {
			return false
		}
		res := parts[5]
		return res == "root" || strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/") ||
			strings.HasPrefix(res, "assumed-role/") || strings.HasPrefix(res, "federated-user/")
	case "Service":
		return v == "*" || (v != "" && strings.Contains(v, ".") && !strings.ContainsFunc(v, unicode.IsSpace))
	case "Federated", "CanonicalUser":
		return v != "" && !strings.ContainsFunc(v, unicode.IsSpace)
	}
	return false
}

func parseConditions(b json.RawMessage) ([]Condition, error) {
	ops, err := object(b, "Condition")
	if err != nil {
		return nil, errf("The policy element Condition must be an object.")
	}
	var out []Condition
	for _, op := range ops {
		c := Condition{Operator: op.key}
		base := op.key
		if s, rest, ok := strings.Cut(base, ":"); ok {
			if s != "ForAllValues" && s != "ForAnyValue" {
				return nil, errf("Invalid Condition type : %s", op.key)
			}
			c.Set, base = s, rest
		}
		if strings.HasSuffix(base, "IfExists") && base != "IfExists" {
			c.IfExists, base = true, strings.TrimSuffix(base, "IfExists")
		}
		if !Operators[base] || (base == "Null" && c.IfExists) {
			return nil, errf("Invalid Condition type : %s", op.key)
		}
		c.Base = base
		keys, err := object(op.val, "condition block")
		if err != nil {
			return nil, errf("The condition block %s must be an object of condition keys.", op.key)
		}
		if len(keys) == 0 {
			return nil, errf("The condition block %s must name at least one condition key.", op.key)
		}
		for _, k := range keys {
			if k.key == "" {
				return nil, errf("Condition keys must not be empty.")
			}
			vals, err := conditionValues(k.val)
			if err != nil {
				return nil, errf("The value of condition key %s must be a string, number, boolean or a list of them.", k.key)
			}
			cc := c
			cc.Key, cc.Values = k.key, vals
			out = append(out, cc)
		}
	}
	return out, nil
}

// conditionValues keeps scalars as IAM compares them: as strings.
func conditionValues(b json.RawMessage) ([]string, error) {
	var x any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	scalar := func(v any) (string, bool) {
		switch v := v.(type) {
		case string:
			return v, true
		case json.Number:
			return v.String(), true
		case bool:
			if v {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if s, ok := scalar(x); ok {
		return []string{s}, nil
	}
	list, ok := x.([]any)
	if !ok || len(list) == 0 {
		return nil, errors.New("bad value")
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := scalar(v)
		if !ok {
			return nil, errors.New("bad value")
		}
		out = append(out, s)
	}
	return out, nil
}

// check applies the rules of kind.
func (d *Document) check(kind Kind) error {
	sids := map[string]bool{}
	for i := range d.Statements {
		st := &d.Statements[i]
		if st.Sid != "" {
			if kind == Identity && !sidPattern.MatchString(st.Sid) {
				return errf("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
			}
			if sids[st.Sid] {
				return errf("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[st.Sid] = true
		}
		if st.Action == nil {
			return errf("Policy statement must contain actions.")
		}
		switch kind {
		case Identity:
			if st.Principal != nil {
				return errf("Policy document should not specify a principal.")
			}
			if st.Resource == nil {
				return errf("Policy statement must contain resources.")
			}
		case Trust:
			if st.Resource != nil {
				if st.NotResource {
					return errf("Has prohibited field NotResource")
				}
				return errf("Has prohibited field Resource")
			}
			if st.Principal == nil {
				return errf("Missing required field Principal")
			}
			for _, a := range st.Action {
				if a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
					return errf("AssumeRole policy may only specify STS AssumeRole actions.")
				}
			}
		}
	}
	return nil
}
