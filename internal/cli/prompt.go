package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/mailgate/mailgate/internal/model"
)

// The auto-prompt (--cli-auto-prompt, AWS_CLI_AUTO_PROMPT=on|on-partial,
// cli_auto_prompt) builds a command interactively: it offers the services,
// then the operations (type a prefix to narrow the list, or a number), then
// each parameter with its type and allowed values, required ones first,
// prints the command it built and runs it. It is line-based, so it works
// on any terminal (and through a pipe, which is how its tests drive it).

func wantPrompt(cl *commandLine, o *IO) bool {
	g := &cl.globals
	if g.flag("no-cli-auto-prompt") {
		return false
	}
	if g.flag("cli-auto-prompt") {
		return true
	}
	mode := o.env("AWS_CLI_AUTO_PROMPT")
	if mode == "" {
		mode = cliSetting(o, o.profileName(g), "cli_auto_prompt")
	}
	switch mode {
	case "on":
		return true
	case "on-partial":
		if len(cl.positionals) < 2 {
			return len(cl.positionals) == 0 || cl.positionals[0] != "help"
		}
		svc := model.Get(cl.positionals[0])
		if !IsService(cl.positionals[0]) || svc == nil {
			return false
		}
		mop := findOperation(svc, cl.positionals[1])
		if mop == nil {
			return false
		}
		op := buildOperation(svc, mop)
		given := map[string]bool{}
		for _, p := range cl.params {
			given[p.name] = true
		}
		if given["cli-input-json"] || given["cli-input-yaml"] || given["generate-cli-skeleton"] {
			return false
		}
		for _, a := range op.args {
			if a.required && !given[a.name] {
				return true
			}
		}
	}
	return false
}

type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

func (p *prompter) ask(q string) (string, error) {
	fmt.Fprint(p.out, q)
	line, err := p.in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("the prompt was closed before the command was complete")
	}
	return strings.TrimSpace(line), nil
}

// choose offers choices and returns one: by number, exact name, or a
// prefix that matches only one.
func (p *prompter) choose(what string, choices []string) (string, error) {
	shown := choices
	for {
		for i, c := range shown {
			fmt.Fprintf(p.out, "  %3d) %s\n", i+1, c)
		}
		ans, err := p.ask(fmt.Sprintf("%s (name, number or prefix): ", what))
		if err != nil {
			return "", err
		}
		var n int
		if _, err := fmt.Sscanf(ans, "%d", &n); err == nil && n >= 1 && n <= len(shown) {
			return shown[n-1], nil
		}
		var matches []string
		for _, c := range choices {
			if c == ans {
				return c, nil
			}
			if strings.HasPrefix(c, ans) {
				matches = append(matches, c)
			}
		}
		switch len(matches) {
		case 1:
			return matches[0], nil
		case 0:
			fmt.Fprintf(p.out, "No %s starts with %q.\n", what, ans)
			shown = choices
		default:
			shown = matches
		}
	}
}

func runPrompt(ctx context.Context, cl *commandLine, o *IO) ([]string, error) {
	p := &prompter{in: bufio.NewReader(o.Stdin), out: o.Stderr}
	svcName, opName, err := p.chooseOperation(cl)
	if err != nil {
		return nil, err
	}
	svc := model.Get(svcName)
	op := buildOperation(svc, findOperation(svc, opName))
	line, given := givenLine(cl, svcName, opName)
	for _, a := range promptOrder(op) {
		if given[a.name] {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		words, err := p.askArgument(a)
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		line = append(line, words...)
	}
	fmt.Fprintf(p.out, "> mailgate %s\n", shellJoin(line))
	return line, nil
}

// chooseOperation asks for the service and the operation the command line
// does not name.
func (p *prompter) chooseOperation(cl *commandLine) (svcName, opName string, err error) {
	if len(cl.positionals) > 0 && IsService(cl.positionals[0]) {
		svcName = cl.positionals[0]
	} else if svcName, err = p.choose("service", model.ServiceNames); err != nil {
		return "", "", &usageError{msg: err.Error()}
	}
	svc := model.Get(svcName)
	if len(cl.positionals) > 1 && findOperation(svc, cl.positionals[1]) != nil {
		return svcName, cl.positionals[1], nil
	}
	var names []string
	for _, n := range svc.OperationNames {
		names = append(names, XformName(n))
	}
	if opName, err = p.choose("operation", names); err != nil {
		return "", "", &usageError{msg: err.Error()}
	}
	return svcName, opName, nil
}

// givenLine is the command line so far: the operation, the parameters
// and the global options given (but the prompt's own).
func givenLine(cl *commandLine, svcName, opName string) ([]string, map[string]bool) {
	line := []string{svcName, opName}
	given := map[string]bool{}
	for _, pr := range cl.params {
		given[pr.name] = true
		line = append(line, "--"+pr.name)
		line = append(line, pr.values...)
	}
	for _, g := range globalOpts {
		if cl.globals.has(g.name) && g.name != "cli-auto-prompt" {
			line = append(line, "--"+g.name)
			if g.kind != optBool {
				line = append(line, cl.globals.str(g.name))
			}
		}
	}
	return line, given
}

// promptOrder is the order parameters are asked in: required ones first.
func promptOrder(op *operation) []*argument {
	ordered := make([]*argument, 0, len(op.args))
	for _, a := range op.args {
		if a.required {
			ordered = append(ordered, a)
		}
	}
	for _, a := range op.args {
		if !a.required && !a.hidden {
			ordered = append(ordered, a)
		}
	}
	return ordered
}

// askArgument asks for one parameter until the answer will do, and
// returns its words (none when an optional one is skipped).
func (p *prompter) askArgument(a *argument) ([]string, error) {
	q := argumentQuestion(a)
	for {
		ans, err := p.ask(q)
		if err != nil {
			return nil, err
		}
		if ans == "" {
			if !a.required {
				return nil, nil
			}
			fmt.Fprintf(p.out, "--%s is required.\n", a.name)
			continue
		}
		if a.shape != nil && len(a.shape.Enum) > 0 && !contains(a.shape.Enum, ans) {
			fmt.Fprintf(p.out, "Choose one of: %s.\n", strings.Join(a.shape.Enum, ", "))
			continue
		}
		if a.shape != nil && a.shape.Type == model.TypeBoolean {
			switch strings.ToLower(ans) {
			case "true", "yes", "y":
				return []string{"--" + a.name}, nil
			case "false", "no", "n":
				return []string{"--no-" + a.name}, nil
			}
			fmt.Fprintln(p.out, "Answer true or false.")
			continue
		}
		if a.shape != nil && a.shape.Type == model.TypeList && isScalarShape(a.shape.Member.Shape) {
			return append([]string{"--" + a.name}, strings.Fields(ans)...), nil
		}
		return []string{"--" + a.name, ans}, nil
	}
}

// argumentQuestion asks for a parameter with its type, whether it is
// required, and the values or the shorthand it takes.
func argumentQuestion(a *argument) string {
	desc := "string"
	if a.shape != nil {
		desc = typeName(a.shape)
	} else if a.kind != argStartingToken {
		desc = "integer"
	}
	if a.required {
		desc += ", required"
	}
	var hint string
	if a.shape != nil {
		if len(a.shape.Enum) > 0 {
			hint = " [" + strings.Join(a.shape.Enum, " | ") + "]"
		} else if a.shape.Type == model.TypeBoolean {
			hint = " [true | false]"
		} else if sh := shorthandForm(a.shape); sh != "" {
			hint = " [" + sh + "]"
		}
	}
	return fmt.Sprintf("--%s (%s)%s: ", a.name, desc, hint)
}

func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			out[i] = a
		}
	}
	return strings.Join(out, " ")
}
