package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/mailgate/mailgate/internal/cli"
	"github.com/mailgate/mailgate/internal/model"
)

const completionUsage = `Usage: mailgate completion bash|zsh|fish

Prints a completion script for the shell, generated from the service
models: commands, operations (as the AWS CLI spells them), each
operation's parameters, the global options and the flags of serve.

  bash   source <(mailgate completion bash)      or save it as
         /usr/share/bash-completion/completions/mailgate
  zsh    mailgate completion zsh > "${fpath[1]}/_mailgate"
  fish   mailgate completion fish > ~/.config/fish/completions/mailgate.fish
`

func completion(args []string, out io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(os.Stderr, completionUsage)
		return 2
	}
	spec := newCompletionSpec()
	switch args[0] {
	case "bash":
		io.WriteString(out, spec.bash())
	case "zsh":
		io.WriteString(out, spec.zsh())
	case "fish":
		io.WriteString(out, spec.fish())
	case "-h", "--help", "help":
		fmt.Fprint(out, completionUsage)
	default:
		fmt.Fprintf(os.Stderr, "mailgate completion: unknown shell %q\n\n%s", args[0], completionUsage)
		return 2
	}
	return 0
}

// completionSpec is everything the scripts complete. Every word in it is
// made of lowercase letters, digits and dashes (checked), so the scripts
// need no quoting.
type completionSpec struct {
	commands    []string
	shells      []string
	globals     []cli.GlobalOption
	serveFlags  []string // --name
	serveValued []string // those that take a value
	services    []completionService
}

type completionService struct {
	name string
	ops  []completionOp
}

type completionOp struct {
	name   string
	params []string // --name
}

var plainWord = regexp.MustCompile(`^-{0,2}[a-z0-9][a-z0-9-]*$`)

func newCompletionSpec() *completionSpec {
	s := &completionSpec{commands: []string{"serve", "version", "completion", "configure", "help"},
		shells: []string{"bash", "zsh", "fish"}, globals: cli.GlobalOptions()}
	s.commands = append(s.commands, model.ServiceNames...)
	var f serveFlags
	serveFlagSet(&f).VisitAll(func(fl *flag.Flag) {
		s.serveFlags = append(s.serveFlags, "--"+fl.Name)
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			s.serveValued = append(s.serveValued, "--"+fl.Name)
		}
	})
	for _, name := range model.ServiceNames {
		m := model.Get(name)
		svc := completionService{name: name}
		for _, opName := range m.OperationNames {
			op := completionOp{name: cli.XformName(opName)}
			for _, p := range cli.CommandParameters(m, m.Operations[opName]) {
				op.params = append(op.params, "--"+p)
			}
			svc.ops = append(svc.ops, op)
		}
		s.services = append(s.services, svc)
	}
	s.check()
	return s
}

// check panics on a word that would need quoting in a script.
func (s *completionSpec) check() {
	words := append(append(append([]string{}, s.commands...), s.shells...), s.serveFlags...)
	for _, g := range s.globals {
		words = append(append(words, g.Name), g.Choices...)
	}
	for _, svc := range s.services {
		for _, op := range svc.ops {
			words = append(append(words, op.name), op.params...)
		}
	}
	for _, w := range words {
		if !plainWord.MatchString(w) {
			panic(fmt.Sprintf("completion: %q needs quoting", w))
		}
	}
}

// globalWords are the global options, --name each.
func (s *completionSpec) globalWords() string {
	var w []string
	for _, g := range s.globals {
		w = append(w, "--"+g.Name)
	}
	return strings.Join(w, " ")
}

// valued lists the global options that take a value, by what their value
// is: fixed choices, a file, or anything.
func (s *completionSpec) valued() (choices map[string][]string, files, free []string) {
	choices = map[string][]string{}
	for _, g := range s.globals {
		switch {
		case !g.Value:
		case len(g.Choices) > 0:
			choices["--"+g.Name] = g.Choices
		case g.Name == "ca-bundle":
			files = append(files, "--"+g.Name)
		default:
			free = append(free, "--"+g.Name)
		}
	}
	return choices, append(files, "--cli-input-json", "--cli-input-yaml"), free
}

func (s *completionSpec) allValued() []string {
	var out []string
	for _, g := range s.globals {
		if g.Value {
			out = append(out, "--"+g.Name)
		}
	}
	return out
}

// The three scripts share one algorithm: find the command and the
// operation among the words before the cursor (skipping options and the
// values of global options), complete an option's value after an option
// that takes one, else the next word: a command, an operation, or the
// operation's parameters (global options when the word starts with -).

// shDialect is how bash or zsh says each step of the shared algorithm;
// the %s verbs take lists of words.
type shDialect struct {
	header   string
	pattern  string // a case pattern
	setReply string // make the words the candidates
	addReply string // add the words to the candidates
	noMatch  string // the last case of the lookup functions
	prologue string // locals, up to the loop over the words before the cursor
	offer    string // offer these words and return
	files    string // offer file names and return
	operations,
	parameters string // candidates from the lookup functions
	epilogue string // offer the candidates, end the function and register it
}

var bashDialect = shDialect{
	header: "# bash completion for mailgate, generated by `mailgate completion bash` from its service models.\n" +
		"# Load it with: source <(mailgate completion bash)\n\n",
	pattern: "%s)", setReply: `words="%s"`, addReply: `words="$words %s"`,
	prologue: "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n    local i w cmd= op= words=\n" +
		"    for (( i = 1; i < COMP_CWORD; i++ )); do\n        w=${COMP_WORDS[i]}\n",
	offer: `COMPREPLY=( $(compgen -W "%s" -- "$cur") ); return`, files: `COMPREPLY=( $(compgen -f -- "$cur") ); return`,
	operations: `_mailgate_operations "$cmd"; words="$words help"`, parameters: `_mailgate_parameters "$cmd $op"`,
	epilogue: "    COMPREPLY=( $(compgen -W \"$words\" -- \"$cur\") )\n}\n\ncomplete -o default -F _mailgate mailgate\n",
}

var zshDialect = shDialect{
	header: "#compdef mailgate\n# zsh completion for mailgate, generated by `mailgate completion zsh` from its service models.\n" +
		"# Install it as _mailgate in a directory of $fpath, or load it with: source <(mailgate completion zsh)\n\n",
	pattern: "(%s)", setReply: "reply=(%s)", addReply: "reply+=(%s)", noMatch: "        (*) reply=() ;;\n",
	prologue: "    local -a reply\n    local i w cmd= op= cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n" +
		"    for (( i = 2; i < CURRENT; i++ )); do\n        w=${words[i]}\n",
	offer: "compadd -- %s; return", files: "_files; return",
	operations: "_mailgate_operations $cmd; reply+=(help)", parameters: `_mailgate_parameters "$cmd $op"`,
	epilogue: "    compadd -- $reply\n}\n\nif [[ $funcstack[1] == _mailgate ]]; then\n    _mailgate \"$@\"\nelse\n    compdef _mailgate mailgate\nfi\n",
}

func (s *completionSpec) bash() string { return s.sh(bashDialect) }
func (s *completionSpec) zsh() string  { return s.sh(zshDialect) }

// sh writes the bash or zsh script.
func (s *completionSpec) sh(d shDialect) string {
	var b strings.Builder
	line := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("    ", indent) + fmt.Sprintf(format, args...) + "\n")
	}
	pattern := func(words ...string) string { return fmt.Sprintf(d.pattern, strings.Join(words, "|")) }
	list := func(words []string) string { return strings.Join(words, " ") }
	b.WriteString(d.header)
	line(0, "_mailgate_operations() {\n    case $1 in")
	for _, svc := range s.services {
		line(2, "%s %s ;;", pattern(svc.name), fmt.Sprintf(d.setReply, list(opNames(svc))))
	}
	b.WriteString(d.noMatch)
	line(0, "    esac\n}\n\n_mailgate_parameters() {\n    case $1 in")
	for _, svc := range s.services {
		for _, op := range svc.ops {
			line(2, "%s %s ;;", pattern(`"`+svc.name+" "+op.name+`"`), fmt.Sprintf(d.setReply, list(op.params)))
		}
	}
	b.WriteString(d.noMatch)
	line(0, "    esac\n}\n")
	choices, files, free := s.valued()
	line(0, "_mailgate() {")
	b.WriteString(d.prologue)
	line(2, "case $w in")
	line(3, "%s (( i++ )) ;;", pattern(s.allValued()...))
	line(3, "%s ;;", pattern("-*"))
	line(3, "%s if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $op ]]; then op=$w; fi ;;", pattern("*"))
	line(2, "esac")
	line(1, "done")
	line(1, "case $prev in")
	for _, name := range slices.Sorted(maps.Keys(choices)) {
		line(2, "%s %s ;;", pattern(name), fmt.Sprintf(d.offer, list(choices[name])))
	}
	line(2, "%s %s ;;", pattern(files...), d.files)
	line(2, "%s return ;;", pattern(free...))
	line(1, "esac")
	line(1, "if [[ -z $cmd ]]; then")
	line(2, d.setReply, list(s.commands))
	line(2, "[[ $cur == -* ]] && "+d.setReply, "--help "+s.globalWords())
	line(1, "elif [[ $cmd == serve ]]; then")
	line(2, "case $prev in %s %s ;; esac", pattern(s.serveValued...), d.files)
	line(2, d.setReply, list(s.serveFlags))
	line(1, "elif [[ $cmd == completion ]]; then")
	line(2, "[[ -z $op ]] && "+d.setReply, list(s.shells))
	line(1, "elif [[ $cmd == version || $cmd == configure || $cmd == help ]]; then")
	line(2, "return")
	line(1, "elif [[ -z $op ]]; then")
	line(2, "%s", d.operations)
	line(2, "[[ $cur == -* ]] && "+d.setReply, s.globalWords())
	line(1, "else")
	line(2, "%s", d.parameters)
	line(2, "[[ $cur == -* ]] && "+d.addReply, s.globalWords())
	line(1, "fi")
	b.WriteString(d.epilogue)
	return b.String()
}

func (s *completionSpec) fish() string {
	var b strings.Builder
	b.WriteString("# fish completion for mailgate, generated by `mailgate completion fish` from its service models.\n")
	b.WriteString("# Install it as ~/.config/fish/completions/mailgate.fish\n\n")
	b.WriteString("function __mailgate_operations\n    switch $argv[1]\n")
	for _, svc := range s.services {
		fmt.Fprintf(&b, "        case %s\n            printf '%%s\\n' %s\n", svc.name, strings.Join(opNames(svc), " "))
	}
	b.WriteString("    end\nend\n\nfunction __mailgate_parameters\n    switch \"$argv[1]\"\n")
	for _, svc := range s.services {
		for _, op := range svc.ops {
			fmt.Fprintf(&b, "        case '%s %s'\n            printf '%%s\\n' %s\n", svc.name, op.name, strings.Join(op.params, " "))
		}
	}
	b.WriteString("    end\nend\n\n")
	choices, files, free := s.valued()
	b.WriteString("function __mailgate_complete\n")
	b.WriteString("    set -l tokens (commandline -opc)\n    set -l cur (commandline -ct)\n    set -l cmd\n    set -l op\n    set -l skip 0\n")
	b.WriteString("    for w in $tokens[2..-1]\n        if test $skip -eq 1\n            set skip 0\n            continue\n        end\n        switch $w\n")
	fmt.Fprintf(&b, "            case %s\n                set skip 1\n", strings.Join(s.allValued(), " "))
	b.WriteString("            case '-*'\n            case '*'\n                if test -z \"$cmd\"\n                    set cmd $w\n                else if test -z \"$op\"\n                    set op $w\n                end\n        end\n    end\n")
	b.WriteString("    switch \"$tokens[-1]\"\n")
	for _, name := range slices.Sorted(maps.Keys(choices)) {
		fmt.Fprintf(&b, "        case %s\n            printf '%%s\\n' %s\n            return\n", name, strings.Join(choices[name], " "))
	}
	fmt.Fprintf(&b, "        case %s\n            __fish_complete_path $cur\n            return\n", strings.Join(files, " "))
	fmt.Fprintf(&b, "        case %s\n            return\n", strings.Join(free, " "))
	b.WriteString("    end\n")
	fmt.Fprintf(&b, "    set -l globals %s\n", s.globalWords())
	b.WriteString("    if test -z \"$cmd\"\n")
	fmt.Fprintf(&b, "        if string match -q -- '-*' $cur\n            printf '%%s\\n' --help $globals\n        else\n            printf '%%s\\n' %s\n        end\n", strings.Join(s.commands, " "))
	b.WriteString("    else if test \"$cmd\" = serve\n")
	fmt.Fprintf(&b, "        if contains -- \"$tokens[-1]\" %s\n            __fish_complete_path $cur\n            return\n        end\n", strings.Join(s.serveValued, " "))
	fmt.Fprintf(&b, "        printf '%%s\\n' %s\n", strings.Join(s.serveFlags, " "))
	b.WriteString("    else if test \"$cmd\" = completion\n")
	fmt.Fprintf(&b, "        test -z \"$op\"; and printf '%%s\\n' %s\n", strings.Join(s.shells, " "))
	b.WriteString("    else if contains -- $cmd version configure help\n        return\n")
	b.WriteString("    else if test -z \"$op\"\n")
	b.WriteString("        if string match -q -- '-*' $cur\n            printf '%s\\n' $globals\n        else\n            __mailgate_operations $cmd\n            echo help\n        end\n")
	b.WriteString("    else\n        __mailgate_parameters \"$cmd $op\"\n        string match -q -- '-*' $cur; and printf '%s\\n' $globals\n    end\nend\n\n")
	b.WriteString("complete -c mailgate -f -a '(__mailgate_complete)'\n")
	return b.String()
}

func opNames(svc completionService) []string {
	out := make([]string, len(svc.ops))
	for i, op := range svc.ops {
		out[i] = op.name
	}
	return out
}
