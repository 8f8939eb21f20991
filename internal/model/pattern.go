package model

import (
	"regexp"
	"strings"

	"github.com/dlclark/regexp2"
)

// Pattern is a model "pattern" constraint. The models use Java regular
// expressions; most translate to RE2 once \uXXXX escapes are rewritten, and
// the few that need look-around (e.g. OrganizationName) run on regexp2.
// AWS applies patterns to the whole value, so both are anchored.
type Pattern struct {
	Source string
	re     *regexp.Regexp
	re2    *regexp2.Regexp
}

// MatchString reports whether the whole of v matches.
func (p *Pattern) MatchString(v string) bool {
	if p.re != nil {
		return p.re.MatchString(v)
	}
	ok, err := p.re2.MatchString(v)
	return err == nil && ok
}

var javaUnicodeEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

func compilePattern(src string) (*Pattern, error) {
	// Supplementary-plane escapes (\u10000-\u10FFFF) appear in one STS
	// pattern; Java reads them as \u1000 followed by a literal, which was
	// never the author's intent. Rewrite them as code points first.
	// CloudTrail's patterns spell the same range as a UTF-16 surrogate
	// pair range (\uD800\uDC00-\uDBFF\uDFFF), which Go reads as code points.
	t := strings.NewReplacer(`\u10000`, `\x{10000}`, `\u10FFFF`, `\x{10FFFF}`,
		`\uD800\uDC00-\uDBFF\uDFFF`, `\x{10000}-\x{10FFFF}`).Replace(src)
	t = javaUnicodeEscape.ReplaceAllString(t, `\x{$1}`)
	anchored := `^(?:` + t + `)$`
	if re, err := regexp.Compile(anchored); err == nil {
		return &Pattern{Source: src, re: re}, nil
	}
	re2, err := regexp2.Compile(`^(?:`+strings.ReplaceAll(src, `\u10000`, `\U00010000`)+`)$`, regexp2.RE2|regexp2.Unicode)
	if err != nil {
		// Last resort: regexp2 in its native (.NET) syntax.
		re2, err = regexp2.Compile(`^(?:`+src+`)$`, regexp2.None)
		if err != nil {
			return nil, err
		}
	}
	re2.MatchTimeout = regexp2.DefaultMatchTimeout
	return &Pattern{Source: src, re2: re2}, nil
}
