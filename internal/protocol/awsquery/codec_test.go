package awsquery

import (
	"encoding/xml"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// testModel has one shape of every kind the codec handles, including what
// the IAM/STS inputs lack (maps, blobs, timestamps, floats, list of lists,
// locationName).
const testModelJSON = `{
  "metadata": {"apiVersion": "2020-01-01", "protocol": "query", "xmlNamespace": "https://test.example/doc/2020-01-01/"},
  "operations": {
    "Everything": {"input": {"shape": "Everything"}, "output": {"shape": "Everything", "resultWrapper": "EverythingResult"}},
    "NoResultWrapper": {"input": {"shape": "Everything"}, "output": {"shape": "Everything"}},
    "Nothing": {}
  },
  "shapes": {
    "Everything": {"type": "structure", "members": {
      "Str": {"shape": "Str"},
      "Int": {"shape": "Int"},
      "Long": {"shape": "Long"},
      "Double": {"shape": "Double"},
      "Float": {"shape": "Float"},
      "Bool": {"shape": "Bool"},
      "Time": {"shape": "Time"},
      "Blob": {"shape": "Blob"},
      "Secret": {"shape": "SecretInt"},
      "Nested": {"shape": "Nested"},
      "StrList": {"shape": "StrList"},
      "StructList": {"shape": "StructList"},
      "ListOfLists": {"shape": "ListOfLists"},
      "StrMap": {"shape": "StrMap"},
      "StructMap": {"shape": "StructMap"},
      "Renamed": {"shape": "Str", "locationName": "renamedOnWire"},
      "NamedItems": {"shape": "NamedItemList"}
    }},
    "Nested": {"type": "structure", "members": {
      "Name": {"shape": "Str"},
      "When": {"shape": "Time"},
      "Inner": {"shape": "Nested"}
    }},
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "SecretInt": {"type": "integer", "sensitive": true},
    "Long": {"type": "long"},
    "Double": {"type": "double"},
    "Float": {"type": "float"},
    "Bool": {"type": "boolean"},
    "Time": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "NamedItemList": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
    "StructList": {"type": "list", "member": {"shape": "Nested"}},
    "ListOfLists": {"type": "list", "member": {"shape": "StrList"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "StructMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Nested"}}
  }
}`

func testService(t testing.TB) *model.Service {
	t.Helper()
	svc, err := model.Load("test", []byte(testModelJSON), nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func fullDoc() map[string]any {
	return map[string]any{
		"Str":    "  plain \"quoted\" 'single' \\ back\nslash\ttab\r\n <&> ]]> ünïcødé 🎉  ",
		"Int":    int64(-2147483648),
		"Long":   int64(9223372036854775807),
		"Double": 1.5e-7,
		"Float":  -0.25,
		"Bool":   false,
		"Time":   time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC),
		"Blob":   []byte{0, 1, 2, 0xff, 'x'},
		"Secret": int64(42),
		"Nested": map[string]any{
			"Name":  "outer",
			"When":  time.Date(1969, 7, 20, 20, 17, 40, 500000000, time.UTC),
			"Inner": map[string]any{"Name": "inner"},
		},
		"StrList":     []any{"a", "", "c"},
		"StructList":  []any{map[string]any{"Name": "x"}, map[string]any{"When": time.Unix(1, 0).UTC()}},
		"ListOfLists": []any{[]any{"a"}, []any{}},
		"StrMap":      map[string]any{"k1": "v1", "": "empty key", "k.with.dots": ""},
		"StructMap":   map[string]any{"a": map[string]any{"Name": "n", "When": time.Unix(0, 0).UTC()}},
		"Renamed":     "on the wire as renamedOnWire",
		"NamedItems":  []any{"i1", "i2"},
	}
}

func assertDoc(t *testing.T, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("document mismatch\n got: %#v\nwant: %#v", got, want)
	}
}

func TestRoundTripEveryKind(t *testing.T) {
	svc := testService(t)
	op := svc.Operations["Everything"]
	doc := fullDoc()

	// client → server
	form := EncodeRequest(op, doc)
	if form.Get("Action") != "Everything" || form.Get("Version") != "2020-01-01" {
		t.Fatalf("Action/Version: %v", form)
	}
	for _, k := range []string{"renamedOnWire", "NamedItems.item.2", "StrMap.entry.1.key", "ListOfLists.member.2", "StructList.member.2.When", "Nested.Inner.Name"} {
		if _, ok := form[k]; !ok {
			t.Errorf("form lacks %s: %v", k, form)
		}
	}
	// through the wire encoding, as a server would read it
	parsed, err := url.ParseQuery(form.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRequest(op.Input, parsed)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, got, doc)

	// server → client
	for _, name := range []string{"Everything", "NoResultWrapper"} {
		op := svc.Operations[name]
		body, err := EncodeResponse(op, doc, "req-1")
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(body, new(struct{})); err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, body)
		}
		back, err := DecodeResponse(op, body)
		if err != nil {
			t.Fatal(err)
		}
		assertDoc(t, back, doc)
	}
}

func TestRoundTripEmptyContainers(t *testing.T) {
	op := testService(t).Operations["Everything"]
	doc := map[string]any{"StrList": []any{}, "StrMap": map[string]any{}, "Str": "", "Nested": map[string]any{}}
	body, err := EncodeResponse(op, doc, "r")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<Str></Str>", "<Nested/>", "<StrList/>", "<StrMap/>"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("missing %s in\n%s", s, body)
		}
	}
	back, err := DecodeResponse(op, body)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, back, doc)

	// In requests an empty structure is not sent at all (as the SDKs do);
	// empty lists and maps are "Member=".
	form := EncodeRequest(op, doc)
	want := url.Values{"Action": {"Everything"}, "Version": {"2020-01-01"}, "Str": {""}, "StrList": {""}, "StrMap": {""}}
	if !reflect.DeepEqual(form, want) {
		t.Fatalf("form %v", form)
	}
	in, err := DecodeRequest(op.Input, form)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, in, map[string]any{"StrList": []any{}, "StrMap": map[string]any{}, "Str": ""})
}

func TestSpecialFloats(t *testing.T) {
	op := testService(t).Operations["Everything"]
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, 1e21, 1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		body, err := EncodeResponse(op, map[string]any{"Double": f}, "r")
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(op, body)
		if err != nil {
			t.Fatal(err)
		}
		in, err := DecodeRequest(op.Input, EncodeRequest(op, map[string]any{"Double": f}))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []float64{got["Double"].(float64), in["Double"].(float64)} {
			if !(g == f || math.IsNaN(f) && math.IsNaN(g)) {
				t.Errorf("%v → %v", f, g)
			}
		}
	}
}

func TestDecodeRequestAccepts(t *testing.T) {
	op := testService(t).Operations["Everything"]
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		form string
		want map[string]any
	}{
		{"", map[string]any{}},
		{"Action=Everything&Version=2020-01-01&Unknown=1&Nested.Unknown=2&Str.x=3", map[string]any{}},
		{"Bool=true&Int=-5&Long=9223372036854775807", map[string]any{"Bool": true, "Int": int64(-5), "Long": int64(math.MaxInt64)}},
		{"Bool=FALSE", map[string]any{"Bool": false}},
		{"Int=&Bool=&Time=", map[string]any{}}, // empty non-string scalars are absent
		{"Str=", map[string]any{"Str": ""}},
		{"Time=2024-01-02T03:04:05Z", map[string]any{"Time": ts}},
		{"Time=2024-01-02T03:04:05.250Z", map[string]any{"Time": ts.Add(250 * time.Millisecond)}},
		{"Time=2024-01-02T05:04:05%2B02:00", map[string]any{"Time": ts}},
		{"Time=2024-01-02T03:04:05", map[string]any{"Time": ts}},
		{"Time=1704164645", map[string]any{"Time": ts}},
		{"Time=1704164645.5", map[string]any{"Time": ts.Add(500 * time.Millisecond)}},
		{"Blob=aGk%3D", map[string]any{"Blob": []byte("hi")}},
		{"Blob=", map[string]any{"Blob": []byte{}}},
		{"Double=NaN", nil},
		{"StrList=", map[string]any{"StrList": []any{}}},
		{"StrList.member.7=c&StrList.member.3=b&StrList.member.1=a", map[string]any{"StrList": []any{"a", "b", "c"}}}, // gaps compacted
		{"StrList=&StrList.member.1=a", map[string]any{"StrList": []any{"a"}}},
		{"StrList.member.10000=z", map[string]any{"StrList": []any{"z"}}},
		{"StructList.member.2.Name=b&StructList.member.1.Unknown=x", map[string]any{"StructList": []any{map[string]any{"Name": "b"}}}},
		{"StructList.member.1.Inner.Inner.Name=deep", map[string]any{"StructList": []any{map[string]any{"Inner": map[string]any{"Inner": map[string]any{"Name": "deep"}}}}}},
		{"ListOfLists.member.1.member.1=a&ListOfLists.member.2=", map[string]any{"ListOfLists": []any{[]any{"a"}, []any{}}}},
		{"StrMap.entry.2.key=b&StrMap.entry.2.value=2&StrMap.entry.1.key=a&StrMap.entry.1.value=1&StrMap.entry.3.key=novalue", map[string]any{"StrMap": map[string]any{"a": "1", "b": "2"}}},
		{"StrMap=", map[string]any{"StrMap": map[string]any{}}},
		{"renamedOnWire=x&Renamed=y", map[string]any{"Renamed": "x"}},
		{"NamedItems.item.1=a&NamedItems.member.1=b", map[string]any{"NamedItems": []any{"a"}}},
	} {
		form, err := url.ParseQuery(c.form)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRequest(op.Input, form)
		if err != nil {
			t.Errorf("%s: %v", c.form, err)
			continue
		}
		if c.want == nil {
			if f, _ := got["Double"].(float64); !math.IsNaN(f) {
				t.Errorf("%s: %v", c.form, got)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.form, got, c.want)
		}
	}
	if got, err := DecodeRequest(nil, url.Values{"x": {"1"}}); err != nil || len(got) != 0 {
		t.Errorf("nil shape: %v %v", got, err)
	}
}

func TestDecodeRequestMalformed(t *testing.T) {
	test := testService(t).Shapes["Everything"]
	createRole := model.Get("iam").Shapes["CreateRoleRequest"]
	deepKey := "Nested" + strings.Repeat(".Inner", 64) + ".Name"
	for _, c := range []struct {
		name  string
		shape *model.Shape
		form  string
		want  string // the whole message, or a substring when it starts with "…"
	}{
		{"int not a number", createRole, "RoleName=r&MaxSessionDuration=abc",
			"1 validation error detected: Value 'abc' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number"},
		{"int fraction", createRole, "MaxSessionDuration=1.5",
			"1 validation error detected: Value '1.5' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number"},
		{"int overflow", createRole, "MaxSessionDuration=2147483648",
			"1 validation error detected: Value '2147483648' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 2147483647"},
		{"int underflow", createRole, "MaxSessionDuration=-2147483649",
			"1 validation error detected: Value '-2147483649' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to -2147483648"},
		{"list index zero", createRole, "Tags.member.0.Key=k",
			"1 validation error detected: Value '0' at 'tags.member' failed to satisfy constraint: Member index must be an integer between 1 and 10000"},
		{"list index too big", createRole, "Tags.member.10001.Key=k",
			"1 validation error detected: Value '10001' at 'tags.member' failed to satisfy constraint: Member index must be an integer between 1 and 10000"},
		{"list index not a number", createRole, "Tags.member.one.Key=k",
			"…Value 'one' at 'tags.member'"},
		{"list index leading zero", createRole, "Tags.member.01.Key=k",
			"…Value '01' at 'tags.member'"},
		{"list index sign", createRole, "Tags.member.%2B1.Key=k",
			"…Value '+1' at 'tags.member'"},
		{"list as scalar", createRole, "Tags=oops",
			"1 validation error detected: Value 'oops' at 'tags' failed to satisfy constraint: Member must be a list"},
		{"two errors", createRole, "MaxSessionDuration=x&Tags.member.0.Key=k",
			"2 validation errors detected: Value 'x' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number; Value '0' at 'tags.member' failed to satisfy constraint: Member index must be an integer between 1 and 10000"},
		{"bool", test, "Bool=yes",
			"1 validation error detected: Value 'yes' at 'bool' failed to satisfy constraint: Member must be a boolean (true or false)"},
		{"long overflow", test, "Long=9223372036854775808",
			"…Value '9223372036854775808' at 'long' failed to satisfy constraint: Member must have value less than or equal to 9223372036854775807"},
		{"double", test, "Double=abc", "…Value 'abc' at 'double' failed to satisfy constraint: Member must be a number"},
		{"double overflow", test, "Double=1e400", "…Value '1e400' at 'double' failed to satisfy constraint: Member must be a number"},
		{"timestamp", test, "Time=yesterday",
			"…Value 'yesterday' at 'time' failed to satisfy constraint: Member must be a timestamp in ISO 8601 format or epoch seconds"},
		{"timestamp out of range", test, "Time=99999999999999", "…at 'time' failed"},
		{"timestamp year zero", test, "Time=0000-01-01T00:00:00Z", "…at 'time' failed"},
		{"blob", test, "Blob=%21%21%21", "…Value '!!!' at 'blob' failed to satisfy constraint: Member must be base64-encoded"},
		{"nested list item", test, "StructList.member.3.When=never", "…Value 'never' at 'structList.member.3.when'"},
		{"list of lists", test, "ListOfLists.member.2.member.x=a", "…Value 'x' at 'listOfLists.member.2.member'"},
		{"map without key", test, "StrMap.entry.1.value=v", "1 validation error detected: Value null at 'strMap.entry.1.key' failed to satisfy constraint: Member must not be null"},
		{"map bad value", test, "StructMap.entry.1.key=k&StructMap.entry.1.value.When=x", "…Value 'x' at 'structMap.entry.1.value.when'"},
		{"map as scalar", test, "StrMap=x", "…Value 'x' at 'strMap' failed to satisfy constraint: Member must be a map"},
		{"sensitive value hidden", test, "Secret=abc", "1 validation error detected: Value at 'secret' failed to satisfy constraint: Member must be a number"},
		{"too deep", test, deepKey + "=x", "…at 'nested' failed to satisfy constraint: Parameter names must not nest deeper than 64 levels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			form, err := url.ParseQuery(c.form)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeRequest(c.shape, form)
			e, ok := apierror.As(err)
			if !ok {
				t.Fatalf("want *apierror.Error, got %v", err)
			}
			if e.ErrorCode() != "ValidationError" || e.HTTPStatus() != 400 || !e.SenderFault() {
				t.Fatalf("got %+v", e)
			}
			if want, sub := strings.CutPrefix(c.want, "…"); sub {
				if !strings.Contains(e.ErrorMessage(), want) {
					t.Fatalf("message %q does not contain %q", e.ErrorMessage(), want)
				}
			} else if e.ErrorMessage() != c.want {
				t.Fatalf("message\n got %q\nwant %q", e.ErrorMessage(), c.want)
			}
		})
	}
}

// TestRepeatedParameters: a key given twice has no one meaning, so it is
// refused, whether in one set of parameters or across the query string
// and the body, known to the model or not, Action included.
func TestRepeatedParameters(t *testing.T) {
	op := testService(t).Operations["Everything"]
	for _, form := range []string{"Str=a&Str=b", "Str=a&Str=a", "Action=Everything&Action=Everything", "Unknown=1&Unknown=2", "Str=a&%53tr=b"} {
		f, err := url.ParseQuery(form)
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeRequest(op.Input, f)
		wantInvalidQueryParameter(t, err)
	}
	for _, c := range [][2]string{
		{"Action=ListUsers", "Action=CreateUser&UserName=mallory"},
		{"Action=ListUsers&Action=CreateUser", ""},
		{"", "UserName=a&UserName=b"},
		{"X-Amz-Signature=00", "X-Amz-Signature=00"},
	} {
		q, _ := url.ParseQuery(c[0])
		b, _ := url.ParseQuery(c[1])
		_, err := MergeParams(q, b)
		wantInvalidQueryParameter(t, err)
	}
	got, err := MergeParams(url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}}, url.Values{"MaxItems": {"5"}})
	if err != nil || !reflect.DeepEqual(got, url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}, "MaxItems": {"5"}}) {
		t.Fatalf("merge: %v %v", got, err)
	}
	if got, err := MergeParams(nil, nil); err != nil || len(got) != 0 {
		t.Fatalf("empty merge: %v %v", got, err)
	}
}

func wantInvalidQueryParameter(t *testing.T, err error) {
	t.Helper()
	e, ok := apierror.As(err)
	if !ok || e.ErrorCode() != "InvalidQueryParameter" || e.HTTPStatus() != 400 || !e.SenderFault() || !strings.Contains(e.ErrorMessage(), "more than once") {
		t.Fatalf("want InvalidQueryParameter, got %v", err)
	}
}

func TestEncodeResponseErrors(t *testing.T) {
	op := testService(t).Operations["Everything"]
	for _, doc := range []map[string]any{
		{"Int": "7"}, {"Str": 7}, {"StrList": "x"}, {"Nested": "x"}, {"Time": "2024"},
		{"Blob": "x"}, {"Bool": "true"}, {"Double": "1"}, {"StrMap": []any{}},
	} {
		if _, err := EncodeResponse(op, doc, "r"); err == nil {
			t.Errorf("%v: no error", doc)
		}
	}
	_, err := EncodeResponse(op, map[string]any{"StructList": []any{map[string]any{}, map[string]any{"Inner": map[string]any{"Name": 1}}}}, "r")
	if err == nil || !strings.Contains(err.Error(), "'structList.member.2.inner.name': want string, got int") {
		t.Fatalf("error should name the member: %v", err)
	}
}

func TestEncodeResponseAcceptsHandBuiltTypes(t *testing.T) {
	op := testService(t).Operations["Everything"]
	type enum string
	s := "p"
	i := int32(3)
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	body, err := EncodeResponse(op, map[string]any{
		"Str": &s, "Int": &i, "Long": 5, "Double": float32(0.5), "Time": &ts, "Renamed": enum("E"),
		"StrList": []string{"a"}, "StrMap": map[string]string{"k": "v"}, "Bool": (*bool)(nil),
	}, "r")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(op, body)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, got, map[string]any{
		"Str": "p", "Int": int64(3), "Long": int64(5), "Double": 0.5, "Time": ts.UTC(), "Renamed": "E",
		"StrList": []any{"a"}, "StrMap": map[string]any{"k": "v"},
	})
	if !strings.Contains(string(body), "<Time>2024-01-02T02:04:05Z</Time>") {
		t.Errorf("time not in UTC:\n%s", body)
	}
}

func TestEscaping(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a&b<c>d", "a&amp;b&lt;c&gt;d"},
		{"line\r\nnext\ttab", "line&#xD;\nnext\ttab"},
		{"\x00\x1f", "\uFFFD\uFFFD"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"\uFFFE", "\uFFFD"},
		{`"quotes" 'too'`, `"quotes" 'too'`},
	} {
		if got := string(appendEscaped(nil, c.in, false)); got != c.want {
			t.Errorf("%q: got %q want %q", c.in, got, c.want)
		}
	}
	if got := string(appendEscaped(nil, "a\"b\nc", true)); got != "a&quot;b&#xA;c" {
		t.Errorf("attr: %q", got)
	}
}

func TestEncodeErrorRoundTrip(t *testing.T) {
	ns := model.Get("iam").XMLNamespace
	e := &apierror.Error{Code: "NoSuchEntity", Message: "The role with name <x> cannot be found.", Status: 404, Sender: true}
	body := EncodeError(e, ns, "req-9")
	want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>NoSuchEntity</Code>
    <Message>The role with name &lt;x&gt; cannot be found.</Message>
  </Error>
  <RequestId>req-9</RequestId>
</ErrorResponse>
`
	if string(body) != want {
		t.Fatalf("got\n%s\nwant\n%s", body, want)
	}
	if got := DecodeError(404, body); *got != *e {
		t.Fatalf("round trip: %+v", got)
	}
	recv := &apierror.Error{Code: "ServiceFailure", Message: "m", Status: 500}
	if got := DecodeError(500, EncodeError(recv, "", "r")); *got != *recv {
		t.Fatalf("receiver: %+v", got)
	}
	if got := DecodeError(503, []byte("<html>busy</html>")); got.Code != "UnknownError" || got.Sender || got.Status != 503 {
		t.Fatalf("garbage: %+v", got)
	}
	if got := DecodeError(400, []byte("<Error><Code>Throttling</Code><Message>slow</Message></Error>")); got.Code != "Throttling" || got.Message != "slow" || !got.Sender {
		t.Fatalf("bare Error: %+v", got)
	}
}

func TestDecodeResponseTolerates(t *testing.T) {
	op := testService(t).Operations["Everything"]
	body := `<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<EverythingResponse xmlns="https://test.example/doc/2020-01-01/">
  <ResponseMetadata><RequestId>first</RequestId></ResponseMetadata>
  <EverythingResult>
    <Unknown><Deep><Deeper>x</Deeper></Deep></Unknown>
    <Int> 42 </Int>
    <Str> keep spaces </Str>
    <StrList><member>a</member><other>b</other></StrList>
    <StrMap><entry><value>v</value><key>k</key><junk/></entry></StrMap>
  </EverythingResult>
</EverythingResponse>`
	got, err := DecodeResponse(op, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, got, map[string]any{"Int": int64(42), "Str": " keep spaces ", "StrList": []any{"a", "b"}, "StrMap": map[string]any{"k": "v"}})

	for _, c := range []struct{ body, want string }{
		{"<EverythingResponse><EverythingResult><Int>x</Int>", "'int'"},
		{"<EverythingResponse><EverythingResult><StructList><member><When>nope</When></member></StructList></EverythingResult></EverythingResponse>", "'structList.member.1.when'"},
		{"<EverythingResponse><EverythingResult><Str><b>x</b></Str></EverythingResult></EverythingResponse>", "unexpected element <b>"},
		{"<EverythingResponse><EverythingResult><Nested>" + strings.Repeat("<Inner>", 70), "deeper than 64"},
		{"<a><b></a>", "syntax"},
	} {
		_, err := DecodeResponse(op, []byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.body, err, c.want)
		}
	}
	if got, err := DecodeResponse(op, nil); err != nil || len(got) != 0 {
		t.Errorf("empty body: %v %v", got, err)
	}
	if got, err := DecodeResponse(testService(t).Operations["Nothing"], []byte("whatever")); err != nil || len(got) != 0 {
		t.Errorf("no output: %v %v", got, err)
	}
}

func ExampleEncodeError() {
	fmt.Print(string(EncodeError(&apierror.Error{Code: "NoSuchEntity", Message: "No such role.", Sender: true}, "https://iam.amazonaws.com/doc/2010-05-08/", "req-1")))
	// Output:
	// <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
	//   <Error>
	//     <Type>Sender</Type>
	//     <Code>NoSuchEntity</Code>
	//     <Message>No such role.</Message>
	//   </Error>
	//   <RequestId>req-1</RequestId>
	// </ErrorResponse>
}
