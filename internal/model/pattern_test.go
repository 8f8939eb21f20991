package model

import (
	"strings"
	"testing"
)

func TestPattern(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		engine    string // "re" (RE2) or "re2" (regexp2, for what RE2 cannot do)
		match     []string
		noMatch   []string
	}{
		{"anchored-to-the-whole-value", `[a-z]+`, "re", []string{"abc"}, []string{"", "abc1", "1abc", "ABC"}},
		{"alternation-stays-anchored", `a|b`, "re", []string{"a", "b"}, []string{"ab", "xa", "bx"}},
		{"java-unicode-escapes", `[\u0020-\u007E]+`, "re", []string{"a b~"}, []string{"é", "a\tb"}},
		{"supplementary-plane-range", `[\u0009\u000A\u000D\u0020-\u00FF\u0100-\u10FFFF]*`, "re",
			[]string{"", "abc", "é", "日本", "😀"}, []string{"\x01"}},
		// Look-around is not RE2: regexp2 runs it.
		{"look-ahead", `(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*`, "re2", []string{"my-org", "d", "dd-x"}, []string{"d-abc", "-x", "x-"}},
		{"look-behind", `\w+(?<!_)`, "re2", []string{"ab", "a_b"}, []string{"ab_"}},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			p, err := compilePattern(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != tc.src {
				t.Fatalf("Source %q, want the model's %q", p.Source, tc.src)
			}
			if engine := map[bool]string{true: "re", false: "re2"}[p.re != nil]; engine != tc.engine {
				t.Fatalf("compiled for %s, want %s", engine, tc.engine)
			}
			for _, v := range tc.match {
				if !p.MatchString(v) {
					t.Errorf("%q does not match %s", v, tc.src)
				}
			}
			for _, v := range tc.noMatch {
				if p.MatchString(v) {
					t.Errorf("%q matches %s", v, tc.src)
				}
			}
		})
	}
	t.Run("case=invalid", func(t *testing.T) {
		if p, err := compilePattern(`[a-`); err == nil {
			t.Fatalf("compiled %q", p.Source)
		}
	})
}

// TestEmbeddedPatterns: every pattern of the embedded models compiles
// (Get panics otherwise) and a few that matter here behave as AWS's.
func TestEmbeddedPatterns(t *testing.T) {
	n := 0
	for _, name := range ServiceNames {
		for _, sh := range Get(name).Shapes {
			if sh.Pattern != nil {
				n++
				sh.Pattern.MatchString(strings.Repeat("a", 10)) // must not panic
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d patterns in the models", n)
	}
	for _, tc := range []struct {
		service, shape string
		match, noMatch []string
	}{
		{"iam", "roleNameType", []string{"Admin", "a+=,.@-_1"}, []string{"bad name", "a/b", ""}},
		{"iam", "policyDocumentType", []string{`{"Version":"2012-10-17"}`, "line\nbreak", "é"}, []string{"\x00"}},
		{"workmail", "OrganizationName", []string{"my-org", "org1"}, []string{"d-abc", "-org", "org-"}},
		{"sts", "roleSessionNameType", []string{"session@example.com", "s_1"}, []string{"a b", "a/b"}},
	} {
		sh := Get(tc.service).Shapes[tc.shape]
		if sh == nil || sh.Pattern == nil {
			t.Fatalf("%s %s: no pattern", tc.service, tc.shape)
		}
		for _, v := range tc.match {
			if !sh.Pattern.MatchString(v) {
				t.Errorf("%s %s: %q does not match %s", tc.service, tc.shape, v, sh.Pattern.Source)
			}
		}
		for _, v := range tc.noMatch {
			if sh.Pattern.MatchString(v) {
				t.Errorf("%s %s: %q matches %s", tc.service, tc.shape, v, sh.Pattern.Source)
			}
		}
	}
}
