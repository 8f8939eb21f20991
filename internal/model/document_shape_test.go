package model

import (
	"sort"
	"testing"

	"github.com/mailgate/mailgate/internal/model/document"
)

// TestDocumentShapes: the models mark their document shapes, and only
// awsJson models have any, so awsQuery needs no form for them.
func TestDocumentShapes(t *testing.T) {
	var got []string
	for _, n := range ServiceNames {
		svc := Get(n)
		for _, sh := range svc.Shapes {
			if !sh.Document {
				continue
			}
			got = append(got, n+"."+sh.Name)
			if svc.Protocol != "json" {
				t.Errorf("%s.%s: a document shape in a %s model", n, sh.Name, svc.Protocol)
			}
		}
	}
	sort.Strings(got)
	if len(got) != 2 || got[0] != "identitystore.AttributeValue" || got[1] != "sso-admin.ActorPolicyDocument" {
		t.Fatalf("document shapes: %v", got)
	}
}

// TestDocumentValidatesAndBinds: validation takes any value for a
// document; binding and ToDocument carry it as a document.Value.
func TestDocumentValidatesAndBinds(t *testing.T) {
	sh := Get("identitystore").Shapes["UniqueAttribute"]
	v, err := document.Raw([]byte(`[1,{"a":null}]`))
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{"AttributePath": "userName", "AttributeValue": v}
	if err := Validate(sh, doc); err != nil {
		t.Fatal(err)
	}
	var out struct {
		AttributePath  string
		AttributeValue *document.Value
	}
	if err := Bind(doc, &out); err != nil || out.AttributeValue == nil || !out.AttributeValue.Equal(v) {
		t.Fatalf("%+v %v", out, err)
	}
	if back := ToDocument(&out)["AttributeValue"]; back.(document.Value).Kind() != "array" {
		t.Fatalf("%#v", back)
	}
}
