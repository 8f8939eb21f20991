package cli

import (
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

// The one coercion path. Whatever the user types for a value of the model
// (a parameter's words, the text of --cli-input-json or --cli-input-yaml)
// becomes a document value through readValue and nothing else, in two
// steps, as awscli's argprocess does:
//
//	read  the text into a generic tree: file:// and fileb://, JSON, YAML,
//	      shorthand, or one word per list item (readWords, readDocument);
//	type  the tree by the shape: numbers, booleans, timestamps and blobs
//	      from their spellings, a lone value where a list goes (coercer).
//
// The merged input is then checked as a whole, as botocore's parameter
// validator does (validateInput), by the same coercer, strict this time.

// textSyntax says how the text of a value is read.
type textSyntax int

const (
	syntaxWords textSyntax = iota // a parameter: shorthand, JSON, or one word per list item
	syntaxJSON                    // --cli-input-json
	syntaxYAML                    // --cli-input-yaml
)

// rawValue is what the user typed for one value.
type rawValue struct {
	name   string   // the parameter, for messages: "--rules", "cli-input-json"
	words  []string // a parameter's words (one unless the shape is a list); a document's text
	syntax textSyntax
	path   string // the value's place in the input, for validation messages
}

// readValue is the CLI's one way from typed text to a document value of
// shape sh. It types leniently: what does not fit the shape is kept as it
// is, for validateInput to report in botocore's words. Without a shape
// (an operation without input) the value comes back as read.
func readValue(sh *model.Shape, raw rawValue, binaryFormat string) (any, error) {
	var generic any
	var fromShort bool
	var err error
	if raw.syntax == syntaxWords {
		generic, fromShort, err = readWords(sh, raw.name, raw.words)
	} else {
		generic, err = readDocument(raw.syntax, raw.words[0])
	}
	if err != nil || sh == nil {
		return generic, err
	}
	c := &coercer{binaryFormat: binaryFormat, fromShort: fromShort, lenient: true}
	v, _ := c.value(sh, generic, raw.path)
	if c.err != nil {
		if raw.syntax == syntaxWords && sh.Type == model.TypeList && isScalarShape(sh.Member.Shape) && fromShort {
			// awscli names the parameter and its first word.
			return nil, paramError(raw.name, raw.words[0])
		}
		return nil, c.err
	}
	return v, nil
}

// paramError is awscli's ParamError: a value that could not be read.
func paramError(name, msg string) error {
	return &usageError{plain: true, msg: fmt.Sprintf("Error parsing parameter '%s': %s", name, msg)}
}

func invalidJSON(err error, text string) string {
	return fmt.Sprintf("Invalid JSON: %v\nJSON received: %s", err, text)
}

// readDocument reads the text of --cli-input-json or --cli-input-yaml,
// which must be a map.
func readDocument(syntax textSyntax, text string) (any, error) {
	if syntax == syntaxYAML {
		v, err := decodeYAMLValue(text)
		if _, ok := v.(map[string]any); err != nil || !ok {
			return nil, &usageError{plain: true, msg: fmt.Sprintf("Error parsing parameter 'cli-input-yaml': Invalid YAML received: %v", err)}
		}
		return v, nil
	}
	v, err := decodeJSONValue(text)
	if _, ok := v.(map[string]any); err != nil || !ok {
		return nil, &usageError{plain: true, msg: fmt.Sprintf("Error parsing parameter 'cli-input-json': Invalid JSON received.\nJSON received: %s", text)}
	}
	return v, nil
}

// readWords reads a parameter's words for shape sh: a lone file:// or
// fileb:// word stands for the file's content (bytes for a blob read with
// fileb://); structures and maps are JSON or shorthand; lists are JSON,
// one JSON or shorthand word per element, or one word per scalar. fromShort
// says the tree came from shorthand or words, whose scalars are strings to
// be typed by the model.
func readWords(sh *model.Shape, name string, words []string) (generic any, fromShort bool, err error) {
	if len(words) == 1 {
		content, isFile, err := loadParamFile(words[0])
		if isFile {
			if err != nil {
				return nil, false, paramError(name, err.Error())
			}
			if b, isBytes := content.([]byte); isBytes && sh.Type == model.TypeBlob {
				return b, true, nil
			}
			words = []string{paramText(content)}
		}
	}
	switch sh.Type {
	case model.TypeStructure, model.TypeMap:
		return readComplex(name, words[0])
	case model.TypeList:
		return readList(sh, name, words)
	}
	return words[0], true, nil
}

// readComplex reads one structure or map: JSON when it starts with "{",
// shorthand otherwise.
func readComplex(name, s string) (any, bool, error) {
	if strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "{") {
		v, err := decodeJSONValue(s)
		if err != nil {
			return nil, false, paramError(name, invalidJSON(err, s))
		}
		return v, false, nil
	}
	if s == "" {
		return nil, false, paramError(name, "Invalid JSON:\n")
	}
	v, err := ParseShorthand(s)
	if err != nil {
		return nil, false, paramError(name, err.Error())
	}
	return v, true, nil
}

// readList reads a list: one JSON array, or one element per word (JSON or
// shorthand for structures, maps and lists; the word itself for scalars);
// no words are an empty list.
func readList(sh *model.Shape, name string, words []string) (any, bool, error) {
	if len(words) == 0 {
		return []any{}, false, nil
	}
	first := strings.TrimLeft(words[0], " \t\r\n")
	complexEl := !isScalarShape(sh.Member.Shape)
	switch {
	case len(words) == 1 && strings.HasPrefix(first, "["):
		v, err := decodeJSONValue(words[0])
		if err != nil {
			return nil, false, paramError(name, invalidJSON(err, words[0]))
		}
		return v, false, nil
	case complexEl && strings.HasPrefix(first, "{"):
		l, err := readEach(words, func(s string) (any, error) {
			v, err := decodeJSONValue(s)
			if err != nil {
				return nil, paramError(name, invalidJSON(err, s))
			}
			return v, nil
		})
		return l, false, err
	case complexEl:
		l, err := readEach(words, func(s string) (any, error) {
			v, err := ParseShorthand(s)
			if err != nil {
				return nil, paramError(name, err.Error())
			}
			return v, nil
		})
		return l, true, err
	}
	l, _ := readEach(words, func(s string) (any, error) { return s, nil })
	return l, true, nil
}

func readEach(words []string, read func(string) (any, error)) ([]any, error) {
	l := []any{}
	for _, s := range words {
		v, err := read(s)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
	return l, nil
}

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

// normalizeYAML gives YAML's maps string keys, as JSON's have.
func normalizeYAML(v any) any { return mapTree(v, func(x any) any { return x }) }

// mapTree copies a generic tree (maps with string keys, as YAML's get
// them, and lists) with leaf applied to every scalar.
func mapTree(v any, leaf func(any) any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = mapTree(e, leaf)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = mapTree(e, leaf)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = mapTree(e, leaf)
		}
		return l
	}
	return leaf(v)
}

// validateInput checks the whole input as botocore's parameter validator
// does, once the command line and the input file have been merged.
func validateInput(sh *model.Shape, doc map[string]any, binaryFormat string) error {
	c := &coercer{binaryFormat: binaryFormat}
	c.structure(sh, doc, "")
	return c.v.err()
}

// ---------------------------------------------------------------------------
// Typing a generic tree by the model.

// coercer types generic values (from shorthand, JSON, YAML) by the model.
type coercer struct {
	v paramValidation
	// err is the first value that could not be read at all, which stops
	// the AWS CLI before any validation (Python's int() or base64 refusing
	// it: exit 255).
	err          error
	binaryFormat string // base64 | raw-in-base64-out
	fromShort    bool   // shorthand: single values become lists, strings become numbers
	// lenient types what it can and keeps the rest unchanged, reporting
	// nothing: one value as read, before the whole input is validated.
	lenient bool
}

// fail records a value that cannot be read at all.
func (c *coercer) fail(format string, args ...any) (any, bool) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
	return nil, false
}

func (c *coercer) add(format string, args ...any) {
	if !c.lenient {
		c.v.add(format, args...)
	}
}

// bad reports v as not of sh's type, botocore's "Invalid type"; a lenient
// coercer keeps v for the validation to report.
func (c *coercer) bad(sh *model.Shape, v any, path string) (any, bool) {
	if c.lenient {
		return v, true
	}
	c.add("Invalid type for parameter %s, value: %s, type: %s, valid types: %s", path, pyRepr(v), pyType(v), pyValidTypes[sh.Type])
	return nil, false
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// value types v by sh; false drops it (its error has been recorded).
func (c *coercer) value(sh *model.Shape, v any, path string) (any, bool) {
	if sh.Document {
		return v, true // any JSON value, as written
	}
	switch sh.Type {
	case model.TypeStructure:
		m, ok := v.(map[string]any)
		if !ok {
			return c.bad(sh, v, path)
		}
		return c.structure(sh, m, path), true
	case model.TypeList:
		return c.list(sh, v, path)
	case model.TypeMap:
		return c.mapValue(sh, v, path)
	case model.TypeString:
		return c.str(sh, v, path)
	case model.TypeInteger, model.TypeLong:
		return c.integer(sh, v, path)
	case model.TypeDouble, model.TypeFloat:
		if f, ok := floatOf(v, c.fromShort); ok {
			return f, true
		}
		return c.bad(sh, v, path)
	case model.TypeBoolean:
		if b, ok := boolOf(v, c.fromShort); ok {
			return b, true
		}
		return c.bad(sh, v, path)
	case model.TypeTimestamp:
		return c.timestamp(sh, v, path)
	case model.TypeBlob:
		return c.blob(sh, v, path)
	}
	return v, true
}

func (c *coercer) structure(sh *model.Shape, m map[string]any, path string) map[string]any {
	where := path
	if where == "" {
		where = "input"
	}
	for _, r := range sh.Order {
		if x, ok := m[r]; sh.Required[r] && (!ok || x == nil) {
			c.add("Missing required parameter in %s: \"%s\"", where, r)
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

func (c *coercer) list(sh *model.Shape, v any, path string) (any, bool) {
	l, ok := v.([]any)
	if !ok {
		if !c.fromShort {
			return c.bad(sh, v, path)
		}
		l = []any{v}
	}
	c.checkLength(sh, len(l), path)
	out := make([]any, 0, len(l))
	for i, e := range l {
		if x, ok := c.value(sh.Member.Shape, e, fmt.Sprintf("%s[%d]", path, i)); ok {
			out = append(out, x)
		}
	}
	return out, true
}

func (c *coercer) mapValue(sh *model.Shape, v any, path string) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return c.bad(sh, v, path)
	}
	c.checkLength(sh, len(m), path)
	out := map[string]any{}
	for k, e := range m {
		if x, ok := c.value(sh.Value.Shape, e, path+"."+k); ok {
			out[k] = x
		}
	}
	return out, true
}

func (c *coercer) checkLength(sh *model.Shape, n int, path string) {
	if sh.Min != nil && float64(n) < *sh.Min {
		c.add("Invalid length for parameter %s, value: %d, valid min length: %s", path, n, fmtFloat(*sh.Min))
	}
}

func (c *coercer) str(sh *model.Shape, v any, path string) (any, bool) {
	s, ok := v.(string)
	if !ok {
		return c.bad(sh, v, path)
	}
	c.checkLength(sh, len([]rune(s)), path)
	return s, true
}

func (c *coercer) integer(sh *model.Shape, v any, path string) (any, bool) {
	n, ok := intOf(v)
	if s, isString := v.(string); isString && c.fromShort {
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return c.fail("invalid literal for int() with base 10: '%s'", s)
		}
		n, ok = i, true
	}
	if !ok {
		return c.bad(sh, v, path)
	}
	if sh.Min != nil && float64(n) < *sh.Min {
		c.add("Invalid value for parameter %s, value: %d, valid min value: %s", path, n, fmtFloat(*sh.Min))
	}
	return n, true
}

func (c *coercer) timestamp(sh *model.Shape, v any, path string) (any, bool) {
	if s, ok := v.(string); ok {
		if ts, ok := parseTimestampInput(s); ok {
			return ts, true
		}
	} else if ts, ok := timeOf(v); ok {
		return ts, true
	}
	return c.bad(sh, v, path)
}

func (c *coercer) blob(sh *model.Shape, v any, path string) (any, bool) {
	switch t := v.(type) {
	case []byte:
		return t, true
	case string:
		if c.binaryFormat == "raw-in-base64-out" {
			return []byte(t), true
		}
		b, ok := pyBase64Decode(t)
		if !ok {
			return c.fail("Invalid base64: \"%s\"", t)
		}
		return b, true
	}
	return c.bad(sh, v, path)
}

// pyBase64Decode decodes as Python's base64.b64decode, which the AWS CLI
// uses: characters outside the alphabet are skipped, and the padding that
// completes a quantum ends the data.
func pyBase64Decode(s string) ([]byte, bool) {
	var data []byte
	pads := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '=' {
			if q := len(data) % 4; q >= 2 {
				if pads++; q+pads >= 4 {
					data = append(data, strings.Repeat("=", 4-q)...)
					break
				}
			}
			continue
		}
		if strings.IndexByte(base64Alphabet, ch) < 0 {
			continue
		}
		pads = 0
		data = append(data, ch)
	}
	b, err := base64.StdEncoding.DecodeString(string(data))
	return b, err == nil
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// intOf is v as an integer, if it is a whole number.
func intOf(v any) (int64, bool) {
	switch t := v.(type) {
	case json.Number:
		i, err := t.Int64()
		return i, err == nil
	case int:
		return int64(t), true
	case int64:
		return t, true
	case float64:
		return int64(t), t == math.Trunc(t)
	}
	return 0, false
}

// floatOf is v as a float; a string counts when it came from shorthand.
func floatOf(v any, fromShort bool) (float64, bool) {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case string:
		if fromShort {
			f, err := strconv.ParseFloat(t, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// boolOf is v as a boolean; "true" and "false" count when they came from
// shorthand.
func boolOf(v any, fromShort bool) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		if fromShort {
			switch strings.ToLower(t) {
			case "true":
				return true, true
			case "false":
				return false, true
			}
		}
	}
	return false, false
}

// timeOf is v as a time, numbers being seconds since the epoch.
func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return epochTime(f), err == nil
	case int:
		return time.Unix(int64(t), 0).UTC(), true
	case float64:
		return epochTime(t), true
	}
	return time.Time{}, false
}
