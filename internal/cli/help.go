package cli

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"

	"github.com/mailgate/mailgate/internal/model"
)

// Help is generated from the model: the operation's and members'
// documentation (stripped of its HTML), each parameter's type, whether it
// is required, its constraints and possible values, and the shorthand and
// JSON forms it accepts. The framing text is mailgate's own.

func writeHelp(o *IO, cl *commandLine, text string) error {
	inv := &invocation{io: o, cl: cl}
	cfg, err := loadCLIConfig(o, &cl.globals)
	if err != nil {
		cfg = &cliConfig{output: "json"}
	}
	inv.cfg = cfg
	out, done, _ := inv.pagedStdout()
	defer done()
	_, err = fmt.Fprint(out, text)
	return err
}

var (
	reTag   = regexp.MustCompile(`<[^>]+>`)
	reSpace = regexp.MustCompile(`[ \t]+`)
)

// plainDoc turns the model's HTML documentation into wrapped text.
func plainDoc(doc string, indent int) string {
	doc = strings.NewReplacer("</p>", "\n\n", "<li>", "\n  * ", "</li>", "", "<br/>", "\n", "<br>", "\n").Replace(doc)
	doc = html.UnescapeString(reTag.ReplaceAllString(doc, ""))
	var out []string
	for _, para := range strings.Split(doc, "\n\n") {
		para = strings.TrimSpace(reSpace.ReplaceAllString(para, " "))
		if para == "" {
			continue
		}
		var lines []string
		for _, l := range strings.Split(para, "\n") {
			lines = append(lines, wrap(strings.TrimSpace(l), 76-indent, indent)...)
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n\n")
}

func wrap(s string, width, indent int) []string {
	pad := strings.Repeat(" ", indent)
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, pad+line)
			line = w
			continue
		}
		if line == "" {
			line = w
		} else {
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, pad+line)
	}
	return lines
}

func topHelp() string {
	var b strings.Builder
	b.WriteString("MAILGATE CLI\n\n  mailgate [global options] <service> <operation> [parameters]\n\n")
	b.WriteString("  The command line of the WorkMail, IAM and STS APIs that mailgate serves,\n")
	b.WriteString("  built from the same API models as the server. It reads the same\n")
	b.WriteString("  ~/.aws files and AWS_* variables as the AWS tools.\n\nSERVICES\n\n")
	for _, n := range model.ServiceNames {
		fmt.Fprintf(&b, "  %-10s %s\n", n, model.Get(n).FullName)
	}
	b.WriteString("\nOTHER COMMANDS\n\n  configure  write a profile (credentials, region, endpoint) for a server\n  help       this text; `mailgate <service> help`, `mailgate <service> <operation> help`\n\n")
	b.WriteString(globalOptionsHelp())
	return b.String()
}

func globalOptionsHelp() string {
	var b strings.Builder
	b.WriteString("GLOBAL OPTIONS\n")
	groups := []string{"Connection", "Credentials", "Output", "Input", "Diagnostics"}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n  %s options:\n\n", g)
		for _, o := range globalOpts {
			if o.group != g {
				continue
			}
			kind := map[optKind]string{optBool: "", optString: " <string>", optInt: " <integer>"}[o.kind]
			fmt.Fprintf(&b, "  --%s%s\n", o.name, kind)
			fmt.Fprintf(&b, "%s\n", strings.Join(wrap(o.usage, 70, 6), "\n"))
			if len(o.choices) > 0 {
				fmt.Fprintf(&b, "      One of: %s.\n", strings.Join(o.choices, ", "))
			}
			if len(o.env) > 0 {
				fmt.Fprintf(&b, "      Environment: %s.\n", strings.Join(o.env, ", "))
			}
		}
	}
	return b.String()
}

func serviceHelp(svc *model.Service) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n  mailgate %s <operation> [parameters]\n\nDESCRIPTION\n\n", strings.ToUpper(svc.Name), svc.Name)
	if d := plainDoc(svc.FullName, 2); d != "" {
		b.WriteString(d + "\n\n")
	}
	b.WriteString("OPERATIONS\n\n")
	var names []string
	for _, n := range svc.OperationNames {
		names = append(names, XformName(n))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  * %s\n", n)
	}
	fmt.Fprintf(&b, "\n  `mailgate %s <operation> help` describes one operation.\n", svc.Name)
	return b.String()
}

// typeName is how help names a shape's type.
func typeName(sh *model.Shape) string {
	switch sh.Type {
	case model.TypeInteger, model.TypeLong:
		return "integer"
	case model.TypeDouble, model.TypeFloat:
		return "double"
	}
	return sh.Type
}

func constraints(sh *model.Shape) []string {
	var c []string
	unit := "characters"
	switch sh.Type {
	case model.TypeList:
		unit = "items"
	case model.TypeMap:
		unit = "entries"
	case model.TypeBlob:
		unit = "bytes"
	}
	num := sh.Type == model.TypeInteger || sh.Type == model.TypeLong || sh.Type == model.TypeDouble || sh.Type == model.TypeFloat
	if sh.Min != nil && sh.Max != nil {
		if num {
			c = append(c, fmt.Sprintf("from %s to %s", fmtFloat(*sh.Min), fmtFloat(*sh.Max)))
		} else {
			c = append(c, fmt.Sprintf("%s to %s %s", fmtFloat(*sh.Min), fmtFloat(*sh.Max), unit))
		}
	} else if sh.Min != nil {
		if num {
			c = append(c, "at least "+fmtFloat(*sh.Min))
		} else {
			c = append(c, fmt.Sprintf("at least %s %s", fmtFloat(*sh.Min), unit))
		}
	} else if sh.Max != nil {
		if num {
			c = append(c, "at most "+fmtFloat(*sh.Max))
		} else {
			c = append(c, fmt.Sprintf("at most %s %s", fmtFloat(*sh.Max), unit))
		}
	}
	if sh.Pattern != nil {
		c = append(c, "matching "+sh.Pattern.Source)
	}
	if sh.Sensitive {
		c = append(c, "sensitive (masked in --debug)")
	}
	return c
}

func operationHelp(o *operation) string {
	op := o.op
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nDESCRIPTION\n\n%s\n\nSYNOPSIS\n\n  mailgate %s %s\n", o.name, plainDoc(operationDoc(op), 2), o.svc.Name, o.name)
	for _, a := range o.args {
		if a.hidden {
			continue
		}
		if a.kind == argMember && a.shape.Type == model.TypeBoolean {
			fmt.Fprintf(&b, "    %s--%s | --no-%s%s\n", opt(a.required), a.name, a.name, closeOpt(a.required))
			continue
		}
		fmt.Fprintf(&b, "    %s--%s <value>%s\n", opt(a.required), a.name, closeOpt(a.required))
	}
	b.WriteString("    [--cli-input-json <value> | --cli-input-yaml <value>]\n    [--generate-cli-skeleton [input | yaml-input | output]]\n    [global options: mailgate help]\n\nPARAMETERS\n")
	if len(o.args) == 0 {
		b.WriteString("\n  None\n")
	}
	for _, a := range o.args {
		if !a.hidden {
			b.WriteString("\n")
			writeParameterHelp(&b, a)
		}
	}
	b.WriteString("\n  Any value may be given as file://path (text) or fileb://path (bytes).\n")
	if op.Paginator != nil {
		b.WriteString("\n  This operation pages: mailgate fetches every page and merges them unless\n  --no-paginate is given.\n")
	}
	b.WriteString("\nOUTPUT\n\n")
	if op.Output == nil || len(op.Output.Order) == 0 {
		b.WriteString("  None\n")
	} else {
		b.WriteString(memberDocs(op.Output, 2, nil))
	}
	b.WriteString("\n" + globalOptionsHelp())
	return b.String()
}

// writeParameterHelp documents one parameter: its type, whether it is
// required, its constraints and values, and how to write it.
func writeParameterHelp(b *strings.Builder, a *argument) {
	if a.kind != argMember {
		t := "string"
		if a.kind != argStartingToken {
			t = "integer"
		}
		fmt.Fprintf(b, "  --%s (%s, optional)\n%s\n", a.name, t, strings.Join(wrap(a.doc, 70, 6), "\n"))
		return
	}
	req := "optional"
	if a.required {
		req = "required"
	}
	name := "--" + a.name
	if a.shape.Type == model.TypeBoolean {
		name += " | --no-" + a.name
	}
	fmt.Fprintf(b, "  %s (%s, %s)\n", name, typeName(a.shape), req)
	if d := plainDoc(a.doc, 6); d != "" {
		b.WriteString(d + "\n")
	}
	if c := constraints(a.shape); len(c) > 0 {
		fmt.Fprintf(b, "      Constraints: %s.\n", strings.Join(c, "; "))
	}
	if len(a.shape.Enum) > 0 {
		fmt.Fprintf(b, "      Possible values: %s.\n", strings.Join(a.shape.Enum, ", "))
	}
	if a.shape.Type == model.TypeList && len(a.shape.Member.Shape.Enum) > 0 {
		fmt.Fprintf(b, "      Possible values: %s.\n", strings.Join(a.shape.Member.Shape.Enum, ", "))
	}
	switch a.shape.Type {
	case model.TypeStructure, model.TypeMap, model.TypeList:
		b.WriteString(memberDocs(a.shape, 6, nil))
		if sh := shorthandForm(a.shape); sh != "" {
			fmt.Fprintf(b, "\n      Shorthand:\n\n        %s\n", sh)
		}
		fmt.Fprintf(b, "\n      JSON:\n\n%s\n", indentLines(jsonForm(a.shape, 0, nil), 8))
	case model.TypeBlob:
		b.WriteString("      Give fileb://path for a file's bytes, or base64 text (--cli-binary-format).\n")
	case model.TypeTimestamp:
		b.WriteString("      ISO 8601 (2024-05-01T12:00:00Z) or seconds since the epoch.\n")
	}
}

func operationDoc(op *model.Operation) string {
	return firstNonEmpty(opDocs(op), op.Name)
}

// opDocs has no model field to read for operations, so help describes the
// input instead when the operation's own text is absent.
func opDocs(op *model.Operation) string {
	if op.Input != nil && op.Input.Doc != "" {
		return op.Input.Doc
	}
	return ""
}

func opt(required bool) string {
	if required {
		return ""
	}
	return "["
}

func closeOpt(required bool) string {
	if required {
		return ""
	}
	return "]"
}

func indentLines(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// memberDocs lists the members of a structure (or of a list's or map's
// structure), nested, with their types.
func memberDocs(sh *model.Shape, indent int, stack []*model.Shape) string {
	for sh.Type == model.TypeList {
		sh = sh.Member.Shape
	}
	if sh.Type == model.TypeMap {
		sh = sh.Value.Shape
	}
	if sh.Type != model.TypeStructure {
		return ""
	}
	for _, s := range stack {
		if s == sh {
			return ""
		}
	}
	stack = append(stack, sh)
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, n := range sh.Order {
		m := sh.Members[n]
		req := ""
		if sh.Required[n] {
			req = ", required"
		}
		fmt.Fprintf(&b, "\n%s%s -> (%s%s)\n", pad, n, typeName(m.Shape), req)
		if d := plainDoc(firstNonEmpty(m.Doc, m.Shape.Doc), indent+2); d != "" {
			b.WriteString(d + "\n")
		}
		if len(m.Shape.Enum) > 0 {
			fmt.Fprintf(&b, "%s  Possible values: %s.\n", pad, strings.Join(m.Shape.Enum, ", "))
		}
		b.WriteString(memberDocs(m.Shape, indent+2, stack))
	}
	return b.String()
}

// shorthandForm is the shorthand example of a structured parameter, in
// the AWS CLI's notation.
func shorthandForm(sh *model.Shape) string {
	switch sh.Type {
	case model.TypeStructure:
		return shorthandMembers(sh, 0)
	case model.TypeMap:
		if isScalarShape(sh.Value.Shape) {
			return "KeyName1=" + scalarWord(sh.Value.Shape) + ",KeyName2=" + scalarWord(sh.Value.Shape)
		}
		return ""
	case model.TypeList:
		el := sh.Member.Shape
		if el.Type == model.TypeStructure {
			return shorthandMembers(el, 0) + " ..."
		}
		if isScalarShape(el) {
			return scalarWord(el) + " " + scalarWord(el)
		}
	}
	return ""
}

func isScalarShape(sh *model.Shape) bool {
	switch sh.Type {
	case model.TypeStructure, model.TypeList, model.TypeMap:
		return false
	}
	return true
}

func scalarWord(sh *model.Shape) string {
	return typeName(sh)
}

func shorthandMembers(sh *model.Shape, depth int) string {
	if depth > 3 {
		return ""
	}
	var parts []string
	for _, n := range sh.Order {
		m := sh.Members[n].Shape
		switch {
		case isScalarShape(m):
			parts = append(parts, n+"="+scalarWord(m))
		case m.Type == model.TypeList && isScalarShape(m.Member.Shape):
			parts = append(parts, n+"="+scalarWord(m.Member.Shape)+","+scalarWord(m.Member.Shape))
		case m.Type == model.TypeList && m.Member.Shape.Type == model.TypeStructure:
			parts = append(parts, n+"=[{"+shorthandMembers(m.Member.Shape, depth+1)+"},{"+shorthandMembers(m.Member.Shape, depth+1)+"}]")
		case m.Type == model.TypeStructure:
			parts = append(parts, n+"={"+shorthandMembers(m, depth+1)+"}")
		case m.Type == model.TypeMap:
			parts = append(parts, n+"={KeyName1="+scalarWord(m.Value.Shape)+",KeyName2="+scalarWord(m.Value.Shape)+"}")
		}
	}
	return strings.Join(parts, ",")
}

// jsonForm is the JSON example of a shape: enums as "A"|"B".
func jsonForm(sh *model.Shape, indent int, stack []*model.Shape) string {
	pad := strings.Repeat("  ", indent)
	switch sh.Type {
	case model.TypeStructure:
		for _, s := range stack {
			if s == sh {
				return "{...recursive...}"
			}
		}
		stack = append(stack, sh)
		var lines []string
		for _, n := range sh.Order {
			lines = append(lines, pad+"  \""+n+"\": "+jsonForm(sh.Members[n].Shape, indent+1, stack))
		}
		return "{\n" + strings.Join(lines, ",\n") + "\n" + pad + "}"
	case model.TypeList:
		return "[" + jsonForm(sh.Member.Shape, indent, stack) + ", ...]"
	case model.TypeMap:
		return "{\"string\": " + jsonForm(sh.Value.Shape, indent+1, stack) + "\n" + pad + "  ...}"
	case model.TypeString:
		if len(sh.Enum) > 0 {
			return "\"" + strings.Join(sh.Enum, "\"|\"") + "\""
		}
		return "\"string\""
	case model.TypeBoolean:
		return "true|false"
	case model.TypeTimestamp:
		return "timestamp"
	case model.TypeBlob:
		return "blob"
	}
	return typeName(sh)
}
