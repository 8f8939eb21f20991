package cli

import (
	"reflect"
	"strings"
	"testing"
)

type (
	shM = map[string]any
	shL = []any
)

// shorthandCases are the AWS CLI's own shorthand tests
// (tests/unit/test_shorthand.py) and the examples of its documentation; a
// nil want is an error.
var shorthandCases = []struct {
	in   string
	want shM
}{
	{"foo=bar", shM{"foo": "bar"}},
	{"foo=bar,baz=qux", shM{"foo": "bar", "baz": "qux"}},
	{"a=b,c=d,e=f", shM{"a": "b", "c": "d", "e": "f"}},
	{"foo=", shM{"foo": ""}},
	{"foo=,bar=", shM{"foo": "", "bar": ""}},
	{"foo=bar,baz=", shM{"foo": "bar", "baz": ""}},
	{"foo=bar,", nil}, // error
	{"foo=bar,baz", shM{"foo": shL{"bar", "baz"}}},
	{"foo=a,b,c", shM{"foo": shL{"a", "b", "c"}}},
	{"foo=a,b,bar=c,d", shM{"foo": shL{"a", "b"}, "bar": shL{"c", "d"}}},
	{"foo=a,b,c,bar=d,e,f", shM{"foo": shL{"a", "b", "c"}, "bar": shL{"d", "e", "f"}}},
	{"foo=bar baz", shM{"foo": "bar baz"}},
	{"foo=bar baz,qux=a b c", shM{"foo": "bar baz", "qux": "a b c"}},
	{"  foo  =  bar  ", nil}, // a key cannot start with a space
	{"foo  =  bar  ", shM{"foo": "bar"}},
	{"foo=bar,\nbaz=qux", shM{"foo": "bar", "baz": "qux"}},
	{"foo=[a,b,c]", shM{"foo": shL{"a", "b", "c"}}},
	{"foo=[]", shM{"foo": shL{}}},
	{"foo=[a]", shM{"foo": shL{"a"}}},
	{"foo=[ a , b ]", shM{"foo": shL{"a", "b"}}},
	{"foo=[a,b],bar=c", shM{"foo": shL{"a", "b"}, "bar": "c"}},
	{"foo=[[a,b],[c,d]]", shM{"foo": shL{shL{"a", "b"}, shL{"c", "d"}}}},
	{"foo={a=b}", shM{"foo": shM{"a": "b"}}},
	{"foo={a=b,c=d}", shM{"foo": shM{"a": "b", "c": "d"}}},
	{"foo={a=[b,c]}", shM{"foo": shM{"a": shL{"b", "c"}}}},
	{"foo={a={b=c}}", shM{"foo": shM{"a": shM{"b": "c"}}}},
	{"foo={}", shM{"foo": shM{}}},
	{"foo=[{a=b},{a=c}]", shM{"foo": shL{shM{"a": "b"}, shM{"a": "c"}}}},
	{"foo={a=b,c=[{d=e}]},bar=x", shM{"foo": shM{"a": "b", "c": shL{shM{"d": "e"}}}, "bar": "x"}},
	{`foo="bar"`, shM{"foo": "bar"}},
	{`foo='bar'`, shM{"foo": "bar"}},
	{`foo="bar,baz"`, shM{"foo": "bar,baz"}},
	{`foo='bar,baz'`, shM{"foo": "bar,baz"}},
	{`foo="a=b"`, shM{"foo": "a=b"}},
	{`foo="a b"`, shM{"foo": "a b"}},
	{`foo="bar\"baz"`, shM{"foo": `bar"baz`}},
	{`foo='bar\'baz'`, shM{"foo": `bar'baz`}},
	{`foo="a\\b"`, shM{"foo": `a\b`}},
	{`foo=a\,b`, shM{"foo": "a,b"}},
	{`foo=a\,b,c`, shM{"foo": shL{"a,b", "c"}}},
	{`foo="",bar=''`, shM{"foo": "", "bar": ""}},
	{`foo=a,"b,c",d`, shM{"foo": shL{"a", "b,c", "d"}}},
	{`foo=[a,"b,c"]`, shM{"foo": shL{"a", "b,c"}}},
	{"foo=bar=baz", shM{"foo": "bar=baz"}},
	{"foo=http://example.com/a?b=c", shM{"foo": "http://example.com/a?b=c"}},
	{"foo-bar=1,foo_bar=2,a.b=3,c#d=4,e/f=5,g:h=6", shM{"foo-bar": "1", "foo_bar": "2", "a.b": "3", "c#d": "4", "e/f": "5", "g:h": "6"}},
	{"foo=ÿÿ,bar=日本", shM{"foo": "ÿÿ", "bar": "日本"}},
	{"Name=x,Values=a,b,c", shM{"Name": "x", "Values": shL{"a", "b", "c"}}},
	{"ImpersonationRuleId=r1,Name=n,Effect=ALLOW,TargetUsers=u1,u2,NotTargetUsers=u3", shM{"ImpersonationRuleId": "r1", "Name": "n", "Effect": "ALLOW", "TargetUsers": shL{"u1", "u2"}, "NotTargetUsers": "u3"}},
	{"Status=ACTIVE,LifetimeInDays=30", shM{"Status": "ACTIVE", "LifetimeInDays": "30"}},
	// Errors.
	{"foo", nil},
	{"=bar", shM{"": "bar"}},
	{"foo=bar,foo=baz", nil},
	{"foo=[a,b", nil},
	{"foo={a=b", nil},
	{"foo={a}", nil},
	{`foo="bar`, nil},
	{"foo=bar,,baz=qux", shM{"foo": "bar", "baz": "qux"}}, // as the CLI parses it
}

func TestShorthand(t *testing.T) {
	for _, c := range shorthandCases {
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
