// Package awsquery is the awsQuery codec (IAM, STS), written once for every
// operation and driven only by the model. Requests are form parameters
// (Action=GetRole&RoleName=x&Tags.member.1.Key=k...), responses XML. It
// works in both directions: the server decodes requests and encodes
// responses and errors; the project's CLI encodes requests and decodes
// responses and errors.
//
// Requests and responses are documents (see package model): map[string]any
// for structures and maps, []any for lists, and string, int64, float64,
// bool, time.Time and []byte for scalars.
package awsquery

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// ContentType is the media type of awsQuery responses.
const ContentType = "text/xml"

const (
	// maxListIndex bounds list and map indexes (Tags.member.N): the largest
	// IAM/STS list is far smaller, and the bound keeps a hostile index from
	// costing anything.
	maxListIndex = 10000
	// maxKeyDepth bounds the dot-separated segments of any key, known or
	// not; the deepest IAM/STS input key has fewer than ten.
	maxKeyDepth = 64
)

// node is one dot-separated level of the form keys: "Tags.member.1.Key"
// is root → Tags → member → 1 → Key.
type node struct {
	value    string
	hasValue bool
	children map[string]*node
}

func (n *node) child(name string) *node {
	if n.children == nil {
		n.children = make(map[string]*node, 2)
	}
	c := n.children[name]
	if c == nil {
		c = &node{}
		n.children[name] = c
	}
	return c
}

// DecodeRequest turns awsQuery form parameters into a document of shape (nil
// when the operation takes no input). Action, Version and keys the model does
// not know are ignored; a repeated key is refused (see MergeParams). A value
// that does not parse as its member's type is a
// ValidationError (400, sender fault) in IAM's words, naming the member:
// "1 validation error detected: Value 'abc' at 'maxSessionDuration' failed to
// satisfy constraint: Member must be a number".
func DecodeRequest(shape *model.Shape, form url.Values) (map[string]any, error) {
	for key, vals := range form {
		if len(vals) > 1 {
			return nil, duplicateParameter(key)
		}
	}
	if shape == nil {
		return map[string]any{}, nil
	}
	root := &node{}
	for key, vals := range form {
		if key == "Action" || key == "Version" || len(vals) == 0 {
			continue
		}
		if strings.Count(key, ".") >= maxKeyDepth {
			first, _, _ := strings.Cut(key, ".")
			return nil, validationError([]model.Violation{{
				Path: truncate(model.LowerFirst(first)), Value: truncate(key), Constraint: "Parameter names must not nest deeper than " + strconv.Itoa(maxKeyDepth) + " levels",
			}})
		}
		n := root
		for rest := key; ; {
			seg, tail, more := strings.Cut(rest, ".")
			n = n.child(seg)
			if !more {
				break
			}
			rest = tail
		}
		n.value, n.hasValue = vals[0], true
	}
	d := &decoder{}
	doc := d.structure(shape, root, nil)
	if len(d.violations) > 0 {
		return nil, validationError(d.violations)
	}
	return doc, nil
}

// MergeParams merges the parameters of a request's query string and of its
// form body into one set, refusing any key that comes more than once: twice
// in either, or once in each. AWS documents no meaning for a repeated
// parameter, and parsers differ (the first, the last, all of them), so a
// proxy or firewall in front could read another request than the server
// would; one reading only is left. The refusal is InvalidQueryParameter
// (400): "The AWS query string is malformed or does not adhere to AWS
// standards", among the errors common to all actions of IAM and STS
// (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
func MergeParams(query, body url.Values) (url.Values, *apierror.Error) {
	out := make(url.Values, len(query)+len(body))
	for _, vs := range []url.Values{query, body} {
		for k, v := range vs {
			if len(v) > 1 || len(out[k]) > 0 {
				return nil, duplicateParameter(k)
			}
			out[k] = v
		}
	}
	return out, nil
}

func duplicateParameter(key string) *apierror.Error {
	return apierror.InvalidQueryParameter.InQuery("The parameter '%s' appears more than once in the request; each parameter may be given once.", truncate(key))
}

func validationError(vs []model.Violation) *apierror.Error {
	msg := (&model.ValidationError{Violations: vs}).Error()
	return apierror.ValidationError.InQuery("%s", msg)
}

// truncate keeps hostile keys and values from bloating error messages.
func truncate(s string) string { return model.Truncate(s, 256) }

type decoder struct {
	violations []model.Violation
}

// path is the AWS-style location of a value ("tags.member.2.key"), linked
// from leaf to root and rendered only when a violation needs it.
type path struct {
	parent *path
	name   string // a member name (rendered lowerCamel) or a literal segment
	member bool
	index  int // > 0: a list or map index
}

func (p *path) String() string {
	var segs []string
	for q := p; q != nil; q = q.parent {
		switch {
		case q.index > 0:
			segs = append(segs, strconv.Itoa(q.index))
		case q.member:
			segs = append(segs, model.LowerFirst(q.name))
		case q.name != "":
			segs = append(segs, q.name)
		}
	}
	for i, j := 0, len(segs)-1; i < j; i, j = i+1, j-1 {
		segs[i], segs[j] = segs[j], segs[i]
	}
	return strings.Join(segs, ".")
}

// maxViolations caps what one hostile request can put in an error message.
const maxViolations = 100

func (d *decoder) fail(sh *model.Shape, p *path, value, constraint string) {
	if len(d.violations) < maxViolations {
		d.violations = append(d.violations, model.Violation{Path: p.String(), Value: truncate(value), Sensitive: sh.Sensitive, Constraint: constraint})
	}
}

func elemName(m *model.Member, def string) string {
	if m != nil && m.LocationName != "" {
		return m.LocationName
	}
	return def
}

func (d *decoder) structure(sh *model.Shape, n *node, p *path) map[string]any {
	out := make(map[string]any, len(n.children))
	for _, name := range sh.Order {
		mem := sh.Members[name]
		c := n.children[mem.WireName()]
		if c == nil {
			continue
		}
		if v, ok := d.value(mem.Shape, c, &path{parent: p, name: name, member: true}); ok {
			out[name] = v
		}
	}
	return out
}

// indexed returns the numbered children of n (Tags.member.N) in index order,
// which compacts gaps; bad indexes are violations.
func (d *decoder) indexed(sh *model.Shape, n *node, p *path) []int {
	idx := make([]int, 0, len(n.children))
	var bad []string
	for k := range n.children {
		i, err := strconv.Atoi(k)
		if err != nil || i < 1 || i > maxListIndex || k[0] == '0' || k[0] == '+' {
			bad = append(bad, k)
			continue
		}
		idx = append(idx, i)
	}
	sort.Strings(bad)
	for _, k := range bad {
		d.fail(sh, p, k, "Member index must be an integer between 1 and "+strconv.Itoa(maxListIndex))
	}
	sort.Ints(idx)
	return idx
}

func (d *decoder) value(sh *model.Shape, n *node, p *path) (any, bool) {
	switch sh.Type {
	case model.TypeStructure:
		// The SDKs send nothing for an empty structure, so a structure
		// with no known member is absent rather than {}.
		m := d.structure(sh, n, p)
		return m, len(m) > 0
	case model.TypeList:
		name := elemName(sh.Member, "member")
		items := n.children[name]
		if items == nil {
			// "Tags=" is how the SDKs send an empty list.
			if n.hasValue && n.value == "" {
				return []any{}, true
			}
			if n.hasValue {
				d.fail(sh, p, n.value, "Member must be a list")
			}
			return nil, false
		}
		ip := &path{parent: p, name: name}
		idx := d.indexed(sh, items, ip)
		out := make([]any, 0, len(idx))
		for _, i := range idx {
			if v, ok := d.value(sh.Member.Shape, items.children[strconv.Itoa(i)], &path{parent: ip, index: i}); ok {
				out = append(out, v)
			}
		}
		return out, true
	case model.TypeMap:
		entries := n.children["entry"]
		if entries == nil {
			if n.hasValue && n.value == "" {
				return map[string]any{}, true
			}
			if n.hasValue {
				d.fail(sh, p, n.value, "Member must be a map")
			}
			return nil, false
		}
		ep := &path{parent: p, name: "entry"}
		keyName, valueName := elemName(sh.Key, "key"), elemName(sh.Value, "value")
		idx := d.indexed(sh, entries, ep)
		out := make(map[string]any, len(idx))
		for _, i := range idx {
			e := entries.children[strconv.Itoa(i)]
			np := &path{parent: ep, index: i}
			k := e.children[keyName]
			if k == nil || !k.hasValue {
				if len(d.violations) < maxViolations {
					d.violations = append(d.violations, model.Violation{Path: (&path{parent: np, name: keyName}).String(), Constraint: "Member must not be null"})
				}
				continue
			}
			vn := e.children[valueName]
			if vn == nil {
				continue
			}
			if v, ok := d.value(sh.Value.Shape, vn, &path{parent: np, name: valueName}); ok {
				out[k.value] = v
			}
		}
		return out, true
	}
	if !n.hasValue {
		return nil, false
	}
	s := n.value
	if sh.Type == model.TypeString {
		return s, true // "" is a present, empty string; Validate judges its length
	}
	if s == "" && sh.Type != model.TypeBlob { // "" is the empty blob, as the SDKs send it
		// No SDK sends an empty number, boolean or timestamp; read it as
		// absent rather than inventing a zero, so required-member checks
		// still apply.
		return nil, false
	}
	v, constraint := parseScalar(sh, s)
	if constraint != "" {
		d.fail(sh, p, s, constraint)
		return nil, false
	}
	return v, true
}

// parseScalar reads the text of a non-string scalar; a non-empty constraint
// says why it failed.
func parseScalar(sh *model.Shape, s string) (any, string) {
	switch sh.Type {
	case model.TypeInteger, model.TypeLong:
		bits := 64
		if sh.Type == model.TypeInteger {
			bits = 32
		}
		i, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				if strings.HasPrefix(s, "-") {
					return nil, "Member must have value greater than or equal to " + strconv.FormatInt(-1<<(bits-1), 10)
				}
				return nil, "Member must have value less than or equal to " + strconv.FormatInt(1<<(bits-1)-1, 10)
			}
			return nil, "Member must be a number"
		}
		return i, ""
	case model.TypeDouble, model.TypeFloat:
		if f, ok := model.ParseFloatName(s); ok {
			return f, ""
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "Member must be a number"
		}
		return f, ""
	case model.TypeBoolean:
		switch {
		case strings.EqualFold(s, "true"):
			return true, ""
		case strings.EqualFold(s, "false"):
			return false, ""
		}
		return nil, "Member must be a boolean (true or false)"
	case model.TypeTimestamp:
		if t, ok := model.ParseTimestamp(s); ok {
			return t, ""
		}
		return nil, "Member must be a timestamp in ISO 8601 format or epoch seconds"
	case model.TypeBlob:
		if b, ok := model.DecodeBase64(s); ok {
			return b, ""
		}
		return nil, "Member must be base64-encoded"
	case model.TypeString:
		return s, ""
	}
	return nil, "Member has unsupported type " + sh.Type
}
