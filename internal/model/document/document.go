// Package document holds the values of the models' document shapes
// (smithy documents: shapes marked "document": true, such as
// identitystore's AttributeValue): untyped JSON values of any kind —
// object, array, string, number, boolean or null.
//
// A Value keeps the JSON text it was read from, compacted, so the awsJson
// codec writes back exactly what it read (numbers keep every digit); a
// handler reads it with AsString or Decode and builds one with String,
// Of or Raw.
package document

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Value is one JSON value. The zero Value is JSON null.
type Value struct {
	raw []byte // compact JSON text; nil for null
}

// Of is the document of v as encoding/json marshals it (without the
// HTML escaping encoding/json adds by default).
func Of(v any) (Value, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return Value{}, err
	}
	return Raw(bytes.TrimSpace(buf.Bytes()))
}

// String is the document of a JSON string.
func String(s string) Value {
	v, _ := Of(s) // a string always marshals
	return v
}

// Raw is the document of JSON text; text that is not one JSON value is an
// error.
func Raw(text []byte) (Value, error) {
	if !json.Valid(text) {
		return Value{}, errors.New("document: not a JSON value")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, text); err != nil {
		return Value{}, err
	}
	if bytes.Equal(buf.Bytes(), []byte("null")) {
		return Value{}, nil
	}
	return Value{raw: buf.Bytes()}, nil
}

// JSON is the value's compact JSON text ("null" for null).
func (v Value) JSON() []byte {
	if v.raw == nil {
		return []byte("null")
	}
	return v.raw
}

// IsNull reports whether the value is JSON null.
func (v Value) IsNull() bool { return v.raw == nil }

// Kind names the JSON type of the value: "object", "array", "string",
// "number", "boolean" or "null".
func (v Value) Kind() string {
	if v.raw == nil {
		return "null"
	}
	switch v.raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// AsString returns the value when it is a JSON string.
func (v Value) AsString() (string, bool) {
	if v.Kind() != "string" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v.raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// Decode unmarshals the value into out, as encoding/json does.
func (v Value) Decode(out any) error { return json.Unmarshal(v.JSON(), out) }

// Equal reports whether two values have the same JSON text.
func (v Value) Equal(w Value) bool { return bytes.Equal(v.raw, w.raw) }

// MarshalJSON writes the value itself, so that records holding documents
// store them as JSON.
func (v Value) MarshalJSON() ([]byte, error) { return v.JSON(), nil }

// UnmarshalJSON reads any JSON value.
func (v *Value) UnmarshalJSON(b []byte) error {
	x, err := Raw(b)
	if err != nil {
		return err
	}
	*v = x
	return nil
}
