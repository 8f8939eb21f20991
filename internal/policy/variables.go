package policy

import "strings"

// substitute replaces the policy variables in s from the request
// context: ${aws:username}, ${aws:PrincipalTag/team}, a default
// (${aws:username, 'nobody'}), and the escapes ${*}, ${?} and ${$} for
// the literal characters. A variable whose key is absent (or
// multi-valued) and has no default leaves the value unresolved: ok is
// false and the value matches nothing, as in IAM.
//
// With glob set the result is a pattern for glob matching with escapes:
// characters that came from the context or the escapes are literal.
func substitute(s string, r *Request, glob bool) (string, bool) {
	var b strings.Builder
	lit := func(x string, wild bool) {
		if !glob {
			b.WriteString(x)
			return
		}
		for i := 0; i < len(x); i++ {
			c := x[i]
			if c == '\\' || (!wild && (c == '*' || c == '?')) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit(s, true)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			lit(s, true)
			return b.String(), true
		}
		lit(s[:i], true)
		body := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch body {
		case "*", "?", "$":
			lit(body, false)
			continue
		}
		key, def, hasDef := body, "", false
		if k, d, ok := strings.Cut(body, ","); ok {
			key = strings.TrimSpace(k)
			d = strings.TrimSpace(d)
			if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
				def, hasDef = d[1:len(d)-1], true
			} else {
				return "", false
			}
		}
		vals, ok := r.Context.get(strings.ToLower(key))
		switch {
		case ok && len(vals) == 1:
			lit(vals[0], false)
		case hasDef:
			lit(def, false)
		default:
			return "", false
		}
	}
}

// Variables lists the keys the document's variables read (without the
// escapes), for GetContextKeysFor*Policy.
func variables(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		body := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		if body == "*" || body == "?" || body == "$" {
			continue
		}
		k, _, _ := strings.Cut(body, ",")
		out = append(out, strings.TrimSpace(k))
	}
}
