package model

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violation is one failed model constraint.
type Violation struct {
	Path       string // AWS style: lowerCamel members, 1-based list indexes ("rules.1.member.effect")
	Value      any    // nil when absent
	Sensitive  bool
	Constraint string // "Member must not be null", ...
}

func (v Violation) String() string {
	switch {
	case v.Value == nil:
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	case v.Sensitive:
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	default:
		return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", displayValue(v.Value), v.Path, v.Constraint)
	}
}

func displayValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = displayValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return fmt.Sprintf("map of %d entries", len(t))
	default:
		return fmt.Sprint(t)
	}
}

// ValidationError lists every constraint a document breaks, in the order
// AWS reports them ("2 validation errors detected: ...").
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	n := len(e.Violations)
	parts := make([]string, n)
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	noun := "error"
	if n != 1 {
		noun = "errors"
	}
	return fmt.Sprintf("%d validation %s detected: %s", n, noun, strings.Join(parts, "; "))
}

// Validate checks a decoded input document against its shape: required
// members, lengths, patterns, enums, numeric ranges and list/map sizes.
// It returns nil or a *ValidationError.
func Validate(shape *Shape, doc map[string]any) error {
	if shape == nil {
		return nil
	}
	var vs []Violation
	validateStruct(shape, doc, "", &vs)
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
}

func validateStruct(sh *Shape, doc map[string]any, path string, vs *[]Violation) {
	for _, name := range sh.Order {
		m := sh.Members[name]
		p := JoinPath(path, LowerFirst(name))
		v, ok := doc[name]
		if !ok || v == nil {
			if sh.Required[name] {
				*vs = append(*vs, Violation{Path: p, Constraint: "Member must not be null"})
			}
			continue
		}
		validateValue(m.Shape, v, p, vs)
	}
}

func validateValue(sh *Shape, v any, path string, vs *[]Violation) {
	add := func(c string) {
		*vs = append(*vs, Violation{Path: path, Value: v, Sensitive: sh.Sensitive, Constraint: c})
	}
	if sh.Document {
		return // any JSON value is a document; the model constrains none
	}
	switch sh.Type {
	case TypeStructure:
		if m, ok := v.(map[string]any); ok {
			validateStruct(sh, m, path, vs)
		}
	case TypeList:
		l, _ := v.([]any)
		checkLength(sh, len(l), add)
		for i, e := range l {
			if e == nil {
				continue
			}
			validateValue(sh.Member.Shape, e, path+"."+strconv.Itoa(i+1)+".member", vs)
		}
	case TypeMap:
		m, _ := v.(map[string]any)
		checkLength(sh, len(m), add)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			validateValue(sh.Key.Shape, k, path+".key", vs)
			if m[k] != nil {
				validateValue(sh.Value.Shape, m[k], path+"."+k+".value", vs)
			}
		}
	case TypeString:
		s, _ := v.(string)
		checkLength(sh, utf8.RuneCountInString(s), add)
		if sh.Pattern != nil && !sh.Pattern.MatchString(s) {
			add("Member must satisfy regular expression pattern: " + sh.Pattern.Source)
		}
		if len(sh.Enum) > 0 && !sh.IsEnumValue(s) {
			add("Member must satisfy enum value set: [" + strings.Join(sh.Enum, ", ") + "]")
		}
	case TypeBlob:
		b, _ := v.([]byte)
		checkLength(sh, len(b), add)
	case TypeInteger, TypeLong, TypeDouble, TypeFloat:
		var f float64
		switch n := v.(type) {
		case int64:
			f = float64(n)
		case float64:
			f = n
		}
		if sh.Min != nil && f < *sh.Min {
			add("Member must have value greater than or equal to " + fmtNum(*sh.Min))
		}
		if sh.Max != nil && f > *sh.Max {
			add("Member must have value less than or equal to " + fmtNum(*sh.Max))
		}
	}
}

func checkLength(sh *Shape, n int, add func(string)) {
	if sh.Min != nil && float64(n) < *sh.Min {
		add("Member must have length greater than or equal to " + fmtNum(*sh.Min))
	}
	if sh.Max != nil && float64(n) > *sh.Max {
		add("Member must have length less than or equal to " + fmtNum(*sh.Max))
	}
}

func fmtNum(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
