package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func genericTree(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSONValue(s)
	if err != nil {
		t.Fatal(err)
	}
	return pyValue(v)
}

var formatCases = []string{
	`{"Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root", "UserId": "AIDA"}`,
	`{"Users": [{"Id": "1", "Name": "alice", "State": "ENABLED"}, {"Id": "2", "Name": "bob", "Email": "bob@example.com"}]}`,
	`{"Users": [{"Id": "1", "Tags": [{"Key": "a", "Value": "b"}]}, {"Id": "2", "Tags": []}], "NextToken": "t"}`,
	`["alice", "bob", "carol"]`,
	`[["alice", "ENABLED"], ["bob", "DISABLED"]]`,
	`{"Role": {"RoleName": "r", "MaxSessionDuration": 3600, "PermissionsBoundary": {"Type": "Policy", "Arn": "arn"}, "Tags": [{"Key": "k", "Value": "v"}]}}`,
	`{"A": true, "B": false, "C": null, "D": 1.5, "E": 0}`,
	`{"Name": "日本語のテキスト", "Description": "tab\tand \"quotes\" and \\ and \u0001"}`,
	`{"Long": "` + strings.Repeat("x", 120) + `", "Short": "y", "Other": "z"}`,
	`{}`,
	`[]`,
	`"scalar"`,
	`{"Rules": [{"Name": "a", "TargetUsers": ["u1", "u2"], "Effect": "ALLOW"}, {"Name": "b", "NotTargetUsers": ["u3"], "Effect": "DENY"}]}`,
}

// TestFormattersMatchAWSCLI renders the same data with awscli's json,
// text and table formatters and with ours.
func TestFormattersMatchAWSCLI(t *testing.T) {
	in, _ := json.Marshal(formatCases)
	out := python3(t, `import sys, json, io
from awscli import text
from awscli.formatter import TableFormatter
class A: color = 'off'; query = None
res = []
for s in json.load(sys.stdin):
    d = json.loads(s)
    j = io.StringIO()
    if d != {}:
        json.dump(d, j, indent=4, ensure_ascii=False, sort_keys=True); j.write('\n')
    tx = io.StringIO(); text.format_text(d, tx)
    tb = io.StringIO(); TableFormatter(A())('Op', d, tb)
    res.append([j.getvalue(), tx.getvalue(), tb.getvalue()])
print(json.dumps(res))`, string(in))
	var want [][3]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range formatCases {
		v := genericTree(t, c)
		var j, tx, tb bytes.Buffer
		writeJSON(&j, v, newOrderer())
		writeText(&tx, v)
		writeTable(&tb, v, "Op", plainStyler{}, 80)
		for k, got := range []string{j.String(), tx.String(), tb.String()} {
			if got != want[i][k] {
				t.Errorf("case %d (%s) %s:\n got:\n%s\nwant:\n%s", i, c, []string{"json", "text", "table"}[k], got, want[i][k])
			}
		}
	}
}

func TestPyFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 1.5: "1.5", 0.0001: "0.0001", 0.00001: "1e-05", 1e16: "1e+16", 123456789012345.0: "123456789012345.0", -2.5e-7: "-2.5e-07"} {
		if got := pyFloatRepr(f); got != want {
			t.Errorf("pyFloatRepr(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestISOFormat(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)
	if got := isoFormat(ts.Round(time.Microsecond)); got != "2024-01-02T03:04:05.123457+00:00" {
		t.Fatal(got)
	}
	if got := isoFormat(time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", -7*3600))); got != "2024-01-02T03:04:05-07:00" {
		t.Fatal(got)
	}
}

func TestQueryKeepsOrder(t *testing.T) {
	o := newOrderer()
	doc := o.newMap([]string{"Zeta", "Alpha"}, []any{"z", "a"})
	list := []any{doc}
	root := o.newMap([]string{"Items"}, []any{list})
	v, err := applyQuery("Items[].{Z: Zeta, A: Alpha, \"quoted key\": Alpha}", root, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeJSON(&b, v, o)
	want := "[\n    {\n        \"Z\": \"z\",\n        \"A\": \"a\",\n        \"quoted key\": \"a\"\n    }\n]\n"
	if b.String() != want {
		t.Fatalf("got\n%s", b.String())
	}
	v, _ = applyQuery("Items[0]", root, o)
	b.Reset()
	writeJSON(&b, v, o)
	if b.String() != "{\n    \"Zeta\": \"z\",\n    \"Alpha\": \"a\"\n}\n" {
		t.Fatalf("got\n%s", b.String())
	}
}
