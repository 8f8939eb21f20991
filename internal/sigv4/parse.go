package sigv4

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Authorization is a parsed Authorization header.
type Authorization struct {
	Algorithm, AccessKeyID, Date, Region, Service, Terminator string
	SignedHeaders                                             []string // lowercased, in the order sent
	Signature                                                 string

	signedList string // SignedHeaders as sent, lowercased, for the canonical request
}

// ParseAuthorization parses and validates a SigV4 Authorization header. The
// error is an *Error with KindIncomplete; its message never contains the
// signature.
func ParseAuthorization(h string) (*Authorization, error) {
	a, problems := parseAuthorization(h)
	if len(problems) > 0 {
		return nil, incompleteHeader(a, problems, h)
	}
	return a, nil
}

func incompleteHeader(a *Authorization, problems []string, h string) *Error {
	msg := strings.Join(problems, " ")
	if a.Algorithm == algorithm {
		// Other schemes (Basic, Bearer) carry secrets: never echo them.
		msg += " Authorization=" + redactAuthorization(h)
	}
	return newErr(KindIncomplete, msg)
}

// parseAuthorization returns every problem found, so Verify can add its own
// (missing date) to one message the way AWS does.
func parseAuthorization(h string) (*Authorization, []string) {
	h = strings.TrimSpace(h)
	alg, rest, _ := strings.Cut(h, " ")
	a := &Authorization{Algorithm: alg}
	if alg != algorithm {
		// Do not echo the rest: for e.g. Basic auth it is a secret.
		return a, []string{"Unsupported AWS 'algorithm': '" + sanitize(redactHexRuns(alg), 32) + "'; only '" + algorithm + "' is supported."}
	}

	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	var problems []string
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, []string{fmt.Sprintf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.",
				redactPart(part), redactAuthorization(h))}
		}
		var dup bool
		switch k {
		case "Credential":
			dup, cred, haveCred = haveCred, val, true
		case "SignedHeaders":
			dup, signed, haveSigned = haveSigned, val, true
		case "Signature":
			dup, sig, haveSig = haveSig, val, true
		}
		if dup {
			problems = append(problems, "Authorization header has a duplicate '"+k+"' parameter.")
		}
	}
	if !haveCred || cred == "" {
		problems = append(problems, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig || sig == "" {
		problems = append(problems, "Authorization header requires 'Signature' parameter.")
	}
	if !haveSigned || signed == "" {
		problems = append(problems, "Authorization header requires 'SignedHeaders' parameter.")
	}
	a.Signature = sig
	if cred != "" {
		if p := parseCredential(cred, a); p != "" {
			problems = append(problems, p)
		}
	}
	if signed != "" {
		if p := parseSignedHeaders(signed, a); p != "" {
			problems = append(problems, p)
		}
	}
	return a, problems
}

// parseCredential splits AKID/YYYYMMDD/region/service/aws4_request into a.
func parseCredential(c string, a *Authorization) string {
	akid, rest, ok1 := strings.Cut(c, "/")
	date, rest, ok2 := strings.Cut(rest, "/")
	region, rest, ok3 := strings.Cut(rest, "/")
	service, term, ok4 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || !ok3 || !ok4 || akid == "" || region == "" || service == "" || strings.Contains(term, "/") {
		return `Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
	}
	if term != terminator {
		return "Credential should be scoped with a valid terminator: '" + terminator + "', not '" + sanitize(term, 32) + "'."
	}
	if len(date) != len(scopeDateLayout) {
		return "Credential should be scoped to a valid date (YYYYMMDD), not '" + sanitize(date, 32) + "'."
	}
	if _, err := time.Parse(scopeDateLayout, date); err != nil {
		return "Credential should be scoped to a valid date (YYYYMMDD), not '" + sanitize(date, 32) + "'."
	}
	a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = akid, date, region, service, term
	return ""
}

// parseSignedHeaders fills a.SignedHeaders from "a;b;c".
func parseSignedHeaders(s string, a *Authorization) string {
	s = strings.ToLower(s) // no allocation when already lower case, as SDKs send it
	list := s              // equals strings.Join(hs, ";") since empty names are rejected
	hs := make([]string, 0, strings.Count(s, ";")+1)
	host := false
	for s != "" {
		var h string
		h, s, _ = strings.Cut(s, ";")
		if h == "" {
			return "SignedHeaders contains an empty header name."
		}
		host = host || h == "host"
		hs = append(hs, h)
	}
	if len(hs) == 0 {
		return "SignedHeaders contains an empty header name."
	}
	if !host {
		return "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	}
	a.SignedHeaders, a.signedList = hs, list
	return ""
}

// redactAuthorization returns the header for an error message with any
// signature value removed.
func redactAuthorization(h string) string {
	var b strings.Builder
	for i, part := range strings.Split(h, ",") {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(redactPart(part))
	}
	return sanitize(b.String(), 512)
}

func redactPart(p string) string {
	if i := indexFold(p, "signature"); i >= 0 {
		p = p[:i] + "Signature=<redacted>"
	}
	return sanitize(redactHexRuns(p), 256)
}

// indexFold is an ASCII case-insensitive strings.Index; unlike
// Index(ToLower(s)) its result indexes s even for invalid UTF-8.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// redactHexRuns hides anything that looks like a signature sent without its
// "Signature=" label.
func redactHexRuns(s string) string {
	const minRun = 32
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start >= 0 {
			if end-start >= minRun {
				b.WriteString("<redacted>")
			} else {
				b.WriteString(s[start:end])
			}
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteByte(c)
	}
	flush(len(s))
	return b.String()
}

// sanitize makes client input safe to put in a message: valid UTF-8, no
// control characters, bounded length.
func sanitize(s string, max int) string {
	if len(s) > max {
		s = s[:max] + "..."
	}
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
