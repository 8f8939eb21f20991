package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// testModel has one shape of every kind the codec handles, so round trips
// cover what the WorkMail model lacks (maps, blobs, floats, lists of lists).
const testModelJSON = `{
  "metadata": {"apiVersion": "2020-01-01", "protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Test"},
  "operations": {"Everything": {"input": {"shape": "Everything"}, "output": {"shape": "Everything"}}},
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
      "Nested": {"shape": "Nested"},
      "StrList": {"shape": "StrList"},
      "StructList": {"shape": "StructList"},
      "ListOfLists": {"shape": "ListOfLists"},
      "StrMap": {"shape": "StrMap"},
      "StructMap": {"shape": "StructMap"},
      "Renamed": {"shape": "Str", "locationName": "renamed_on_wire"}
    }},
    "Nested": {"type": "structure", "members": {
      "Name": {"shape": "Str"},
      "When": {"shape": "Time"},
      "Inner": {"shape": "Nested"}
    }},
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "Long": {"type": "long"},
    "Double": {"type": "double"},
    "Float": {"type": "float"},
    "Bool": {"type": "boolean"},
    "Time": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "StructList": {"type": "list", "member": {"shape": "Nested"}},
    "ListOfLists": {"type": "list", "member": {"shape": "StrList"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "StructMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Nested"}}
  }
}`

func testShape(t testing.TB) *model.Shape {
	t.Helper()
	svc, err := model.Load("test", []byte(testModelJSON), nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc.Shapes["Everything"]
}

func fullDoc() map[string]any {
	return map[string]any{
		"Str":    "plain \"quoted\" \\ back\nslash\ttab \u2028 <&> ünïcødé 🎉 \x01",
		"Int":    int64(-2147483648),
		"Long":   int64(9223372036854775807),
		"Double": 1.5e-7,
		"Float":  -0.25,
		"Bool":   false,
		"Time":   time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC),
		"Blob":   []byte{0, 1, 2, 0xff, 'x'},
		"Nested": map[string]any{
			"Name":  "outer",
			"When":  time.Date(1969, 7, 20, 20, 17, 40, 500000000, time.UTC),
			"Inner": map[string]any{"Name": "inner", "Inner": map[string]any{}},
		},
		"StrList":     []any{"a", "", "c"},
		"StructList":  []any{map[string]any{"Name": "x"}, map[string]any{}},
		"ListOfLists": []any{[]any{"a"}, []any{}},
		"StrMap":      map[string]any{"k1": "v1", "": "empty key", "k.with.dots": "v"},
		"StructMap":   map[string]any{"a": map[string]any{"Name": "n", "When": time.Unix(0, 0).UTC()}},
		"Renamed":     "on the wire as renamed_on_wire",
	}
}

func TestRoundTripEveryKind(t *testing.T) {
	sh := testShape(t)
	doc := fullDoc()

	// client → server
	body, err := EncodeRequest(sh, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(body) {
		t.Fatalf("invalid JSON: %s", body)
	}
	got, err := DecodeRequest(sh, body)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, got, doc)

	// server → client
	body, err = EncodeResponse(sh, doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err = DecodeResponse(sh, body)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, got, doc)
	if !bytes.Contains(body, []byte(`"renamed_on_wire":`)) {
		t.Errorf("locationName not used: %s", body)
	}
}

func TestRoundTripSpecialFloats(t *testing.T) {
	sh := testShape(t)
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -0.0, 1e21, 1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		body, err := EncodeResponse(sh, map[string]any{"Double": f})
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(sh, body)
		if err != nil {
			t.Fatalf("%v: %s: %v", f, body, err)
		}
		g := got["Double"].(float64)
		if !(g == f || math.IsNaN(f) && math.IsNaN(g)) {
			t.Errorf("%v → %s → %v", f, body, g)
		}
	}
}

func assertDoc(t *testing.T, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("document mismatch\n got: %s\nwant: %s\n got: %#v\nwant: %#v", g, w, got, want)
	}
}

func TestEncodeMemberOrderAndAbsent(t *testing.T) {
	sh := testShape(t)
	var nilTime *time.Time
	body, err := EncodeResponse(sh, map[string]any{
		"StrMap":  map[string]string{"b": "2", "a": "1"}, // hand-built types are accepted
		"Int":     int32(7),
		"Str":     nil,
		"Time":    nilTime,
		"StrList": []string{"x"},
		"Unknown": "ignored",
		"Bool":    true,
		"Nested":  map[string]any{"When": time.Unix(1700000000, 0)},
		"Long":    (*int64)(nil),
		"Double":  int64(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Int":7,"Double":3,"Bool":true,"Nested":{"When":1700000000},"StrList":["x"],"StrMap":{"a":"1","b":"2"}}`
	if string(body) != want {
		t.Fatalf("got  %s\nwant %s", body, want)
	}
	if b, _ := EncodeResponse(nil, map[string]any{"x": 1}); string(b) != "{}" {
		t.Fatalf("nil shape: %s", b)
	}
	if b, _ := EncodeResponse(sh, nil); string(b) != "{}" {
		t.Fatalf("nil doc: %s", b)
	}
}

func TestEncodeTypeMismatch(t *testing.T) {
	sh := testShape(t)
	for _, doc := range []map[string]any{
		{"Int": "7"},
		{"Int": 1.5},
		{"Str": 7},
		{"StrList": "x"},
		{"Nested": "x"},
		{"StructList": []any{"x"}},
		{"Time": "2024-01-01"},
		{"Blob": "x"},
		{"Bool": "true"},
		{"StrMap": map[int]string{1: "x"}},
	} {
		if _, err := EncodeResponse(sh, doc); err == nil {
			t.Errorf("%v: no error", doc)
		}
	}
	_, err := EncodeResponse(sh, map[string]any{"StructList": []any{map[string]any{}, map[string]any{"Name": 1}}})
	if err == nil || !strings.Contains(err.Error(), "structList.member.2.name") {
		t.Fatalf("error should name the member: %v", err)
	}
}

func TestEpochSeconds(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 5e8), "1700000000.5"},
		{time.Unix(1700000000, 123000000), "1700000000.123"},
		{time.Unix(1700000000, 1), "1700000000.000000001"},
		{time.Unix(0, 0), "0"},
		{time.Unix(-1, 5e8), "-0.5"},
		{time.Unix(-2, 0), "-2"},
		{time.Unix(-100, 250000000), "-99.75"},
	} {
		if got := string(AppendEpoch(nil, c.t)); got != c.want {
			t.Errorf("%v: got %s want %s", c.t, got, c.want)
		}
		back, ok := model.ParseEpochSeconds(c.want)
		if !ok || !back.Equal(c.t) {
			t.Errorf("ParseEpochSeconds(%s) = %v, %v; want %v", c.want, back, ok, c.t)
		}
	}
}

func TestDecodeAccepts(t *testing.T) {
	sh := testShape(t)
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		body string
		want map[string]any
	}{
		{``, map[string]any{}},
		{"  \n", map[string]any{}},
		{`{}`, map[string]any{}},
		{` { } `, map[string]any{}},
		{`{"Str":null,"Nested":null,"Unknown":{"deep":[1,2,{"x":null}]}}`, map[string]any{}},
		{`{"Int":3.0,"Long":3e2,"Double":7}`, map[string]any{"Int": int64(3), "Long": int64(300), "Double": 7.0}},
		{`{"Long":-9223372036854775808}`, map[string]any{"Long": int64(math.MinInt64)}},
		{`{"Time":1704164645}`, map[string]any{"Time": ts}},
		{`{"Time":1704164645.25}`, map[string]any{"Time": ts.Add(250 * time.Millisecond)}},
		{`{"Time":1.704164645e9}`, map[string]any{"Time": ts}},
		{`{"Time":"2024-01-02T03:04:05Z"}`, map[string]any{"Time": ts}},
		{`{"Time":"2024-01-02T05:04:05.5+02:00"}`, map[string]any{"Time": ts.Add(500 * time.Millisecond)}},
		{`{"Time":"2024-01-02T03:04:05"}`, map[string]any{"Time": ts}},
		{`{"Double":"NaN"}`, nil}, // checked below
		{`{"Double":"-Infinity"}`, map[string]any{"Double": math.Inf(-1)}},
		{`{"Blob":"aGk="}`, map[string]any{"Blob": []byte("hi")}},
		{`{"Blob":"aGk"}`, map[string]any{"Blob": []byte("hi")}},
		{`{"StrList":["a",null,"b"]}`, map[string]any{"StrList": []any{"a", "b"}}},
		{`{"StrMap":{"a":"1","b":null}}`, map[string]any{"StrMap": map[string]any{"a": "1"}}},
		{`{"Str":"\u00e9\ud83c\udf89"}`, map[string]any{"Str": "é🎉"}},
		{`{"Str":"a","Unknown":{"Str":"b"},"List":[{"Str":"c"},{"Str":"d"}]}`, map[string]any{"Str": "a"}},
	} {
		got, err := DecodeRequest(sh, []byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if c.want == nil {
			if f, _ := got["Double"].(float64); !math.IsNaN(f) {
				t.Errorf("%s: got %v", c.body, got)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.body, got, c.want)
		}
	}
	if got, err := DecodeRequest(nil, []byte(`{"a":1}`)); err != nil || len(got) != 0 {
		t.Errorf("nil shape: %v %v", got, err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	sh := testShape(t)
	wm := model.Get("workmail").Shapes["CreateImpersonationRoleRequest"]
	deep := strings.Repeat(`{"Inner":`, 65) + `{}` + strings.Repeat(`}`, 65)
	okDeep := `{"Nested":` + strings.Repeat(`{"Inner":`, 62) + `{}` + strings.Repeat(`}`, 62) + `}`
	if _, err := DecodeRequest(sh, []byte(okDeep)); err != nil {
		t.Fatalf("depth 64 must pass: %v", err)
	}
	for _, c := range []struct {
		name  string
		shape *model.Shape
		body  string
		want  string // substring of the message
	}{
		{"truncated", sh, `{"Str":"a"`, "malformed JSON"},
		{"bad token", sh, `{"Str":x}`, "malformed JSON"},
		{"trailing garbage", sh, `{} x`, "unexpected data after"},
		{"two objects", sh, `{}{}`, "unexpected data after"},
		{"top array", sh, `[]`, "must be a JSON object"},
		{"top string", sh, `"x"`, "must be a JSON object"},
		{"top null", sh, `null`, "must be a JSON object"},
		{"top number", sh, `12`, "must be a JSON object"},
		{"top no-input", nil, `[1]`, "must be a JSON object"},
		{"too deep", sh, deep, "deeper than 64"},
		{"too deep unknown", sh, `{"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, "deeper than 64"},
		{"string for list", wm, `{"Rules":"x"}`, "'rules': expected an array, found a string"},
		{"number for struct", wm, `{"Rules":[5]}`, "'rules.member.1': expected an object, found a number"},
		{"string for nested list", wm, `{"Rules":[{"Effect":"ALLOW"},{"TargetUsers":"bob"}]}`, "'rules.member.2.targetUsers': expected an array"},
		{"number for list string", wm, `{"Rules":[{"TargetUsers":["a",1]}]}`, "'rules.member.1.targetUsers.member.2': expected a string, found a number"},
		{"number for string", wm, `{"Name":12}`, "'name': expected a string"},
		{"bool for string", wm, `{"Name":true}`, "'name': expected a string, found a boolean"},
		{"object for string", wm, `{"Name":{}}`, "'name': expected a string, found an object"},
		{"fraction for integer", sh, `{"Int":1.5}`, "'int': 1.5 is not an integer"},
		{"integer overflow", sh, `{"Int":2147483648}`, "'int': 2147483648 is out of range for a 32-bit integer"},
		{"integer overflow exp", sh, `{"Int":3e10}`, "'int': 3e10 is out of range"},
		{"long overflow", sh, `{"Long":9223372036854775808}`, "'long': 9223372036854775808 is out of range for a 64-bit integer"},
		{"string for integer", sh, `{"Int":"5"}`, "'int': expected an integer, found a string"},
		{"double overflow", sh, `{"Double":1e400}`, "'double': 1e400 is out of range"},
		{"string for double", sh, `{"Double":"abc"}`, "'double': expected a number, found a string"},
		{"string for bool", sh, `{"Bool":"true"}`, "'bool': expected a boolean, found a string"},
		{"bad time string", sh, `{"Time":"yesterday"}`, `'time': "yesterday" is not an ISO 8601 timestamp`},
		{"bool for time", sh, `{"Time":true}`, "'time': expected a timestamp"},
		{"huge epoch", sh, `{"Time":1e300}`, "'time': 1e300 is not a valid epoch-seconds timestamp"},
		{"year zero", sh, `{"Time":"0000-01-01T00:00:00Z"}`, `'time': "0000-01-01T00:00:00Z" is not an ISO 8601 timestamp`},
		{"past year 9999", sh, `{"Time":"9999-12-31T23:00:00-05:00"}`, "'time'"},
		{"bad base64", sh, `{"Blob":"!!!"}`, "'blob': the value is not valid base64"},
		{"number for blob", sh, `{"Blob":1}`, "'blob': expected a base64 string"},
		{"array for map", sh, `{"StrMap":[]}`, "'strMap': expected an object, found an array"},
		{"bad map value", sh, `{"StrMap":{"k":1}}`, "'strMap.k.value': expected a string"},
		{"bad nested map value", sh, `{"StructMap":{"k":{"When":"x"}}}`, "'structMap.k.value.when'"},
		{"list of lists", sh, `{"ListOfLists":[["a"],"b"]}`, "'listOfLists.member.2': expected an array"},
		// A repeated key, at any depth, known to the model or not.
		{"duplicate key", sh, `{"Str":"a","Str":"b"}`, `the key "Str" appears more than once`},
		{"duplicate null", sh, `{"Str":null,"Str":"b"}`, `the key "Str" appears more than once`},
		{"duplicate escaped", sh, `{"Str":"a","\u0053tr":"b"}`, `the key "Str" appears more than once`},
		{"duplicate nested", wm, `{"Rules":[{"Effect":"ALLOW","Effect":"DENY"}]}`, `the key "Effect" appears more than once`},
		{"duplicate unknown", sh, `{"Unknown":{"x":[{"y":1,"y":2}]}}`, `the key "y" appears more than once`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeRequest(c.shape, []byte(c.body))
			e, ok := apierror.As(err)
			if !ok {
				t.Fatalf("want *apierror.Error, got %v", err)
			}
			if e.ErrorCode() != "SerializationException" || e.HTTPStatus() != 400 || !e.SenderFault() {
				t.Fatalf("got %+v", e)
			}
			if !strings.Contains(e.ErrorMessage(), c.want) {
				t.Fatalf("message %q does not contain %q", e.ErrorMessage(), c.want)
			}
		})
	}
}

func TestEncodeError(t *testing.T) {
	e := &apierror.Error{Code: "EntityNotFoundException", Message: `The user "bob" was not found.`, Status: 400, Sender: true}
	got := string(EncodeError(e))
	want := `{"__type":"EntityNotFoundException","message":"The user \"bob\" was not found."}`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	back := DecodeError(400, http.Header{}, []byte(got))
	if *back != *e {
		t.Fatalf("round trip: %+v", back)
	}
	if d := DecodeError(500, nil, EncodeError(nil)); d.Code != "InternalFailure" || d.Sender {
		t.Fatalf("nil error: %+v", d)
	}
}

func TestDecodeError(t *testing.T) {
	for _, c := range []struct {
		status     int
		header     string
		body       string
		code, msg  string
		wantSender bool
	}{
		{400, "", `{"__type":"com.amazonaws.workmail#EntityNotFoundException","message":"m"}`, "EntityNotFoundException", "m", true},
		{400, "", `{"__type":"ValidationException:http://internal.amazon.com/coral/","Message":"M"}`, "ValidationException", "M", true},
		{400, "aws.protocoltests#FooError:http://x", `{"__type":"Other"}`, "FooError", "", true},
		{400, "", `{"code":"LimitExceeded","message":"x"}`, "LimitExceeded", "x", true},
		{503, "", `not json`, "UnknownError", "", false},
		{500, "", ``, "UnknownError", "", false},
	} {
		h := http.Header{}
		if c.header != "" {
			h.Set("X-Amzn-ErrorType", c.header)
		}
		e := DecodeError(c.status, h, []byte(c.body))
		if e.ErrorCode() != c.code || e.ErrorMessage() != c.msg || e.HTTPStatus() != c.status || e.Sender != c.wantSender {
			t.Errorf("%s %s: got %+v", c.header, c.body, e)
		}
	}
}

// The DescribeUser response as WorkMail sends it: timestamps in epoch
// seconds, members in model order, sensitive members as plain values.
func TestGoldenDescribeUser(t *testing.T) {
	op := model.Get("workmail").Operations["DescribeUser"]
	doc := map[string]any{
		"UserId":                      "S-1-1-11-1111111111-2222222222-3333333333-3333",
		"Name":                        "jdoe",
		"Email":                       "jdoe@example.com",
		"DisplayName":                 "Jane Doe",
		"State":                       "ENABLED",
		"UserRole":                    "USER",
		"EnabledDate":                 time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"MailboxProvisionedDate":      time.Date(2024, 1, 2, 3, 4, 5, 123000000, time.UTC),
		"FirstName":                   "Jane",
		"LastName":                    "Doe",
		"HiddenFromGlobalAddressList": false,
		"JobTitle":                    "Engineer",
	}
	got, err := EncodeResponse(op.Output, doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"UserId":"S-1-1-11-1111111111-2222222222-3333333333-3333","Name":"jdoe","Email":"jdoe@example.com",` +
		`"DisplayName":"Jane Doe","State":"ENABLED","UserRole":"USER","EnabledDate":1704164645,` +
		`"MailboxProvisionedDate":1704164645.123,"FirstName":"Jane","LastName":"Doe",` +
		`"HiddenFromGlobalAddressList":false,"JobTitle":"Engineer"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	back, err := DecodeResponse(op.Output, got)
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, back, doc)

	in, err := DecodeRequest(op.Input, []byte(`{"OrganizationId":"m-0123456789abcdef0123456789abcdef","UserId":"jdoe"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Validate(op.Input, in); err != nil {
		t.Fatal(err)
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "abc", "\x00\x1f\x7f", "a\"b\\c", "\xff\xfe", "é\u2028\u2029", "<script>&amp;"} {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: got %q want %q", s, back, wantBack)
		}
	}
}

func ExampleEncodeError() {
	fmt.Println(string(EncodeError(&apierror.Error{Code: "EntityNotFoundException", Message: "No such user."})))
	// Output: {"__type":"EntityNotFoundException","message":"No such user."}
}
