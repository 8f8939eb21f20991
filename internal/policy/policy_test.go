package policy

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Id":"x","Statement":[
		{"Sid":"A1","Effect":"Allow","NotAction":["iam:*"],"Resource":"*",
		 "Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]},"Bool":{"aws:SecureTransport":"true"}}},
		{"Effect":"Deny","Action":"s3:Get*","NotResource":["arn:aws:s3:::b/*"]}]}`, Identity)
	if err != nil {
		t.Fatal(err)
	}
	s := d.Statements[0]
	if d.Version != Version2012 || d.ID != "x" || len(d.Statements) != 2 || !s.NotAction || s.Action[0] != "iam:*" || len(s.Conditions) != 2 {
		t.Fatalf("parsed: %+v", d)
	}
	c := s.Conditions[0]
	if c.Set != "ForAnyValue" || c.Base != "StringLike" || !c.IfExists || c.Key != "aws:TagKeys" || strings.Join(c.Values, ",") != "a*,1,true" {
		t.Fatalf("condition: %+v", c)
	}
	if !d.Statements[1].NotResource || d.Statements[1].Effect != Deny {
		t.Fatalf("statement 2: %+v", d.Statements[1])
	}

	tr, err := Parse(`{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::111122223333:root"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`, Trust)
	if err != nil {
		t.Fatal(err)
	}
	if p := tr.Statements[0].Principal; len(p["AWS"]) != 2 || p["Service"][0] != "ec2.amazonaws.com" {
		t.Fatalf("principal: %+v", p)
	}
	if star, err := Parse(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, Trust); err != nil || star.Statements[0].Principal["*"][0] != "*" {
		t.Fatalf("star principal: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		doc  string
		kind Kind
		want string
	}{
		{``, Identity, "Syntax errors"},
		{`[]`, Identity, "must be a JSON object"},
		{`{"Statement":[]}`, Identity, "Missing required field Statement"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}} x`, Identity, "Syntax errors"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Effect":"Deny"}}`, Identity, "Duplicate field Effect"},
		{`{"Statement":{"Action":"a:b","Resource":"*"}}`, Identity, "Missing required field Effect"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","NotAction":"c:d","Resource":"*"}}`, Identity, "both Action and NotAction"},
		{`{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, Identity, "empty list"},
		{`{"Statement":{"Effect":"Allow","Action":"*:b","Resource":"*"}}`, Identity, "vendors must not contain wildcard"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"arn:aws"}}`, Identity, "ARN format"},
		{`{"Statement":{"Sid":"has space","Effect":"Allow","Action":"a:b","Resource":"*"}}`, Identity, "alpha-numeric"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}}`, Identity, "Invalid Condition type"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"Sometimes:StringEquals":{"k":"v"}}}}`, Identity, "Invalid Condition type"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"k":{"x":1}}}}}`, Identity, "condition key k"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{}}}}`, Identity, "at least one condition key"},
		{`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole","NotResource":"*"}}`, Trust, "Has prohibited field NotResource"},
		{`{"Statement":{"Effect":"Allow","Principal":{"Nobody":"x"},"Action":"sts:AssumeRole"}}`, Trust, "Invalid principal"},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::12:root"},"Action":"sts:AssumeRole"}}`, Trust, "Invalid principal"},
		{`{"Statement":{"Effect":"Allow","Principal":"me","Action":"sts:AssumeRole"}}`, Trust, "Invalid principal"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`, Trust, "STS"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Resource":"*"}}`, Trust, "must contain actions"},
		{`{"Version":3,"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}`, Identity, "The policy failed legacy parsing"},
		{`{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}`, Identity, "The policy failed legacy parsing"},
		{`{"Statement":{"Effect":"allow","Action":"a:b","Resource":"*"}}`, Identity, "Invalid effect: allow"},
		{`{"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, Identity, "Actions/Condition can contain only one colon."},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"arn:amazon:s3:::b"}}`, Identity, `Partition "amazon" is not valid for resource "arn:amazon:s3:::b".`},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"bucket"}}`, Identity, `Resource bucket must be in ARN format or "*".`},
		{`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"a:b","Resource":"*"}}`, Identity, "Policy document should not specify a principal."},
		{`{"Statment":{"Effect":"Allow","Action":"a:b","Resource":"*"}}`, Identity, "Unknown field Statment"},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","Resources":"*"}}`, Identity, "Unknown field Resources"},
	} {
		_, err := Parse(c.doc, c.kind)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.doc, err, c.want)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("%s: error %T is not *Error", c.doc, err)
		}
	}
}

func TestSize(t *testing.T) {
	if n := Size("{ \"a\" :\n [ 1, 2 ] }"); n != len(`{"a":[1,2]}`) {
		t.Fatalf("size %d", n)
	}
	if n := Size(`{"a":"b c"}`); n != 11 {
		t.Fatalf("spaces inside strings count: %d", n)
	}
	if Size("{") != -1 {
		t.Fatal("not JSON")
	}
}

// FuzzParse: no input panics, and what parses is valid for at least the
// rules it was parsed under, again, deterministically.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
		`{"Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:role/x","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a",1,true]}}}}`,
		`{}`, `[]`, `{"Statement":null}`, `"x"`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, doc string, trust bool) {
		kind := Identity
		if trust {
			kind = Trust
		}
		d, err := Parse(doc, kind)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			return
		}
		if len(d.Statements) == 0 || Size(doc) < 0 {
			t.Fatalf("parsed without statements or not JSON: %q", doc)
		}
		if _, err := Parse(doc, kind); err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
	})
}
