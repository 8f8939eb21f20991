package model

import (
	"fmt"
	"strings"
	"testing"
)

// testServiceJSON is a small model with one shape of every kind, for the
// unit tests of loading, validation and binding. Its members are out of
// alphabetical order on purpose: the model order must survive.
const testServiceJSON = `{
  "metadata": {"apiVersion": "2020-01-01", "protocol": "json", "targetPrefix": "TestService", "jsonVersion": "1.1",
    "endpointPrefix": "test", "serviceFullName": "Test Service", "serviceId": "Test"},
  "operations": {
    "PutThing": {"input": {"shape": "PutThingRequest"}, "output": {"shape": "PutThingResponse", "resultWrapper": "PutThingResult"},
      "errors": [{"shape": "NotFound"}, {"shape": "Plain"}, {"shape": "NotAShape"}], "idempotent": true},
    "ListThings": {"input": {"shape": "ListThingsRequest"}, "output": {"shape": "PutThingResponse"}},
    "Ping": {}
  },
  "shapes": {
    "PutThingRequest": {"type": "structure", "required": ["Name", "Kind"], "members": {
      "Name": {"shape": "Name", "documentation": "the name"},
      "Kind": {"shape": "Kind"},
      "Count": {"shape": "Count"},
      "Ratio": {"shape": "Ratio"},
      "Secret": {"shape": "Secret"},
      "Tags": {"shape": "Tags"},
      "Labels": {"shape": "Labels"},
      "Rules": {"shape": "Rules"},
      "Data": {"shape": "Data"},
      "When": {"shape": "When"},
      "Enabled": {"shape": "Flag"},
      "Token": {"shape": "Name", "idempotencyToken": true, "locationName": "token"}
    }},
    "PutThingResponse": {"type": "structure", "members": {}},
    "ListThingsRequest": {"type": "structure", "members": {"NextToken": {"shape": "Msg"}, "MaxResults": {"shape": "Count"}}},
    "Name": {"type": "string", "min": 2, "max": 5, "pattern": "[a-zé]+"},
    "Kind": {"type": "string", "enum": ["ALPHA", "BETA"]},
    "Count": {"type": "integer", "min": 1, "max": 10},
    "Ratio": {"type": "double", "min": 0.5, "max": 1.5},
    "Secret": {"type": "string", "max": 3, "sensitive": true},
    "Tags": {"type": "list", "member": {"shape": "Name"}, "min": 1, "max": 2},
    "Labels": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Kind"}, "max": 2},
    "Rules": {"type": "list", "member": {"shape": "Rule"}},
    "Rule": {"type": "structure", "required": ["Effect"], "members": {"Name": {"shape": "Name"}, "Effect": {"shape": "Kind"}}},
    "Data": {"type": "blob", "max": 4},
    "When": {"type": "timestamp"},
    "Flag": {"type": "boolean"},
    "Msg": {"type": "string"},
    "NotFound": {"type": "structure", "members": {"Message": {"shape": "Msg"}}, "exception": true,
      "error": {"code": "NoSuchThing", "httpStatusCode": 404, "senderFault": true}},
    "Plain": {"type": "structure", "members": {}, "exception": true}
  }
}`

const testPaginatorsJSON = `{"pagination": {
  "ListThings": {"input_token": "NextToken", "output_token": "NextToken", "limit_key": "MaxResults", "result_key": ["Things", "Others"]},
  "PutThing": {"input_token": ["A", "B"], "output_token": "X", "more_results": "IsTruncated", "result_key": "Things"}
}}`

// testService loads testServiceJSON.
func testService(t *testing.T) *Service {
	t.Helper()
	s, err := Load("test", []byte(testServiceJSON), []byte(testPaginatorsJSON))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// input is the input shape of PutThing.
func input(t *testing.T) *Shape {
	t.Helper()
	return testService(t).Operations["PutThing"].Input
}

func TestLoadAll(t *testing.T) {
	for _, n := range ServiceNames {
		s := Get(n)
		if s == nil || len(s.Operations) == 0 {
			t.Fatalf("%s: not loaded", n)
		}
	}
	wm := Get("workmail")
	if wm.TargetPrefix != "WorkMailService" || wm.Protocol != "json" {
		t.Fatalf("workmail metadata: %+v", wm)
	}
	org := wm.Shapes["OrganizationId"]
	if !org.Pattern.MatchString("m-0123456789abcdef0123456789abcdef") || org.Pattern.MatchString("m-0123") {
		t.Fatal("OrganizationId pattern")
	}
	on := wm.Shapes["OrganizationName"]
	if on.Pattern.MatchString("d-abc") || !on.Pattern.MatchString("my-org") {
		t.Fatal("OrganizationName pattern (look-ahead)")
	}
	if iam := Get("iam"); !iam.Shapes["pathType"].Pattern.MatchString("/a/b/") || iam.Shapes["pathType"].Pattern.MatchString("a") {
		t.Fatal("pathType")
	}
	if op := Get("iam").Operations["CreateRole"]; op.ResultWrapper != "CreateRoleResult" {
		t.Fatal(op.ResultWrapper)
	}
	if p := wm.Operations["ListUsers"].Paginator; p == nil || p.LimitKey != "MaxResults" {
		t.Fatal("paginator")
	}
	if o := wm.Shapes["User"].Order; o[0] != "Id" {
		t.Fatal(o)
	}
	if Get("nosuch") != nil {
		t.Fatal("an unknown model")
	}
	if Get("iam") != Get("iam") {
		t.Fatal("the models are parsed more than once")
	}
	for _, n := range []string{"iam", "sts"} {
		if s := Get(n); s.Protocol != "query" || s.XMLNamespace == "" || s.SigningName != n {
			t.Fatalf("%s metadata: %+v", n, s)
		}
	}
}

func TestLoad(t *testing.T) {
	s := testService(t)

	t.Run("case=metadata", func(t *testing.T) {
		if s.Name != "test" || s.APIVersion != "2020-01-01" || s.Protocol != "json" || s.TargetPrefix != "TestService" || s.JSONVersion != "1.1" ||
			s.EndpointPrefix != "test" || s.FullName != "Test Service" || s.ServiceID != "Test" {
			t.Fatalf("metadata: %+v", s)
		}
		// No signingName: the endpoint prefix signs.
		if s.SigningName != "test" {
			t.Fatalf("signing name %q", s.SigningName)
		}
	})
	t.Run("case=operations", func(t *testing.T) {
		if fmt.Sprint(s.OperationNames) != "[ListThings Ping PutThing]" {
			t.Fatalf("operation names %v, want them sorted", s.OperationNames)
		}
		put := s.Operations["PutThing"]
		if put.Name != "PutThing" || put.Service != s || put.Input != s.Shapes["PutThingRequest"] || put.Output != s.Shapes["PutThingResponse"] ||
			put.ResultWrapper != "PutThingResult" || !put.Idempotent {
			t.Fatalf("PutThing: %+v", put)
		}
		// Errors naming no shape of the model are left out.
		if len(put.Errors) != 2 || put.Errors[0].Name != "NotFound" || put.Errors[1].Name != "Plain" {
			t.Fatalf("errors: %+v", put.Errors)
		}
		if ping := s.Operations["Ping"]; ping.Input != nil || ping.Output != nil || ping.Paginator != nil || ping.Idempotent {
			t.Fatalf("Ping: %+v", ping)
		}
	})
	t.Run("case=paginators", func(t *testing.T) {
		p := s.Operations["ListThings"].Paginator
		if p == nil || fmt.Sprint(p.InputToken, p.OutputToken, p.ResultKeys) != "[NextToken] [NextToken] [Things Others]" || p.LimitKey != "MaxResults" || p.MoreResults != "" {
			t.Fatalf("ListThings: %+v", p)
		}
		// Tokens and result keys may be a string or a list.
		p = s.Operations["PutThing"].Paginator
		if p == nil || fmt.Sprint(p.InputToken, p.OutputToken, p.ResultKeys) != "[A B] [X] [Things]" || p.MoreResults != "IsTruncated" {
			t.Fatalf("PutThing: %+v", p)
		}
	})
	t.Run("case=structure-members-in-model-order", func(t *testing.T) {
		in := s.Shapes["PutThingRequest"]
		want := "[Name Kind Count Ratio Secret Tags Labels Rules Data When Enabled Token]"
		if in.Type != TypeStructure || fmt.Sprint(in.Order) != want || len(in.Members) != 12 {
			t.Fatalf("members %v, want %s", in.Order, want)
		}
		if !in.Required["Name"] || !in.Required["Kind"] || in.Required["Count"] {
			t.Fatalf("required: %v", in.Required)
		}
		name := in.Members["Name"]
		if name.Name != "Name" || name.Shape != s.Shapes["Name"] || name.Doc != "the name" {
			t.Fatalf("member Name: %+v", name)
		}
		tok := in.Members["Token"]
		if !tok.IdempotencyToken || tok.LocationName != "token" || tok.Shape != s.Shapes["Name"] {
			t.Fatalf("member Token: %+v", tok)
		}
		if rule := s.Shapes["Rule"]; fmt.Sprint(rule.Order) != "[Name Effect]" {
			t.Fatalf("Rule members %v", rule.Order)
		}
	})
	t.Run("case=scalar-constraints", func(t *testing.T) {
		name := s.Shapes["Name"]
		if name.Type != TypeString || *name.Min != 2 || *name.Max != 5 || name.Pattern == nil || name.Pattern.Source != "[a-zé]+" {
			t.Fatalf("Name: %+v", name)
		}
		if r := s.Shapes["Ratio"]; *r.Min != 0.5 || *r.Max != 1.5 {
			t.Fatalf("Ratio: %+v", r)
		}
		if m := s.Shapes["Msg"]; m.Min != nil || m.Max != nil || m.Pattern != nil || m.Enum != nil {
			t.Fatalf("Msg: %+v", m)
		}
		if !s.Shapes["Secret"].Sensitive || s.Shapes["Name"].Sensitive {
			t.Fatal("sensitive")
		}
	})
	t.Run("case=enums", func(t *testing.T) {
		kind := s.Shapes["Kind"]
		if fmt.Sprint(kind.Enum) != "[ALPHA BETA]" || !kind.IsEnumValue("ALPHA") || !kind.IsEnumValue("BETA") || kind.IsEnumValue("alpha") || kind.IsEnumValue("") {
			t.Fatalf("Kind: %+v", kind)
		}
		if s.Shapes["Msg"].IsEnumValue("x") {
			t.Fatal("a shape without an enum has enum values")
		}
	})
	t.Run("case=lists-and-maps", func(t *testing.T) {
		tags := s.Shapes["Tags"]
		if tags.Type != TypeList || tags.Member.Shape != s.Shapes["Name"] || *tags.Min != 1 || *tags.Max != 2 {
			t.Fatalf("Tags: %+v", tags)
		}
		labels := s.Shapes["Labels"]
		if labels.Type != TypeMap || labels.Key.Shape != s.Shapes["Name"] || labels.Value.Shape != s.Shapes["Kind"] {
			t.Fatalf("Labels: %+v", labels)
		}
	})
	t.Run("case=exceptions", func(t *testing.T) {
		nf := s.Shapes["NotFound"]
		if !nf.Exception || nf.Error == nil || !nf.Error.SenderFault || nf.ErrorCode() != "NoSuchThing" || nf.ErrorStatus() != 404 {
			t.Fatalf("NotFound: %+v %+v", nf, nf.Error)
		}
		// Without an error trait: the shape's name, and 400.
		plain := s.Shapes["Plain"]
		if !plain.Exception || plain.Error != nil || plain.ErrorCode() != "Plain" || plain.ErrorStatus() != 400 {
			t.Fatalf("Plain: %+v", plain)
		}
	})
	t.Run("case=no-paginators", func(t *testing.T) {
		s, err := Load("test", []byte(testServiceJSON), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range s.Operations {
			if op.Paginator != nil {
				t.Fatalf("%s has a paginator", op.Name)
			}
		}
	})
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, service, paginators, want string
	}{
		{"bad-json", `{`, ``, "model m: unexpected end of JSON input"},
		{"unknown-member-shape", `{"shapes": {"S": {"type": "structure", "members": {"A": {"shape": "Nope"}}}}}`, ``, `model m: unknown shape "Nope"`},
		{"unknown-list-member", `{"shapes": {"L": {"type": "list", "member": {"shape": "Nope"}}}}`, ``, `model m: unknown shape "Nope"`},
		{"unknown-map-key", `{"shapes": {"M": {"type": "map", "key": {"shape": "Nope"}, "value": {"shape": "M"}}}}`, ``, `model m: unknown shape "Nope"`},
		{"unknown-map-value", `{"shapes": {"K": {"type": "string"}, "M": {"type": "map", "key": {"shape": "K"}, "value": {"shape": "Nope"}}}}`, ``, `model m: unknown shape "Nope"`},
		{"bad-pattern", `{"shapes": {"P": {"type": "string", "pattern": "(("}}}`, ``, "model m: shape P: "},
		{"bad-paginators", `{"shapes": {}}`, `{"pagination": 1}`, "model m paginators: "},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			_, err := Load("m", []byte(tc.service), []byte(tc.paginators))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want one starting %q", err, tc.want)
			}
		})
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "A", "roleName": "RoleName", "Arn": "Arn", "x-y": "X-y"} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}
