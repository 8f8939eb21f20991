// Package sigv4 verifies AWS Signature Version 4 signed requests on the
// server side: the Authorization header form and the presigned query form.
package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	terminator      = "aws4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	amzDateLayout   = "20060102T150405Z"
	scopeDateLayout = "20060102"
	maxExpires      = 604800 // one week, AWS's limit for presigned URLs
	defaultMaxSkew  = 15 * time.Minute
)

// Credential is what the server knows about an access key.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is non-empty for temporary credentials: the request must
	// carry exactly this X-Amz-Security-Token.
	SessionToken string
	// SessionTokenSHA256, when set instead of SessionToken, is the
	// SHA-256 of the session token: the request must carry a token that
	// hashes to it (so a store need only keep the hash).
	SessionTokenSHA256 []byte
	Principal          any // opaque to this package, passed through
	// Unverified accepts a well-formed request without checking its
	// signature or its date (the server's test mode: the secret is not
	// known, or checking is off). A SessionToken, if set, must still match.
	Unverified bool
}

// CredentialSource looks up an access key. It returns (nil,
// ErrUnknownAccessKey) when the key does not exist or is inactive. Any other
// error is returned from Verify wrapped, not as *Error.
type CredentialSource interface {
	LookupCredential(ctx context.Context, accessKeyID string) (*Credential, error)
}

// ErrUnknownAccessKey is returned by a CredentialSource for unknown or
// inactive keys.
var ErrUnknownAccessKey = errors.New("unknown access key")

// Verifier checks SigV4 signatures. The zero value (with Credentials set) is
// ready to use; it must not be copied after first use because it holds the
// signing-key cache.
type Verifier struct {
	Credentials CredentialSource
	Now         func() time.Time // nil = time.Now
	MaxSkew     time.Duration    // 0 = 15 minutes
	// AllowUnsignedPayload accepts a canonical request whose payload
	// hash is the literal UNSIGNED-PAYLOAD (declared in
	// X-Amz-Content-Sha256, or implied by a presigned URL), which Amazon
	// S3 alone honours: the signature then covers no byte of the body.
	// Off (the zero value), as for every other AWS service, the signature
	// must cover the SHA-256 of the body actually received, and
	// UNSIGNED-PAYLOAD is a signature mismatch, as AWS answers it. See
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
	// (HashedPayload: "For Amazon S3, include the literal string
	// UNSIGNED-PAYLOAD") and
	// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html.
	AllowUnsignedPayload bool

	keys keyCache
}

// Result of a verified request.
type Result struct {
	Credential      *Credential
	AccessKeyID     string
	Region, Service string // from the credential scope
	SignedAt        time.Time
	Presigned       bool
	// SignedHeaders are the lowercased names of the headers the
	// signature covers (as the request lists them; for an unverified
	// credential, what it claims).
	SignedHeaders []string
}

// Signs reports whether the signature covers the header name.
func (r *Result) Signs(name string) bool {
	name = strings.ToLower(name)
	for _, h := range r.SignedHeaders {
		if h == name {
			return true
		}
	}
	return false
}

// Kind classifies authentication failures.
type Kind int

const (
	// KindMissing: no Authorization header and no X-Amz-Algorithm query.
	KindMissing Kind = iota
	// KindIncomplete: malformed Authorization header or presigned query.
	KindIncomplete
	// KindUnknownKey: the access key does not exist.
	KindUnknownKey
	// KindSignatureMismatch: the signature (or declared payload hash) is wrong.
	KindSignatureMismatch
	// KindExpired: clock skew beyond MaxSkew or presigned URL past expiry.
	KindExpired
	// KindInvalidToken: session token missing, unexpected or wrong.
	KindInvalidToken
)

func (k Kind) String() string {
	switch k {
	case KindMissing:
		return "Missing"
	case KindIncomplete:
		return "Incomplete"
	case KindUnknownKey:
		return "UnknownKey"
	case KindSignatureMismatch:
		return "SignatureMismatch"
	case KindExpired:
		return "Expired"
	case KindInvalidToken:
		return "InvalidToken"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is returned for every authentication failure; the caller maps Kind to
// each protocol's error code and may send Message to the client verbatim.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return "sigv4: " + e.Kind.String() + ": " + e.Message }

// AWS's wording, so SDK users see familiar messages.
const (
	MsgMissing           = "Missing Authentication Token"
	MsgMissingJSON       = "Request is missing Authentication Token"
	MsgInvalidToken      = "The security token included in the request is invalid."
	MsgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	MsgPayloadMismatch   = "The provided 'x-amz-content-sha256' header does not match what was computed."
	MsgRequestExpired    = "Request has expired"
)

func newErr(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

// sigReq is everything Verify extracted from the request before checking it.
type sigReq struct {
	auth      *Authorization
	amzDate   string // as it goes into the string to sign
	signedAt  time.Time
	presigned bool
	expires   int64  // seconds; -1 when the presigned URL carries none
	declared  string // X-Amz-Content-Sha256 as sent; "" when absent
	token     string
	hasToken  bool
	badToken  bool // ambiguous (repeated) token

	query  []qpair
	canonQ string // canonical query string
}

// Verify checks the request's signature. body is the full request body
// (already read); r.Body is not touched.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	s, err := v.extract(r)
	if err != nil {
		return nil, err
	}
	a := s.auth

	if v.Credentials == nil {
		return nil, errors.New("sigv4: Verifier.Credentials is nil")
	}
	cred, err := v.Credentials.LookupCredential(ctx, a.AccessKeyID)
	if err != nil {
		if errors.Is(err, ErrUnknownAccessKey) {
			return nil, newErr(KindUnknownKey, MsgInvalidToken)
		}
		return nil, fmt.Errorf("sigv4: credential lookup: %w", err)
	}
	if cred == nil {
		return nil, newErr(KindUnknownKey, MsgInvalidToken)
	}
	if cred.Unverified {
		if cred.SessionToken != "" || len(cred.SessionTokenSHA256) > 0 {
			if err := checkToken(cred, s); err != nil {
				return nil, err
			}
		}
		return &Result{Credential: cred, AccessKeyID: a.AccessKeyID, Region: a.Region, Service: a.Service, SignedAt: s.signedAt, Presigned: s.presigned,
			SignedHeaders: a.SignedHeaders}, nil
	}
	if s.declared == unsignedPayload && !v.AllowUnsignedPayload {
		// AWS outside S3 hashes the body it received into the canonical
		// request, so a signature over UNSIGNED-PAYLOAD never matches.
		return nil, newErr(KindSignatureMismatch, MsgSignatureMismatch)
	}

	var bodyHex [64]byte
	bodyHashed := false
	hashBody := func() {
		if !bodyHashed {
			sum := sha256.Sum256(body)
			hex.Encode(bodyHex[:], sum[:])
			bodyHashed = true
		}
	}
	if s.declared != "" && s.declared != unsignedPayload {
		hashBody()
		if !strings.EqualFold(s.declared, string(bodyHex[:])) {
			return nil, newErr(KindSignatureMismatch, MsgPayloadMismatch)
		}
	}

	var want [sha256.Size]byte
	if len(a.Signature) != 2*len(want) {
		return nil, newErr(KindSignatureMismatch, MsgSignatureMismatch)
	}
	if _, err := hex.Decode(want[:], []byte(a.Signature)); err != nil {
		return nil, newErr(KindSignatureMismatch, MsgSignatureMismatch)
	}

	key := v.keys.get(cred.SecretAccessKey, a.Date, a.Region, a.Service)

	base := variant{host: requestHost(r)}
	switch {
	case s.declared != "":
		base.payload = payloadDeclared
	case s.presigned && v.AllowUnsignedPayload:
		base.payload = payloadUnsigned
	default:
		hashBody()
		base.payload = payloadBody
	}
	if !s.matches(r, key, &base, &bodyHex, &want) {
		if !s.matchesAlternate(r, key, base, hashBody, &bodyHex, &want) {
			return nil, newErr(KindSignatureMismatch, MsgSignatureMismatch)
		}
	}

	if err := checkToken(cred, s); err != nil {
		return nil, err
	}
	if err := v.checkTime(s); err != nil {
		return nil, err
	}
	return &Result{
		Credential:  cred,
		AccessKeyID: a.AccessKeyID,
		Region:      a.Region,
		Service:     a.Service,
		SignedAt:    s.signedAt,
		Presigned:   s.presigned,

		SignedHeaders: a.SignedHeaders,
	}, nil
}

func checkToken(cred *Credential, s *sigReq) error {
	if s.badToken {
		return newErr(KindInvalidToken, MsgInvalidToken)
	}
	if len(cred.SessionTokenSHA256) > 0 {
		sum := sha256.Sum256([]byte(s.token))
		if !s.hasToken || subtle.ConstantTimeCompare(sum[:], cred.SessionTokenSHA256) != 1 {
			return newErr(KindInvalidToken, MsgInvalidToken)
		}
		return nil
	}
	if cred.SessionToken == "" {
		if s.hasToken {
			return newErr(KindInvalidToken, MsgInvalidToken)
		}
		return nil
	}
	if !s.hasToken || subtle.ConstantTimeCompare([]byte(s.token), []byte(cred.SessionToken)) != 1 {
		return newErr(KindInvalidToken, MsgInvalidToken)
	}
	return nil
}

func (v *Verifier) checkTime(s *sigReq) error {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	now = now.UTC()
	skew := v.MaxSkew
	if skew <= 0 {
		skew = defaultMaxSkew
	}
	if s.signedAt.Sub(now) > skew {
		return newErr(KindExpired, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
			s.signedAt.Format(amzDateLayout), now.Add(skew).Format(amzDateLayout), now.Format(amzDateLayout), skewText(skew)))
	}
	if s.presigned && s.expires >= 0 {
		if now.After(s.signedAt.Add(time.Duration(s.expires) * time.Second)) {
			return newErr(KindExpired, MsgRequestExpired)
		}
		return nil
	}
	if now.Sub(s.signedAt) > skew {
		return newErr(KindExpired, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
			s.signedAt.Format(amzDateLayout), now.Add(-skew).Format(amzDateLayout), now.Format(amzDateLayout), skewText(skew)))
	}
	return nil
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return d.String()
}

// matches builds the canonical request for one variant and compares the
// signature in constant time.
func (s *sigReq) matches(r *http.Request, key *hmacKey, vr *variant, bodyHex *[64]byte, want *[sha256.Size]byte) bool {
	sc := getScratch()
	defer putScratch(sc)

	sc.buf = s.appendCanonical(sc.buf[:0], r, vr, bodyHex)
	crHash := sha256.Sum256(sc.buf)

	a := s.auth
	sts := sc.sts[:0]
	sts = append(sts, algorithm...)
	sts = append(sts, '\n')
	sts = append(sts, s.amzDate...)
	sts = append(sts, '\n')
	sts = appendScope(sts, a)
	sts = append(sts, '\n')
	sts = hex.AppendEncode(sts, crHash[:])
	sc.sts = sts

	key.sum(sc, sts)
	return hmac.Equal(sc.mac[:], want[:])
}

func appendScope(b []byte, a *Authorization) []byte {
	b = append(b, a.Date...)
	b = append(b, '/')
	b = append(b, a.Region...)
	b = append(b, '/')
	b = append(b, a.Service...)
	b = append(b, '/')
	return append(b, a.Terminator...)
}

// matchesAlternate retries with the other canonicalisations clients are known
// to produce (botocore normalises the path, Go SDK v2 does not, etc.). Only
// reached when the primary form did not match.
func (s *sigReq) matchesAlternate(r *http.Request, key *hmacKey, base variant, hashBody func(), bodyHex *[64]byte, want *[sha256.Size]byte) bool {
	paths := []bool{false}
	if s.auth.Service != "s3" {
		p := escapedPath(r)
		if removeDotSegments(p) != p {
			paths = append(paths, true)
		}
	}
	queries := []bool{false}
	if r.URL != nil && r.URL.RawQuery != "" && rawCanonicalQuery(r.URL.RawQuery, s.presigned) != s.canonQ {
		queries = append(queries, true)
	}
	ws := []bool{false}
	if s.hasOddWhitespace(r) {
		ws = append(ws, true)
	}
	hosts := []string{base.host}
	lower := strings.ToLower(base.host)
	if lower != base.host {
		hosts = append(hosts, lower)
	}
	if h, ok := stripDefaultPort(lower); ok {
		hosts = append(hosts, h)
	}
	payloads := []payloadMode{base.payload}
	if base.payload == payloadUnsigned {
		hashBody()
		payloads = append(payloads, payloadBody)
	}

	for _, rp := range paths {
		for _, rq := range queries {
			for _, w := range ws {
				for _, h := range hosts {
					for _, p := range payloads {
						vr := variant{rawPath: rp, rawQuery: rq, allWS: w, host: h, payload: p}
						if vr == base {
							continue
						}
						if s.matches(r, key, &vr, bodyHex, want) {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

func stripDefaultPort(h string) (string, bool) {
	for _, p := range [...]string{":80", ":443"} {
		if strings.HasSuffix(h, p) {
			return h[:len(h)-len(p)], true
		}
	}
	return h, false
}

// extract parses the Authorization header or presigned query and the date.
func (v *Verifier) extract(r *http.Request) (*sigReq, error) {
	authz := r.Header["Authorization"]
	hasHeader := len(authz) > 1 || (len(authz) == 1 && strings.TrimSpace(authz[0]) != "")
	rawQuery := ""
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	var query []qpair
	if rawQuery != "" {
		query = parseQuery(rawQuery)
	}
	_, hasAlg := lookupQuery(query, "X-Amz-Algorithm")

	var s *sigReq
	var err error
	switch {
	case hasHeader && hasAlg:
		return nil, newErr(KindIncomplete, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case hasHeader:
		if len(authz) > 1 {
			return nil, newErr(KindIncomplete, "Only one Authorization header is allowed.")
		}
		s, err = fromHeader(r, authz[0])
	case hasAlg:
		s, err = fromQuery(query)
	default:
		return nil, newErr(KindMissing, MsgMissing)
	}
	if err != nil {
		return nil, err
	}
	s.query = query
	s.canonQ = canonicalQuery(query, s.presigned)
	if vals := r.Header["X-Amz-Content-Sha256"]; len(vals) > 0 {
		s.declared = vals[0]
	} else if s.presigned {
		s.declared, _ = lookupQuery(query, "X-Amz-Content-Sha256")
	}
	if !s.presigned {
		// Header auth normally carries the token as a header, but accept the
		// query form too, as AWS does.
		switch vals := r.Header["X-Amz-Security-Token"]; {
		case len(vals) > 1:
			s.badToken = true
		case len(vals) == 1:
			s.token, s.hasToken = vals[0], vals[0] != ""
		default:
			s.token, s.hasToken = lookupQuery(query, "X-Amz-Security-Token")
			s.hasToken = s.hasToken && s.token != ""
		}
	}
	return s, nil
}

func fromHeader(r *http.Request, h string) (*sigReq, error) {
	a, problems := parseAuthorization(h)

	s := &sigReq{auth: a, expires: -1}
	dateProblem := ""
	if vals := r.Header["X-Amz-Date"]; len(vals) > 0 {
		t, err := time.Parse(amzDateLayout, vals[0])
		if err != nil || len(vals[0]) != len(amzDateLayout) {
			dateProblem = fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", sanitize(vals[0], 64))
		} else {
			s.signedAt, s.amzDate = t, vals[0]
		}
	} else if vals := r.Header["Date"]; len(vals) > 0 {
		t, ok := parseHTTPDate(vals[0])
		if !ok {
			dateProblem = fmt.Sprintf("Date header '%s' is not a valid HTTP date.", sanitize(vals[0], 64))
		} else {
			s.signedAt = t.UTC()
			s.amzDate = s.signedAt.Format(amzDateLayout)
		}
	} else {
		dateProblem = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	}
	if dateProblem != "" {
		problems = append(problems, dateProblem)
	}
	if len(problems) > 0 {
		return nil, incompleteHeader(a, problems, h)
	}
	if p := scopeDateProblem(a.Date, s.amzDate); p != "" {
		return nil, newErr(KindIncomplete, p)
	}
	return s, nil
}

func fromQuery(q []qpair) (*sigReq, error) {
	var problems []string
	get := func(k string) string {
		v, ok := lookupQuery(q, k)
		if !ok || v == "" {
			problems = append(problems, "AWS query-string parameters must include '"+k+"'.")
		}
		return v
	}
	alg := get("X-Amz-Algorithm")
	credStr := get("X-Amz-Credential")
	sh := get("X-Amz-SignedHeaders")
	sig := get("X-Amz-Signature")
	date := get("X-Amz-Date")
	if len(problems) > 0 {
		return nil, newErr(KindIncomplete, strings.Join(problems, " ")+" Re-examine the query-string parameters.")
	}
	if alg != algorithm {
		return nil, newErr(KindIncomplete, "X-Amz-Algorithm only supports \""+algorithm+"\"")
	}
	a := &Authorization{Algorithm: alg, Signature: sig}
	if p := parseCredential(credStr, a); p != "" {
		problems = append(problems, p)
	}
	if p := parseSignedHeaders(sh, a); p != "" {
		problems = append(problems, p)
	}
	s := &sigReq{auth: a, presigned: true, expires: -1}
	t, err := time.Parse(amzDateLayout, date)
	if err != nil || len(date) != len(amzDateLayout) {
		problems = append(problems, fmt.Sprintf("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got '%s'.", sanitize(date, 64)))
	} else {
		s.signedAt, s.amzDate = t, date
	}
	if e, ok := lookupQuery(q, "X-Amz-Expires"); ok {
		n, err := strconv.ParseInt(e, 10, 64)
		switch {
		case err != nil:
			problems = append(problems, "X-Amz-Expires should be a number.")
		case n < 1:
			problems = append(problems, "X-Amz-Expires must be non-negative.")
		case n > maxExpires:
			problems = append(problems, "X-Amz-Expires must be less than a week (in seconds) that is 604800.")
		default:
			s.expires = n
		}
	}
	if len(problems) > 0 {
		return nil, newErr(KindIncomplete, strings.Join(problems, " "))
	}
	if p := scopeDateProblem(a.Date, s.amzDate); p != "" {
		return nil, newErr(KindIncomplete, p)
	}
	s.token, s.hasToken = lookupQuery(q, "X-Amz-Security-Token")
	s.hasToken = s.hasToken && s.token != ""
	return s, nil
}

func scopeDateProblem(scopeDate, amzDate string) string {
	if len(amzDate) < 8 || scopeDate != amzDate[:8] {
		return fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sanitize(scopeDate, 32), amzDate[:min(8, len(amzDate))], amzDate)
	}
	return ""
}

// parseHTTPDate accepts the formats http.ParseTime does plus RFC 1123 with a
// numeric zone, which botocore's formatdate produces ("... -0000").
func parseHTTPDate(v string) (time.Time, bool) {
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC1123Z, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}
