package cli

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	"golang.org/x/text/width"
	"gopkg.in/yaml.v3"
)

// The formatters reproduce awscli/formatter.py, text.py and table.py byte
// for byte: JSON indented by four with Python's separators and escapes,
// text as tab-separated rows (dict keys sorted, list-of-dict columns the
// union of scalar keys), tables with centred titles, scaled columns and
// banker's rounding. YAML (AWS CLI v2's yaml and yaml-stream) keeps model
// order.

// print formats a result as the --output and --query options ask, through
// the pager when stdout is a terminal.
func (inv *invocation) print(r *pagedResult) error {
	out, closeFn, err := inv.pagedStdout()
	if err != nil {
		return err
	}
	defer closeFn()
	f := &formatter{inv: inv, w: out}
	return f.format(r)
}

type formatter struct {
	inv *invocation
	w   io.Writer
}

func (f *formatter) treeOpts() treeOptions {
	return treeOptions{timestampFormat: f.inv.cfg.timestampFormat, jsonProtocol: f.inv.svc.Protocol == "json",
		forQuery: f.inv.cl.globals.has("query")}
}

// prepare turns one document into the printable tree and applies --query.
func (f *formatter) prepare(doc map[string]any, order []string) (any, error) {
	opt := f.treeOpts()
	t := toTree(f.inv.op.op.Output, doc, f.inv.ord, opt)
	if order != nil {
		if m, ok := t.(map[string]any); ok {
			var ks []string
			for _, k := range order {
				if _, ok := m[k]; ok {
					ks = append(ks, k)
				}
			}
			f.inv.ord.register(m, ks)
		}
	}
	if f.inv.cl.globals.has("query") {
		return applyQuery(f.inv.cl.globals.str("query"), t, f.inv.ord)
	}
	return t, nil
}

func (f *formatter) format(r *pagedResult) error {
	cfg := f.inv.cfg
	switch cfg.output {
	case "off":
		return nil
	case "text":
		return f.formatTextResult(r)
	case "yaml-stream":
		docs := r.pages
		if !r.paginated {
			docs = []map[string]any{r.single}
		}
		var items []any
		for _, d := range docs {
			t, err := f.prepare(d, nil)
			if err != nil {
				return err
			}
			items = append(items, t)
		}
		return writeYAML(f.w, items, f.inv.ord)
	}
	var order []string
	if r.paginated {
		order = append(append([]string{}, r.keys...), sortedKeys(r.nonAgg)...)
		order = append(order, "NextToken")
	}
	t, err := f.prepare(r.full(), order)
	if err != nil {
		return err
	}
	switch cfg.output {
	case "table":
		return writeTable(f.w, t, f.inv.op.op.Name, f.styler(), terminalWidth())
	case "yaml":
		if m, ok := t.(map[string]any); ok && len(m) == 0 {
			return nil
		}
		return writeYAML(f.w, t, f.inv.ord)
	}
	return writeJSON(f.w, t, f.inv.ord)
}

// formatTextResult prints text page by page when the result was paged,
// as the AWS CLI does, the resume token last.
func (f *formatter) formatTextResult(r *pagedResult) error {
	if !r.paginated {
		t, err := f.prepare(r.single, nil)
		if err != nil {
			return err
		}
		writeText(f.w, t)
		return nil
	}
	for i, page := range r.pages {
		cur := map[string]any{}
		if i == 0 {
			for k, v := range r.nonAgg {
				cur[k] = v
			}
		}
		for _, k := range r.keys {
			if v, ok := page[k]; ok {
				cur[k] = v
			}
		}
		t, err := f.prepare(cur, nil)
		if err != nil {
			return err
		}
		writeText(f.w, t)
	}
	if r.resume == "" {
		return nil
	}
	var v any = map[string]any{"NextToken": map[string]any{"NextToken": r.resume}}
	if f.inv.cl.globals.has("query") {
		var err error
		if v, err = applyQuery(f.inv.cl.globals.str("query"), v, f.inv.ord); err != nil {
			return err
		}
	}
	writeText(f.w, v)
	return nil
}

func (f *formatter) styler() styler {
	switch f.inv.cfg.color {
	case "on":
		return colorStyler{}
	case "auto":
		if f.inv.io.StdoutTTY {
			return colorStyler{}
		}
	}
	return plainStyler{}
}

// ---------------------------------------------------------------------------
// Scalars as Python prints them.

// pyStr is Python's str() of a scalar.
func pyStr(v any) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case string:
		return t
	case bool:
		if t {
			return "True"
		}
		return "False"
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e16 {
			return strconv.FormatInt(int64(t), 10)
		}
		return pyFloatRepr(t)
	case pyFloat:
		return pyFloatRepr(float64(t))
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case []any, map[string]any:
		var b bytes.Buffer
		writePyRepr(&b, v)
		return b.String()
	}
	return fmt.Sprint(v)
}

func writePyRepr(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case string:
		b.WriteString("'" + strings.ReplaceAll(t, "'", `\'`) + "'")
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyRepr(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(t) {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyRepr(b, k)
			b.WriteString(": ")
			writePyRepr(b, t[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString(pyStr(v))
	}
}

// pyFloatRepr is Python's repr(float): the shortest round-trip digits,
// positional between 1e-4 and 1e16, with ".0" on whole numbers.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsAny(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, exp)
}

// ---------------------------------------------------------------------------
// JSON, as json.dump(indent=4, ensure_ascii=False).

func writeJSON(w io.Writer, v any, o *orderer) error {
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	var b bytes.Buffer
	appendJSON(&b, v, o, 0)
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func appendJSON(b *bytes.Buffer, v any, o *orderer, depth int) {
	pad := func(d int) { b.WriteString(strings.Repeat("    ", d)) }
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range o.keys(t) {
			if i > 0 {
				b.WriteString(",\n")
			}
			pad(depth + 1)
			appendJSONString(b, k)
			b.WriteString(": ")
			appendJSON(b, t[k], o, depth+1)
		}
		b.WriteByte('\n')
		pad(depth)
		b.WriteByte('}')
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range t {
			if i > 0 {
				b.WriteString(",\n")
			}
			pad(depth + 1)
			appendJSON(b, e, o, depth+1)
		}
		b.WriteByte('\n')
		pad(depth)
		b.WriteByte(']')
	case string:
		appendJSONString(b, t)
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	default:
		b.WriteString(pyStr(t))
	}
}

func appendJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// ---------------------------------------------------------------------------
// Text, as awscli/text.py.

func writeText(w io.Writer, v any) {
	var b bytes.Buffer
	formatText(&b, v, "", nil, false)
	w.Write(b.Bytes())
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func formatText(b *bytes.Buffer, item any, ident string, scalarKeys []string, hasKeys bool) {
	switch t := item.(type) {
	case map[string]any:
		formatTextMap(b, t, ident, scalarKeys, hasKeys)
	case []any:
		formatTextList(b, t, ident)
	default:
		b.WriteString(pyStr(item))
		b.WriteByte('\n')
	}
}

// formatTextMap prints a dict's scalars on one row (the scalarKeys columns
// when a list of dicts gives them), then its other members, as
// text.py's _format_dict.
func formatTextMap(b *bytes.Buffer, t map[string]any, ident string, scalarKeys []string, hasKeys bool) {
	var scalars, non []string
	if !hasKeys {
		for _, k := range sortedKeys(t) {
			if isScalar(t[k]) {
				scalars = append(scalars, pyStr(t[k]))
			} else {
				non = append(non, k)
			}
		}
	} else {
		set := map[string]bool{}
		for _, k := range scalarKeys {
			set[k] = true
			if v, ok := t[k]; ok {
				scalars = append(scalars, pyStr(v))
			} else {
				scalars = append(scalars, "")
			}
		}
		for _, k := range sortedKeys(t) {
			if !set[k] {
				non = append(non, k)
			}
		}
	}
	if len(scalars) > 0 {
		if ident != "" {
			scalars = append([]string{strings.ToUpper(ident)}, scalars...)
		}
		b.WriteString(strings.Join(scalars, "\t"))
		b.WriteByte('\n')
	}
	for _, k := range non {
		formatText(b, t[k], k, nil, false)
	}
}

// formatTextList prints a list as text.py's _format_list: dicts as rows
// under the union of their scalar keys, scalars on one row.
func formatTextList(b *bytes.Buffer, t []any, ident string) {
	if len(t) == 0 {
		return
	}
	anyDict, anyList := false, false
	for _, e := range t {
		switch e.(type) {
		case map[string]any:
			anyDict = true
		case []any:
			anyList = true
		}
	}
	switch {
	case anyDict:
		keys := scalarKeysOf(t)
		for _, e := range t {
			formatText(b, e, ident, keys, true)
		}
	case anyList:
		var scalars, non []any
		for _, e := range t {
			if isScalar(e) {
				scalars = append(scalars, e)
			} else {
				non = append(non, e)
			}
		}
		if len(scalars) > 0 {
			formatScalarList(b, scalars, ident)
		}
		for _, n := range non {
			formatText(b, n, ident, nil, false)
		}
	default:
		formatScalarList(b, t, ident)
	}
}

// scalarKeysOf is the sorted union of the dicts' scalar keys.
func scalarKeysOf(l []any) []string {
	seen := map[string]bool{}
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			for k, v := range m {
				if isScalar(v) {
					seen[k] = true
				}
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func formatScalarList(b *bytes.Buffer, l []any, ident string) {
	if ident != "" {
		for _, e := range l {
			fmt.Fprintf(b, "%s\t%s\n", strings.ToUpper(ident), pyStr(e))
		}
		return
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = pyStr(e)
	}
	b.WriteString(strings.Join(parts, "\t"))
	b.WriteByte('\n')
}

// ---------------------------------------------------------------------------
// YAML (AWS CLI v2's yaml and yaml-stream outputs).

func yamlNode(v any, o *orderer) *yaml.Node {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range o.keys(t) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, yamlNode(t[k], o))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range t {
			n.Content = append(n.Content, yamlNode(e, o))
		}
		return n
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e16 {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: pyStr(t)}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: pyFloatRepr(t)}
	case pyFloat:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: pyFloatRepr(float64(t))}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: pyStr(v)}
}

func writeYAML(w io.Writer, v any, o *orderer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(v, o)); err != nil {
		return err
	}
	return enc.Close()
}

// ---------------------------------------------------------------------------
// The pager.

func (inv *invocation) pagedStdout() (io.Writer, func(), error) {
	noop := func() {}
	if !inv.io.StdoutTTY || inv.cl.globals.flag("no-cli-pager") || inv.cfg.pager == "" || inv.cfg.output == "off" {
		return inv.io.Stdout, noop, nil
	}
	cmd := exec.Command("sh", "-c", inv.cfg.pager)
	cmd.Stdout, cmd.Stderr = inv.io.Stdout, inv.io.Stderr
	cmd.Env = append(os.Environ(), "LESS=FRX")
	pipe, err := cmd.StdinPipe()
	if err != nil {
		return inv.io.Stdout, noop, nil
	}
	if err := cmd.Start(); err != nil {
		return inv.io.Stdout, noop, nil
	}
	return pipe, func() { pipe.Close(); cmd.Wait() }, nil
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func terminalWidth() int {
	ws, err := unix.IoctlGetWinsize(int(os.Stdout.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 80
	}
	return int(ws.Col)
}

// textLength counts East Asian wide, fullwidth and ambiguous characters as
// two columns, as table.py does.
func textLength(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}
