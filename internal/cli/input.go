package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/model"
)

// Values in Python's and botocore's words, for the validation messages of
// the coercion path (coerce.go) and its timestamps.

// paramValidation collects botocore-style validation messages.
type paramValidation struct {
	errs []string
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
	model.TypeTimestamp: "<class 'datetime.datetime'>, timestamp-string",
	model.TypeBlob:      "<class 'bytes'>, <class 'bytearray'>, file-like object",
	model.TypeList:      "<class 'list'>, <class 'tuple'>",
	model.TypeMap:       "<class 'dict'>",
	model.TypeStructure: "<class 'dict'>",
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

// pyValue turns generic input values into the printable tree's types.
func pyValue(v any) any {
	return mapTree(v, func(x any) any {
		switch t := x.(type) {
		case json.Number:
			if f, err := t.Float64(); err == nil {
				return f
			}
		case int:
			return float64(t)
		case int64:
			return float64(t)
		}
		return x
	})
}
