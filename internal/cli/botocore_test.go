package cli

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/model"
)

// python3 runs a script that has botocore/awscli available, or skips.
func python3(t *testing.T, script string, stdin string) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if exec.Command(py, "-c", "import botocore, awscli").Run() != nil {
		t.Skip("python botocore/awscli not installed")
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return out
}

// TestNamesMatchBotocore compares every operation and member name with
// botocore.xform_name(name, "-").
func TestNamesMatchBotocore(t *testing.T) {
	var names []string
	seen := map[string]bool{}
	for _, s := range model.ServiceNames {
		svc := model.Get(s)
		for _, n := range svc.OperationNames {
			names = append(names, n)
		}
		for _, sh := range svc.Shapes {
			for _, m := range sh.Order {
				if !seen[m] {
					seen[m] = true
					names = append(names, m)
				}
			}
		}
	}
	in, _ := json.Marshal(names)
	out := python3(t, `import sys, json
from botocore import xform_name
print(json.dumps([xform_name(n, "-") for n in json.load(sys.stdin)]))`, string(in))
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		if got := XformName(n); got != want[i] {
			t.Errorf("XformName(%q) = %q, botocore says %q", n, got, want[i])
		}
	}
}

// TestShorthandMatchesAWSCLI parses the same inputs with awscli's parser.
func TestShorthandMatchesAWSCLI(t *testing.T) {
	inputs := []string{"a=b", "a=b,c", "a=b,c,d=e,f", "a=[b,c],d={e=f,g=[h]}", `a="b,c",d='e\'f'`, `a=b\,c,d`,
		"a=b c ,d = e", "a=,b=", "a=b,,c=d", "a=[{b=c},{d=[e,f]}]", "a=x=y", "a=b,c=", `a="x\\y"`, "a=b\n,c=d",
		"a=b,  c  ", "a={b={c={d=e}}}", "a=[[b],[c,[d]]]", "a=b,", "a", "a=[b", "a={b", "a=b,a=c", `a="b`}
	in, _ := json.Marshal(inputs)
	out := python3(t, `import sys, json
from awscli.shorthand import ShorthandParser
res = []
for s in json.load(sys.stdin):
    try:
        res.append(ShorthandParser().parse(s))
    except Exception as e:
        res.append(None)
print(json.dumps(res))`, string(in))
	var want []any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, s := range inputs {
		got, err := ParseShorthand(s)
		if want[i] == nil {
			if err == nil {
				t.Errorf("%q: got %#v, the AWS CLI rejects it", s, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v; the AWS CLI gives %#v", s, err, want[i])
			continue
		}
		if !reflect.DeepEqual(any(got), want[i]) {
			t.Errorf("%q: got %#v, the AWS CLI gives %#v", s, got, want[i])
		}
	}
}
