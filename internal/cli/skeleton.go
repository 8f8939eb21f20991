package cli

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailgate/mailgate/internal/model"
)

// --generate-cli-skeleton: input (JSON for --cli-input-json), yaml-input
// (YAML for --cli-input-yaml, commented) and output (a sample response,
// after the input has been validated; nothing is sent).

func (inv *invocation) printInputSkeleton(kind string) error {
	in := inv.op.op.Input
	if kind == "yaml-input" {
		_, err := fmt.Fprint(inv.io.Stdout, yamlInputSkeleton(in))
		return err
	}
	o := newOrderer()
	var v any = map[string]any{}
	if in != nil {
		v = skeleton(in, false, "", nil, o)
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		_, err := fmt.Fprint(inv.io.Stdout, "{}\n")
		return err
	}
	return writeJSON(inv.io.Stdout, v, o)
}

func (inv *invocation) printOutputSkeleton() error {
	out := inv.op.op.Output
	doc := map[string]any{}
	if out != nil {
		o := newOrderer()
		doc = skeletonDoc(skeleton(out, true, "", nil, o)).(map[string]any)
	}
	return inv.print(&pagedResult{single: doc})
}

// skeletonDoc turns a skeleton tree back into a document the formatters
// take (their input is a response document).
func skeletonDoc(v any) any {
	return mapTree(v, func(x any) any {
		if f, ok := x.(pyFloat); ok {
			return float64(f)
		}
		return x
	})
}

// skeleton builds the sample document of shape as botocore's
// ArgumentGenerator does: empty strings (member names when memberNames),
// the first enum value, 0, 0.0, true, the epoch; recursion stops at a
// structure already on the stack.
func skeleton(sh *model.Shape, memberNames bool, name string, stack []string, o *orderer) any {
	stack = append(stack, sh.Name)
	switch sh.Type {
	case model.TypeStructure:
		n := 0
		for _, s := range stack {
			if s == sh.Name {
				n++
			}
		}
		if n > 1 {
			return o.newMap(nil, nil)
		}
		vals := make([]any, len(sh.Order))
		for i, m := range sh.Order {
			vals[i] = skeleton(sh.Members[m].Shape, memberNames, m, stack, o)
		}
		return o.newMap(sh.Order, vals)
	case model.TypeList:
		n := ""
		if memberNames {
			n = sh.Member.Shape.Name
		}
		return []any{skeleton(sh.Member.Shape, memberNames, n, stack, o)}
	case model.TypeMap:
		return o.newMap([]string{"KeyName"}, []any{skeleton(sh.Value.Shape, memberNames, "", stack, o)})
	case model.TypeString:
		if memberNames {
			return name
		}
		if len(sh.Enum) > 0 {
			return sh.Enum[0]
		}
		return ""
	case model.TypeInteger, model.TypeLong:
		return int64(0)
	case model.TypeFloat, model.TypeDouble:
		return pyFloat(0)
	case model.TypeBoolean:
		return true
	case model.TypeTimestamp:
		return "1970-01-01T00:00:00"
	}
	return nil
}

// yamlInputSkeleton is --generate-cli-skeleton yaml-input: the input
// skeleton as YAML, each member commented with whether it is required and
// the values it accepts.
func yamlInputSkeleton(sh *model.Shape) string {
	if sh == nil {
		return "{}\n"
	}
	var b bytes.Buffer
	writeYAMLSkeleton(&b, sh, 0, nil)
	return b.String()
}

func writeYAMLSkeleton(b *bytes.Buffer, sh *model.Shape, indent int, stack []string) {
	pad := strings.Repeat("  ", indent)
	for _, n := range sh.Order {
		m := sh.Members[n].Shape
		var notes []string
		if sh.Required[n] {
			notes = append(notes, "[REQUIRED]")
		}
		if len(m.Enum) > 0 {
			notes = append(notes, "Valid values are: "+strings.Join(m.Enum, ", "))
		}
		comment := ""
		if len(notes) > 0 {
			comment = "  # " + strings.Join(notes, " ")
		}
		switch m.Type {
		case model.TypeStructure:
			rec := false
			for _, s := range stack {
				rec = rec || s == m.Name
			}
			if rec || len(m.Order) == 0 {
				fmt.Fprintf(b, "%s%s: {}%s\n", pad, n, comment)
				continue
			}
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			writeYAMLSkeleton(b, m, indent+1, append(stack, sh.Name))
		case model.TypeList:
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			el := m.Member.Shape
			if el.Type == model.TypeStructure && len(el.Order) > 0 {
				var sub bytes.Buffer
				writeYAMLSkeleton(&sub, el, 0, append(stack, sh.Name))
				for i, line := range strings.Split(strings.TrimRight(sub.String(), "\n"), "\n") {
					lead := "  "
					if i == 0 {
						lead = "- "
					}
					fmt.Fprintf(b, "%s%s%s\n", pad, lead, line)
				}
			} else {
				fmt.Fprintf(b, "%s- %s\n", pad, yamlScalar(skeleton(el, false, "", stack, newOrderer())))
			}
		case model.TypeMap:
			fmt.Fprintf(b, "%s%s:%s\n", pad, n, comment)
			fmt.Fprintf(b, "%s  KeyName: %s\n", pad, yamlScalar(skeleton(m.Value.Shape, false, "", stack, newOrderer())))
		default:
			fmt.Fprintf(b, "%s%s: %s%s\n", pad, n, yamlScalar(skeleton(m, false, n, stack, newOrderer())), comment)
		}
	}
}

func yamlScalar(v any) string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return "''"
		}
		return t
	case map[string]any:
		return "{}"
	case []any:
		return "[]"
	case nil:
		return "null"
	}
	return pyStr(v)
}
