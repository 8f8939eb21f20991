package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/model"
)

type inputCase struct {
	name string
	args []string // after "test put-thing" (or the op below)
	op   string   // PutThing unless set
	want string   // showValue of the input document, the token masked
	err  string   // or the error's message
}

const validationFailed = "Parameter validation failed:\n"

// inputCases are whole command lines, as the AWS CLI v2 takes them.
var inputCases = []inputCase{
	{name: "required-only", args: []string{"--name", "n"}, want: "{Name:string:n Token:<uuid>}"},
	{name: "every-scalar", args: []string{"--name", "n", "--count", "5", "--size", "-3", "--ratio", "1.5", "--weight", "2",
		"--enabled", "--when", "2024-01-02", "--data", "aGk=", "--kind", "SMALL"},
		want: `{Count:int64:5 Data:bytes:"hi" Enabled:bool:true Kind:string:SMALL Name:string:n Ratio:float64:1.5 Size:int64:-3 Token:<uuid> Weight:float64:2 When:time:2024-01-02T00:00:00Z}`},
	{name: "no-flag", args: []string{"--name", "n", "--no-enabled"}, want: "{Enabled:bool:false Name:string:n Token:<uuid>}"},
	{name: "token-given", args: []string{"--name", "n", "--token", "tok"}, want: "{Name:string:n Token:string:tok}"},
	{name: "last-occurrence-wins", args: []string{"--name", "a", "--name", "b"}, want: "{Name:string:b Token:<uuid>}"},
	{name: "equals-sign", args: []string{"--name=n", "--labels=a"}, want: "{Labels:[string:a] Name:string:n Token:<uuid>}"},
	{name: "empty-list-without-min", args: []string{"--name", "n", "--numbers"}, want: "{Name:string:n Numbers:[] Token:<uuid>}"},
	{name: "cli-input-json", args: []string{"--cli-input-json", `{"Name":"f","Count":2,"Labels":["x"]}`},
		want: "{Count:int64:2 Labels:[string:x] Name:string:f Token:<uuid>}"},
	{name: "cli-input-json-overridden", args: []string{"--cli-input-json", `{"Name":"f","Count":2}`, "--name", "over", "--count", "9"},
		want: "{Count:int64:9 Name:string:over Token:<uuid>}"},
	{name: "cli-input-yaml", args: []string{"--cli-input-yaml", "Name: y\nSettings:\n  Mode: LARGE\n  Limit: 2\n"},
		want: "{Name:string:y Settings:{Limit:int64:2 Mode:string:LARGE} Token:<uuid>}"},
	{name: "no-input", op: "Ping", want: "{}"},
	{name: "paging-options-not-in-input", op: "ListThings", args: []string{"--page-size", "3", "--max-items", "5", "--starting-token", "t"}, want: "{}"},
	{name: "manual-paging-member", op: "ListThings", args: []string{"--max-results", "2"}, want: "{MaxResults:int64:2}"},
}

// inputErrorCases are what the AWS CLI v2 prints for bad command lines
// (the framing, usage and exit code, is TestRunErrors's).
var inputErrorCases = []inputCase{
	{name: "missing-required", err: "the following arguments are required: --name"},
	{name: "missing-required-in-file", args: []string{"--cli-input-json", `{"Count":1}`}, err: validationFailed + `Missing required parameter in input: "Name"`},
	{name: "unknown-parameter", args: []string{"--name", "n", "--bogus", "1"}, err: "Unknown options: --bogus, 1"},
	{name: "extra-word", args: []string{"--name", "n", "extra"}, err: "Unknown options: extra"},
	{name: "flag-with-word", args: []string{"--name", "n", "--enabled", "true"}, err: "Unknown options: true"},
	{name: "flag-with-equals", args: []string{"--name", "n", "--enabled=true"}, err: "argument --enabled: ignored explicit argument 'true'"},
	{name: "value-missing", args: []string{"--name", "n", "--count"}, err: "argument --count: expected one argument"},
	{name: "bad-integer", args: []string{"--name", "n", "--count", "abc"}, err: "invalid literal for int() with base 10: 'abc'"},
	{name: "bad-long", args: []string{"--name", "n", "--size", "1.5"}, err: "argument --size: invalid int value: '1.5'"},
	{name: "bad-double", args: []string{"--name", "n", "--ratio", "x"}, err: "argument --ratio: invalid float value: 'x'"},
	{name: "bad-timestamp", args: []string{"--name", "n", "--when", "nope"},
		err: validationFailed + "Invalid type for parameter When, value: nope, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"},
	{name: "bad-base64", args: []string{"--name", "n", "--data", "not base64!"}, err: `Invalid base64: "not base64!"`},
	{name: "below-min", args: []string{"--name", "n", "--count", "0"}, err: validationFailed + "Invalid value for parameter Count, value: 0, valid min value: 1"},
	{name: "too-short", args: []string{"--name", ""}, err: validationFailed + "Invalid length for parameter Name, value: 0, valid min length: 1"},
	{name: "empty-list-below-min", args: []string{"--name", "n", "--labels"}, err: validationFailed + "Invalid length for parameter Labels, value: 0, valid min length: 1"},
	{name: "nested-missing-required", args: []string{"--name", "n", "--settings", "Limit=3"}, err: validationFailed + `Missing required parameter in Settings: "Mode"`},
	{name: "nested-unknown", args: []string{"--name", "n", "--settings", "Mode=SMALL,Bogus=1"},
		err: validationFailed + `Unknown parameter in Settings: "Bogus", must be one of: Mode, Limit, Active, Tags, Inner, Since`},
	{name: "nested-bad-boolean", args: []string{"--name", "n", "--settings", "Mode=SMALL,Active=maybe"},
		err: validationFailed + "Invalid type for parameter Settings.Active, value: maybe, type: <class 'str'>, valid types: <class 'bool'>"},
	{name: "json-wrong-type", args: []string{"--name", "n", "--settings", `{"Mode":"SMALL","Tags":"a"}`},
		err: validationFailed + "Invalid type for parameter Settings.Tags, value: a, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>"},
	{name: "list-element-missing-required", args: []string{"--name", "n", "--rules", "Users=u1"}, err: validationFailed + `Missing required parameter in Rules[0]: "Id"`},
	{name: "file-several-errors", args: []string{"--cli-input-json", `{"Name":"a","Rules":[{"Priority":1.5}]}`},
		err: validationFailed + "Missing required parameter in Rules[0]: \"Id\"\nInvalid type for parameter Rules[0].Priority, value: 1.5, type: <class 'float'>, valid types: <class 'int'>"},
	{name: "file-bad-timestamp", args: []string{"--cli-input-json", `{"Name":"a","When":"bad"}`},
		err: validationFailed + "Invalid type for parameter When, value: bad, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"},
	{name: "two-input-files", args: []string{"--cli-input-json", "{}", "--cli-input-yaml", "a: b"}, err: "Only one --cli-input- parameter may be specified."},
	{name: "bad-page-size", op: "ListThings", args: []string{"--page-size", "x"}, err: "argument --page-size: invalid int value: 'x'"},
	{name: "no-paginate-with-paging", op: "ListThings", args: []string{"--no-paginate", "--page-size", "2"},
		err: "Error during pagination: Cannot specify --no-paginate along with pagination arguments: --page-size"},
	{name: "unknown-without-input", op: "Ping", args: []string{"--x"}, err: "Unknown options: --x"},
}

var reUUID = regexp.MustCompile(`string:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func TestBuildInput(t *testing.T) {
	svc := testService(t)
	for _, c := range append(append([]inputCase{}, inputCases...), inputErrorCases...) {
		method := "build-input"
		if c.err != "" {
			method = "parse-error"
		}
		t.Run("method="+method+"/case="+c.name, func(t *testing.T) {
			doc, err := testInput(t, svc, firstNonEmpty(c.op, "PutThing"), c.args...)
			got := reUUID.ReplaceAllString(showValue(doc), "<uuid>")
			switch {
			case err != nil && err.Error() != c.err:
				t.Fatalf("error %q, want %q", err, c.err)
			case err == nil && c.err != "":
				t.Fatalf("got %s, want the error %q", got, c.err)
			case err == nil && got != c.want:
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestBuildInputPaging(t *testing.T) {
	inv := testInvocation(t, testService(t), "ListThings", "--page-size", "3", "--max-items", "5", "--starting-token", "t")
	if _, err := inv.buildInput("", ""); err != nil {
		t.Fatal(err)
	}
	if p := inv.paging; p.pageSize != 3 || p.maxItems != 5 || p.startingToken != "t" || p.manual {
		t.Fatalf("paging %+v", p)
	}
	inv = testInvocation(t, testService(t), "ListThings", "--next-token", "n")
	if _, err := inv.buildInput("", ""); err != nil || !inv.paging.manual {
		t.Fatalf("a token given by hand turns pagination off: %v %+v", err, inv.paging)
	}
	// IAM's MaxItems is hidden by --max-items, and comes back with --no-paginate.
	inv = testInvocation(t, model.Get("iam"), "ListPolicies", "--no-paginate", "--max-items", "2")
	doc, err := inv.buildInput("", "")
	if err != nil || showValue(doc) != "{MaxItems:int64:2}" || inv.paging.maxItemsSet {
		t.Fatalf("%v %s %+v", err, showValue(doc), inv.paging)
	}
}

const usageText = "\nusage: mailgate [options] <command> <subcommand> [<subcommand> ...] [parameters]\n" +
	"To see help text, you can run:\n\n  mailgate help\n  mailgate <command> help\n  mailgate <command> <subcommand> help\n\n"

// TestRunErrors checks the whole of stderr and the exit code, which are
// AWS CLI v2's with "aws" read "mailgate".
func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown-parameter", []string{"workmail", "list-users", "--organization-id", "o", "--bogus", "1"}, ExitUsage,
			usageText + "Unknown options: --bogus, 1\n\n"},
		{"missing-required", []string{"workmail", "list-users"}, ExitUsage,
			usageText + "mailgate: error: the following arguments are required: --organization-id\n\n"},
		{"bad-integer", []string{"workmail", "list-users", "--organization-id", "o", "--max-results", "abc"}, ExitOther,
			"\ninvalid literal for int() with base 10: 'abc'\n"},
		{"bad-shorthand", []string{"iam", "create-role", "--role-name", "r", "--assume-role-policy-document", "{}", "--tags", "Key"}, ExitUsage,
			"\nError parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\nKey\n   ^\n"},
		{"validation", []string{"sts", "assume-role", "--role-arn", "arn", "--role-session-name", "s"}, ExitUsage,
			"\n" + validationFailed + "Invalid length for parameter RoleArn, value: 3, valid min length: 20\n" +
				"Invalid length for parameter RoleSessionName, value: 1, valid min length: 2\n"},
		{"two-input-files", []string{"sts", "get-caller-identity", "--cli-input-json", "{}", "--cli-input-yaml", "{}"}, ExitUsage,
			"\nOnly one --cli-input- parameter may be specified.\n"},
	} {
		t.Run("method=run/case="+c.name, func(t *testing.T) {
			env := map[string]string{"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_REGION": "us-east-1"}
			var stdout, stderr bytes.Buffer
			o := &IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
			code := Run(context.Background(), c.args, o)
			if code != c.code || stderr.String() != c.stderr || stdout.Len() != 0 {
				t.Fatalf("exit %d, want %d\nstderr %q\nwant   %q\nstdout %q", code, c.code, stderr.String(), c.stderr, stdout.String())
			}
		})
	}
}
