package awsquery

import (
	"net/url"
	"testing"

	"github.com/mailgate/mailgate/internal/model"
)

// BenchmarkGetRole is one server round: decode the request form, encode the
// response XML; and the client's decode of that response.
func BenchmarkGetRole(b *testing.B) {
	op := model.Get("iam").Operations["GetRole"]
	form := url.Values{"Action": {"GetRole"}, "Version": {"2010-05-08"}, "RoleName": {"S3Access"}}
	role := exampleRole()
	role["Tags"] = []any{map[string]any{"Key": "team", "Value": "mail"}, map[string]any{"Key": "env", "Value": "prod"}}
	role["RoleLastUsed"] = map[string]any{"LastUsedDate": created, "Region": "us-east-1"}
	out := map[string]any{"Role": role}
	const reqID = "4a93ceee-9966-11e1-b624-b1aEXAMPLE7c"
	b.Run("DecodeRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRequest(op.Input, form); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EncodeResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EncodeResponse(op, out, reqID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeAndEncode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeRequest(op.Input, form); err != nil {
				b.Fatal(err)
			}
			if _, err := EncodeResponse(op, out, reqID); err != nil {
				b.Fatal(err)
			}
		}
	})
	body, _ := EncodeResponse(op, out, reqID)
	b.Run("DecodeResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeResponse(op, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateRoleRequest decodes a request with a list of structures.
func BenchmarkCreateRoleRequest(b *testing.B) {
	op := model.Get("iam").Operations["CreateRole"]
	form, _ := url.ParseQuery("Action=CreateRole&Version=2010-05-08&RoleName=r&Path=%2F&MaxSessionDuration=3600" +
		"&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=b&Tags.member.2.Value=2")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeRequest(op.Input, form); err != nil {
			b.Fatal(err)
		}
	}
}
