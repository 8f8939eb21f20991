package audit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mailgate/mailgate/internal/model"
)

// Hidden replaces every redacted value, in CloudTrail's words.
const Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

// Redact copies a document of shape with every secret replaced by
// Hidden and, with a shape, member names in CloudTrail's lower camel
// case (without one, names are kept as they are). A member is
// secret when its shape is sensitive in the model or its name says it
// holds a password, a secret or private key, a token, a TOTP seed or
// code (secretName). shape may be nil: names alone decide then.
func Redact(doc map[string]any, shape *model.Shape) map[string]any {
	if doc == nil {
		return nil
	}
	out := make(map[string]any, len(doc))
	for name, v := range doc {
		key := name
		var ms *model.Shape
		if shape != nil {
			key = lowerCamel(name)
			if m := shape.Members[name]; m != nil {
				ms = m.Shape
			}
		}
		if secretName(name) || (ms != nil && ms.Sensitive) {
			out[key] = Hidden
			continue
		}
		out[key] = redactValue(v, ms)
	}
	return out
}

func redactValue(v any, shape *model.Shape) any {
	switch x := v.(type) {
	case map[string]any:
		if shape != nil && shape.Type == model.TypeMap {
			return redactMap(x, shape)
		}
		return Redact(x, shape)
	case []any:
		var elem *model.Shape
		if shape != nil && shape.Member != nil {
			elem = shape.Member.Shape
		}
		if elem != nil && elem.Sensitive {
			return Hidden
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactValue(e, elem)
		}
		return out
	}
	return v
}

// redactMap keeps a map's keys as they are (tags, attributes), hiding
// sensitive values.
func redactMap(m map[string]any, shape *model.Shape) map[string]any {
	var val *model.Shape
	if shape.Value != nil {
		val = shape.Value.Shape
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if (val != nil && val.Sensitive) || secretName(k) {
			out[k] = Hidden
			continue
		}
		out[k] = redactValue(v, val)
	}
	return out
}

// notSecretTokens end in "Token" but are pagination or idempotency
// tokens, not credentials.
var notSecretTokens = map[string]bool{"nexttoken": true, "clienttoken": true, "paginationtoken": true, "continuationtoken": true}

// secretWords mark members that hold credentials whatever the model says.
var secretWords = []string{"password", "secret", "privatekey", "seed", "samlassertion", "authenticationcode", "tokencode", "qrcode", "idtoken"}

// secretName reports whether a member name says it holds a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return (strings.HasSuffix(n, "token") || strings.HasSuffix(n, "tokens")) && !notSecretTokens[n]
}

// lowerCamel is CloudTrail's spelling of a member name: "UserName" →
// "userName".
func lowerCamel(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
