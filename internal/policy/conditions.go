package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type opFamily int

const (
	famUnknown opFamily = iota
	famString
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
	famNull
)

func family(base string) opFamily {
	switch {
	case strings.HasPrefix(base, "String"):
		return famString
	case strings.HasPrefix(base, "Numeric"):
		return famNumeric
	case strings.HasPrefix(base, "Date"):
		return famDate
	case base == "Bool":
		return famBool
	case base == "BinaryEquals":
		return famBinary
	case base == "IpAddress" || base == "NotIpAddress":
		return famIP
	case strings.HasPrefix(base, "Arn"):
		return famArn
	case base == "Null":
		return famNull
	}
	return famUnknown
}

// tri is the outcome of a condition: it holds, it does not, or it
// cannot be evaluated (a value of the wrong type, an unknown operator).
type tri int

const (
	no tri = iota
	yes
	fault
)

// eval evaluates the condition against the request. Missing keys: the
// positive operators do not match, the negated ones do (IAM's rule), and
// ...IfExists matches; ForAnyValue on an absent or empty key does not
// match, ForAllValues does (vacuously). Null tests presence.
func (c *condition) eval(r *Request, vars bool) (tri, bool) {
	vals, present := r.Context.get(c.key)
	if c.Base == "Null" {
		if c.bad {
			return fault, false
		}
		absent := !present || len(vals) == 0
		for _, v := range c.Values {
			if (v == "true") == absent {
				return yes, false
			}
		}
		return no, false
	}
	cc := c
	if c.vars && vars {
		sub := *c
		values := make([]string, 0, len(c.Values))
		for _, v := range c.Values {
			s, ok := substitute(v, r, false)
			if !ok {
				continue // an unresolved variable matches nothing
			}
			values = append(values, s)
		}
		sub.bad = false
		sub.parse(values)
		if family(c.Base) == famString || family(c.Base) == famArn {
			sub.pats = sub.pats[:0]
			for _, v := range c.Values {
				if s, ok := substitute(v, r, true); ok {
					sub.pats = append(sub.pats, pattern{s: s, vars: true})
				}
			}
		}
		sub.Values = values
		cc = &sub
	}
	if cc.bad || family(cc.Base) == famUnknown {
		return fault, !present
	}
	if !present || len(vals) == 0 {
		switch {
		case c.Set == "ForAllValues":
			return yes, true
		case c.Set == "ForAnyValue":
			return no, true
		case c.IfExists:
			return yes, true
		case c.negated:
			return yes, true
		}
		return no, true
	}
	// per value: positive operators match a value equal to (like) one of
	// the policy's; negated ones a value equal to none of them.
	one := func(v string) tri {
		m := cc.matchAny(v)
		if m == fault {
			return fault
		}
		if cc.negated {
			if m == yes {
				return no
			}
			return yes
		}
		return m
	}
	switch c.Set {
	case "ForAllValues":
		for _, v := range vals {
			if t := one(v); t != yes {
				return t, false
			}
		}
		return yes, false
	case "ForAnyValue":
		res := no
		for _, v := range vals {
			switch one(v) {
			case yes:
				return yes, false
			case fault:
				res = fault
			}
		}
		return res, false
	}
	// Without a qualifier, a multi-valued key matches when any value does
	// (for the negated operators: when no value matches the positive).
	res := no
	for _, v := range vals {
		m := cc.matchAny(v)
		if m == yes {
			res = yes
			break
		}
		if m == fault {
			res = fault
		}
	}
	if res == fault {
		return fault, false
	}
	if cc.negated {
		if res == yes {
			return no, false
		}
		return yes, false
	}
	return res, false
}

// matchAny reports whether the context value v matches one of the
// condition's values under the positive form of its operator.
func (c *condition) matchAny(v string) tri {
	switch family(c.Base) {
	case famString:
		switch c.Base {
		case "StringEquals", "StringNotEquals":
			for _, x := range c.Values {
				if x == v {
					return yes
				}
			}
		case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
			for _, x := range c.Values {
				if strings.EqualFold(x, v) {
					return yes
				}
			}
		case "StringLike", "StringNotLike":
			for _, p := range c.pats {
				if p.match(v) {
					return yes
				}
			}
		default:
			return fault
		}
		return no
	case famNumeric:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fault
		}
		for _, x := range c.nums {
			if cmpOK(c.Base[len("Numeric"):], compareFloat(f, x)) {
				return yes
			}
		}
		return no
	case famDate:
		t, ok := parseTime(v)
		if !ok {
			return fault
		}
		for _, x := range c.times {
			if cmpOK(c.Base[len("Date"):], t.Compare(x)) {
				return yes
			}
		}
		return no
	case famBool:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fault
		}
		for _, x := range c.Values {
			if strings.EqualFold(x, v) {
				return yes
			}
		}
		return no
	case famBinary:
		for _, x := range c.Values {
			if x == v || sameBinary(x, v) {
				return yes
			}
		}
		return no
	case famIP:
		ip, err := netip.ParseAddr(v)
		if err != nil {
			return fault
		}
		ip = ip.Unmap()
		for _, n := range c.nets {
			if n.Contains(ip) {
				return yes
			}
		}
		return no
	case famArn:
		if !strings.HasPrefix(v, "arn:") {
			return no
		}
		for _, p := range c.pats {
			if matchARN(p, v) {
				return yes
			}
		}
		return no
	}
	return fault
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpOK applies a comparison suffix ("Equals", "LessThanEquals", ...) to
// the sign of a comparison. The Not forms are handled by negation.
func cmpOK(op string, c int) bool {
	switch op {
	case "Equals", "NotEquals":
		return c == 0
	case "LessThan":
		return c < 0
	case "LessThanEquals":
		return c <= 0
	case "GreaterThan":
		return c > 0
	case "GreaterThanEquals":
		return c >= 0
	}
	return false
}

// sameBinary compares two base64 values by their bytes, as BinaryEquals
// does ("the value in the policy is base-64 encoded").
func sameBinary(a, b string) bool {
	x, err1 := base64.StdEncoding.DecodeString(a)
	y, err2 := base64.StdEncoding.DecodeString(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// ParseDate reads a date as the Date operators do (ISO 8601 or epoch
// seconds).
func ParseDate(s string) (time.Time, bool) { return parseTime(s) }

// parseTime reads the date forms IAM accepts: ISO 8601 (with or without
// time, zone, fraction) and epoch seconds.
func parseTime(s string) (time.Time, bool) {
	if allDigits(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), true
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseNet reads a CIDR block or a single address.
func parseNet(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), true
}

// match reports whether s matches the glob. Patterns made by variable
// substitution (vars) escape literal characters with a backslash.
func (p pattern) match(s string) bool {
	if p.literal && !p.vars {
		return p.s == s
	}
	return glob(p.s, s, p.vars)
}

// glob matches "*" (any run, including none) and "?" (one character);
// with escapes, "\x" is the literal x.
func glob(pat, s string, escapes bool) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		if px < len(pat) {
			c := pat[px]
			switch {
			case c == '*':
				starP, starS = px, sx
				px++
				continue
			case c == '?':
				_, w := utf8.DecodeRuneInString(s[sx:])
				px++
				sx += w
				continue
			case c == '\\' && escapes && px+1 < len(pat):
				if pat[px+1] == s[sx] {
					px += 2
					sx++
					continue
				}
			default:
				if c == s[sx] {
					px++
					sx++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		px, sx = starP+1, starS
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}

// matchARN matches an ARN against a pattern component by component, as
// IAM does for Resource and the Arn operators: the first five
// colon-separated parts are matched each on its own, the sixth (the
// resource, which may hold colons) as the rest.
func matchARN(p pattern, arn string) bool {
	if p.s == "*" {
		return true
	}
	if p.literal && !p.vars {
		return p.s == arn
	}
	pp, ok1 := splitARN(p.s)
	ap, ok2 := splitARN(arn)
	if !ok1 || !ok2 {
		return glob(p.s, arn, p.vars)
	}
	for i := range 6 {
		if !glob(pp[i], ap[i], p.vars) {
			return false
		}
	}
	return true
}

// splitARN cuts an ARN into its six parts (without allocating); ok is
// false when it has fewer.
func splitARN(s string) (parts [6]string, ok bool) {
	for i := range 5 {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return parts, false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	parts[5] = s
	return parts, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
