package awsjson

import (
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/model"
)

var describeUserRequest = []byte(`{"OrganizationId":"m-0123456789abcdef0123456789abcdef","UserId":"jdoe@example.com"}`)

func describeUserDoc() map[string]any {
	return map[string]any{
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
		"City":                        "Zürich",
		"Company":                     "Example & Co",
	}
}

// BenchmarkDescribeUser is one server round: decode the request, encode the
// response.
func BenchmarkDescribeUser(b *testing.B) {
	op := model.Get("workmail").Operations["DescribeUser"]
	out := describeUserDoc()
	b.Run("DecodeRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRequest(op.Input, describeUserRequest); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EncodeResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EncodeResponse(op.Output, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeAndEncode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRequest(op.Input, describeUserRequest); err != nil {
				b.Fatal(err)
			}
			if _, err := EncodeResponse(op.Output, out); err != nil {
				b.Fatal(err)
			}
		}
	})
	body, _ := EncodeResponse(op.Output, out)
	b.Run("DecodeResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeResponse(op.Output, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
