package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Policy is a compiled document, ready to evaluate: actions lowercased,
// patterns split, condition values parsed for their operator. A Policy is
// immutable and shared between requests.
//
// Compile caches by content: the key is the text itself and the kind
// (hashed by the map, compared in full), so a document is compiled once
// however many principals use it, and a changed document is simply
// another entry. No invalidation is ever needed: whoever reads the store
// decides which text is current, so replicas never serve a stale form.
type Policy struct {
	// Hash is the hex SHA-256 of the text.
	Hash string
	Kind Kind
	// Version is the document's language version; variables are only
	// substituted in 2012-10-17 documents.
	Version string
	// Err is set when the text does not parse: such a policy never
	// allows and is reported as failing closed.
	Err error

	text       string
	statements []statement
	keys       []string // lowercased condition keys and variable keys read
}

// Reads reports whether the policy reads a condition key (in a condition
// or a variable) that starts with prefix, ignoring case: the server loads
// costly keys (tags) only for policies that read them.
func (p *Policy) Reads(prefix string) bool {
	if p == nil {
		return false
	}
	prefix = strings.ToLower(prefix)
	for _, k := range p.keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// Span locates a statement in the text as the IAM policy simulator
// reports it (MatchedStatements): 1-based line and column of the position
// just after the token before the statement (the "[" of the Statement
// array, the "}" of the previous statement, or the ":" after "Statement")
// and of the position just after the statement's closing "}". Responses
// of SimulateCustomPolicy for single-line and pretty-printed documents
// show this convention (a first statement starting at column 41 after
// `{"Version": "2012-10-17", "Statement": [`, the next one where the
// previous one ended).
type Span struct {
	StartLine, StartColumn, EndLine, EndColumn int
}

type statement struct {
	index  int // 0-based position in the document
	sid    string
	effect Effect
	span   Span

	actions   []pattern
	notAction bool
	anyAction bool // Action "*"

	resources   []pattern
	notResource bool
	hasResource bool

	principals   []principalValue
	notPrincipal bool
	hasPrincipal bool

	conds []condition
}

// pattern is a glob ("*" any run, "?" one character); literal when it
// holds neither, vars when it holds a ${...} policy variable.
type pattern struct {
	s       string
	literal bool
	vars    bool
}

type principalValue struct {
	typ string // "AWS", "Service", "Federated", "CanonicalUser", "*"
	val string
}

// condition is one compiled condition key of one operator.
type condition struct {
	Condition
	key     string // lowercased
	negated bool   // StringNotEquals, NotIpAddress, ...
	vars    bool   // a value holds a policy variable
	// Values parsed for the operator when they hold no variables; bad
	// is set when one does not parse (the condition then fails closed).
	nums  []float64
	times []time.Time
	nets  []netip.Prefix
	pats  []pattern
	bad   bool
}

var cache sync.Map // cacheKey → *Policy

type cacheKey struct {
	text string
	kind Kind
}

// maxCached bounds the cache; when it is full it is emptied (documents
// are small and recompiling one costs microseconds).
const maxCached = 20000

var cached struct {
	sync.Mutex
	n int
}

// Compile returns the compiled form of a document of kind, from the cache
// when the same text was compiled before. A document that does not parse
// yields a Policy with Err set (and the error), which never allows.
func Compile(text string, kind Kind) (*Policy, error) {
	k := cacheKey{text, kind}
	if v, ok := cache.Load(k); ok {
		p := v.(*Policy)
		return p, p.Err
	}
	p := compile(text, kind, sha256.Sum256([]byte(text)))
	cached.Lock()
	if cached.n >= maxCached {
		cache.Clear()
		cached.n = 0
	}
	cached.n++
	cached.Unlock()
	cache.Store(k, p)
	return p, p.Err
}

// MustCompile is Compile for documents known to be valid (tests, seeds).
func MustCompile(text string, kind Kind) *Policy {
	p, err := Compile(text, kind)
	if err != nil {
		panic(err)
	}
	return p
}

func compile(text string, kind Kind, hash [sha256.Size]byte) *Policy {
	p := &Policy{Hash: hex.EncodeToString(hash[:]), Kind: kind, text: text}
	d, err := Parse(text, kind)
	if err != nil {
		p.Err = err
		return p
	}
	p.Version = d.Version
	spans := statementSpans(text)
	vars := d.Version == Version2012
	for i, st := range d.Statements {
		cs := statement{index: i, sid: st.Sid, effect: st.Effect, notAction: st.NotAction, notResource: st.NotResource,
			hasResource: st.Resource != nil, notPrincipal: st.NotPrincipal, hasPrincipal: st.Principal != nil}
		if i < len(spans) {
			cs.span = spans[i]
		}
		for _, a := range st.Action {
			if a == "*" && !st.NotAction {
				cs.anyAction = true
			}
			cs.actions = append(cs.actions, newPattern(strings.ToLower(a), false))
		}
		for _, r := range st.Resource {
			cs.resources = append(cs.resources, newPattern(r, vars))
		}
		for typ, vals := range st.Principal {
			for _, v := range vals {
				cs.principals = append(cs.principals, principalValue{typ, v})
			}
		}
		for _, c := range st.Conditions {
			cs.conds = append(cs.conds, compileCondition(c, vars))
		}
		p.statements = append(p.statements, cs)
	}
	for _, k := range ContextKeys(p) {
		p.keys = append(p.keys, strings.ToLower(k))
	}
	return p
}

func newPattern(s string, vars bool) pattern {
	return pattern{s: s, literal: !strings.ContainsAny(s, "*?"), vars: vars && strings.Contains(s, "${")}
}

// negatedOps are the operators that match when the values do not.
var negatedOps = map[string]bool{
	"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true,
	"NumericNotEquals": true, "DateNotEquals": true, "NotIpAddress": true,
	"ArnNotEquals": true, "ArnNotLike": true,
}

func compileCondition(c Condition, vars bool) condition {
	cc := condition{Condition: c, key: strings.ToLower(c.Key), negated: negatedOps[c.Base]}
	if !Operators[c.Base] {
		cc.bad = true
		return cc
	}
	for _, v := range c.Values {
		if vars && strings.Contains(v, "${") {
			cc.vars = true
		}
	}
	if cc.vars {
		return cc // parsed per request, after substitution
	}
	cc.parse(c.Values)
	return cc
}

// parse fills the typed values; bad when one does not parse.
func (c *condition) parse(values []string) {
	c.nums, c.times, c.nets, c.pats = nil, nil, nil, nil
	for _, v := range values {
		switch family(c.Base) {
		case famNumeric:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				c.bad = true
			}
			c.nums = append(c.nums, f)
		case famDate:
			t, ok := parseTime(v)
			if !ok {
				c.bad = true
			}
			c.times = append(c.times, t)
		case famIP:
			n, ok := parseNet(v)
			if !ok {
				c.bad = true
			}
			c.nets = append(c.nets, n)
		case famBool:
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				c.bad = true
			}
		case famNull:
			if v != "true" && v != "false" {
				c.bad = true
			}
		case famString, famArn:
			c.pats = append(c.pats, newPattern(v, false))
		}
	}
}

// statementSpans finds where each statement of the document starts and
// ends, for the simulator's MatchedStatements positions.
func statementSpans(text string) []Span {
	dec := json.NewDecoder(strings.NewReader(text))
	var offs [][2]int64
	tok := func() (json.Token, error) { return dec.Token() }
	if t, err := tok(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		k, err := tok()
		if err != nil {
			return nil
		}
		if k != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		colon := dec.InputOffset()
		if i := strings.IndexByte(text[colon:], ':'); i >= 0 {
			colon += int64(i) + 1
		}
		t, err := tok()
		if err != nil {
			return nil
		}
		// start is where the decoder stood before the statement's '{'.
		readObj := func(start int64) bool { // after '{' was read
			depth := 1
			for depth > 0 {
				t, err := tok()
				if err != nil {
					return false
				}
				switch t {
				case json.Delim('{'), json.Delim('['):
					depth++
				case json.Delim('}'), json.Delim(']'):
					depth--
				}
			}
			offs = append(offs, [2]int64{start, dec.InputOffset()})
			return true
		}
		switch t {
		case json.Delim('{'):
			if !readObj(colon) {
				return nil
			}
		case json.Delim('['):
			// More skips blanks: take the position before it.
			start := dec.InputOffset()
			for dec.More() {
				t, err := tok()
				if err != nil || t != json.Delim('{') || !readObj(start) {
					return nil
				}
				start = dec.InputOffset()
			}
			if _, err := tok(); err != nil {
				return nil
			}
		}
	}
	spans := make([]Span, len(offs))
	b := []byte(text)
	for i, o := range offs {
		spans[i].StartLine, spans[i].StartColumn = lineCol(b, int(o[0]))
		spans[i].EndLine, spans[i].EndColumn = lineCol(b, int(o[1]))
	}
	return spans
}

func lineCol(b []byte, off int) (int, int) {
	if off > len(b) {
		off = len(b)
	}
	line := 1 + bytes.Count(b[:off], []byte{'\n'})
	col := off + 1
	if i := bytes.LastIndexByte(b[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}
