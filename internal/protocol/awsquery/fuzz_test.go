package awsquery

import (
	"math"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// FuzzDecodeRequest feeds arbitrary query strings to real input shapes.
// DecodeRequest must never panic, must fail only with a ValidationError,
// and what it accepts must survive EncodeRequest → DecodeRequest unchanged.
func FuzzDecodeRequest(f *testing.F) {
	iam, sts := model.Get("iam"), model.Get("sts")
	ops := []*model.Operation{
		iam.Operations["CreateRole"],
		iam.Operations["UpdateAccountPasswordPolicy"],
		sts.Operations["AssumeRole"],
		testService(f).Operations["Everything"],
	}
	for _, s := range []string{
		"", "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D",
		"Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.3.Key=k3", "Tags=", "Tags.member.0=x",
		"MaxSessionDuration=3600", "MaxSessionDuration=abc", "RequireSymbols=true&MinimumPasswordLength=8",
		"PolicyArns.member.1.arn=a&DurationSeconds=900&TransitiveTagKeys.member.1=k",
		"StrMap.entry.1.key=a&StrMap.entry.1.value=b", "StructMap.entry.2.key=k&StructMap.entry.2.value.Name=n",
		"Time=2024-01-02T03:04:05.5Z&Blob=aGk%3D&Double=NaN", "ListOfLists.member.1.member.1=x",
		"Nested.Inner.Inner.Inner.Name=x", "a..b=1&.=2&Tags..member=3",
	} {
		for i := range ops {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, raw string, pick uint8) {
		op := ops[int(pick)%len(ops)]
		form, _ := url.ParseQuery(raw) // keeps what parses
		doc, err := DecodeRequest(op.Input, form)
		if err != nil {
			if e, ok := apierror.As(err); !ok || e.ErrorCode() != "ValidationError" || e.HTTPStatus() != 400 || !e.SenderFault() {
				t.Fatalf("unexpected error %#v", err)
			}
			return
		}
		_ = model.Validate(op.Input, doc) // must not panic on any decoded document
		back, err := DecodeRequest(op.Input, EncodeRequest(op, doc))
		if err != nil {
			t.Fatalf("re-decode: %v\n%#v", err, doc)
		}
		if !docEqual(doc, back) {
			t.Fatalf("round trip changed the document\n%#v\n%#v", doc, back)
		}
		// and the same document as a response, through XML
		if op.Output != nil && op.Output == op.Input && keysClean(doc) {
			body, err := EncodeResponse(op, doc, "r")
			if err != nil {
				t.Fatal(err)
			}
			out, err := DecodeResponse(op, body)
			if err != nil {
				t.Fatalf("%v\n%s", err, body)
			}
			if !docEqual(xmlClean(doc), out) {
				t.Fatalf("XML round trip changed the document\n%#v\n%#v\n%s", doc, out, body)
			}
		}
	})
}

// FuzzDecodeResponse: arbitrary XML must never panic the client decoder.
func FuzzDecodeResponse(f *testing.F) {
	op := testService(f).Operations["Everything"]
	body, _ := EncodeResponse(op, fullDoc(), "r")
	f.Add(body)
	f.Add([]byte("<a><EverythingResult><StrMap><entry><key>k</key></entry></StrMap></EverythingResult></a>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = DecodeResponse(op, body)
		_ = DecodeError(400, body)
	})
}

// xmlClean replaces what XML 1.0 cannot carry with U+FFFD, as the encoder
// does: strings (and map keys) from a form may hold control characters or
// invalid UTF-8; in a real response such values are mangled, not fatal.
func xmlClean(v any) any {
	switch x := v.(type) {
	case string:
		out := make([]rune, 0, len(x))
		for _, r := range x { // invalid UTF-8 ranges as U+FFFD
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
				r = 0xFFFD
			}
			out = append(out, r)
		}
		return string(out)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[xmlClean(k).(string)] = xmlClean(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = xmlClean(e)
		}
		return l
	}
	return v
}

// keysClean reports whether no map key changes under xmlClean (two keys
// that clean to the same string would collide).
func keysClean(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if xmlClean(k).(string) != k || !keysClean(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !keysClean(e) {
				return false
			}
		}
	}
	return true
}

// docEqual is reflect.DeepEqual that treats NaN as equal to itself and
// compares times by instant.
func docEqual(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !docEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !docEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
