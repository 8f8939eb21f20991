package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The shorthand syntax, parsed exactly as the AWS CLI's awscli/shorthand.py
// does (same grammar, same character classes, same backtracking on a comma
// that starts a new key), so a command line written for `aws` means the same
// thing to mailgate:
//
//	parameter   = keyval *("," keyval)
//	keyval      = key ["@"] "=" values
//	values      = explicit-list / hash-literal / csv-value
//	csv-value   = first-value *("," second-value)   ; a list when more than one
//	explicit-list = "[" [explicit-values *("," explicit-values)] "]"
//	hash-literal  = "{" [key "=" explicit-values *("," ...)] "}"
//
// Values are strings, lists and maps; the model then types them (see
// coerce in input.go), as the CLI's BackCompatVisitor does. `key@=file://x`
// loads a file into one value.

// ShorthandError is a shorthand syntax error with the CLI's wording.
type ShorthandError struct {
	Msg string
}

func (e *ShorthandError) Error() string { return e.Msg }

var (
	shStartWord   = `!#-&(-+\--<>-Z\\-z|-\x{ffff}`
	shFirstFollow = `\s!#-&(-+\--\\^-|~-\x{ffff}`
	shSecondFolow = `\s!#-&(-+\--<>-\x{ffff}`
	shEscComma    = `(\\,)`
	reFirstValue  = regexp.MustCompile(`^(` + shEscComma + `|[` + shStartWord + `])(` + shEscComma + `|[` + shFirstFollow + `])*`)
	reSecondValue = regexp.MustCompile(`^(` + shEscComma + `|[` + shStartWord + `])(` + shEscComma + `|[` + shSecondFolow + `])*`)
	reSingleQuote = regexp.MustCompile(`^'(?:\\'|[^'])*'`)
	reDoubleQuote = regexp.MustCompile(`^"(?:\\"|[^"])*"`)
)

type shorthandParser struct {
	in       []rune
	i        int
	paramRes bool
}

// ParseShorthand parses one shorthand value into maps, lists and strings.
func ParseShorthand(s string) (map[string]any, error) {
	p := &shorthandParser{in: []rune(s)}
	return p.parameter()
}

func (p *shorthandParser) syntaxErr(expected, actual string) error {
	return &ShorthandError{Msg: fmt.Sprintf("Expected: '%s', received: '%s' for input:\n%s", expected, actual, p.location(p.i))}
}

func (p *shorthandParser) location(idx int) string {
	v := string(p.in)
	consumed, remaining, spaces := v, "", idx
	before := string(p.in[:min(idx, len(p.in))])
	if j := strings.LastIndex(before, "\n"); j >= 0 {
		spaces = idx - len([]rune(before[:j])) - 1
	}
	after := p.in[min(idx, len(p.in)):]
	for k, r := range after {
		if r == '\n' {
			consumed = string(p.in[:idx+k])
			remaining = string(p.in[idx+k:])
			break
		}
	}
	return consumed + "\n" + strings.Repeat(" ", max(spaces, 0)) + "^" + remaining
}

func (p *shorthandParser) parameter() (map[string]any, error) {
	params := map[string]any{}
	k, v, err := p.keyval()
	if err != nil {
		return nil, err
	}
	params[k] = v
	last := p.i
	for p.i < len(p.in) {
		if err := p.expect(',', true); err != nil {
			return nil, err
		}
		k, v, err := p.keyval()
		if err != nil {
			return nil, err
		}
		if _, dup := params[k]; dup {
			return nil, &ShorthandError{Msg: fmt.Sprintf("Second instance of key \"%s\" encountered for input:\n%s\nThis is often because there is a preceding \",\" instead of a space.", k, p.location(last+1))}
		}
		params[k] = v
		last = p.i
	}
	return params, nil
}

func (p *shorthandParser) keyval() (string, any, error) {
	key, err := p.keyAssign()
	if err != nil {
		return "", nil, err
	}
	v, err := p.values()
	return key, v, err
}

// keyAssign reads `key =` or `key @=` (the value is then a file to load).
func (p *shorthandParser) keyAssign() (string, error) {
	key := p.key()
	p.paramRes = false
	save := p.i
	if p.expect('@', true) == nil {
		p.paramRes = true
	} else {
		p.i = save
		p.consumeWhitespace()
	}
	return key, p.expect('=', true)
}

func (p *shorthandParser) key() string {
	start := p.i
	for p.i < len(p.in) {
		c := p.in[p.i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.#/:", c)) {
			break
		}
		p.i++
	}
	return string(p.in[start:p.i])
}

func (p *shorthandParser) eof() bool { return p.i >= len(p.in) }

func (p *shorthandParser) current() rune {
	if p.i < len(p.in) {
		return p.in[p.i]
	}
	return -1
}

func (p *shorthandParser) values() (any, error) {
	switch {
	case p.eof():
		return "", nil
	case p.current() == '[':
		return p.explicitList()
	case p.current() == '{':
		return p.hashLiteral()
	}
	return p.csvValue()
}

func (p *shorthandParser) csvValue() (any, error) {
	first, err := p.firstValue()
	if err != nil {
		return nil, err
	}
	p.consumeWhitespace()
	if p.eof() || p.in[p.i] != ',' {
		return first, nil
	}
	if err := p.expect(',', true); err != nil {
		return nil, err
	}
	list := []any{first}
	for {
		cur, err := p.secondValue()
		if err == nil {
			p.consumeWhitespace()
			if p.eof() {
				list = append(list, cur)
				break
			}
			err = p.expect(',', true)
			if err == nil {
				list = append(list, cur)
				continue
			}
		}
		if p.eof() {
			return nil, err
		}
		p.backtrackTo(',')
		break
	}
	if len(list) == 1 {
		return first, nil
	}
	return list, nil
}

func (p *shorthandParser) explicitList() (any, error) {
	if err := p.expect('[', true); err != nil {
		return nil, err
	}
	values := []any{}
	for p.current() != ']' {
		v, err := p.explicitValues()
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		p.consumeWhitespace()
		if p.current() != ']' {
			if err := p.expect(',', false); err != nil {
				return nil, err
			}
			p.consumeWhitespace()
		}
	}
	if err := p.expect(']', false); err != nil {
		return nil, err
	}
	return values, nil
}

func (p *shorthandParser) explicitValues() (any, error) {
	switch p.current() {
	case '[':
		return p.explicitList()
	case '{':
		return p.hashLiteral()
	}
	return p.firstValue()
}

func (p *shorthandParser) hashLiteral() (any, error) {
	if err := p.expect('{', true); err != nil {
		return nil, err
	}
	kv := map[string]any{}
	for p.current() != '}' {
		key, err := p.keyAssign()
		if err != nil {
			return nil, err
		}
		v, err := p.explicitValues()
		if err != nil {
			return nil, err
		}
		p.consumeWhitespace()
		if p.current() != '}' {
			if err := p.expect(',', false); err != nil {
				return nil, err
			}
			p.consumeWhitespace()
		}
		kv[key] = v
	}
	if err := p.expect('}', false); err != nil {
		return nil, err
	}
	return kv, nil
}

func (p *shorthandParser) firstValue() (any, error) { return p.word(false) }

func (p *shorthandParser) secondValue() (any, error) { return p.word(true) }

// word is a quoted value, or an unquoted one: the first of a csv list may
// hold '=' (a=b=c), the later ones may not (they may start the next key).
func (p *shorthandParser) word(second bool) (any, error) {
	switch p.current() {
	case '\'':
		return p.quoted(reSingleQuote, "single quoted", '\'')
	case '"':
		return p.quoted(reDoubleQuote, "double quoted", '"')
	}
	re := reFirstValue
	if second {
		re = reSecondValue
	}
	m := re.FindString(string(p.in[p.i:]))
	if m == "" {
		if second {
			return nil, p.syntaxErr("<second>", "<none>")
		}
		return "", nil
	}
	p.i += len([]rune(m))
	return p.resolve(strings.TrimRight(strings.ReplaceAll(m, `\,`, ","), " \t\n\r\v\f"))
}

func (p *shorthandParser) quoted(re *regexp.Regexp, name string, q rune) (any, error) {
	m := re.FindString(string(p.in[p.i:]))
	if m == "" {
		return nil, p.syntaxErr("<"+name+">", "<none>")
	}
	p.i += len([]rune(m))
	v := m[1 : len(m)-1]
	v = strings.ReplaceAll(v, `\`+string(q), string(q))
	v = strings.ReplaceAll(v, `\\`, `\`)
	return p.resolve(v)
}

// resolve loads key@=file://... values, as the CLI does.
func (p *shorthandParser) resolve(v string) (any, error) {
	if !p.paramRes {
		return v, nil
	}
	if s, ok, err := loadParamFile(v); ok {
		if err != nil {
			return nil, err
		}
		return paramText(s), nil
	}
	return v, nil
}

func (p *shorthandParser) expect(c rune, ws bool) error {
	if ws {
		p.consumeWhitespace()
	}
	if p.i >= len(p.in) {
		return p.syntaxErr(string(c), "EOF")
	}
	if p.in[p.i] != c {
		return p.syntaxErr(string(c), string(p.in[p.i]))
	}
	p.i++
	if ws {
		p.consumeWhitespace()
	}
	return nil
}

func (p *shorthandParser) backtrackTo(c rune) {
	for p.i >= 0 && (p.i >= len(p.in) || p.in[p.i] != c) {
		p.i--
	}
}

func (p *shorthandParser) consumeWhitespace() {
	for p.i < len(p.in) && strings.ContainsRune(" \t\n\r\v\f", p.in[p.i]) {
		p.i++
	}
}

// loadParamFile reads file:// (text) and fileb:// (bytes) values. ok is false
// when v names no file.
func loadParamFile(v string) (any, bool, error) {
	var prefix string
	switch {
	case strings.HasPrefix(v, "fileb://"):
		prefix = "fileb://"
	case strings.HasPrefix(v, "file://"):
		prefix = "file://"
	default:
		return nil, false, nil
	}
	path := os.ExpandEnv(v[len(prefix):])
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, true, &usageError{msg: fmt.Sprintf("Unable to load paramfile %s: %v", v, err)}
	}
	if prefix == "fileb://" {
		return b, true, nil
	}
	return string(b), true, nil
}

// paramText is a loaded file's content as text.
func paramText(content any) string {
	if b, isBytes := content.([]byte); isBytes {
		return string(b)
	}
	return content.(string)
}
