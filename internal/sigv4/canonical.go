package sigv4

import (
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

type payloadMode uint8

const (
	payloadBody     payloadMode = iota // hex(sha256(body))
	payloadDeclared                    // X-Amz-Content-Sha256 as sent
	payloadUnsigned                    // UNSIGNED-PAYLOAD
)

// variant selects between the canonicalisations clients disagree on.
type variant struct {
	rawPath  bool   // skip dot-segment removal (Go SDK v2) instead of normalising (botocore)
	rawQuery bool   // query pairs as sent, sorted (botocore with a pre-built URL)
	allWS    bool   // collapse all whitespace in header values (botocore), not just spaces
	host     string // value used for the host header
	payload  payloadMode
}

func (s *sigReq) appendCanonical(b []byte, r *http.Request, vr *variant, bodyHex *[64]byte) []byte {
	m := r.Method
	if m == "" {
		m = http.MethodGet
	}
	b = append(b, m...)
	b = append(b, '\n')

	p := escapedPath(r)
	if s.auth.Service == "s3" {
		b = append(b, p...)
	} else {
		if !vr.rawPath {
			p = removeDotSegments(p)
		}
		b = appendEscaped(b, p, true)
	}
	b = append(b, '\n')

	if vr.rawQuery && r.URL != nil {
		b = append(b, rawCanonicalQuery(r.URL.RawQuery, s.presigned)...)
	} else {
		b = append(b, s.canonQ...)
	}
	b = append(b, '\n')

	for _, h := range s.auth.SignedHeaders {
		b = append(b, h...)
		b = append(b, ':')
		b = appendHeader(b, r, h, vr)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, s.auth.signedList...)
	b = append(b, '\n')

	switch vr.payload {
	case payloadDeclared:
		b = append(b, s.declared...)
	case payloadUnsigned:
		b = append(b, unsignedPayload...)
	default:
		b = append(b, bodyHex[:]...)
	}
	return b
}

func escapedPath(r *http.Request) string {
	if r.URL == nil {
		return "/"
	}
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

// removeDotSegments follows botocore: RFC 3986 dot-segment removal plus
// collapsing of empty segments, keeping a trailing slash.
func removeDotSegments(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] == '/' && !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return p // common case: nothing to do
	}
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	var b strings.Builder
	if p[0] == '/' {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(out, "/"))
	if p[len(p)-1] == '/' && len(out) > 0 {
		b.WriteByte('/')
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperhex = "0123456789ABCDEF"

// appendEscaped percent-encodes everything outside RFC 3986's unreserved set
// (and '/' when keepSlash), upper-case hex, space as %20.
func appendEscaped(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

func escapeQuery(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return string(appendEscaped(make([]byte, 0, len(s)+16), s, false))
		}
	}
	return s
}

// qpair is one decoded query parameter.
type qpair struct{ k, v string }

// parseQuery splits the raw query itself rather than using url.ParseQuery,
// which drops pairs containing ';'. '+' decodes to a space as in the Go SDK.
func parseQuery(raw string) []qpair {
	q := make([]qpair, 0, strings.Count(raw, "&")+1)
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		q = append(q, qpair{unescapeQuery(k), unescapeQuery(v)})
	}
	return q
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s // invalid escape: keep as sent, the signature decides
}

func lookupQuery(q []qpair, k string) (string, bool) {
	for _, p := range q {
		if p.k == k {
			return p.v, true
		}
	}
	return "", false
}

// canonicalQuery encodes every pair, then sorts by encoded key and value, as
// the SigV4 spec and both SDKs do.
func canonicalQuery(q []qpair, presigned bool) string {
	if len(q) == 0 {
		return ""
	}
	enc := make([]qpair, 0, len(q))
	for _, p := range q {
		if presigned && p.k == "X-Amz-Signature" {
			continue
		}
		enc = append(enc, qpair{escapeQuery(p.k), escapeQuery(p.v)})
	}
	return joinSorted(enc)
}

func joinSorted(enc []qpair) string {
	slices.SortFunc(enc, func(a, b qpair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// rawCanonicalQuery mirrors botocore's handling of a query already in the
// URL: pairs as sent, sorted, no re-encoding.
func rawCanonicalQuery(raw string, presigned bool) string {
	var enc []qpair
	for piece := range strings.SplitSeq(raw, "&") {
		k, v, _ := strings.Cut(piece, "=")
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		enc = append(enc, qpair{k, v})
	}
	return joinSorted(enc)
}

func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// appendHeader appends the canonical value of one signed header. Go's server
// moves Host (and Transfer-Encoding) out of r.Header, so those are rebuilt.
func appendHeader(b []byte, r *http.Request, name string, vr *variant) []byte {
	switch name {
	case "host":
		return appendValue(b, vr.host, vr.allWS)
	case "content-length":
		if vals := r.Header["Content-Length"]; len(vals) > 0 {
			return appendValues(b, vals, vr.allWS)
		}
		if r.ContentLength >= 0 {
			return strconv.AppendInt(b, r.ContentLength, 10)
		}
		return b
	case "transfer-encoding":
		if vals := r.Header["Transfer-Encoding"]; len(vals) > 0 {
			return appendValues(b, vals, vr.allWS)
		}
		return appendValues(b, r.TransferEncoding, vr.allWS)
	}
	return appendValues(b, headerValues(r.Header, name), vr.allWS)
}

// headerValues looks name up without allocating for the usual token names.
func headerValues(h http.Header, name string) []string {
	var kb [64]byte
	var vals []string
	if len(name) <= len(kb) && isToken(name) {
		k := kb[:len(name)]
		upper := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			k[i] = c
			upper = c == '-'
		}
		vals = h[string(k)]
	} else {
		vals = h[textproto.CanonicalMIMEHeaderKey(name)]
	}
	if vals != nil {
		return vals
	}
	// Requests built in code may carry non-canonical keys.
	for k, v := range h {
		if strings.EqualFold(k, name) {
			vals = append(vals, v...)
		}
	}
	return vals
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func appendValues(b []byte, vals []string, allWS bool) []byte {
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendValue(b, v, allWS)
	}
	return b
}

// appendValue trims the value and collapses inner runs of spaces (Go SDK);
// with allWS, runs of any whitespace become one space (botocore's split/join).
func appendValue(b []byte, v string, allWS bool) []byte {
	if allWS {
		return append(b, strings.Join(strings.FieldsFunc(v, pyIsSpace), " ")...)
	}
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return b
}

// pyIsSpace matches Python's str.split() separators.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// hasOddWhitespace reports whether any signed header value has whitespace
// other than plain spaces, i.e. whether the allWS variant can differ.
func (s *sigReq) hasOddWhitespace(r *http.Request) bool {
	for _, name := range s.auth.SignedHeaders {
		for _, v := range headerValues(r.Header, name) {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < 0x20 || c >= 0x80 {
					return true
				}
			}
		}
	}
	return false
}
