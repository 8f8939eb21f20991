package awsquery

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// timeLayout is ISO 8601 in UTC as IAM and STS write it; the .999999999
// prints fractional seconds only when there are any.
const timeLayout = "2006-01-02T15:04:05.999999999Z"

// EncodeResponse renders the XML body AWS IAM and STS return for op:
//
//	<{Op}Response xmlns="{namespace}">
//	  <{ResultWrapper}>...members in model order...</{ResultWrapper}>
//	  <ResponseMetadata><RequestId>{requestID}</RequestId></ResponseMetadata>
//	</{Op}Response>
//
// indented by two spaces as AWS does. Operations without output carry only
// the ResponseMetadata. Absent (nil) members are omitted; a value whose Go
// type does not fit its member is a programming error and is reported.
func EncodeResponse(op *model.Operation, doc map[string]any, requestID string) ([]byte, error) {
	w := &xmlWriter{b: make([]byte, 0, 512)}
	root := op.Name + "Response"
	w.b = append(w.b, '<')
	w.b = append(w.b, root...)
	if ns := op.Service.XMLNamespace; ns != "" {
		w.b = append(w.b, ` xmlns="`...)
		w.b = appendEscaped(w.b, ns, true)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, '>')
	w.depth = 1
	if op.Output != nil {
		var err error
		if op.ResultWrapper != "" {
			err = w.structure(op.ResultWrapper, op.Output, doc)
		} else {
			err = w.members(op.Output, doc)
		}
		if err != nil {
			return nil, fmt.Errorf("awsquery: encode %s: %w", op.Name, err)
		}
	}
	w.start("ResponseMetadata")
	w.leaf("RequestId", requestID)
	w.end("ResponseMetadata")
	w.end(root)
	w.b = append(w.b, '\n')
	return w.b, nil
}

// EncodeError renders the awsQuery error body:
//
//	<ErrorResponse xmlns="...">
//	  <Error><Type>Sender|Receiver</Type><Code>..</Code><Message>..</Message></Error>
//	  <RequestId>..</RequestId>
//	</ErrorResponse>
func EncodeError(e apierror.APIError, xmlns, requestID string) []byte {
	if e == nil {
		e = apierror.Internal()
	}
	w := &xmlWriter{b: make([]byte, 0, 256+len(e.ErrorMessage()))}
	w.b = append(w.b, "<ErrorResponse"...)
	if xmlns != "" {
		w.b = append(w.b, ` xmlns="`...)
		w.b = appendEscaped(w.b, xmlns, true)
		w.b = append(w.b, '"')
	}
	w.b = append(w.b, '>')
	w.depth = 1
	w.start("Error")
	typ := "Receiver"
	if e.SenderFault() {
		typ = "Sender"
	}
	w.leaf("Type", typ)
	w.leaf("Code", e.ErrorCode())
	w.leaf("Message", e.ErrorMessage())
	w.end("Error")
	w.leaf("RequestId", requestID)
	w.end("ErrorResponse")
	w.b = append(w.b, '\n')
	return w.b
}

func mismatch(want string, v any) error {
	return &pathError{msg: fmt.Sprintf("want %s, got %T", want, v)}
}

type xmlWriter struct {
	b     []byte
	depth int
}

func (w *xmlWriter) newline() {
	w.b = append(w.b, '\n')
	for i := 0; i < w.depth; i++ {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *xmlWriter) start(name string) {
	w.newline()
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
	w.depth++
}

func (w *xmlWriter) end(name string) {
	w.depth--
	w.newline()
	w.b = append(w.b, '<', '/')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

func (w *xmlWriter) empty(name string) {
	w.newline()
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '/', '>')
}

func (w *xmlWriter) leaf(name, text string) {
	w.openLeaf(name)
	w.b = appendEscaped(w.b, text, false)
	w.closeLeaf(name)
}

func (w *xmlWriter) openLeaf(name string) {
	w.newline()
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

func (w *xmlWriter) closeLeaf(name string) {
	w.b = append(w.b, '<', '/')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

func (w *xmlWriter) structure(name string, sh *model.Shape, v any) error {
	m, ok := model.AsMap(v)
	if !ok {
		return mismatch("structure (map[string]any)", v)
	}
	present := false
	for _, n := range sh.Order {
		if x, ok := m[n]; ok && !model.Absent(x) {
			present = true
			break
		}
	}
	if !present {
		w.empty(name)
		return nil
	}
	w.start(name)
	if err := w.members(sh, m); err != nil {
		return err
	}
	w.end(name)
	return nil
}

func (w *xmlWriter) members(sh *model.Shape, m map[string]any) error {
	for _, n := range sh.Order {
		x, ok := m[n]
		if !ok || model.Absent(x) {
			continue
		}
		mem := sh.Members[n]
		if err := w.value(mem.WireName(), mem.Shape, x); err != nil {
			return within(err, model.LowerFirst(n))
		}
	}
	return nil
}

func (w *xmlWriter) value(name string, sh *model.Shape, v any) error {
	v = model.Deref(v)
	switch sh.Type {
	case model.TypeStructure:
		return w.structure(name, sh, v)
	case model.TypeList:
		l, ok := model.AsList(v)
		if !ok {
			return mismatch("list ([]any)", v)
		}
		n := 0
		for _, e := range l {
			if !model.Absent(e) {
				n++
			}
		}
		if n == 0 {
			w.empty(name)
			return nil
		}
		w.start(name)
		item := elemName(sh.Member, "member")
		for i, e := range l {
			if model.Absent(e) {
				continue
			}
			if err := w.value(item, sh.Member.Shape, e); err != nil {
				return within(err, "member."+strconv.Itoa(i+1))
			}
		}
		w.end(name)
		return nil
	case model.TypeMap:
		m, ok := model.AsMap(v)
		if !ok {
			return mismatch("map (map[string]any)", v)
		}
		keys := sortedKeys(m)
		if len(keys) == 0 {
			w.empty(name)
			return nil
		}
		keyName, valueName := elemName(sh.Key, "key"), elemName(sh.Value, "value")
		w.start(name)
		for _, k := range keys {
			w.start("entry")
			w.leaf(keyName, k)
			if err := w.value(valueName, sh.Value.Shape, m[k]); err != nil {
				return within(err, k+".value")
			}
			w.end("entry")
		}
		w.end(name)
		return nil
	}
	w.openLeaf(name)
	var err error
	if w.b, err = appendScalar(w.b, sh, v); err != nil {
		return err
	}
	w.closeLeaf(name)
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k, e := range m {
		if !model.Absent(e) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// appendScalar writes the escaped text of a scalar, the same text in XML
// elements and in form values.
func appendScalar(b []byte, sh *model.Shape, v any) ([]byte, error) {
	b, err := model.AppendScalar(b, sh.Type, v, &queryScalars)
	if err != nil {
		return nil, &pathError{msg: err.Error()}
	}
	return b, nil
}

// queryScalars are the awsQuery forms of scalars: text escaped for XML,
// timestamps in ISO 8601, blobs in base64, NaN and the infinities as AWS
// spells them.
var queryScalars = model.ScalarWire{
	String:    func(b []byte, s string) []byte { return appendEscaped(b, s, false) },
	Timestamp: func(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, timeLayout) },
	Blob:      base64.StdEncoding.AppendEncode,
	FloatName: func(b []byte, name string) []byte { return append(b, name...) },
}

// appendEscaped writes s as XML character data (or, with attr, an attribute
// value). \r is written as a reference because XML parsers turn a literal
// one into \n; characters XML cannot carry at all (most C0 controls,
// U+FFFE, U+FFFF, invalid UTF-8) become U+FFFD, as encoding/xml does.
func appendEscaped(b []byte, s string, attr bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '\r':
				esc = "&#xD;"
			case c == '"' && attr:
				esc = "&quot;"
			case c == '\n' && attr:
				esc = "&#xA;"
			case c == '\t' && attr:
				esc = "&#x9;"
			case c < 0x20 && c != '\n' && c != '\t':
				esc = "\uFFFD"
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// EncodeRequest renders a document as awsQuery form parameters for op,
// including Action and Version, the way the AWS SDKs do: Member.Sub=v,
// Member.member.N=v (1-based), Member.entry.N.key/value, and "Member=" for
// an empty list or map. Values whose Go type does not fit their member are
// left out (the signature has no error; the server's validation will name
// any member that then goes missing).
func EncodeRequest(op *model.Operation, doc map[string]any) url.Values {
	form := url.Values{"Action": {op.Name}, "Version": {op.Service.APIVersion}}
	if op.Input != nil {
		formStruct(form, op.Input, doc, "")
	}
	return form
}

func formStruct(form url.Values, sh *model.Shape, m map[string]any, prefix string) {
	for _, n := range sh.Order {
		x, ok := m[n]
		if !ok || model.Absent(x) {
			continue
		}
		mem := sh.Members[n]
		formValue(form, mem.Shape, x, model.JoinPath(prefix, mem.WireName()))
	}
}

func formValue(form url.Values, sh *model.Shape, v any, key string) {
	v = model.Deref(v)
	switch sh.Type {
	case model.TypeStructure:
		if m, ok := model.AsMap(v); ok {
			formStruct(form, sh, m, key)
		}
	case model.TypeList:
		l, ok := model.AsList(v)
		if !ok {
			return
		}
		item := key + "." + elemName(sh.Member, "member") + "."
		n := 0
		for _, e := range l {
			if model.Absent(e) {
				continue
			}
			n++
			formValue(form, sh.Member.Shape, e, item+strconv.Itoa(n))
		}
		if n == 0 {
			form.Set(key, "")
		}
	case model.TypeMap:
		m, ok := model.AsMap(v)
		if !ok {
			return
		}
		keys := sortedKeys(m)
		if len(keys) == 0 {
			form.Set(key, "")
			return
		}
		keyName, valueName := elemName(sh.Key, "key"), elemName(sh.Value, "value")
		for i, k := range keys {
			e := key + ".entry." + strconv.Itoa(i+1) + "."
			form.Set(e+keyName, k)
			formValue(form, sh.Value.Shape, m[k], e+valueName)
		}
	case model.TypeString:
		if s, ok := model.AsString(v); ok {
			form.Set(key, s)
		}
	default:
		// Every other scalar's text is plain ASCII, so the XML form is the
		// form-value form.
		if b, err := appendScalar(nil, sh, v); err == nil {
			form.Set(key, string(b))
		}
	}
}
