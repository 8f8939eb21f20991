package cli

import (
	"reflect"
	"strings"
	"testing"
)

// Cases from the AWS CLI's own shorthand tests (tests/unit/test_shorthand.py)
// and its documentation.
func TestShorthand(t *testing.T) {
	type m = map[string]any
	type l = []any
	cases := []struct {
		in   string
		want m
	}{
		{"foo=bar", m{"foo": "bar"}},
		{"foo=bar,baz=qux", m{"foo": "bar", "baz": "qux"}},
		{"a=b,c=d,e=f", m{"a": "b", "c": "d", "e": "f"}},
		{"foo=", m{"foo": ""}},
		{"foo=,bar=", m{"foo": "", "bar": ""}},
		{"foo=bar,baz=", m{"foo": "bar", "baz": ""}},
		{"foo=bar,", nil}, // error
		{"foo=bar,baz", m{"foo": l{"bar", "baz"}}},
		{"foo=a,b,c", m{"foo": l{"a", "b", "c"}}},
		{"foo=a,b,bar=c,d", m{"foo": l{"a", "b"}, "bar": l{"c", "d"}}},
		{"foo=a,b,c,bar=d,e,f", m{"foo": l{"a", "b", "c"}, "bar": l{"d", "e", "f"}}},
		{"foo=bar baz", m{"foo": "bar baz"}},
		{"foo=bar baz,qux=a b c", m{"foo": "bar baz", "qux": "a b c"}},
		{"  foo  =  bar  ", nil}, // a key cannot start with a space
		{"foo  =  bar  ", m{"foo": "bar"}},
		{"foo=bar,\nbaz=qux", m{"foo": "bar", "baz": "qux"}},
		{"foo=[a,b,c]", m{"foo": l{"a", "b", "c"}}},
		{"foo=[]", m{"foo": l{}}},
		{"foo=[a]", m{"foo": l{"a"}}},
		{"foo=[ a , b ]", m{"foo": l{"a", "b"}}},
		{"foo=[a,b],bar=c", m{"foo": l{"a", "b"}, "bar": "c"}},
		{"foo=[[a,b],[c,d]]", m{"foo": l{l{"a", "b"}, l{"c", "d"}}}},
		{"foo={a=b}", m{"foo": m{"a": "b"}}},
		{"foo={a=b,c=d}", m{"foo": m{"a": "b", "c": "d"}}},
		{"foo={a=[b,c]}", m{"foo": m{"a": l{"b", "c"}}}},
		{"foo={a={b=c}}", m{"foo": m{"a": m{"b": "c"}}}},
		{"foo={}", m{"foo": m{}}},
		{"foo=[{a=b},{a=c}]", m{"foo": l{m{"a": "b"}, m{"a": "c"}}}},
		{"foo={a=b,c=[{d=e}]},bar=x", m{"foo": m{"a": "b", "c": l{m{"d": "e"}}}, "bar": "x"}},
		{`foo="bar"`, m{"foo": "bar"}},
		{`foo='bar'`, m{"foo": "bar"}},
		{`foo="bar,baz"`, m{"foo": "bar,baz"}},
		{`foo='bar,baz'`, m{"foo": "bar,baz"}},
		{`foo="a=b"`, m{"foo": "a=b"}},
		{`foo="a b"`, m{"foo": "a b"}},
		{`foo="bar\"baz"`, m{"foo": `bar"baz`}},
		{`foo='bar\'baz'`, m{"foo": `bar'baz`}},
		{`foo="a\\b"`, m{"foo": `a\b`}},
		{`foo=a\,b`, m{"foo": "a,b"}},
		{`foo=a\,b,c`, m{"foo": l{"a,b", "c"}}},
		{`foo="",bar=''`, m{"foo": "", "bar": ""}},
		{`foo=a,"b,c",d`, m{"foo": l{"a", "b,c", "d"}}},
		{`foo=[a,"b,c"]`, m{"foo": l{"a", "b,c"}}},
		{"foo=bar=baz", m{"foo": "bar=baz"}},
		{"foo=http://example.com/a?b=c", m{"foo": "http://example.com/a?b=c"}},
		{"foo-bar=1,foo_bar=2,a.b=3,c#d=4,e/f=5,g:h=6", m{"foo-bar": "1", "foo_bar": "2", "a.b": "3", "c#d": "4", "e/f": "5", "g:h": "6"}},
		{"foo=ÿÿ,bar=日本", m{"foo": "ÿÿ", "bar": "日本"}},
		{"Name=x,Values=a,b,c", m{"Name": "x", "Values": l{"a", "b", "c"}}},
		{"ImpersonationRuleId=r1,Name=n,Effect=ALLOW,TargetUsers=u1,u2,NotTargetUsers=u3", m{"ImpersonationRuleId": "r1", "Name": "n", "Effect": "ALLOW", "TargetUsers": l{"u1", "u2"}, "NotTargetUsers": "u3"}},
		{"Status=ACTIVE,LifetimeInDays=30", m{"Status": "ACTIVE", "LifetimeInDays": "30"}},
		// Errors.
		{"foo", nil},
		{"=bar", m{"": "bar"}},
		{"foo=bar,foo=baz", nil},
		{"foo=[a,b", nil},
		{"foo={a=b", nil},
		{"foo={a}", nil},
		{`foo="bar`, nil},
		{"foo=bar,,baz=qux", m{"foo": "bar", "baz": "qux"}}, // as the CLI parses it
	}
	for _, c := range cases {
		got, err := ParseShorthand(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("ParseShorthand(%q) = %#v, want an error", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseShorthand(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseShorthand(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestShorthandErrorMessages(t *testing.T) {
	_, err := ParseShorthand("foo")
	if err == nil || err.Error() != "Expected: '=', received: 'EOF' for input:\nfoo\n   ^" {
		t.Fatalf("%q", err)
	}
	_, err = ParseShorthand("foo=a,foo=b")
	if err == nil || !strings.HasPrefix(err.Error(), `Second instance of key "foo" encountered`) {
		t.Fatalf("%v", err)
	}
}

func TestShorthandParamFile(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/v.txt"
	if err := writeFile(p, "from file"); err != nil {
		t.Fatal(err)
	}
	got, err := ParseShorthand("a@=file://" + p + ",b=file://x")
	if err != nil {
		t.Fatal(err)
	}
	if got["a"] != "from file" || got["b"] != "file://x" {
		t.Fatalf("%#v", got)
	}
}

func FuzzShorthand(f *testing.F) {
	for _, s := range []string{"foo=bar", "a=b,c", "a=[b,{c=d}]", `a="b\"c",d='e'`, "a={b=[c,d],e=f}", "a=b c\n,d=e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseShorthand(s)
		if err == nil && v == nil {
			t.Fatal("nil result without an error")
		}
	})
}
