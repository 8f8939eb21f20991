package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jmespath/go-jmespath"

	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/protocol/awsjson"
)

// --query uses github.com/jmespath/go-jmespath, the reference Go
// implementation of the JMESPath specification that the AWS CLI's
// jmespath.py implements (no community extensions, so an expression means
// what it means to `aws`). The query runs on the response after
// pagination has merged it (per page for text output, as the CLI does).
//
// JSON and YAML output keep the model's member order. Go maps have none,
// so the orderer remembers, per map, the order its keys were produced in:
// model order for structures from the response, the expression's order for
// multi-select hashes ({a: x, b: y}) the query builds. Projections and
// field access hand back the very maps of the input, so their order
// survives the query.

type orderer struct {
	byPtr  map[uintptr][]string
	keep   []map[string]any
	hashes [][]string
}

func newOrderer() *orderer { return &orderer{byPtr: map[uintptr][]string{}} }

func (o *orderer) register(m map[string]any, keys []string) {
	o.byPtr[reflect.ValueOf(m).Pointer()] = keys
	o.keep = append(o.keep, m)
}

func (o *orderer) newMap(keys []string, vals []any) map[string]any {
	m := make(map[string]any, len(keys))
	for i, k := range keys {
		m[k] = vals[i]
	}
	o.register(m, keys)
	return m
}

// keys returns m's keys in output order.
func (o *orderer) keys(m map[string]any) []string {
	if o != nil {
		if ks, ok := o.byPtr[reflect.ValueOf(m).Pointer()]; ok && sameKeys(ks, m) {
			return ks
		}
		for _, h := range o.hashes {
			if sameKeys(h, m) {
				return h
			}
		}
	}
	return sortedKeys(m)
}

func sameKeys(ks []string, m map[string]any) bool {
	if len(ks) != len(m) {
		return false
	}
	for _, k := range ks {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func compileQuery(expr string) (*jmespath.JMESPath, error) {
	return jmespath.Compile(expr)
}

// applyQuery runs expr on v and records the key order of the hashes the
// expression builds.
func applyQuery(expr string, v any, o *orderer) (any, error) {
	q, err := compileQuery(expr)
	if err != nil {
		return nil, err
	}
	collectHashes(expr, o)
	out, err := q.Search(v)
	if err != nil {
		return nil, fmt.Errorf("The query failed: %v", err)
	}
	return out, nil
}

// collectHashes finds the key lists of the multi-select hashes in expr
// ({a: x, "b c": y}); the library keeps its syntax tree private, so this
// is a small scan that skips literals and quoted names.
func collectHashes(expr string, o *orderer) {
	rs := []rune(expr)
	skipQuoted := func(i int) int { // i at an opening quote; returns index of the closing one
		q := rs[i]
		for j := i + 1; j < len(rs); j++ {
			if rs[j] == '\\' {
				j++
				continue
			}
			if rs[j] == q {
				return j
			}
		}
		return len(rs)
	}
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\'', '`', '"':
			i = skipQuoted(i)
		case '{':
			var keys []string
			depth, start := 0, i+1
			for j := i + 1; j < len(rs); j++ {
				c := rs[j]
				switch {
				case c == '\'' || c == '`' || (c == '"' && depth > 0):
					j = skipQuoted(j)
				case c == '{' || c == '[' || c == '(':
					depth++
				case c == '}' || c == ']' || c == ')':
					if depth == 0 {
						j = len(rs)
						continue
					}
					depth--
				case c == ',' && depth == 0:
					start = j + 1
				case c == ':' && depth == 0 && start >= 0:
					k := strings.TrimSpace(string(rs[start:j]))
					if len(k) >= 2 && k[0] == '"' {
						if uq, err := strconv.Unquote(k); err == nil {
							k = uq
						}
					}
					keys = append(keys, k)
					start = -1
				case c == '"' && depth == 0:
					j = skipQuoted(j)
				}
			}
			if len(keys) > 0 {
				o.hashes = append(o.hashes, keys)
			}
		}
	}
}

// pyFloat is a model double, printed as Python prints a float (1.0).
type pyFloat float64

// treeOptions say how scalars become printable values.
type treeOptions struct {
	timestampFormat string // iso8601 | wire | none
	jsonProtocol    bool
	forQuery        bool // all numbers float64, for JMESPath
}

// toTree turns a response document into the printable tree: numbers as
// float64 (pyFloat for doubles), timestamps as strings (ISO 8601 with the
// local offset, as AWS CLI v2 prints them), blobs as base64, maps with
// their key order registered.
func toTree(sh *model.Shape, v any, o *orderer, opt treeOptions) any {
	switch t := v.(type) {
	case map[string]any:
		var order []string
		if sh != nil && sh.Type == model.TypeStructure {
			for _, k := range sh.Order {
				if _, ok := t[k]; ok {
					order = append(order, k)
				}
			}
			for _, k := range sortedKeys(t) {
				if sh.Members[k] == nil {
					order = append(order, k)
				}
			}
		} else {
			order = sortedKeys(t)
		}
		vals := make([]any, len(order))
		for i, k := range order {
			var sub *model.Shape
			if sh != nil {
				switch sh.Type {
				case model.TypeStructure:
					if m := sh.Members[k]; m != nil {
						sub = m.Shape
					}
				case model.TypeMap:
					sub = sh.Value.Shape
				}
			}
			vals[i] = toTree(sub, t[k], o, opt)
		}
		return o.newMap(order, vals)
	case []any:
		var sub *model.Shape
		if sh != nil && sh.Type == model.TypeList {
			sub = sh.Member.Shape
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toTree(sub, e, o, opt)
		}
		return out
	case string:
		if sh != nil && sh.Name == policyDocumentShape {
			if doc, ok := decodePolicyDocument(t, o); ok {
				return doc
			}
		}
		return t
	case time.Time:
		return formatTimestamp(t, opt)
	case []byte:
		return base64.StdEncoding.EncodeToString(t)
	case int64:
		return float64(t)
	case int:
		return float64(t)
	case float64:
		if opt.forQuery || sh == nil || (sh.Type != model.TypeDouble && sh.Type != model.TypeFloat) {
			return t
		}
		return pyFloat(t)
	case pyFloat:
		if opt.forQuery {
			return float64(t)
		}
		return t
	}
	return v
}

func formatTimestamp(t time.Time, opt treeOptions) any {
	switch opt.timestampFormat {
	case "wire", "none":
		if opt.jsonProtocol {
			return float64(t.UnixNano()) / 1e9
		}
		return t.UTC().Format("2006-01-02T15:04:05.999999999Z")
	}
	return isoFormat(pythonTime(t, opt.jsonProtocol).In(time.Local))
}

// pythonTime is the time as botocore hands it to the AWS CLI, at
// microsecond precision. From awsJson it parses the epoch text into a
// float and rounds its fraction half to even (datetime.fromtimestamp);
// from an ISO 8601 string dateutil keeps the first six fractional digits.
func pythonTime(t time.Time, jsonProtocol bool) time.Time {
	if !jsonProtocol {
		return t.Truncate(time.Microsecond)
	}
	f, err := strconv.ParseFloat(string(awsjson.AppendEpoch(nil, t)), 64)
	if err != nil {
		return t.Round(time.Microsecond)
	}
	sec, frac := math.Modf(f)
	us := math.RoundToEven(frac * 1e6)
	return time.Unix(int64(sec), int64(us)*1000)
}

// isoFormat is Python's datetime.isoformat(): microseconds only when not
// zero, the offset as +HH:MM.
func isoFormat(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + t.Format("-07:00")
}

// policyDocumentShape is the IAM shape of every policy document IAM
// returns, URL-encoded on the wire.
const policyDocumentShape = "policyDocumentType"

// decodePolicyDocument does what the AWS CLI does to IAM's policy
// documents (botocore's json_decode_policies): URL-unquote (leaving '+'
// alone), then parse as JSON, keeping the document's key order. A value
// that does not parse stays the string it was.
func decodePolicyDocument(s string, o *orderer) (any, bool) {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeOrdered(dec, o)
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// decodeOrdered reads one JSON value, registering each object's key order.
func decodeOrdered(dec *json.Decoder, o *orderer) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var keys []string
			var vals []any
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec, o)
				if err != nil {
					return nil, err
				}
				if i := indexOf(keys, k); i >= 0 { // Python keeps the last value, in the first place
					vals[i] = v
					continue
				}
				keys, vals = append(keys, k), append(vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o.newMap(keys, vals), nil
		case '[':
			out := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec, o)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return out, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return float64(i), nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		return pyFloat(f), nil
	}
	return tok, nil
}

func indexOf(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}
