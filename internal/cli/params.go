package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/model"
)

// The operation's parameters, as argparse sees them (how many words each
// takes, flags, the paging options), gathered into the input document.
// Every value goes through readValue (coerce.go).

// buildInput merges --cli-input-json/yaml with the command line (the
// command line wins), types everything by the model and validates it.
func (inv *invocation) buildInput(inJSON, inYAML string) (map[string]any, error) {
	doc, err := inv.fileInput(inJSON, inYAML)
	if err != nil {
		return nil, err
	}
	cliValues, err := inv.commandLineValues()
	if err != nil {
		return nil, err
	}
	in := inv.op.op.Input
	if in == nil {
		return map[string]any{}, nil
	}
	if inJSON == "" && inYAML == "" {
		if err := inv.requireArguments(cliValues); err != nil {
			return nil, err
		}
	}
	// Command-line values override the file.
	for k, v := range cliValues {
		doc[k] = v
	}
	addIdempotencyTokens(in, doc)
	if err := validateInput(in, doc, inv.cfg.binaryFormat); err != nil {
		return nil, err
	}
	if err := inv.checkPaging(cliValues); err != nil {
		return nil, err
	}
	return doc, nil
}

// fileInput reads --cli-input-json or --cli-input-yaml (an empty document
// without either).
func (inv *invocation) fileInput(inJSON, inYAML string) (map[string]any, error) {
	raw := rawValue{name: "cli-input-json", words: []string{inJSON}, syntax: syntaxJSON}
	switch {
	case inYAML != "":
		raw = rawValue{name: "cli-input-yaml", words: []string{inYAML}, syntax: syntaxYAML}
	case inJSON == "":
		return map[string]any{}, nil
	}
	v, err := readValue(inv.op.op.Input, raw, inv.cfg.binaryFormat)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// commandLineValues reads every parameter of the command line: members
// into the returned map, paging options into inv.paging.
func (inv *invocation) commandLineValues() (map[string]any, error) {
	values := map[string]any{}
	var unknown []string
	for _, p := range inv.cl.params {
		a, negated := inv.findArgument(p.name)
		if a == nil {
			unknown = append(append(unknown, "--"+p.name), p.values...)
			continue
		}
		// argparse keeps the last occurrence of a repeated option.
		v, extra, err := inv.argumentValue(a, p, negated)
		if err != nil {
			return nil, err
		}
		unknown = append(unknown, extra...)
		inv.setArgument(a, v, values)
	}
	unknown = append(unknown, inv.cl.unknown...)
	if len(unknown) > 0 {
		return nil, unknownOptions(unknown)
	}
	return values, nil
}

// findArgument is the argument --name stands for; with --no-paginate a
// paging option gives way to the member it shadows (IAM's MaxItems).
func (inv *invocation) findArgument(name string) (*argument, bool) {
	a, negated := inv.op.arg(name)
	if a != nil && inv.cl.globals.flag("no-paginate") {
		if sh, ok := inv.op.shadowed[name]; ok {
			a = sh
		}
	}
	return a, negated
}

func (inv *invocation) setArgument(a *argument, v any, values map[string]any) {
	switch a.kind {
	case argMember:
		values[a.member] = v
	case argStartingToken:
		inv.paging.startingToken = v.(string)
	case argPageSize:
		inv.paging.pageSize = v.(int64)
		inv.paging.pageSizeSet = true
	case argMaxItems:
		inv.paging.maxItems = v.(int64)
		inv.paging.maxItemsSet = true
	}
}

// argumentValue turns one parameter's words into its value, and returns
// the words it does not take: --flag/--no-flag for booleans, argparse's
// int for --page-size and --max-items, readValue for the model's members.
func (inv *invocation) argumentValue(a *argument, p rawParam, negated bool) (any, []string, error) {
	switch {
	case a.kind == argStartingToken:
		if len(p.values) < 1 {
			return nil, nil, argparseError(a.name, "expected one argument")
		}
		return p.values[0], p.values[1:], nil
	case a.kind == argPageSize || a.kind == argMaxItems:
		if len(p.values) < 1 {
			return nil, nil, argparseError(a.name, "expected one argument")
		}
		n, err := argparseInt(a.name, p.values[0])
		return n, p.values[1:], err
	case a.shape.Type == model.TypeBoolean:
		if len(p.values) > 0 && p.hasEq {
			return nil, nil, argparseError(a.name, fmt.Sprintf("ignored explicit argument '%s'", p.values[0]))
		}
		return !negated, p.values, nil
	}
	words, extra, err := valueWords(a, p.values)
	if err != nil {
		return nil, nil, err
	}
	if err := argparseType(a, words); err != nil {
		return nil, nil, err
	}
	v, err := readValue(a.shape, rawValue{name: "--" + a.name, words: words, path: a.member}, inv.cfg.binaryFormat)
	return v, extra, err
}

// valueWords splits a member's words into those of its value (all of them,
// maybe none, for a list; one otherwise) and the rest.
func valueWords(a *argument, words []string) ([]string, []string, error) {
	if a.shape.Type == model.TypeList {
		return words, nil, nil
	}
	if len(words) == 0 {
		return nil, nil, argparseError(a.name, "expected one argument")
	}
	return words[:1], words[1:], nil
}

// argparseType is argparse's check of a long, float or double member,
// which the AWS CLI declares type=int and type=float (integers are read
// later, by int()).
func argparseType(a *argument, words []string) error {
	if len(words) != 1 {
		return nil
	}
	word := words[0]
	switch a.shape.Type {
	case model.TypeLong:
		if _, err := strconv.ParseInt(strings.TrimSpace(word), 10, 64); err != nil {
			return argparseError(a.name, fmt.Sprintf("invalid int value: '%s'", word))
		}
	case model.TypeFloat, model.TypeDouble:
		if _, err := strconv.ParseFloat(strings.TrimSpace(word), 64); err != nil {
			return argparseError(a.name, fmt.Sprintf("invalid float value: '%s'", word))
		}
	}
	return nil
}

// argparseError is argparse's complaint about one option.
func argparseError(name, msg string) error {
	return &usageError{msg: fmt.Sprintf("argument --%s: %s", name, msg)}
}

// argparseInt is argparse's type=int.
func argparseInt(name, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, argparseError(name, fmt.Sprintf("invalid int value: '%s'", s))
	}
	return n, nil
}

// requireArguments is argparse's check of the required members (skipped
// when an input file may hold them).
func (inv *invocation) requireArguments(values map[string]any) error {
	var missing []string
	for _, a := range inv.op.args {
		if a.kind == argMember && a.required {
			if _, ok := values[a.member]; !ok {
				missing = append(missing, "--"+a.name)
			}
		}
	}
	if len(missing) > 0 {
		return &usageError{msg: "the following arguments are required: " + strings.Join(missing, ", ")}
	}
	return nil
}

// addIdempotencyTokens gives idempotency tokens the user left out a fresh
// UUID, as the SDKs do.
func addIdempotencyTokens(in *model.Shape, doc map[string]any) {
	for _, n := range in.Order {
		if in.Members[n].IdempotencyToken {
			if _, ok := doc[n]; !ok {
				doc[n] = uuid.NewString()
			}
		}
	}
}

// checkPaging turns automatic pagination off when a paging member was
// given by hand, as the AWS CLI does, and refuses --no-paginate with the
// paging options.
func (inv *invocation) checkPaging(cliValues map[string]any) error {
	if p := inv.op.op.Paginator; p != nil {
		for _, t := range p.InputToken {
			if _, ok := cliValues[t]; ok {
				inv.paging.manual = true
			}
		}
		if _, ok := cliValues[p.LimitKey]; ok && p.LimitKey != "" {
			inv.paging.manual = true
		}
	}
	if !inv.cl.globals.flag("no-paginate") {
		return nil
	}
	var used []string
	if inv.paging.startingToken != "" {
		used = append(used, "--starting-token")
	}
	if inv.paging.pageSizeSet {
		used = append(used, "--page-size")
	}
	if inv.paging.maxItemsSet {
		used = append(used, "--max-items")
	}
	if len(used) > 0 {
		return &usageError{plain: true, msg: "Error during pagination: Cannot specify --no-paginate along with pagination arguments: " + strings.Join(used, ", ")}
	}
	return nil
}
