package model

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// What both codecs (awsjson, awsquery) do alike with document values:
// which are absent, and how a scalar member's value is coerced and
// written. Each codec supplies only its wire forms (ScalarWire).

// Absent reports whether v stands for a missing member: untyped nil or a
// nil pointer. Nil slices and maps are present and empty, so a handler
// that builds a list by appending to nothing still answers an empty list.
func Absent(v any) bool {
	if v == nil {
		return true
	}
	switch t := v.(type) {
	case string, int64, bool, float64, []any, map[string]any, time.Time, []byte:
		return false
	case *time.Time:
		return t == nil
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// ScalarWire is how a codec writes the scalars whose wire form is its
// own; booleans, integers and finite doubles are written alike.
type ScalarWire struct {
	String    func(b []byte, s string) []byte
	Timestamp func(b []byte, t time.Time) []byte
	Blob      func(b []byte, p []byte) []byte
	// FloatName writes NaN, Infinity or -Infinity (FloatName's names).
	FloatName func(b []byte, name string) []byte
}

// AppendScalar writes v, the value of a member of scalar shape type typ,
// in the wire form w. A value whose Go type does not fit (see the As*
// helpers) is an error saying what was wanted, as is a type that is not
// a scalar's.
func AppendScalar(b []byte, typ string, v any, w *ScalarWire) ([]byte, error) {
	switch typ {
	case TypeString:
		if s, ok := AsString(v); ok {
			return w.String(b, s), nil
		}
		return nil, mismatch("string", v)
	case TypeBoolean:
		if t, ok := AsBool(v); ok {
			return strconv.AppendBool(b, t), nil
		}
		return nil, mismatch("bool", v)
	case TypeInteger, TypeLong:
		if i, ok := AsInt(v); ok {
			return strconv.AppendInt(b, i, 10), nil
		}
		return nil, mismatch("int64", v)
	case TypeDouble, TypeFloat:
		f, ok := AsFloat(v)
		if !ok {
			return nil, mismatch("float64", v)
		}
		if name, ok := FloatName(f); ok {
			return w.FloatName(b, name), nil
		}
		format := byte('f') // plain decimal where that is short, as encoding/json
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
			format = 'e'
		}
		return strconv.AppendFloat(b, f, format, -1, 64), nil
	case TypeTimestamp:
		if t, ok := AsTime(v); ok {
			return w.Timestamp(b, t), nil
		}
		return nil, mismatch("time.Time", v)
	case TypeBlob:
		if p, ok := v.([]byte); ok {
			return w.Blob(b, p), nil
		}
		return nil, mismatch("[]byte", v)
	}
	return nil, errors.New("unsupported shape type " + typ)
}

func mismatch(want string, v any) error {
	return fmt.Errorf("want %s, got %T", want, v)
}

// FloatName is how AWS spells the doubles neither JSON nor decimal text
// can: NaN, Infinity and -Infinity.
func FloatName(f float64) (string, bool) {
	switch {
	case math.IsNaN(f):
		return "NaN", true
	case math.IsInf(f, 1):
		return "Infinity", true
	case math.IsInf(f, -1):
		return "-Infinity", true
	}
	return "", false
}

// ParseFloatName reads what FloatName writes.
func ParseFloatName(s string) (float64, bool) {
	switch s {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	return 0, false
}

// DecodeBase64 reads a blob, with or without padding (some clients drop
// it).
func DecodeBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return nil, false
		}
	}
	return b, true
}
