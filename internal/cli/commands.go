// Package cli is mailgate's own AWS CLI: `mailgate <service> <operation>
// [--param value ...]` for every operation of the embedded workmail, iam and
// sts models, with the AWS CLI's option set and behaviour (shorthand
// syntax, --cli-input-json/yaml, skeletons, json/text/table/yaml output,
// JMESPath --query, pagination, profiles, exit codes).
//
// Nothing here is written per operation: commands, flags, help, skeletons,
// validation and pagination all come from the model, and the request and
// response go through the same codecs the server uses (internal/protocol),
// run in the client direction. Files, one concern each:
//
//	commands.go  the command line: global options (declared once, with env
//	             twins and help groups, in the manner of Vault's CLI), the
//	             argument table of each operation, the run of one command
//	shorthand.go the shorthand parser (a port of awscli/shorthand.py)
//	params.go    the operation's parameters, gathered into the input
//	coerce.go    the one coercion path: what was typed, as a document value
//	input.go     values in Python's and botocore's words, for messages
//	skeleton.go  --generate-cli-skeleton
//	config.go    profiles, credentials, region, endpoint (the Go SDK's loader)
//	transport.go HTTP, SigV4 signing, --debug
//	paginate.go  paginators, --max-items/--starting-token/--page-size
//	query.go     --query and key order
//	output.go    json, text, table, yaml, yaml-stream, off; the pager
//	help.go      help generated from the model
//	prompt.go    --cli-auto-prompt
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// Exit codes, as AWS CLI v2 uses them.
const (
	ExitOK          = 0
	ExitUsage       = 252 // the command line could not be parsed
	ExitConfig      = 253 // the environment or configuration is invalid
	ExitService     = 254 // the service answered with an error
	ExitOther       = 255 // anything else
	ExitInterrupted = 130
)

// usageError is a bad command line (exit 252). plain errors are printed as
// the CLI prints parameter errors, the others argparse-style with usage
// ("mailgate: error: " before the message, unless bare).
type usageError struct {
	msg   string
	plain bool
	bare  bool
}

// unknownOptions is the AWS CLI's complaint about words no parameter took.
func unknownOptions(words []string) error {
	return &usageError{msg: "Unknown options: " + strings.Join(words, ", "), bare: true}
}

func (e *usageError) Error() string { return e.msg }

// configError is a bad environment or configuration (exit 253).
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// IO is where a command reads and writes; tests substitute buffers.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StdoutTTY and StdinTTY say whether the streams are terminals (color
	// auto, the pager, the prompt).
	StdoutTTY, StdinTTY bool
	Version             string
}

func (o *IO) env(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

func (o *IO) lookupEnv(k string) (string, bool) {
	if o.Getenv == nil {
		return os.LookupEnv(k)
	}
	v := o.Getenv(k)
	return v, v != ""
}

// IsService reports whether name is a service the CLI serves.
func IsService(name string) bool {
	for _, n := range model.ServiceNames {
		if n == name {
			return true
		}
	}
	return false
}

// Main runs the CLI on the process's streams and returns the exit code.
func Main(args []string, version string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o := &IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StdoutTTY: isTerminal(os.Stdout), StdinTTY: isTerminal(os.Stdin), Version: version}
	code := Run(ctx, args, o)
	if ctx.Err() != nil && code != ExitOK {
		fmt.Fprintln(o.Stderr)
		return ExitInterrupted
	}
	return code
}

// ---------------------------------------------------------------------------
// Global options, each declared once: name, kind, environment twin, help
// group and text. Parsing, help and the prompt all read this table.

type optKind int

const (
	optBool optKind = iota
	optString
	optInt
)

type globalOpt struct {
	name    string
	kind    optKind
	env     []string // environment twins, first set wins
	group   string
	usage   string
	choices []string
}

var globalOpts = []globalOpt{
	{"debug", optBool, nil, "Diagnostics", "Print the signed request and the response on stderr (secrets masked).", nil},
	{"endpoint-url", optString, []string{"AWS_ENDPOINT_URL"}, "Connection", "Send requests to this URL instead of the service's default endpoint (AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL also set it).", nil},
	{"no-verify-ssl", optBool, nil, "Connection", "Do not verify TLS certificates.", nil},
	{"no-paginate", optBool, nil, "Output", "Send one request, even for an operation that pages; by default every page is fetched and the results merged.", nil},
	{"output", optString, []string{"AWS_DEFAULT_OUTPUT"}, "Output", "How to print the response.", []string{"json", "text", "table", "yaml", "yaml-stream", "off"}},
	{"query", optString, nil, "Output", "A JMESPath expression applied to the response before it is printed.", nil},
	{"profile", optString, []string{"AWS_PROFILE"}, "Credentials", "The profile of ~/.aws/config and ~/.aws/credentials to use.", nil},
	{"region", optString, []string{"AWS_REGION", "AWS_DEFAULT_REGION"}, "Credentials", "The region to sign for; overrides the profile.", nil},
	{"version", optBool, nil, "Diagnostics", "Print the version and exit.", nil},
	{"color", optString, nil, "Output", "Color the table output.", []string{"on", "off", "auto"}},
	{"no-sign-request", optBool, nil, "Credentials", "Send the request unsigned; no credentials are loaded.", nil},
	{"ca-bundle", optString, []string{"AWS_CA_BUNDLE"}, "Connection", "A PEM file of certificate authorities to trust.", nil},
	{"cli-read-timeout", optInt, nil, "Connection", "Seconds to wait for a response (0 waits forever; default 60).", nil},
	{"cli-connect-timeout", optInt, nil, "Connection", "Seconds to wait for a connection (0 waits forever; default 60).", nil},
	{"cli-binary-format", optString, nil, "Input", "How blob arguments are written: base64 (default) or raw-in-base64-out.", []string{"base64", "raw-in-base64-out"}},
	{"no-cli-pager", optBool, nil, "Output", "Do not send the output through a pager (AWS_PAGER or cli_pager otherwise pick one on a terminal).", nil},
	{"cli-auto-prompt", optBool, []string{"AWS_CLI_AUTO_PROMPT"}, "Input", "Build the command interactively: choose the service, the operation, then each parameter.", nil},
	{"no-cli-auto-prompt", optBool, nil, "Input", "Never prompt, even if AWS_CLI_AUTO_PROMPT or cli_auto_prompt asks for it.", nil},
}

func findGlobal(name string) *globalOpt {
	for i := range globalOpts {
		if globalOpts[i].name == name {
			return &globalOpts[i]
		}
	}
	return nil
}

// Globals are the parsed global options; set records what the command line
// gave, so configuration only fills the rest.
type Globals struct {
	vals map[string]string
	set  map[string]bool
}

func (g *Globals) str(n string) string { return g.vals[n] }
func (g *Globals) flag(n string) bool  { return g.set[n] && g.vals[n] == "true" }
func (g *Globals) has(n string) bool   { return g.set[n] }
func (g *Globals) intOpt(n string, def int) int {
	if !g.set[n] {
		return def
	}
	i, _ := strconv.Atoi(g.vals[n])
	return i
}

// rawParam is one --name [values...] of the operation part.
type rawParam struct {
	name   string
	values []string
	hasEq  bool
}

type commandLine struct {
	globals     Globals
	positionals []string
	params      []rawParam
	unknown     []string
}

// parseCommandLine separates global options (allowed anywhere, as the AWS
// CLI allows), the service and operation, and the operation's parameters.
func parseCommandLine(args []string) (*commandLine, error) {
	cl := &commandLine{globals: Globals{vals: map[string]string{}, set: map[string]bool{}}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") || a == "--" {
			if len(cl.params) > 0 {
				p := &cl.params[len(cl.params)-1]
				if !p.hasEq {
					p.values = append(p.values, a)
					continue
				}
			}
			if len(cl.positionals) < 2 || (len(cl.positionals) == 2 && a == "help" && len(cl.params) == 0) {
				cl.positionals = append(cl.positionals, a)
			} else {
				cl.unknown = append(cl.unknown, a)
			}
			continue
		}
		name, val, hasEq := strings.Cut(a[2:], "=")
		if g := findGlobal(name); g != nil {
			if g.kind == optBool {
				if hasEq {
					return nil, argparseError(name, fmt.Sprintf("ignored explicit argument '%s'", val))
				}
				cl.globals.vals[name], cl.globals.set[name] = "true", true
				// A value-less option ends the previous parameter's values.
				cl.params = append(cl.params, rawParam{name: "", hasEq: true})
				continue
			}
			if !hasEq {
				if i+1 >= len(args) {
					return nil, argparseError(name, "expected one argument")
				}
				i++
				val = args[i]
			}
			if len(g.choices) > 0 && !contains(g.choices, val) {
				return nil, &usageError{msg: fmt.Sprintf("argument --%s: Invalid choice, valid choices are:\n\n%s", name, strings.Join(g.choices, " | "))}
			}
			if g.kind == optInt {
				if _, err := argparseInt(name, val); err != nil {
					return nil, err
				}
			}
			cl.globals.vals[name], cl.globals.set[name] = val, true
			cl.params = append(cl.params, rawParam{name: "", hasEq: true})
			continue
		}
		p := rawParam{name: name}
		if hasEq {
			p.values, p.hasEq = []string{val}, true
		}
		cl.params = append(cl.params, p)
	}
	// Drop the markers left by global options.
	ps := cl.params[:0]
	for _, p := range cl.params {
		if p.name != "" {
			ps = append(ps, p)
		}
	}
	cl.params = ps
	return cl, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Names, the botocore way.

var (
	reFirstCap   = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	reEndCap     = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	reSpecialEnd = regexp.MustCompile(`[A-Z]{2,}s$`)
)

// XformName converts a model name to the CLI's spelling exactly as
// botocore.xform_name(name, "-") does: CreateImpersonationRole →
// create-impersonation-role, SAMLProviderArn → saml-provider-arn,
// MFADevices → mfa-devices.
func XformName(name string) string {
	const sep = "-"
	if strings.Contains(name, sep) {
		return name
	}
	if m := reSpecialEnd.FindString(name); m != "" {
		name = name[:len(name)-len(m)] + sep + strings.ToLower(m)
	}
	// Python's re.sub replaces non-overlapping matches left to right; Go's
	// ReplaceAllString does the same.
	s1 := reFirstCap.ReplaceAllString(name, "${1}"+sep+"${2}")
	return strings.ToLower(reEndCap.ReplaceAllString(s1, "${1}"+sep+"${2}"))
}

// ---------------------------------------------------------------------------
// The argument table of one operation.

type argKind int

const (
	argMember argKind = iota
	argStartingToken
	argPageSize
	argMaxItems
)

type argument struct {
	name     string // without the leading --
	kind     argKind
	member   string
	shape    *model.Shape
	required bool
	hidden   bool // paging members replaced by --starting-token etc.
	doc      string
}

type operation struct {
	svc  *model.Service
	op   *model.Operation
	name string
	args []*argument
	// shadowed holds members hidden by a paging argument of the same name
	// (IAM's MaxItems); they come back with --no-paginate.
	shadowed map[string]*argument
}

func commandName(op *model.Operation) string { return XformName(op.Name) }

func findOperation(svc *model.Service, cmd string) *model.Operation {
	for _, n := range svc.OperationNames {
		if XformName(n) == cmd {
			return svc.Operations[n]
		}
	}
	return nil
}

func buildOperation(svc *model.Service, op *model.Operation) *operation {
	o := &operation{svc: svc, op: op, name: commandName(op), shadowed: map[string]*argument{}}
	if op.Input != nil {
		for _, n := range op.Input.Order {
			m := op.Input.Members[n]
			o.args = append(o.args, &argument{name: XformName(n), kind: argMember, member: n, shape: m.Shape,
				required: op.Input.Required[n], doc: firstNonEmpty(m.Doc, m.Shape.Doc)})
		}
	}
	if p := op.Paginator; p != nil && op.Input != nil {
		for _, a := range o.args {
			if contains(p.InputToken, a.member) || a.member == p.LimitKey {
				a.hidden = true
			}
		}
		add := func(a *argument) {
			for i, x := range o.args {
				if x.name == a.name {
					o.shadowed[a.name] = x
					o.args[i] = a
					return
				}
			}
			o.args = append(o.args, a)
		}
		add(&argument{name: "starting-token", kind: argStartingToken, doc: "A token from the NextToken of an earlier truncated response, where the listing resumes."})
		if p.LimitKey != "" {
			add(&argument{name: "page-size", kind: argPageSize, shape: op.Input.Members[p.LimitKey].Shape, doc: "How many items each underlying request asks for; all pages are still fetched. A smaller page makes more, smaller calls."})
		}
		add(&argument{name: "max-items", kind: argMaxItems, doc: "The most items to return in all. When more remain, the output carries a NextToken to pass to --starting-token."})
	}
	return o
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

func (o *operation) arg(name string) (*argument, bool) {
	for _, a := range o.args {
		if a.name == name {
			return a, false
		}
		if a.kind == argMember && a.shape.Type == model.TypeBoolean && "no-"+a.name == name {
			return a, true
		}
	}
	return nil, false
}

// ---------------------------------------------------------------------------
// Running one command.

// invocation is everything one command run needs.
type invocation struct {
	io      *IO
	cl      *commandLine
	svc     *model.Service
	op      *operation
	cfg     *cliConfig
	paging  pagingArgs
	input   map[string]any
	ord     *orderer
	command string // "mailgate workmail list-users", for messages
}

// Run executes one command line (without the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, o *IO) int {
	err := run(ctx, args, o)
	return report(o, err)
}

func report(o *IO, err error) int {
	if err == nil {
		return ExitOK
	}
	var ue *usageError
	var ce *configError
	var ae *apiCallError
	var ce2 *connError
	switch {
	case errors.As(err, &ue):
		switch {
		case ue.plain:
			fmt.Fprintf(o.Stderr, "\n%s\n", ue.msg)
		case ue.bare:
			fmt.Fprintf(o.Stderr, "%s\n%s\n\n", usageLine, ue.msg)
		default:
			fmt.Fprintf(o.Stderr, "%s\nmailgate: error: %s\n\n", usageLine, ue.msg)
		}
		return ExitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(o.Stderr, "\n%s\n", ce.msg)
		return ExitConfig
	case errors.As(err, &ae):
		fmt.Fprintf(o.Stderr, "\nAn error occurred (%s) when calling the %s operation: %s\n", ae.err.Code, ae.op, ae.err.Message)
		return ExitService
	case errors.As(err, &ce2):
		fmt.Fprintf(o.Stderr, "\n%s\n", ce2.Error())
		return ExitOther
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	fmt.Fprintf(o.Stderr, "\n%s\n", err)
	return ExitOther
}

const usageLine = `
usage: mailgate [options] <command> <subcommand> [<subcommand> ...] [parameters]
To see help text, you can run:

  mailgate help
  mailgate <command> help
  mailgate <command> <subcommand> help
`

// apiCallError is a service error answer.
type apiCallError struct {
	op  string
	err *apierror.Error
}

func (e *apiCallError) Error() string {
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", e.err.Code, e.op, e.err.Message)
}

func run(ctx context.Context, args []string, o *IO) error {
	cl, err := parseCommandLine(args)
	if err != nil {
		return err
	}
	if cl.globals.flag("version") {
		fmt.Fprintf(o.Stdout, "mailgate-cli/%s Go/%s %s/%s\n", o.Version, strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH)
		return nil
	}
	if wantPrompt(cl, o) {
		line, err := runPrompt(ctx, cl, o)
		if err != nil {
			return err
		}
		if cl, err = parseCommandLine(line); err != nil {
			return err
		}
		cl.globals.vals["no-cli-auto-prompt"], cl.globals.set["no-cli-auto-prompt"] = "true", true
	}
	if len(cl.positionals) == 0 {
		if len(cl.params) > 0 || len(cl.unknown) > 0 {
			return &usageError{msg: "the following arguments are required: command"}
		}
		return &usageError{msg: "the following arguments are required: command"}
	}
	if cl.positionals[0] == "help" {
		return writeHelp(o, cl, topHelp())
	}
	if cl.positionals[0] == "configure" {
		return runConfigure(ctx, cl, o)
	}
	svc := model.Get(cl.positionals[0])
	if !IsService(cl.positionals[0]) || svc == nil {
		return &usageError{msg: fmt.Sprintf("argument command: Invalid choice, valid choices are:\n\n%s", strings.Join(append(append([]string{}, model.ServiceNames...), "configure", "help"), " | "))}
	}
	if len(cl.positionals) < 2 {
		return &usageError{msg: "the following arguments are required: operation"}
	}
	if cl.positionals[1] == "help" {
		return writeHelp(o, cl, serviceHelp(svc))
	}
	mop := findOperation(svc, cl.positionals[1])
	if mop == nil {
		var names []string
		for _, n := range svc.OperationNames {
			names = append(names, XformName(n))
		}
		return &usageError{msg: fmt.Sprintf("argument operation: Invalid choice, valid choices are:\n\n%s", strings.Join(names, " | "))}
	}
	op := buildOperation(svc, mop)
	if len(cl.positionals) == 3 && cl.positionals[2] == "help" {
		return writeHelp(o, cl, operationHelp(op))
	}
	inv := &invocation{io: o, cl: cl, svc: svc, op: op, ord: newOrderer(), command: "mailgate " + svc.Name + " " + op.name}
	return inv.execute(ctx)
}

func (inv *invocation) execute(ctx context.Context) error {
	cl := inv.cl
	cfg, err := loadCLIConfig(inv.io, &cl.globals)
	if err != nil {
		return err
	}
	inv.cfg = cfg
	if cl.globals.has("query") {
		if _, err := compileQuery(cl.globals.str("query")); err != nil {
			return &usageError{msg: fmt.Sprintf("argument --query: Bad value for --query: %s", cl.globals.str("query"))}
		}
	}
	skel, inputJSON, inputYAML, err := inv.extractCommandOptions()
	if err != nil {
		return err
	}
	if skel == "input" || skel == "yaml-input" {
		if len(cl.unknown) > 0 {
			return unknownOptions(cl.unknown)
		}
		return inv.printInputSkeleton(skel)
	}
	doc, err := inv.buildInput(inputJSON, inputYAML)
	if err != nil {
		return err
	}
	inv.input = doc
	if skel == "output" {
		return inv.printOutputSkeleton()
	}
	return inv.call(ctx)
}

// extractCommandOptions takes the per-command options out of the parameter
// list: --cli-input-json, --cli-input-yaml, --generate-cli-skeleton.
func (inv *invocation) extractCommandOptions() (skel, inJSON, inYAML string, err error) {
	var rest []rawParam
	for _, p := range inv.cl.params {
		switch p.name {
		case "generate-cli-skeleton":
			switch len(p.values) {
			case 0:
				skel = "input"
			case 1:
				skel = p.values[0]
			default:
				inv.cl.unknown = append(inv.cl.unknown, p.values[1:]...)
				skel = p.values[0]
			}
			if !contains([]string{"input", "yaml-input", "output"}, skel) {
				return "", "", "", &usageError{msg: fmt.Sprintf("argument --generate-cli-skeleton: Invalid choice, valid choices are:\n\ninput | yaml-input | output")}
			}
		case "cli-input-json", "cli-input-yaml":
			if len(p.values) != 1 {
				return "", "", "", &usageError{msg: fmt.Sprintf("argument --%s: expected one argument", p.name)}
			}
			v := p.values[0]
			if x, ok, lerr := loadParamFile(v); ok {
				if lerr != nil {
					return "", "", "", lerr
				}
				v = paramText(x)
			}
			if p.name == "cli-input-json" {
				inJSON = v
			} else {
				inYAML = v
			}
		default:
			rest = append(rest, p)
		}
	}
	if inJSON != "" && inYAML != "" {
		return "", "", "", &usageError{plain: true, msg: "Only one --cli-input- parameter may be specified."}
	}
	inv.cl.params = rest
	return skel, inJSON, inYAML, nil
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
