// Package awsjson is the awsJson1_1 codec (WorkMail), written once for every
// operation and driven only by the model. It works in both directions: the
// server decodes requests and encodes responses and errors; the project's
// CLI encodes requests and decodes responses and errors.
//
// Requests and responses are documents (see package model): map[string]any
// for structures and maps, []any for lists, and string, int64, float64,
// bool, time.Time and []byte for scalars.
package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/model/document"
)

// ContentType is the media type of awsJson1_1 requests and responses.
const ContentType = "application/x-amz-json-1.1"

// maxDepth bounds the nesting of JSON containers in a body. The deepest
// WorkMail shape is far shallower; the bound keeps hostile input cheap.
const maxDepth = 64

// DecodeRequest turns a request body into a document of shape (nil when the
// operation takes no input). An empty body or {} is an empty document;
// members the model does not know are ignored and JSON null means absent,
// as AWS does. Anything that is not JSON of the modeled types is a
// SerializationException (400, sender fault) naming the member. So is an
// object with the same key twice, at any depth: RFC 8259 leaves its
// meaning to each parser (the first, the last, an error), so a proxy in
// front could read another request than this server would.
func DecodeRequest(shape *model.Shape, body []byte) (map[string]any, error) {
	doc, err := decodeBody(shape, body)
	if err != nil {
		return nil, NewSerializationException("%s", err.Error())
	}
	return doc, nil
}

// NewSerializationException is the awsJson protocol's error for a request
// it cannot read (400, sender fault).
func NewSerializationException(format string, args ...any) *apierror.Error {
	return apierror.MalformedInput.InJSON(format, args...)
}

// DecodeResponse is the client-side twin of DecodeRequest: a response body
// into a document of shape.
func DecodeResponse(shape *model.Shape, body []byte) (map[string]any, error) {
	doc, err := decodeBody(shape, body)
	if err != nil {
		return nil, fmt.Errorf("awsjson: decode response: %w", err)
	}
	return doc, nil
}

func decodeBody(shape *model.Shape, body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	if err := checkDepth(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	// Decode stops after one value; anything after it is garbage.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("malformed JSON: unexpected data after the top-level object")
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the body must be a JSON object, found %s", kindOf(v))
	}
	if shape == nil {
		return map[string]any{}, nil
	}
	return decodeStruct(shape, top)
}

// readValue reads one JSON value as encoding/json decodes into an any
// (json.Number for numbers), refusing an object that repeats a key.
func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	switch d {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, syntaxError(err)
			}
			k, _ := kt.(string) // the decoder allows nothing else here
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("malformed JSON: the key \"%s\" appears more than once in an object", truncate(k))
			}
			if m[k], err = readValue(dec); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxError(err)
		}
		return m, nil
	case '[':
		a := []any{}
		for dec.More() {
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxError(err)
		}
		return a, nil
	}
	return nil, fmt.Errorf("malformed JSON: unexpected %q", rune(d))
}

func syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed JSON at offset %d: %s", se.Offset, se.Error())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("malformed JSON: unexpected end of input")
	}
	return fmt.Errorf("malformed JSON: %s", err.Error())
}

// checkDepth rejects bodies nested deeper than maxDepth before the decoder
// builds anything; it only has to track strings to tell brackets apart.
func checkDepth(b []byte) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("the body nests deeper than %d levels", maxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// fieldError names the member a value belongs to, in the path style of
// model.Validate ("rules.member.1.targetUsers"). The path is built while
// the error travels up (see within), so success costs no path strings.
type fieldError struct {
	path string
	msg  string
}

func (e *fieldError) Error() string {
	return fmt.Sprintf("Invalid value at '%s': %s", e.path, e.msg)
}

func typeError(want string, v any) error {
	return &fieldError{msg: fmt.Sprintf("expected %s, found %s", want, kindOf(v))}
}

// within prefixes the path of a fieldError with the segment of its parent.
func within(err error, seg string) error {
	if fe, ok := err.(*fieldError); ok {
		fe.path = model.JoinPath(seg, fe.path)
	}
	return err
}

func memberSeg(name string) string { return model.LowerFirst(name) }
func indexSeg(i int) string        { return "member." + strconv.Itoa(i+1) }
func mapSeg(k string) string       { return truncate(k) + ".value" }

// truncate keeps hostile values from bloating error messages.
func truncate(s string) string { return model.Truncate(s, 64) }

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func decodeStruct(sh *model.Shape, m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for _, name := range sh.Order {
		mem := sh.Members[name]
		x, ok := m[mem.WireName()]
		if !ok || x == nil {
			continue
		}
		v, err := decodeValue(mem.Shape, x)
		if err != nil {
			return nil, within(err, memberSeg(name))
		}
		out[name] = v
	}
	return out, nil
}

func decodeValue(sh *model.Shape, x any) (any, error) {
	if sh.Document {
		return decodeDocument(x)
	}
	switch sh.Type {
	case model.TypeStructure:
		m, ok := x.(map[string]any)
		if !ok {
			return nil, typeError("an object", x)
		}
		return decodeStruct(sh, m)
	case model.TypeList:
		l, ok := x.([]any)
		if !ok {
			return nil, typeError("an array", x)
		}
		out := make([]any, 0, len(l))
		for i, e := range l {
			if e == nil { // the models have no sparse lists
				continue
			}
			v, err := decodeValue(sh.Member.Shape, e)
			if err != nil {
				return nil, within(err, indexSeg(i))
			}
			out = append(out, v)
		}
		return out, nil
	case model.TypeMap:
		m, ok := x.(map[string]any)
		if !ok {
			return nil, typeError("an object", x)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic first error
		out := make(map[string]any, len(m))
		for _, k := range keys {
			e := m[k]
			if e == nil {
				continue
			}
			v, err := decodeValue(sh.Value.Shape, e)
			if err != nil {
				return nil, within(err, mapSeg(k))
			}
			out[k] = v
		}
		return out, nil
	case model.TypeString:
		s, ok := x.(string)
		if !ok {
			return nil, typeError("a string", x)
		}
		return s, nil
	case model.TypeBoolean:
		b, ok := x.(bool)
		if !ok {
			return nil, typeError("a boolean", x)
		}
		return b, nil
	case model.TypeInteger, model.TypeLong:
		n, ok := x.(json.Number)
		if !ok {
			return nil, typeError("an integer", x)
		}
		bits := 64
		if sh.Type == model.TypeInteger {
			bits = 32
		}
		i, err := parseInteger(string(n), bits)
		if err != nil {
			return nil, &fieldError{msg: err.Error()}
		}
		return i, nil
	case model.TypeDouble, model.TypeFloat:
		switch n := x.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil {
				return nil, &fieldError{msg: fmt.Sprintf("%s is out of range for a %s", truncate(string(n)), sh.Type)}
			}
			return f, nil
		case string:
			// JSON has no NaN or infinities; AWS spells them as strings.
			if f, ok := model.ParseFloatName(n); ok {
				return f, nil
			}
		}
		return nil, typeError("a number", x)
	case model.TypeTimestamp:
		switch t := x.(type) {
		case json.Number:
			ts, ok := model.ParseEpochSeconds(string(t))
			if !ok {
				return nil, &fieldError{msg: fmt.Sprintf("%s is not a valid epoch-seconds timestamp", truncate(string(t)))}
			}
			return ts, nil
		case string:
			ts, ok := model.ParseTimestamp(t)
			if !ok {
				return nil, &fieldError{msg: fmt.Sprintf("%q is not an ISO 8601 timestamp", truncate(t))}
			}
			return ts, nil
		}
		return nil, typeError("a timestamp (epoch seconds)", x)
	case model.TypeBlob:
		s, ok := x.(string)
		if !ok {
			return nil, typeError("a base64 string", x)
		}
		b, ok := model.DecodeBase64(s)
		if !ok {
			return nil, &fieldError{msg: "the value is not valid base64"}
		}
		return b, nil
	}
	return nil, &fieldError{msg: "unsupported shape type " + sh.Type}
}

// decodeDocument passes the JSON value of a document shape through as it
// is: any kind, numbers with every digit (json.Number marshals as read).
func decodeDocument(x any) (any, error) {
	d, err := document.Of(x)
	if err != nil {
		return nil, &fieldError{msg: err.Error()}
	}
	return d, nil
}

// parseInteger accepts a JSON number that is exactly an integer of the
// given width ("3", "-3", also "3.0" or "3e2"), and nothing else.
func parseInteger(s string, bits int) (int64, error) {
	i, err := strconv.ParseInt(s, 10, bits)
	if err == nil {
		return i, nil
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return 0, fmt.Errorf("%s is out of range for a %d-bit integer", truncate(s), bits)
	}
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("%s is not an integer", truncate(s))
	}
	lim := math.Ldexp(1, bits-1)
	if f < -lim || f >= lim {
		return 0, fmt.Errorf("%s is out of range for a %d-bit integer", truncate(s), bits)
	}
	return int64(f), nil
}
