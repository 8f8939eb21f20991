package iam

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
)

// contextValue checks one value of a ContextKeyType and returns it as
// the engine compares it ("" and false when it is not of the type).
type contextValue func(string) (string, bool)

// contextTypes are the ContextKeyType values by scalar type; the List
// forms take any number of the same values.
var contextTypes = map[string]contextValue{
	"string": func(v string) (string, bool) { return v, true },
	"numeric": func(v string) (string, bool) {
		_, err := strconv.ParseFloat(v, 64)
		return v, err == nil
	},
	"boolean": func(v string) (string, bool) {
		l := strings.ToLower(v)
		return l, l == "true" || l == "false"
	},
	"ip": func(v string) (string, bool) {
		_, err := netip.ParseAddr(v)
		return v, err == nil
	},
	"binary": func(v string) (string, bool) {
		// Base64, compared by bytes (BinaryEquals).
		b, err := base64.StdEncoding.DecodeString(v)
		return base64.StdEncoding.EncodeToString(b), err == nil
	},
	"date": func(v string) (string, bool) {
		_, ok := policy.ParseDate(v)
		return v, ok
	},
}

var contextTypeWords = map[string]string{
	"string": "a string", "numeric": "a number", "boolean": "true or false", "ip": "an IP address",
	"binary": "base64-encoded binary data", "date": "a date (ISO 8601 or epoch seconds)",
}

// contextEntries reads ContextEntries into the request's context: each
// value checked against its ContextKeyType, so that the condition
// operators compare what AWS compares. A key without a type is a string.
func contextEntries(entries []iamapi.ContextEntry) (policy.Context, error) {
	ctx := policy.Context{}
	for _, e := range entries {
		name := opt.Deref(e.ContextKeyName)
		if name == "" {
			return nil, iamapi.NewInvalidInputException("Each context entry must include a ContextKeyName.")
		}
		typ := "string"
		if e.ContextKeyType != nil {
			typ = string(*e.ContextKeyType)
		}
		scalar, list := strings.CutSuffix(typ, "List")
		check, ok := contextTypes[scalar]
		if !ok {
			return nil, iamapi.NewInvalidInputException("Invalid ContextKeyType %s for context key %s.", typ, name)
		}
		if !list && len(e.ContextKeyValues) > 1 {
			return nil, iamapi.NewInvalidInputException("Context key %s of type %s takes one value; use %sList for several.", name, typ, typ)
		}
		vals := make([]string, 0, len(e.ContextKeyValues))
		for _, v := range e.ContextKeyValues {
			cv, ok := check(v)
			if !ok {
				return nil, iamapi.NewInvalidInputException("Invalid value %q for context key %s of type %s: expected %s.", v, name, typ, contextTypeWords[scalar])
			}
			vals = append(vals, cv)
		}
		ctx.Set(name, vals...)
	}
	return ctx, nil
}
