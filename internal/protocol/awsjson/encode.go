package awsjson

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/model/document"
)

// EncodeResponse renders a document as the JSON body of shape: members in
// model order, absent (or nil) members omitted, timestamps as epoch seconds,
// blobs as base64. A nil shape is {}. A value whose Go type does not fit its
// member is a programming error and is reported, never guessed at.
func EncodeResponse(shape *model.Shape, doc map[string]any) ([]byte, error) {
	if shape == nil {
		return []byte("{}"), nil
	}
	b, err := appendStruct(make([]byte, 0, 256), shape, doc)
	if err != nil {
		return nil, fmt.Errorf("awsjson: encode: %w", err)
	}
	return b, nil
}

// EncodeRequest is the client-side twin of EncodeResponse: the same rules
// produce a request body.
func EncodeRequest(shape *model.Shape, doc map[string]any) ([]byte, error) {
	return EncodeResponse(shape, doc)
}

// EncodeError renders the awsJson error body the SDKs read: the code in
// __type and the text in message.
func EncodeError(e apierror.APIError) []byte {
	if e == nil {
		e = apierror.Internal()
	}
	code, msg := e.ErrorCode(), e.ErrorMessage()
	b := make([]byte, 0, 64+len(code)+len(msg))
	b = append(b, `{"__type":`...)
	b = appendString(b, code)
	b = append(b, `,"message":`...)
	b = appendString(b, msg)
	if se, ok := e.(shapedError); ok {
		b = appendErrorMembers(b, se.ErrorShape(), model.ToDocument(e))
	}
	return append(b, '}')
}

// shapedError is a modeled error whose shape has members besides the
// message (identitystore's ConflictException.Reason, ...).
type shapedError interface {
	ErrorShape() *model.Shape
}

// appendErrorMembers writes the members of an error's shape that are set,
// other than the message, after __type and message, as AWS does:
// {"__type":"ConflictException","message":"...","Reason":"..."}.
func appendErrorMembers(b []byte, sh *model.Shape, doc map[string]any) []byte {
	if sh == nil {
		return b
	}
	for _, name := range sh.Order {
		v, ok := doc[name]
		if !ok || model.Absent(v) || strings.EqualFold(name, "message") {
			continue
		}
		mem := sh.Members[name]
		w := appendString(append(b, ','), mem.WireName())
		w, err := appendValue(append(w, ':'), mem.Shape, v)
		if err != nil {
			continue // a member that does not fit its shape is left out, not guessed at
		}
		b = w
	}
	return b
}

// DecodeError reads an awsJson error response the way the SDKs do: the code
// from the X-Amzn-ErrorType header, else __type (or code) in the body, with
// any "prefix#" and ":suffix" stripped; the message from message or Message.
func DecodeError(status int, header http.Header, body []byte) *apierror.Error {
	var info struct {
		Type         string `json:"__type"`
		Code         any    `json:"code"`
		Message      string `json:"message"`
		MessageUpper string `json:"Message"`
	}
	_ = json.Unmarshal(body, &info) // a broken body still leaves the status and header
	code := header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = info.Type
	}
	if code == "" {
		code, _ = info.Code.(string)
	}
	code = sanitizeCode(code)
	if code == "" {
		code = "UnknownError"
	}
	msg := info.Message
	if msg == "" {
		msg = info.MessageUpper
	}
	return &apierror.Error{Code: code, Message: msg, Status: status, Sender: status >= 400 && status < 500}
}

// sanitizeCode strips what some services add around the code:
// "aws.protocoltests#FooError:http://..." is FooError.
func sanitizeCode(c string) string {
	if i := strings.IndexByte(c, ':'); i >= 0 {
		c = c[:i]
	}
	if i := strings.IndexByte(c, '#'); i >= 0 {
		c = c[i+1:]
	}
	return c
}

func mismatch(want string, v any) error {
	return &fieldError{msg: fmt.Sprintf("want %s, got %T", want, v)}
}

func appendStruct(b []byte, sh *model.Shape, x any) ([]byte, error) {
	m, ok := model.AsMap(x)
	if !ok {
		return nil, mismatch("structure (map[string]any)", x)
	}
	b = append(b, '{')
	first := true
	for _, name := range sh.Order {
		v, ok := m[name]
		if !ok || model.Absent(v) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		mem := sh.Members[name]
		b = appendString(b, mem.WireName())
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, mem.Shape, v); err != nil {
			return nil, within(err, memberSeg(name))
		}
	}
	return append(b, '}'), nil
}

func appendValue(b []byte, sh *model.Shape, v any) ([]byte, error) {
	v = model.Deref(v)
	if sh.Document {
		return appendDocument(b, v)
	}
	switch sh.Type {
	case model.TypeStructure:
		return appendStruct(b, sh, v)
	case model.TypeList:
		l, ok := model.AsList(v)
		if !ok {
			return nil, mismatch("list ([]any)", v)
		}
		b = append(b, '[')
		n := 0
		for i, e := range l {
			if model.Absent(e) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			var err error
			if b, err = appendValue(b, sh.Member.Shape, e); err != nil {
				return nil, within(err, indexSeg(i))
			}
		}
		return append(b, ']'), nil
	case model.TypeMap:
		m, ok := model.AsMap(v)
		if !ok {
			return nil, mismatch("map (map[string]any)", v)
		}
		keys := make([]string, 0, len(m))
		for k, e := range m {
			if !model.Absent(e) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys) // stable output
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, sh.Value.Shape, m[k]); err != nil {
				return nil, within(err, mapSeg(k))
			}
		}
		return append(b, '}'), nil
	}
	b, err := model.AppendScalar(b, sh.Type, v, &jsonScalars)
	if err != nil {
		return nil, &fieldError{msg: err.Error()}
	}
	return b, nil
}

// appendDocument writes the value of a document shape: a document.Value
// verbatim, anything else as encoding/json marshals it.
func appendDocument(b []byte, v any) ([]byte, error) {
	d, ok := v.(document.Value)
	if !ok {
		var err error
		if d, err = document.Of(v); err != nil {
			return nil, &fieldError{msg: err.Error()}
		}
	}
	return append(b, d.JSON()...), nil
}

// jsonScalars are the awsJson forms of scalars: strings quoted and
// escaped, timestamps as epoch seconds, blobs as quoted base64 and the
// doubles JSON cannot spell as the strings AWS uses.
var jsonScalars = model.ScalarWire{
	String:    appendString,
	Timestamp: AppendEpoch,
	Blob: func(b, p []byte) []byte {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, p)
		return append(b, '"')
	},
	FloatName: appendString,
}

// AppendEpoch writes epoch seconds (the wire form of a timestamp): an integer when whole, else with the
// fraction (trailing zeros trimmed), computed from integers to stay exact.
func AppendEpoch(b []byte, t time.Time) []byte {
	sec, ns := t.Unix(), int64(t.Nanosecond())
	if ns == 0 {
		return strconv.AppendInt(b, sec, 10)
	}
	if sec < 0 {
		b = append(b, '-')
		sec, ns = -sec-1, 1e9-ns
	}
	b = strconv.AppendInt(b, sec, 10)
	frac := strconv.AppendInt(make([]byte, 0, 10), 1e9+ns, 10)[1:] // zero-padded to 9 digits
	for frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	b = append(b, '.')
	return append(b, frac...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// in encoding/json; U+2028 and U+2029 are escaped so the output is also
// safe to embed in JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
