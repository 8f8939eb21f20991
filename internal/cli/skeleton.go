package cli

import (
	"fmt"
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
		doc = skeletonDoc(skeleton(out, true, "", nil, o), o).(map[string]any)
	}
	return inv.print(&pagedResult{single: doc})
}

// skeletonDoc turns a skeleton tree back into a document the formatters
// take (their input is a response document).
func skeletonDoc(v any, o *orderer) any {
	switch t := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for _, k := range o.keys(t) {
			m[k] = skeletonDoc(t[k], o)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = skeletonDoc(e, o)
		}
		return l
	case pyFloat:
		return float64(t)
	}
	return v
}
