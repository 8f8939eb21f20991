package awsjson

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// FuzzDecodeRequest feeds arbitrary bodies to real input shapes. DecodeRequest
// must never panic, must fail only with a SerializationException, and what
// it accepts must survive EncodeRequest → DecodeRequest unchanged.
func FuzzDecodeRequest(f *testing.F) {
	wm := model.Get("workmail")
	shapes := []*model.Shape{
		wm.Shapes["CreateImpersonationRoleRequest"],
		wm.Shapes["ListUsersRequest"],
		wm.Shapes["UpdateUserRequest"],
		testShape(f),
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"Rules":[{"Effect":"ALLOW","TargetUsers":["a"]}]}`,
		`{"OrganizationId":"m-0123","Name":"x","Type":"FULL_ACCESS","Rules":[]}`,
		`{"MaxResults":5,"Filters":{"State":"ENABLED"}}`, `{"HiddenFromGlobalAddressList":true}`,
		`{"Int":1.5}`, `{"Time":1.25}`, `{"Time":"2024-01-02T03:04:05Z"}`, `{"Blob":"aGk="}`,
		`{"StrMap":{"a":"b"}}`, `{"StructList":[{"Inner":{"Inner":{}}}]}`, `{"Double":"NaN"}`,
		`{"Str":"\ud800"}`, `{"a":` + "[[[[[[[[[[" + `}`, `{} {}`,
	} {
		for i := range shapes {
			f.Add([]byte(s), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, pick uint8) {
		sh := shapes[int(pick)%len(shapes)]
		doc, err := DecodeRequest(sh, body)
		if err != nil {
			if e, ok := apierror.As(err); !ok || e.ErrorCode() != "SerializationException" || e.HTTPStatus() != 400 {
				t.Fatalf("unexpected error %#v", err)
			}
			return
		}
		_ = model.Validate(sh, doc) // must not panic on any decoded document
		again, err := EncodeRequest(sh, doc)
		if err != nil {
			t.Fatalf("decoded document does not encode: %v\n%#v", err, doc)
		}
		back, err := DecodeRequest(sh, again)
		if err != nil {
			t.Fatalf("re-decode %s: %v", again, err)
		}
		if !docEqual(doc, back) {
			t.Fatalf("round trip changed the document\n%#v\n%#v", doc, back)
		}
	})
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
