package audit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/model"
)

// Secrets are hidden by the model's sensitive trait and by member name,
// at any depth; everything else is kept, member names in lower camel case.
func TestRedact(t *testing.T) {
	wm := model.Get("workmail")
	in := map[string]any{"OrganizationId": "m-1", "Name": "alice", "DisplayName": "Alice", "Password": "Corr3ct-Horse!"}
	got := Redact(in, wm.Operations["CreateUser"].Input)
	if got["password"] != Hidden || got["organizationId"] != "m-1" || got["name"] != "alice" {
		t.Fatalf("CreateUser: %v", got)
	}
	iam := model.Get("iam")
	out := map[string]any{"AccessKey": map[string]any{"AccessKeyId": "AKIA1", "SecretAccessKey": "s3cr3t", "UserName": "bob"}}
	got = Redact(out, iam.Operations["CreateAccessKey"].Output)
	key := got["accessKey"].(map[string]any)
	if key["secretAccessKey"] != Hidden || key["accessKeyId"] != "AKIA1" {
		t.Fatalf("CreateAccessKey: %v", got)
	}
	// Without a shape, names decide: tokens, seeds, private keys; not
	// pagination tokens.
	loose := map[string]any{"Token": "mgi1.x", "NextToken": "page2", "Base32StringSeed": "AAAA", "PrivateKey": "-----BEGIN",
		"Items": []any{map[string]any{"SessionToken": "t", "Name": "n"}}, "Tags": map[string]any{"password": "p", "team": "mail"}}
	got = Redact(loose, nil)
	b, _ := json.Marshal(got)
	for _, s := range []string{"mgi1.x", "AAAA", "BEGIN", `"t"`, `"p"`} {
		if strings.Contains(string(b), s) {
			t.Fatalf("%s left in %s", s, b)
		}
	}
	if got["NextToken"] != "page2" || !strings.Contains(string(b), `"Name":"n"`) || !strings.Contains(string(b), `"team":"mail"`) {
		t.Fatalf("too much hidden: %s", b)
	}
}

// An event's record is CloudTrail's, with the lookup keys of its identity
// and resources.
func TestEncode(t *testing.T) {
	e := Event{AccountID: "123456789012", Identity: Identity{Type: IdentityAssumedRole, ARN: "arn:aws:sts::123456789012:assumed-role/ops/night-shift", AccessKeyID: "ASIA1"},
		Source: Source("iam"), Name: "DeleteRole", Resources: []Resource{{ARN: "arn:aws:iam::123456789012:role/ops"}}}
	r, _ := ResourceOf("arn:aws:iam::123456789012:role/path/ops")
	if r.Type != "AWS::IAM::Role" || r.Name != "ops" {
		t.Fatalf("ResourceOf: %+v", r)
	}
	if r, _ := ResourceOf("arn:aws:workmail:us-east-1:123456789012:organization/m-1"); r.Type != "AWS::WorkMail::Organization" || r.Name != "m-1" {
		t.Fatalf("ResourceOf: %+v", r)
	}
	e.Resources[0] = r
	rec, err := Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, k := range rec.Keys {
		keys[k.Attr] += k.Value + ";"
	}
	if keys["Username"] != "night-shift;" || keys["AccessKeyId"] != "ASIA1;" || keys["ReadOnly"] != "false;" || keys["EventSource"] != "iam.amazonaws.com;" {
		t.Fatalf("keys: %v", keys)
	}
	var doc Record
	if err := json.Unmarshal(rec.Doc, &doc); err != nil || doc.EventVersion != EventVersion || doc.EventID != rec.EventID || doc.EventType != TypeAPICall {
		t.Fatalf("%s: %v", rec.Doc, err)
	}
}
