package cli

import (
	"io"
	"math"
	"sort"
	"strings"
)

// The table output, a port of awscli/table.py and the TableFormatter of
// awscli/formatter.py: sections with a centred title, a header row of the
// sorted scalar keys, rows aligned left, nested lists and maps as indented
// sub-sections, columns scaled to the widest section, and sections of one
// row turned vertical when the table would exceed the terminal.

type styler interface {
	rowElement(s string) string
	indentChar(s string) string
}

type plainStyler struct{}

func (plainStyler) rowElement(s string) string { return s }
func (plainStyler) indentChar(s string) string { return s }

// colorStyler colors as colorama does for the AWS CLI: values bright blue,
// indentation bars dim yellow.
type colorStyler struct{}

func (colorStyler) rowElement(s string) string { return "\x1b[1m\x1b[34m" + s + "\x1b[0m" }
func (colorStyler) indentChar(s string) string { return "\x1b[2m\x1b[33m" + s + "\x1b[0m" }

type section struct {
	title     string
	headers   []string
	rows      [][]string
	indent    int
	numCols   int
	maxWidths []int
}

func (s *section) addHeader(h []string) {
	s.updateWidths(h)
	if s.numCols == 0 {
		s.numCols = len(h)
	}
	s.headers = h
}

func (s *section) addRow(r []any) {
	row := make([]string, len(r))
	for i, e := range r {
		row[i] = pyStr(e)
	}
	if s.numCols == 0 {
		s.numCols = len(row)
	}
	s.rows = append(s.rows, row)
	s.updateWidths(row)
}

func (s *section) updateWidths(row []string) {
	if len(s.maxWidths) == 0 {
		for _, e := range row {
			s.maxWidths = append(s.maxWidths, textLength(e))
		}
		return
	}
	for i, e := range row {
		if i < len(s.maxWidths) {
			s.maxWidths[i] = max(s.maxWidths[i], textLength(e))
		}
	}
}

func (s *section) columnWidths(padding int, maxWidth int) []int {
	unscaled := make([]int, len(s.maxWidths))
	sum := 0
	for i, w := range s.maxWidths {
		unscaled[i] = w + padding
		sum += unscaled[i]
	}
	if maxWidth < 0 || len(unscaled) == 0 {
		return unscaled
	}
	scale := float64(maxWidth) / float64(sum)
	scaled := make([]int, len(unscaled))
	total := 0
	for i, w := range unscaled {
		scaled[i] = int(math.RoundToEven(scale * float64(w)))
		total += scaled[i]
	}
	off := total - maxWidth
	for off != 0 {
		if off > 0 {
			for i := 0; i < len(scaled) && off != 0; i++ {
				scaled[i]--
				off--
			}
		} else {
			for i := len(scaled) - 1; i >= 0 && off != 0; i-- {
				scaled[i]++
				off++
			}
		}
	}
	return scaled
}

func (s *section) totalWidth(padding int, outer int) int {
	total := 0
	for _, w := range s.columnWidths(0, -1) {
		total += w + padding
	}
	total += 2 + 2*outer
	return max(textLength(s.title)+2+2*outer, total)
}

type multiTable struct {
	sections []*section
	cur      *section
	st       styler
	width    int
}

func (t *multiTable) newSection(title string, indent int) {
	t.cur = &section{title: title, indent: indent}
	t.sections = append(t.sections, t.cur)
}

func centerText(text string, length int, left, right string, textLen int) string {
	start := length/2 - textLen/2 - 1
	if start < 0 {
		start = 0
	}
	out := left + strings.Repeat(" ", start) + text
	so := textLength(left) + start + textLen
	rs := length - textLength(right) - so
	if rs < 0 {
		rs = 0
	}
	return out + strings.Repeat(" ", rs) + right
}

func alignLeft(text string, length int, left, right string, textLen int) string {
	padding := 2
	if length-(textLen+2+textLength(left)+textLength(right)) < 0 {
		padding = 0
	}
	so := len(left) + padding + textLen
	rs := length - so - len(right)
	if rs < 0 {
		rs = 0
	}
	return left + strings.Repeat(" ", padding) + text + strings.Repeat(" ", rs) + right
}

func (t *multiTable) maxWidth() int {
	m := 0
	for _, s := range t.sections {
		m = max(m, s.totalWidth(4, s.indent))
	}
	return m
}

func (t *multiTable) render(w io.Writer) {
	mw := t.maxWidth()
	if mw > t.width {
		for i, s := range t.sections {
			if len(s.rows) == 1 && len(s.headers) > 0 {
				ns := &section{title: s.title, indent: s.indent}
				for j, h := range s.headers {
					if j < len(s.rows[0]) {
						ns.addRow([]any{h, s.rows[0][j]})
					}
				}
				t.sections[i] = ns
			}
		}
		mw = t.maxWidth()
	}
	var b strings.Builder
	b.WriteString(strings.Repeat("-", mw) + "\n")
	for _, s := range t.sections {
		t.renderSection(&b, s, mw)
	}
	io.WriteString(w, b.String())
}

func (t *multiTable) renderSection(b *strings.Builder, s *section, mw int) {
	ind := t.st.indentChar("|")
	write := func(line string) {
		b.WriteString(strings.Repeat(ind, s.indent) + line + strings.Repeat(ind, s.indent) + "\n")
	}
	mw -= s.indent * 2
	if s.title != "" {
		write(centerText(s.title, mw, "|", "|", textLength(s.title)))
		if len(s.headers) == 0 && len(s.rows) == 0 {
			write("+" + strings.Repeat("-", mw-2) + "+")
		}
	}
	lineBreak := func(widths []int) {
		var p strings.Builder
		for i, w := range widths {
			if i == 0 {
				p.WriteString("+" + strings.Repeat("-", max(w-2, 0)) + "+")
			} else {
				p.WriteString(strings.Repeat("-", max(w-1, 0)) + "+")
			}
		}
		write(p.String())
	}
	if len(s.headers) > 0 {
		widths := s.columnWidths(4, mw)
		var cur strings.Builder
		for i, h := range s.headers {
			if i >= len(widths) {
				break
			}
			left := ""
			if i == 0 {
				left = "|"
			}
			cur.WriteString(centerText(h, widths[i], left, "|", textLength(h)))
		}
		lineBreak(widths)
		write(cur.String())
	}
	if len(s.rows) > 0 {
		widths := s.columnWidths(4, mw)
		if len(widths) == 0 {
			return
		}
		lineBreak(widths)
		for _, row := range s.rows {
			var cur strings.Builder
			for i, e := range row {
				if i >= len(widths) {
					break
				}
				left := ""
				if i == 0 {
					left = "|"
				}
				cur.WriteString(alignLeft(t.st.rowElement(e), widths[i], left, "|", textLength(e)))
			}
			write(cur.String())
		}
		lineBreak(widths)
	}
}

// writeTable is the TableFormatter: title is the operation name.
func writeTable(w io.Writer, v any, title string, st styler, termWidth int) error {
	t := &multiTable{st: st, width: termWidth}
	if buildTable(t, title, true, v, 0) {
		t.render(w)
	}
	return nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case map[string]any:
		return len(x) > 0
	case []any:
		return len(x) > 0
	case string:
		return x != ""
	case bool:
		return x
	case float64:
		return x != 0
	case pyFloat:
		return x != 0
	}
	return true
}

func buildTable(t *multiTable, title string, hasTitle bool, cur any, indent int) bool {
	if !truthy(cur) {
		return false
	}
	if hasTitle {
		t.newSection(title, indent)
	} else if t.cur == nil {
		t.newSection("", indent)
	}
	switch c := cur.(type) {
	case []any:
		if _, ok := c[0].(map[string]any); ok {
			buildFromList(t, c, indent, title)
		} else {
			for _, item := range c {
				if isScalar(item) {
					t.cur.addRow([]any{item})
				} else if l, ok := item.([]any); ok && allScalar(l) {
					t.cur.addRow(l)
				} else {
					buildTable(t, "", false, item, 0)
				}
			}
		}
	case map[string]any:
		buildFromDict(t, c, indent)
	}
	return true
}

func allScalar(l []any) bool {
	for _, e := range l {
		if !isScalar(e) {
			return false
		}
	}
	return true
}

func groupScalarKeys(m map[string]any) (headers, more []string) {
	for k, v := range m {
		if isScalar(v) {
			headers = append(headers, k)
		} else {
			more = append(more, k)
		}
	}
	sort.Strings(headers)
	sort.Strings(more)
	return
}

func buildFromDict(t *multiTable, m map[string]any, indent int) {
	headers, more := groupScalarKeys(m)
	if len(headers) == 1 {
		t.cur.addRow([]any{headers[0], m[headers[0]]})
	} else if len(headers) > 0 {
		t.cur.addHeader(headers)
		row := make([]any, len(headers))
		for i, h := range headers {
			row[i] = m[h]
		}
		t.cur.addRow(row)
	}
	for _, k := range more {
		buildTable(t, k, true, m[k], indent+1)
	}
}

func buildFromList(t *multiTable, l []any, indent int, title string) {
	hs, ms := map[string]bool{}, map[string]bool{}
	for _, e := range l {
		m, _ := e.(map[string]any)
		h, mo := groupScalarKeys(m)
		for _, x := range h {
			hs[x] = true
		}
		for _, x := range mo {
			ms[x] = true
		}
	}
	headers, more := setKeys(hs), setKeys(ms)
	t.cur.addHeader(headers)
	for i, e := range l {
		m, _ := e.(map[string]any)
		if i > 0 && len(more) > 0 {
			t.newSection(title, indent)
			t.cur.addHeader(headers)
		}
		row := make([]any, len(headers))
		for j, h := range headers {
			if v, ok := m[h]; ok {
				row[j] = v
			} else {
				row[j] = ""
			}
		}
		t.cur.addRow(row)
		for _, k := range more {
			if v, ok := m[k]; ok {
				buildTable(t, k, true, v, indent+1)
			}
		}
	}
}

func setKeys(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
