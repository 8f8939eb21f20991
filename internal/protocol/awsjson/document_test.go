package awsjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/model/document"
)

// getUserIDBody is a GetUserId request whose unique attribute's value (a
// document) is raw.
func getUserIDBody(raw string) []byte {
	return []byte(`{"IdentityStoreId":"d-1234567890","AlternateIdentifier":{"UniqueAttribute":{"AttributePath":"userName","AttributeValue":` + raw + `}}}`)
}

// TestDocumentPassesThrough: a document member takes any JSON value,
// which validation accepts, binding hands to the typed input and the
// encoder writes back as it was read (compact, object keys sorted,
// numbers with every digit).
func TestDocumentPassesThrough(t *testing.T) {
	shape := identitystoreapi.Model().Shapes["GetUserIdRequest"]
	for _, raw := range []string{
		`"alice"`, `"é \"q\" <"`, `42`, `-1.50000000000000000000001e400`, `true`, `false`,
		`[]`, `{}`, `[1,"two",{"three":[null,3]}]`, `{"a":{"b":[true,false]},"z":"x"}`,
	} {
		doc, err := DecodeRequest(shape, getUserIDBody(raw))
		if err != nil {
			t.Fatalf("%s: decode: %v", raw, err)
		}
		if err := model.Validate(shape, doc); err != nil {
			t.Fatalf("%s: validate: %v", raw, err)
		}
		var in identitystoreapi.GetUserIdRequest
		if err := model.Bind(doc, &in); err != nil {
			t.Fatalf("%s: bind: %v", raw, err)
		}
		v := in.AlternateIdentifier.UniqueAttribute.AttributeValue
		if v == nil || !sameJSON(t, v.JSON(), raw) {
			t.Fatalf("%s: bound %v", raw, v)
		}
		body, err := EncodeRequest(shape, model.ToDocument(&in))
		if err != nil {
			t.Fatalf("%s: encode: %v", raw, err)
		}
		if !bytes.Equal(body, compact(t, string(getUserIDBody(raw)))) {
			t.Fatalf("%s: encoded %s", raw, body)
		}
	}
}

// TestDocumentNullIsAbsent: JSON null is an absent member, as for every
// other shape; the required AttributeValue then fails validation.
func TestDocumentNullIsAbsent(t *testing.T) {
	shape := identitystoreapi.Model().Shapes["GetUserIdRequest"]
	doc, err := DecodeRequest(shape, getUserIDBody("null"))
	if err != nil {
		t.Fatal(err)
	}
	err = model.Validate(shape, doc)
	if err == nil || err.Error() != "1 validation error detected: Value null at 'alternateIdentifier.uniqueAttribute.attributeValue' failed to satisfy constraint: Member must not be null" {
		t.Fatalf("got %v", err)
	}
}

// TestDocumentFromHandBuiltValue: a handler (or the CLI) may put any
// marshalable Go value where a document goes.
func TestDocumentFromHandBuiltValue(t *testing.T) {
	shape := identitystoreapi.Model().Shapes["UniqueAttribute"]
	body, err := EncodeResponse(shape, map[string]any{
		"AttributePath":  "emails",
		"AttributeValue": []map[string]any{{"value": "a@example.com", "primary": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"AttributePath":"emails","AttributeValue":[{"primary":true,"value":"a@example.com"}]}`; string(body) != want {
		t.Fatalf("got %s", body)
	}
	var x struct {
		V identitystoreapi.AttributeValue
	}
	if err := model.Bind(map[string]any{"V": "bob"}, &x); err != nil {
		t.Fatal(err)
	}
	if s, ok := x.V.AsString(); !ok || s != "bob" {
		t.Fatalf("got %s", x.V.JSON())
	}
}

// TestEncodeErrorMembers: a modeled error's members besides the message
// follow __type and message, under their model names, when set.
func TestEncodeErrorMembers(t *testing.T) {
	for _, c := range []struct {
		err  apierror.APIError
		want string
	}{
		{identitystoreapi.NewConflictException("Duplicate UserName").WithReason(identitystoreapi.ConflictExceptionReasonUniquenessConstraintViolation),
			`{"__type":"ConflictException","message":"Duplicate UserName","Reason":"UNIQUENESS_CONSTRAINT_VIOLATION"}`},
		{identitystoreapi.NewResourceNotFoundException("User not found").WithResourceType(identitystoreapi.ResourceTypeUser).WithResourceId("u-1"),
			`{"__type":"ResourceNotFoundException","message":"User not found","ResourceType":"USER","ResourceId":"u-1"}`},
		{identitystoreapi.NewInternalServerException("retry").WithRetryAfterSeconds(3).WithRequestId("r-1"),
			`{"__type":"InternalServerException","message":"retry","RequestId":"r-1","RetryAfterSeconds":3}`},
		{identitystoreapi.NewConflictException("no reason"), `{"__type":"ConflictException","message":"no reason"}`},
	} {
		got := EncodeError(c.err)
		if string(got) != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func compact(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sameJSON: got is the compact form of want, keys sorted as
// encoding/json sorts them (the inputs above are sorted already).
func sameJSON(t *testing.T, got []byte, want string) bool {
	t.Helper()
	w, err := document.Raw([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(got, w.JSON())
}
