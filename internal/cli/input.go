package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mailgate/mailgate/internal/model"
)

// This file turns what the user typed (shorthand, JSON, YAML, plain words)
// into a model document, checks it the way botocore's parameter validator
// does before anything is sent, and prints the skeletons of
// --generate-cli-skeleton.

// paramValidation collects botocore-style validation messages.
type paramValidation struct {
	errs []string
}

func (c *coercer) add(format string, args ...any) {
	if !c.lenient {
		c.v.add(format, args...)
	}
}

func (v *paramValidation) add(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func (v *paramValidation) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &usageError{msg: "Parameter validation failed:\n" + strings.Join(v.errs, "\n"), plain: true}
}

// pyType names a value's type the way Python would, for messages that match
// the AWS CLI's.
func pyType(v any) string {
	switch v.(type) {
	case string:
		return "<class 'str'>"
	case bool:
		return "<class 'bool'>"
	case json.Number:
		if strings.ContainsAny(string(v.(json.Number)), ".eE") {
			return "<class 'float'>"
		}
		return "<class 'int'>"
	case int, int64:
		return "<class 'int'>"
	case float64:
		return "<class 'float'>"
	case []any:
		return "<class 'list'>"
	case map[string]any:
		return "<class 'dict'>"
	case nil:
		return "<class 'NoneType'>"
	case []byte:
		return "<class 'bytes'>"
	}
	return fmt.Sprintf("<class '%T'>", v)
}

func pyRepr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	}
	var b bytes.Buffer
	writePyRepr(&b, pyValue(v))
	return b.String()
}

var pyValidTypes = map[string]string{
	model.TypeString:    "<class 'str'>",
	model.TypeInteger:   "<class 'int'>",
	model.TypeLong:      "<class 'int'>",
	model.TypeDouble:    "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
	model.TypeFloat:     "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
	model.TypeBoolean:   "<class 'bool'>",
	model.TypeTimestamp: "<class 'datetime.datetime'>, <class 'str'>",
	model.TypeBlob:      "<class 'bytes'>, <class 'bytearray'>, file-like object",
	model.TypeList:      "<class 'list'>, <class 'tuple'>",
	model.TypeMap:       "<class 'dict'>",
	model.TypeStructure: "<class 'dict'>",
}

// coercer types generic values (from shorthand, JSON, YAML) by the model.
type coercer struct {
	v            paramValidation
	binaryFormat string // base64 | raw-in-base64-out
	fromShort    bool   // shorthand: single values become lists, strings become numbers
	noRequired   bool   // a partial input (the command line fills the rest)
	// lenient types what it can and keeps the rest unchanged, reporting
	// nothing: one command-line value, before the whole input is validated.
	lenient bool
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func (c *coercer) structure(sh *model.Shape, v any, path string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.add("Invalid type for parameter %s, value: %s, type: %s, valid types: %s", path, pyRepr(v), pyType(v), pyValidTypes[sh.Type])
		return nil
	}
	if c.lenient {
		c.noRequired = true
	}
	where := path
	if where == "" {
		where = "input"
	}
	for _, r := range sh.Order {
		if sh.Required[r] && !c.lenient && !(c.noRequired && path == "") {
			if x, ok := m[r]; !ok || x == nil {
				c.add("Missing required parameter in %s: \"%s\"", where, r)
			}
		}
	}
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		if sh.Members[k] == nil {
			if c.lenient {
				out[k] = m[k]
				continue
			}
			c.add("Unknown parameter in %s: \"%s\", must be one of: %s", where, k, strings.Join(sh.Order, ", "))
		}
	}
	for _, k := range sh.Order {
		x, ok := m[k]
		if !ok || x == nil {
			continue
		}
		if v, ok := c.value(sh.Members[k].Shape, x, joinPath(path, k)); ok {
			out[k] = v
		}
	}
	return out
}

func (c *coercer) value(sh *model.Shape, v any, path string) (any, bool) {
	bad := func() (any, bool) {
		if c.lenient {
			return v, true
		}
		c.add("Invalid type for parameter %s, value: %s, type: %s, valid types: %s", path, pyRepr(v), pyType(v), pyValidTypes[sh.Type])
		return nil, false
	}
	switch sh.Type {
	case model.TypeStructure:
		if _, isMap := v.(map[string]any); !isMap && c.lenient {
			return v, true
		}
		m := c.structure(sh, v, path)
		return m, m != nil
	case model.TypeList:
		l, ok := v.([]any)
		if !ok {
			if !c.fromShort {
				return bad()
			}
			l = []any{v}
		}
		if sh.Min != nil && float64(len(l)) < *sh.Min {
			c.add("Invalid length for parameter %s, value: %d, valid min length: %s", path, len(l), fmtFloat(*sh.Min))
		}
		out := make([]any, 0, len(l))
		for i, e := range l {
			if x, ok := c.value(sh.Member.Shape, e, fmt.Sprintf("%s[%d]", path, i)); ok {
				out = append(out, x)
			}
		}
		return out, true
	case model.TypeMap:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		if sh.Min != nil && float64(len(m)) < *sh.Min {
			c.add("Invalid length for parameter %s, value: %d, valid min length: %s", path, len(m), fmtFloat(*sh.Min))
		}
		out := map[string]any{}
		for k, e := range m {
			if x, ok := c.value(sh.Value.Shape, e, path+"."+k); ok {
				out[k] = x
			}
		}
		return out, true
	case model.TypeString:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if sh.Min != nil && float64(len([]rune(s))) < *sh.Min {
			c.add("Invalid length for parameter %s, value: %d, valid min length: %s", path, len([]rune(s)), fmtFloat(*sh.Min))
		}
		return s, true
	case model.TypeInteger, model.TypeLong:
		var n int64
		switch t := v.(type) {
		case json.Number:
			i, err := t.Int64()
			if err != nil {
				return bad()
			}
			n = i
		case int:
			n = int64(t)
		case int64:
			n = t
		case float64:
			if t != math.Trunc(t) {
				return bad()
			}
			n = int64(t)
		case string:
			if !c.fromShort {
				return bad()
			}
			i, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
			if err != nil {
				c.add("invalid literal for int() with base 10: '%s'", t)
				return nil, false
			}
			n = i
		default:
			return bad()
		}
		if sh.Min != nil && float64(n) < *sh.Min {
			c.add("Invalid value for parameter %s, value: %d, valid min value: %s", path, n, fmtFloat(*sh.Min))
		}
		return n, true
	case model.TypeDouble, model.TypeFloat:
		switch t := v.(type) {
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return bad()
			}
			return f, true
		case int:
			return float64(t), true
		case int64:
			return float64(t), true
		case float64:
			return t, true
		case string:
			if c.fromShort {
				if f, err := strconv.ParseFloat(t, 64); err == nil {
					return f, true
				}
			}
		}
		return bad()
	case model.TypeBoolean:
		switch t := v.(type) {
		case bool:
			return t, true
		case string:
			if c.fromShort {
				switch strings.ToLower(t) {
				case "true":
					return true, true
				case "false":
					return false, true
				}
			}
		}
		return bad()
	case model.TypeTimestamp:
		switch t := v.(type) {
		case time.Time:
			return t, true
		case json.Number:
			f, err := t.Float64()
			if err == nil {
				return epochTime(f), true
			}
		case int:
			return time.Unix(int64(t), 0).UTC(), true
		case float64:
			return epochTime(t), true
		case string:
			if ts, ok := parseTimestampInput(t); ok {
				return ts, true
			}
			c.add("Invalid timestamp for parameter %s: %s", path, t)
			return nil, false
		}
		return bad()
	case model.TypeBlob:
		switch t := v.(type) {
		case []byte:
			return t, true
		case string:
			if c.binaryFormat == "raw-in-base64-out" {
				return []byte(t), true
			}
			b, err := base64.StdEncoding.DecodeString(t)
			if err != nil {
				c.add("Invalid base64: \"%s\" for parameter %s", t, path)
				return nil, false
			}
			return b, true
		}
		return bad()
	}
	return v, true
}

func epochTime(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC()
}

func parseTimestampInput(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epochTime(f), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02", time.RFC1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// decodeJSONValue parses JSON keeping numbers exact.
func decodeJSONValue(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("Extra data after the JSON value")
	}
	return v, nil
}

// decodeYAMLValue parses YAML into the same generic form as JSON.
func decodeYAMLValue(s string) (any, error) {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return normalizeYAML(v), nil
}

func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeYAML(e)
		}
		return t
	case map[any]any:
		m := map[string]any{}
		for k, e := range t {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = normalizeYAML(e)
		}
		return t
	}
	return v
}

// skeleton builds the sample document of shape as botocore's
// ArgumentGenerator does: empty strings (member names when memberNames),
// the first enum value, 0, 0.0, true, the epoch; recursion stops at a
// structure already on the stack.
func skeleton(sh *model.Shape, memberNames bool, name string, stack []string, o *orderer) any {
	stack = append(stack, sh.Name)
	switch sh.Type {
	case model.TypeStructure:
		n := 0
		for _, s := range stack {
			if s == sh.Name {
				n++
			}
		}
		if n > 1 {
			return o.newMap(nil, nil)
		}
		vals := make([]any, len(sh.Order))
		for i, m := range sh.Order {
			vals[i] = skeleton(sh.Members[m].Shape, memberNames, m, stack, o)
		}
		return o.newMap(sh.Order, vals)
	case model.TypeList:
		n := ""
		if memberNames {
			n = sh.Member.Shape.Name
		}
		return []any{skeleton(sh.Member.Shape, memberNames, n, stack, o)}
	case model.TypeMap:
		return o.newMap([]string{"KeyName"}, []any{skeleton(sh.Value.Shape, memberNames, "", stack, o)})
	case model.TypeString:
		if memberNames {
			return name
		}
		if len(sh.Enum) > 0 {
			return sh.Enum[0]
		}
		return ""
	case model.TypeInteger, model.TypeLong:
		return int64(0)
	case model.TypeFloat, model.TypeDouble:
		return pyFloat(0)
	case model.TypeBoolean:
		return true
	case model.TypeTimestamp:
		return "1970-01-01T00:00:00"
	}
	return nil
}

// yamlInputSkeleton is --generate-cli-skeleton yaml-input: the input
// skeleton as YAML, each member commented with whether it is required and
// the values it accepts.
func yamlInputSkeleton(sh *model.Shape) string {
	if sh == nil {
		return "{}\n"
	}
	var b bytes.Buffer
	writeYAMLSkeleton(&b, sh, 0, nil)
	return b.String()
}

func writeYAMLSkeleton(b *bytes.Buffer, sh *model.Shape, indent int, stack []string) {
	pad := strings.Repeat("  ", indent)
	for _, n := range sh.Order {
		m := sh.Members[n].Shape
		var notes []string
		if sh.Required[n] {
			notes = append(notes, "[REQUIRED]")
		}
		if len(m.Enum) > 0 {
			notes = append(notes, "Valid values are: "+strings.Join(m.Enum, ", "))
		}
		comment := ""
		if len(notes) > 0 {
			comment = "  # " + strings.Join(notes, " ")
		}
		switch m.Type {
		case model.TypeStructure:
			rec := false
			for _, s := range stack {
				rec = rec || s == m.Name
			}
			if rec || len(m.Order) == 0 {
				fmt.Fprintf(b, "%s%s: {}%s\n", pad, n, comment)
				continue
			}
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			writeYAMLSkeleton(b, m, indent+1, append(stack, sh.Name))
		case model.TypeList:
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			el := m.Member.Shape
			if el.Type == model.TypeStructure && len(el.Order) > 0 {
				var sub bytes.Buffer
				writeYAMLSkeleton(&sub, el, 0, append(stack, sh.Name))
				for i, line := range strings.Split(strings.TrimRight(sub.String(), "\n"), "\n") {
					lead := "  "
					if i == 0 {
						lead = "- "
					}
					fmt.Fprintf(b, "%s%s%s\n", pad, lead, line)
				}
			} else {
				fmt.Fprintf(b, "%s- %s\n", pad, yamlScalar(skeleton(el, false, "", stack, newOrderer())))
			}
		case model.TypeMap:
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			fmt.Fprintf(b, "%s  KeyName: %s\n", pad, yamlScalar(skeleton(m.Value.Shape, false, "", stack, newOrderer())))
		default:
			fmt.Fprintf(b, "%s%s: %s%s\n", pad, n, yamlScalar(skeleton(m, false, n, stack, newOrderer())), comment)
		}
	}
}

func yamlScalar(v any) string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return "''"
		}
		return t
	case map[string]any:
		return "{}"
	case []any:
		return "[]"
	case nil:
		return "null"
	}
	return pyStr(v)
}

// pyValue turns generic input values into the printable tree's types.
func pyValue(v any) any {
	switch t := v.(type) {
	case json.Number:
		if f, err := t.Float64(); err == nil {
			return f
		}
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = pyValue(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			out[k] = pyValue(e)
		}
		return out
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return v
}
