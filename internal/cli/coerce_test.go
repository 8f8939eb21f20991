package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// showValue prints a document value with its Go types, so that table
// tests compare types as well as values.
func showValue(v any) string {
	switch t := v.(type) {
	case map[string]any:
		ks := make([]string, 0, len(t))
		for k := range t {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		parts := make([]string, len(ks))
		for i, k := range ks {
			parts[i] = k + ":" + showValue(t[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = showValue(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case time.Time:
		return "time:" + t.UTC().Format(time.RFC3339Nano)
	case []byte:
		return fmt.Sprintf("bytes:%q", t)
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%T:%v", v, v)
}

// coerceFiles lays out the files the cases name as @DIR@/name.
func coerceFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"text.txt":      "hello file",
		"bin.dat":       "\x00\x01\xff",
		"settings.json": `{"Mode":"LARGE","Limit":3}`,
		"settings.sh":   "Mode=SMALL,Tags=a,b",
		"labels.json":   `["p","q"]`,
		"in.json":       `{"Name":"n","Count":2,"When":1700000000.5,"Data":"aGk="}`,
		"in.yaml":       "Name: y\nCount: 4\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type coerceCase struct {
	name   string
	member string // of PutThingRequest; "" for the whole input
	words  []string
	syntax textSyntax
	binary string // --cli-binary-format, base64 unless set
	want   string // showValue of the value
	err    string // or the error's message
}

// coerceCases are what the AWS CLI (v2, and v1 where they agree) makes of
// each spelling; readValue types leniently, so values of the wrong type
// come back as they were read, for validation to report.
var coerceCases = []coerceCase{
	// Scalars of every type.
	{name: "string", member: "Name", words: []string{"alice"}, want: "string:alice"},
	{name: "string-keeps-spaces", member: "Name", words: []string{" a b "}, want: "string: a b "},
	{name: "enum-any-value", member: "Kind", words: []string{"OTHER"}, want: "string:OTHER"},
	{name: "integer", member: "Count", words: []string{"5"}, want: "int64:5"},
	{name: "integer-spaces", member: "Count", words: []string{" 5 "}, want: "int64:5"},
	{name: "integer-negative", member: "Count", words: []string{"-3"}, want: "int64:-3"},
	{name: "integer-bad", member: "Count", words: []string{"abc"}, err: "invalid literal for int() with base 10: 'abc'"},
	{name: "integer-fraction", member: "Count", words: []string{"1.5"}, err: "invalid literal for int() with base 10: '1.5'"},
	{name: "long-beyond-float", member: "Size", words: []string{"9007199254740993"}, want: "int64:9007199254740993"},
	{name: "double", member: "Ratio", words: []string{"1.25"}, want: "float64:1.25"},
	{name: "float-whole", member: "Weight", words: []string{"3"}, want: "float64:3"},
	{name: "double-bad-kept", member: "Ratio", words: []string{"x"}, want: "string:x"},
	{name: "timestamp-iso", member: "When", words: []string{"2024-01-02T03:04:05Z"}, want: "time:2024-01-02T03:04:05Z"},
	{name: "timestamp-date", member: "When", words: []string{"2024-01-02"}, want: "time:2024-01-02T00:00:00Z"},
	{name: "timestamp-offset", member: "When", words: []string{"2024-01-02T03:04:05+02:00"}, want: "time:2024-01-02T01:04:05Z"},
	{name: "timestamp-epoch", member: "When", words: []string{"1700000000.123456789"}, want: "time:2023-11-14T22:13:20.123457Z"},
	{name: "timestamp-bad-kept", member: "When", words: []string{"nope"}, want: "string:nope"},
	{name: "blob-base64", member: "Data", words: []string{"aGVsbG8="}, want: `bytes:"hello"`},
	{name: "blob-base64-skips-strangers", member: "Data", words: []string{"aGVs bG8=\n"}, want: `bytes:"hello"`},
	{name: "blob-bad-base64", member: "Data", words: []string{"not base64!"}, err: `Invalid base64: "not base64!"`},
	{name: "blob-raw", member: "Data", words: []string{"raw"}, binary: "raw-in-base64-out", want: `bytes:"raw"`},
	{name: "boolean-word", member: "Enabled", words: []string{"true"}, want: "bool:true"},
	// Lists.
	{name: "list-words", member: "Labels", words: []string{"a", "b", "c"}, want: "[string:a string:b string:c]"},
	{name: "list-word-with-comma", member: "Labels", words: []string{"a,b"}, want: "[string:a,b]"},
	{name: "list-json", member: "Labels", words: []string{`["a","b"]`}, want: "[string:a string:b]"},
	{name: "list-json-wrong-type-kept", member: "Labels", words: []string{`[1]`}, want: "[json.Number:1]"},
	{name: "list-json-bad", member: "Labels", words: []string{`["a"`}, err: "Error parsing parameter '--labels': Invalid JSON: unexpected EOF\nJSON received: [\"a\""},
	{name: "list-integers", member: "Numbers", words: []string{"1", "2"}, want: "[int64:1 int64:2]"},
	{name: "list-integers-bad", member: "Numbers", words: []string{"x", "1"}, err: "Error parsing parameter '--numbers': x"},
	{name: "list-integers-json", member: "Numbers", words: []string{"[1,2]"}, want: "[int64:1 int64:2]"},
	{name: "list-of-lists-json", member: "Matrix", words: []string{`[["a"],["b","c"]]`}, want: "[[string:a] [string:b string:c]]"},
	// Maps.
	{name: "map-shorthand", member: "Attributes", words: []string{"a=b,c=d"}, want: "{a:string:b c:string:d}"},
	{name: "map-json", member: "Attributes", words: []string{`{"a":"b"}`}, want: "{a:string:b}"},
	{name: "map-empty", member: "Attributes", words: []string{""}, err: "Error parsing parameter '--attributes': Invalid JSON:\n"},
	// Nested structures and shorthand.
	{name: "shorthand", member: "Settings", words: []string{"Mode=SMALL,Limit=3,Active=true,Tags=a,b"},
		want: "{Active:bool:true Limit:int64:3 Mode:string:SMALL Tags:[string:a string:b]}"},
	{name: "shorthand-single-to-list", member: "Settings", words: []string{"Mode=SMALL,Tags=a"}, want: "{Mode:string:SMALL Tags:[string:a]}"},
	{name: "shorthand-nested", member: "Settings", words: []string{"Mode=SMALL,Inner={Mode=LARGE,Limit=2}"},
		want: "{Inner:{Limit:int64:2 Mode:string:LARGE} Mode:string:SMALL}"},
	{name: "shorthand-list-brackets", member: "Settings", words: []string{"Mode=SMALL,Tags=[a,b]"}, want: "{Mode:string:SMALL Tags:[string:a string:b]}"},
	{name: "shorthand-timestamp", member: "Settings", words: []string{"Mode=SMALL,Since=2024-01-01"}, want: "{Mode:string:SMALL Since:time:2024-01-01T00:00:00Z}"},
	{name: "shorthand-bad-integer", member: "Settings", words: []string{"Mode=SMALL,Limit=x"}, err: "invalid literal for int() with base 10: 'x'"},
	{name: "shorthand-unknown-key-kept", member: "Settings", words: []string{"Mode=SMALL,Bogus=1"}, want: "{Bogus:string:1 Mode:string:SMALL}"},
	{name: "shorthand-syntax-error", member: "Settings", words: []string{"Mode=["},
		err: "Error parsing parameter '--settings': Expected: ',', received: 'EOF' for input:\nMode=[\n      ^"},
	{name: "shorthand-list", member: "Rules", words: []string{"Id=a,Users=u1,u2", "Id=b,Priority=2"},
		want: "[{Id:string:a Users:[string:u1 string:u2]} {Id:string:b Priority:int64:2}]"},
	{name: "shorthand-list-bad-integer", member: "Rules", words: []string{"Id=a,Priority=x"}, err: "invalid literal for int() with base 10: 'x'"},
	{name: "shorthand-for-list-of-lists", member: "Matrix", words: []string{"a,b"},
		err: "Error parsing parameter '--matrix': Expected: '=', received: ',' for input:\na,b\n ^"},
	// JSON.
	{name: "json-structure", member: "Settings", words: []string{`{"Mode":"SMALL","Limit":3}`}, want: "{Limit:int64:3 Mode:string:SMALL}"},
	{name: "json-string-number-kept", member: "Settings", words: []string{`{"Mode":"SMALL","Limit":"3"}`}, want: "{Limit:string:3 Mode:string:SMALL}"},
	{name: "json-epoch", member: "Settings", words: []string{`{"Mode":"SMALL","Since":1700000000}`}, want: "{Mode:string:SMALL Since:time:2023-11-14T22:13:20Z}"},
	{name: "json-extra-data", member: "Settings", words: []string{`{"Mode":"SMALL"} x`},
		err: "Error parsing parameter '--settings': Invalid JSON: Extra data after the JSON value\nJSON received: {\"Mode\":\"SMALL\"} x"},
	{name: "json-list-per-word", member: "Rules", words: []string{`{"Id":"a"}`, `{"Id":"b"}`}, want: "[{Id:string:a} {Id:string:b}]"},
	{name: "json-list", member: "Rules", words: []string{`[{"Id":"a","Priority":1}]`}, want: "[{Id:string:a Priority:int64:1}]"},
	// file:// and fileb://.
	{name: "file-string", member: "Name", words: []string{"file://@DIR@/text.txt"}, want: "string:hello file"},
	{name: "fileb-string", member: "Name", words: []string{"fileb://@DIR@/text.txt"}, want: "string:hello file"},
	{name: "file-missing", member: "Name", words: []string{"file://@DIR@/missing.txt"},
		err: "Error parsing parameter '--name': Unable to load paramfile file://@DIR@/missing.txt: open @DIR@/missing.txt: no such file or directory"},
	{name: "fileb-blob", member: "Data", words: []string{"fileb://@DIR@/bin.dat"}, want: `bytes:"\x00\x01\xff"`},
	{name: "file-blob-is-base64-text", member: "Data", words: []string{"file://@DIR@/text.txt"}, err: `Invalid base64: "hello file"`},
	{name: "file-json", member: "Settings", words: []string{"file://@DIR@/settings.json"}, want: "{Limit:int64:3 Mode:string:LARGE}"},
	{name: "file-shorthand", member: "Settings", words: []string{"file://@DIR@/settings.sh"}, want: "{Mode:string:SMALL Tags:[string:a string:b]}"},
	{name: "file-in-shorthand", member: "Settings", words: []string{"Mode@=file://@DIR@/text.txt"}, want: "{Mode:string:hello file}"},
	{name: "file-list-json", member: "Labels", words: []string{"file://@DIR@/labels.json"}, want: "[string:p string:q]"},
	// Documents: --cli-input-json and --cli-input-yaml.
	{name: "input-json", syntax: syntaxJSON, words: []string{`{"Name":"n","Count":2,"When":1700000000.5,"Data":"aGk=","Enabled":true}`},
		want: `{Count:int64:2 Data:bytes:"hi" Enabled:bool:true Name:string:n When:time:2023-11-14T22:13:20.5Z}`},
	{name: "input-json-wrong-types-kept", syntax: syntaxJSON, words: []string{`{"Count":"1","Bogus":1,"Enabled":"true"}`},
		want: "{Bogus:json.Number:1 Count:string:1 Enabled:string:true}"},
	{name: "input-json-lenient-base64", syntax: syntaxJSON, words: []string{`{"Data":"!!"}`}, want: `{Data:bytes:""}`},
	{name: "input-json-not-a-map", syntax: syntaxJSON, words: []string{`[1]`}, err: "Error parsing parameter 'cli-input-json': Invalid JSON received.\nJSON received: [1]"},
	{name: "input-json-bad", syntax: syntaxJSON, words: []string{`{bad`}, err: "Error parsing parameter 'cli-input-json': Invalid JSON received.\nJSON received: {bad"},
	{name: "input-yaml", syntax: syntaxYAML, words: []string{"Name: y\nCount: 4\nRatio: 1.5\nAttributes:\n  a: b\nWhen: 2024-01-02T03:04:05Z\n"},
		want: "{Attributes:{a:string:b} Count:int64:4 Name:string:y Ratio:float64:1.5 When:time:2024-01-02T03:04:05Z}"},
	{name: "input-yaml-bad", syntax: syntaxYAML, words: []string{": : :"},
		err: "Error parsing parameter 'cli-input-yaml': Invalid YAML received: yaml: did not find expected key"},
}

func TestCoerce(t *testing.T) {
	dir := coerceFiles(t)
	in := testService(t).Shapes["PutThingRequest"]
	for _, c := range coerceCases {
		t.Run("method=coerce/case="+c.name, func(t *testing.T) {
			sh, name := in, "cli-input-json"
			if c.member != "" {
				sh, name = in.Members[c.member].Shape, "--"+XformName(c.member)
			} else if c.syntax == syntaxYAML {
				name = "cli-input-yaml"
			}
			words := make([]string, len(c.words))
			for i, w := range c.words {
				words[i] = strings.ReplaceAll(w, "@DIR@", dir)
			}
			raw := rawValue{name: name, words: words, syntax: c.syntax, path: c.member}
			got, err := readValue(sh, raw, firstNonEmpty(c.binary, "base64"))
			wantErr := strings.ReplaceAll(c.err, "@DIR@", dir)
			switch {
			case err != nil && err.Error() != wantErr:
				t.Fatalf("error %q, want %q", err, wantErr)
			case err == nil && c.err != "":
				t.Fatalf("got %s, want the error %q", showValue(got), wantErr)
			case err == nil && showValue(got) != c.want:
				t.Fatalf("got %s, want %s", showValue(got), c.want)
			}
		})
	}
}

func TestPyBase64Decode(t *testing.T) {
	// What Python's base64.b64decode makes of each, as the AWS CLI uses it.
	for in, want := range map[string]string{
		"aGk=": "hi", "!!": "", "a G k =": "hi", "aGk=aGk=": "hi", "aGk==": "hi",
		"aGVsbG8=\n": "hello", "YQ==x": "a", "aGk": "<error>", "YQ=": "<error>", "not base64!": "<error>",
	} {
		t.Run("method=base64/case="+strings.ReplaceAll(in, "\n", `\n`), func(t *testing.T) {
			b, ok := pyBase64Decode(in)
			got := string(b)
			if !ok {
				got = "<error>"
			}
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}
