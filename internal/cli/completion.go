package cli

import "github.com/mailgate/mailgate/internal/model"

// What shell completion offers (`mailgate completion`), read from the
// tables the command line is parsed with.

// GlobalOption is a global option as completion offers it.
type GlobalOption struct {
	Name    string // without the leading --
	Value   bool   // takes a value
	Choices []string
}

// GlobalOptions lists the global options.
func GlobalOptions() []GlobalOption {
	out := make([]GlobalOption, 0, len(globalOpts))
	for _, g := range globalOpts {
		out = append(out, GlobalOption{Name: g.name, Value: g.kind != optBool, Choices: g.choices})
	}
	return out
}

// CommandParameters lists an operation's parameters as the command line
// spells them, without the leading --: its members (booleans also in
// their no- form), the paging options, and the input options.
func CommandParameters(svc *model.Service, op *model.Operation) []string {
	var out []string
	for _, a := range buildOperation(svc, op).args {
		if a.hidden {
			continue
		}
		out = append(out, a.name)
		if a.kind == argMember && a.shape.Type == model.TypeBoolean {
			out = append(out, "no-"+a.name)
		}
	}
	return append(out, "cli-input-json", "cli-input-yaml", "generate-cli-skeleton")
}
