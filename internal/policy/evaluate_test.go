package policy

import (
	"strings"
	"testing"
)

const acct = "123456789012"

func idSet(docs ...string) *Set {
	s := &Set{}
	for i, d := range docs {
		p, _ := Compile(d, Identity)
		s.Identity = append(s.Identity, Entry{Policy: p, Source: Source{ID: "p" + string(rune('1'+i)), Type: "user"}})
	}
	return s
}

func stmt(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }

func req(action, resource string, kv ...string) *Request {
	c := Context{}
	for i := 0; i+1 < len(kv); i += 2 {
		vals := strings.Split(kv[i+1], "|")
		if kv[i+1] == "" {
			vals = []string{}
		}
		c.Set(kv[i], vals...)
	}
	return &Request{Action: action, Resource: resource, Context: c,
		Caller: &Caller{Account: acct, ARNs: []string{"arn:aws:iam::" + acct + ":user/alice"}}}
}

func TestConditionOperators(t *testing.T) {
	cases := []struct {
		name string
		cond string
		kv   []string
		want Decision
	}{
		{"StringEquals/hit", `{"StringEquals":{"aws:username":["bob","alice"]}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringEquals/case", `{"StringEquals":{"aws:username":"Alice"}}`, []string{"aws:username", "alice"}, ImplicitDeny},
		{"StringEquals/key-case-insensitive", `{"StringEquals":{"AWS:UserName":"alice"}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringEquals/missing", `{"StringEquals":{"aws:username":"alice"}}`, nil, ImplicitDeny},
		{"StringNotEquals/missing-matches", `{"StringNotEquals":{"aws:username":"alice"}}`, nil, Allowed},
		{"StringNotEquals/hit", `{"StringNotEquals":{"aws:username":["a","b"]}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringNotEquals/miss", `{"StringNotEquals":{"aws:username":["alice","b"]}}`, []string{"aws:username", "alice"}, ImplicitDeny},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, []string{"aws:username", "alice"}, ImplicitDeny},
		{"StringLike/star", `{"StringLike":{"aws:username":"al*"}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringLike/question", `{"StringLike":{"aws:username":"al?ce"}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringLike/miss", `{"StringLike":{"aws:username":"b*"}}`, []string{"aws:username", "alice"}, ImplicitDeny},
		{"StringNotLike", `{"StringNotLike":{"aws:username":"b*"}}`, []string{"aws:username", "alice"}, Allowed},
		{"StringLikeIfExists/missing", `{"StringLikeIfExists":{"aws:username":"b*"}}`, nil, Allowed},
		{"StringLikeIfExists/present", `{"StringLikeIfExists":{"aws:username":"b*"}}`, []string{"aws:username", "alice"}, ImplicitDeny},
		{"NumericLessThan", `{"NumericLessThan":{"sts:DurationSeconds":"3600"}}`, []string{"sts:DurationSeconds", "900"}, Allowed},
		{"NumericLessThan/miss", `{"NumericLessThan":{"sts:DurationSeconds":3600}}`, []string{"sts:DurationSeconds", "3600"}, ImplicitDeny},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"sts:DurationSeconds":3600}}`, []string{"sts:DurationSeconds", "3600"}, Allowed},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"n":"1.5"}}`, []string{"n", "2"}, Allowed},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"n":"2"}}`, []string{"n", "2"}, Allowed},
		{"NumericEquals", `{"NumericEquals":{"n":"2"}}`, []string{"n", "2.0"}, Allowed},
		{"NumericNotEquals", `{"NumericNotEquals":{"n":"2"}}`, []string{"n", "3"}, Allowed},
		{"Numeric/bad-context-fails-closed", `{"NumericEquals":{"n":"2"}}`, []string{"n", "two"}, ImplicitDeny},
		{"Numeric/bad-policy-value-fails-closed", `{"NumericNotEquals":{"n":"two"}}`, []string{"n", "3"}, ImplicitDeny},
		{"DateGreaterThan", `{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, []string{"aws:CurrentTime", "2024-05-01T10:00:00Z"}, Allowed},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}`, []string{"aws:CurrentTime", "2024-05-01T10:00:00Z"}, ImplicitDeny},
		{"DateLessThanEquals/epoch", `{"DateLessThanEquals":{"aws:EpochTime":"1700000000"}}`, []string{"aws:EpochTime", "1700000000"}, Allowed},
		{"DateEquals", `{"DateEquals":{"d":"2024-05-01T10:00:00+02:00"}}`, []string{"d", "2024-05-01T08:00:00Z"}, Allowed},
		{"DateNotEquals", `{"DateNotEquals":{"d":"2024-05-01T10:00:00Z"}}`, []string{"d", "2024-05-01T08:00:00Z"}, Allowed},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"d":"2024-05-01T10:00:00Z"}}`, []string{"d", "2024-05-01T10:00:00Z"}, Allowed},
		{"Date/bad-fails-closed", `{"DateGreaterThan":{"d":"yesterday"}}`, []string{"d", "2024-05-01T10:00:00Z"}, ImplicitDeny},
		{"Bool", `{"Bool":{"aws:SecureTransport":"true"}}`, []string{"aws:SecureTransport", "true"}, Allowed},
		{"Bool/false", `{"Bool":{"aws:SecureTransport":true}}`, []string{"aws:SecureTransport", "false"}, ImplicitDeny},
		{"BoolIfExists/missing", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`, nil, Allowed},
		{"BinaryEquals", `{"BinaryEquals":{"k":"QmluYXJ5"}}`, []string{"k", "QmluYXJ5"}, Allowed},
		{"IpAddress/cidr", `{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.1"]}}`, []string{"aws:SourceIp", "10.1.2.3"}, Allowed},
		{"IpAddress/single", `{"IpAddress":{"aws:SourceIp":"192.0.2.1"}}`, []string{"aws:SourceIp", "192.0.2.1"}, Allowed},
		{"IpAddress/v6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, []string{"aws:SourceIp", "2001:db8::1"}, Allowed},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, []string{"aws:SourceIp", "10.1.2.3"}, ImplicitDeny},
		{"ArnLike", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/al*"}}`, []string{"aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice"}, Allowed},
		{"ArnLike/segment", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1*:user/*"}}`, []string{"aws:PrincipalArn", "arn:aws:iam::123456789012:role/x"}, ImplicitDeny},
		{"ArnEquals", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/alice"}}`, []string{"aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice"}, Allowed},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/alice"}}`, []string{"aws:PrincipalArn", "arn:aws:iam::123456789012:user/bob"}, Allowed},
		{"ArnNotLike", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}`, []string{"aws:PrincipalArn", "arn:aws:iam::123456789012:user/bob"}, ImplicitDeny},
		{"Null/true-absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, Allowed},
		{"Null/true-present", `{"Null":{"aws:TokenIssueTime":"true"}}`, []string{"aws:TokenIssueTime", "2024-01-01T00:00:00Z"}, ImplicitDeny},
		{"Null/false-present", `{"Null":{"aws:TokenIssueTime":"false"}}`, []string{"aws:TokenIssueTime", "2024-01-01T00:00:00Z"}, Allowed},
		{"Null/bad", `{"Null":{"k":"maybe"}}`, nil, ImplicitDeny},
		{"ForAnyValue/hit", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, []string{"aws:TagKeys", "x|b"}, Allowed},
		{"ForAnyValue/miss", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, []string{"aws:TagKeys", "x|y"}, ImplicitDeny},
		{"ForAnyValue/missing", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}`, nil, ImplicitDeny},
		{"ForAllValues/hit", `{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b"]}}`, []string{"aws:TagKeys", "ab|b"}, Allowed},
		{"ForAllValues/miss", `{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b"]}}`, []string{"aws:TagKeys", "ab|c"}, ImplicitDeny},
		{"ForAllValues/missing-vacuous", `{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}`, nil, Allowed},
		{"ForAllValues/empty-vacuous", `{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}`, []string{"aws:TagKeys", ""}, Allowed},
		{"ForAnyValue:StringNotEquals", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}`, []string{"aws:TagKeys", "a|z"}, Allowed},
		{"ForAllValues:StringNotEquals", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}`, []string{"aws:TagKeys", "a|z"}, ImplicitDeny},
		{"multi-valued/no-qualifier", `{"StringEquals":{"aws:TagKeys":"z"}}`, []string{"aws:TagKeys", "a|z"}, Allowed},
		{"two-conditions/and", `{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}`, []string{"aws:username", "alice", "aws:SecureTransport", "false"}, ImplicitDeny},
		{"variable", `{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}`, []string{"aws:username", "alice", "aws:PrincipalTag/team", "alice"}, Allowed},
		{"variable/unresolved", `{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}`, []string{"aws:PrincipalTag/team", "alice"}, ImplicitDeny},
		{"variable/default", `{"StringEquals":{"aws:PrincipalTag/team":"${aws:username, 'nobody'}"}}`, []string{"aws:PrincipalTag/team", "nobody"}, Allowed},
		{"variable/star-is-literal", `{"StringLike":{"k":"a${*}"}}`, []string{"k", "a*"}, Allowed},
		{"variable/star-not-wildcard", `{"StringLike":{"k":"a${*}"}}`, []string{"k", "ab"}, ImplicitDeny},
		{"variable/value-with-star-is-literal", `{"StringLike":{"k":"${aws:username}"}}`, []string{"k", "alice", "aws:username", "a*"}, ImplicitDeny},
		{"variable/dollar-question", `{"StringEquals":{"k":"${$}${?}"}}`, []string{"k", "$?"}, Allowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := idSet(stmt(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":` + tc.cond + `}`))
			if s.Identity[0].Policy.Err != nil {
				t.Fatal(s.Identity[0].Policy.Err)
			}
			r := req("iam:GetUser", "*", tc.kv...)
			if got := Evaluate(s, r); got != tc.want {
				t.Fatalf("got %v, want %v: %s", got, tc.want, Explain(s, r))
			}
		})
	}
}

func TestDenyConditionFailsClosed(t *testing.T) {
	s := idSet(stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":"10"}}}`))
	if d := Evaluate(s, req("iam:GetUser", "*", "n", "not-a-number")); d != ExplicitDeny {
		t.Fatalf("deny with an unevaluable condition: %v", d)
	}
	if d := Evaluate(s, req("iam:GetUser", "*", "n", "11")); d != Allowed {
		t.Fatalf("deny not met: %v", d)
	}
	if d := Evaluate(s, req("iam:GetUser", "*", "n", "9")); d != ExplicitDeny {
		t.Fatalf("deny met: %v", d)
	}
}

func TestActionsAndResources(t *testing.T) {
	arn := "arn:aws:iam::123456789012:user/eng/alice"
	cases := []struct {
		name, st, action, resource string
		want                       Decision
	}{
		{"action/exact-case-insensitive", `{"Effect":"Allow","Action":"IAM:getuser","Resource":"*"}`, "iam:GetUser", arn, Allowed},
		{"action/wildcard", `{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}`, "iam:GetUser", arn, Allowed},
		{"action/question", `{"Effect":"Allow","Action":"iam:GetUse?","Resource":"*"}`, "iam:GetUser", arn, Allowed},
		{"action/other-service", `{"Effect":"Allow","Action":"sts:*","Resource":"*"}`, "iam:GetUser", arn, ImplicitDeny},
		{"NotAction", `{"Effect":"Allow","NotAction":"iam:Delete*","Resource":"*"}`, "iam:GetUser", arn, Allowed},
		{"NotAction/excluded", `{"Effect":"Allow","NotAction":["iam:Get*"],"Resource":"*"}`, "iam:GetUser", arn, ImplicitDeny},
		{"resource/exact", `{"Effect":"Allow","Action":"*","Resource":"` + arn + `"}`, "iam:GetUser", arn, Allowed},
		{"resource/case-sensitive", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::123456789012:user/eng/Alice"}`, "iam:GetUser", arn, ImplicitDeny},
		{"resource/glob", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:user/eng/*"}`, "iam:GetUser", arn, Allowed},
		{"resource/segments", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam:*:*:user/eng/al*"}`, "iam:GetUser", arn, Allowed},
		{"resource/segment-mismatch", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:sts::*:user/eng/alice"}`, "iam:GetUser", arn, ImplicitDeny},
		{"resource/star-op-needs-star", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:*"}`, "iam:ListUsers", "*", ImplicitDeny},
		{"NotResource", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::*:role/*"}`, "iam:GetUser", arn, Allowed},
		{"NotResource/excluded", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::*:user/*"}`, "iam:GetUser", arn, ImplicitDeny},
		{"resource/variable", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:user/eng/${aws:username}"}`, "iam:GetUser", arn, Allowed},
		{"explicit-deny-wins", `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"}`, "iam:GetUser", arn, ExplicitDeny},
		{"no-statement", `{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}`, "iam:GetUser", arn, ImplicitDeny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := idSet(stmt(tc.st))
			if s.Identity[0].Policy.Err != nil {
				t.Fatal(s.Identity[0].Policy.Err)
			}
			r := req(tc.action, tc.resource, "aws:username", "alice")
			if got := Evaluate(s, r); got != tc.want {
				t.Fatalf("got %v, want %v: %s", got, tc.want, Explain(s, r))
			}
		})
	}
	// Version 2008: variables are literal text.
	s := idSet(`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:user/eng/${aws:username}"}}`)
	if d := Evaluate(s, req("iam:GetUser", arn, "aws:username", "alice")); d != ImplicitDeny {
		t.Fatalf("2008 variables: %v", d)
	}
}

func TestCapsAndTrust(t *testing.T) {
	all := stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	iamOnly := stmt(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	getOnly := stmt(`{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}`)
	comp := func(d string, k Kind) Entry { p, _ := Compile(d, k); return Entry{Policy: p} }
	r := req("iam:DeleteUser", "arn:aws:iam::123456789012:user/x")
	t.Run("boundary-caps", func(t *testing.T) {
		s := &Set{Identity: []Entry{comp(all, Identity)}, Boundary: []Entry{comp(getOnly, Identity)}}
		ex := Explain(s, r)
		if ex.Decision != ImplicitDeny || !strings.Contains(ex.Reason, "permissions boundary") || ex.BoundaryAllowed == nil || *ex.BoundaryAllowed {
			t.Fatalf("%s", ex)
		}
		if d := Evaluate(s, req("iam:GetUser", "*")); d != Allowed {
			t.Fatal(d)
		}
	})
	t.Run("boundary-alone-grants-nothing", func(t *testing.T) {
		s := &Set{Boundary: []Entry{comp(all, Identity)}}
		if d := Evaluate(s, r); d != ImplicitDeny {
			t.Fatal(d)
		}
	})
	t.Run("session-caps", func(t *testing.T) {
		s := &Set{Identity: []Entry{comp(all, Identity)}, Session: []Entry{comp(getOnly, Identity)}}
		ex := Explain(s, r)
		if ex.Decision != ImplicitDeny || !strings.Contains(ex.Reason, "session policy") {
			t.Fatalf("%s", ex)
		}
		s = &Set{Identity: []Entry{comp(iamOnly, Identity)}, Boundary: []Entry{comp(all, Identity)}, Session: []Entry{comp(all, Identity)}}
		if d := Evaluate(s, r); d != Allowed {
			t.Fatal(d)
		}
	})
	t.Run("deny-in-boundary", func(t *testing.T) {
		s := &Set{Identity: []Entry{comp(all, Identity)}, Boundary: []Entry{comp(stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}`), Identity)}}
		if d := Evaluate(s, r); d != ExplicitDeny {
			t.Fatal(d)
		}
	})
	t.Run("unparsable-fails-closed", func(t *testing.T) {
		broken, _ := Compile(`{"Statement":[{"Effect":"Maybe"}]}`, Identity)
		s := &Set{Identity: []Entry{comp(all, Identity), {Policy: broken}}}
		ex := Explain(s, r)
		if ex.Decision != ExplicitDeny || ex.Policies[1].Error == "" {
			t.Fatalf("%s", ex)
		}
	})
	trust := func(p string) Entry {
		return comp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":`+p+`,"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}]}`, Trust)
	}
	assume := req("sts:AssumeRole", "arn:aws:iam::123456789012:role/r", "sts:ExternalId", "x1")
	t.Run("trust/names-caller", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`)}, ResourceRequired: true}
		if d := Evaluate(s, assume); d != Allowed {
			t.Fatalf("%s", Explain(s, assume))
		}
	})
	t.Run("trust/names-account-delegates", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`{"AWS":"123456789012"}`)}, ResourceRequired: true}
		if d := Evaluate(s, assume); d != ImplicitDeny {
			t.Fatal(d)
		}
		s.Identity = []Entry{comp(stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`), Identity)}
		if d := Evaluate(s, assume); d != Allowed {
			t.Fatal(d)
		}
		s.Resource = []Entry{trust(`{"AWS":"arn:aws:iam::123456789012:root"}`)}
		if d := Evaluate(s, assume); d != Allowed {
			t.Fatal(d)
		}
	})
	t.Run("trust/other-principal", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`{"AWS":"arn:aws:iam::123456789012:user/bob"}`)}, ResourceRequired: true,
			Identity: []Entry{comp(all, Identity)}}
		ex := Explain(s, assume)
		if ex.Decision != ImplicitDeny || !strings.Contains(ex.Reason, "resource-based") {
			t.Fatalf("%s", ex)
		}
	})
	t.Run("trust/external-id", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`"*"`)}, ResourceRequired: true}
		if d := Evaluate(s, req("sts:AssumeRole", "arn:aws:iam::123456789012:role/r", "sts:ExternalId", "bad")); d != ImplicitDeny {
			t.Fatal(d)
		}
	})
	t.Run("trust/NotPrincipal", func(t *testing.T) {
		p := comp(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}`, Trust)
		s := &Set{Resource: []Entry{p}, ResourceRequired: true}
		if d := Evaluate(s, assume); d != Allowed {
			t.Fatal(d)
		}
		bob := req("sts:AssumeRole", "arn:aws:iam::123456789012:role/r")
		bob.Caller.ARNs = []string{"arn:aws:iam::123456789012:user/bob"}
		if d := Evaluate(s, bob); d != ExplicitDeny {
			t.Fatal(d)
		}
	})
	t.Run("trust/role-arn-matches-its-sessions", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`{"AWS":"arn:aws:iam::123456789012:role/a"}`)}, ResourceRequired: true}
		r := req("sts:AssumeRole", "arn:aws:iam::123456789012:role/r", "sts:ExternalId", "x1")
		r.Caller.ARNs = []string{"arn:aws:sts::123456789012:assumed-role/a/s1", "arn:aws:iam::123456789012:role/a"}
		if d := Evaluate(s, r); d != Allowed {
			t.Fatal(d)
		}
		// Naming the role (not the session): the session policy caps it.
		s.Session = []Entry{comp(getOnly, Identity)}
		if d := Evaluate(s, r); d != ImplicitDeny {
			t.Fatal(d)
		}
		s.Resource = []Entry{trust(`{"AWS":"arn:aws:sts::123456789012:assumed-role/a/s1"}`)}
		if d := Evaluate(s, r); d != Allowed {
			t.Fatalf("naming the session: %v", d)
		}
	})
	t.Run("cross-account-needs-both", func(t *testing.T) {
		s := &Set{Resource: []Entry{trust(`{"AWS":"123456789012"}`)}, CrossAccount: true, Identity: []Entry{comp(all, Identity)}}
		if d := Evaluate(s, assume); d != Allowed {
			t.Fatal(d)
		}
		s.Identity = nil
		if d := Evaluate(s, assume); d != ImplicitDeny {
			t.Fatal(d)
		}
	})
}

// The positions of a response of the IAM policy simulator for a
// document serialized on one line (statements from column 41 to 180).
func TestPositionsAsTheSimulatorReportsThem(t *testing.T) {
	doc := `{"Version": "2012-10-17", "Statement": [{"Sid": "s3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], ` +
		`"Resource": ["arn:aws:s3:::tims-fancy-bucket/only-here/*"]}]}`
	if sp := MustCompile(doc, Identity).statements[0].span; sp != (Span{1, 41, 1, 180}) {
		t.Fatalf("span %+v", sp)
	}
	two := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	p := MustCompile(two, Identity)
	if a, b := p.statements[0].span, p.statements[1].span; a != (Span{1, 38, 1, 84}) || b != (Span{1, 84, 1, 130}) {
		t.Fatalf("spans %+v %+v", a, b)
	}
	one := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	if sp := MustCompile(one, Identity).statements[0].span; sp != (Span{1, 37, 1, 83}) {
		t.Fatalf("single statement span %+v", sp)
	}
}

// Keys of the conditions after a failing one are missing as well.
func TestExplainMissingAfterAFailedCondition(t *testing.T) {
	p := MustCompile(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",`+
		`"Condition":{"StringEquals":{"a:one":"x","a:two":"y"},"Null":{"a:three":"true"}}}}`, Identity)
	s := &Set{Identity: []Entry{{Policy: p}}}
	for _, given := range []string{"a:one", "a:two"} {
		ex := Explain(s, req("s3:GetObject", "*", given, "no"))
		if len(ex.Missing) != 1 || ex.Missing[0] == given || ex.Missing[0] == "a:three" {
			t.Fatalf("given %s: missing %v", given, ex.Missing)
		}
	}
}

func TestExplainAndPositions(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"},\n    {\"Sid\": \"B\", \"Effect\": \"Deny\", \"Action\": \"iam:Delete*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"false\"}}}\n  ]\n}"
	p := MustCompile(doc, Identity)
	s := &Set{Identity: []Entry{{Policy: p, Source: Source{ID: "inline", Type: "user"}}}}
	ex := Explain(s, req("iam:DeleteUser", "*"))
	if ex.Decision != Allowed || len(ex.Missing) != 1 || ex.Missing[0] != "aws:MultiFactorAuthPresent" {
		t.Fatalf("%s", ex)
	}
	m := ex.Matched()
	if len(m) != 1 || m[0].Span != (Span{3, 17, 4, 72}) || m[0].Role != RoleIdentity {
		t.Fatalf("matched: %+v", m)
	}
	ex = Explain(s, req("iam:DeleteUser", "*", "aws:MultiFactorAuthPresent", "false"))
	if ex.Decision != ExplicitDeny || len(ex.Matched()) != 1 || ex.Matched()[0].Span != (Span{4, 72, 5, 141}) {
		t.Fatalf("%s %+v", ex, ex.Matched())
	}
	if !strings.Contains(ex.String(), "B[Deny]=matched") {
		t.Fatal(ex.String())
	}
	if keys := ContextKeys(p); len(keys) != 1 || keys[0] != "aws:MultiFactorAuthPresent" {
		t.Fatal(keys)
	}
	if a, b := MustCompile(doc, Identity), p; a != b {
		t.Fatal("compile is not cached by content")
	}
}

func FuzzCompileEvaluate(f *testing.F) {
	f.Add(stmt(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"StringLike":{"k":"a${*}b"}}}`), "iam:GetUser", "arn:aws:iam::1:user/a", "k", "a*b")
	f.Add(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"sts:*"}}`, "sts:AssumeRole", "*", "x", "")
	f.Fuzz(func(t *testing.T, doc, action, resource, key, value string) {
		for _, k := range []Kind{Identity, Trust} {
			p, err := Compile(doc, k)
			s := &Set{Identity: []Entry{{Policy: p}}}
			r := req(action, resource, key, value)
			d := Evaluate(s, r)
			ex := Explain(s, r)
			if d != ex.Decision {
				t.Fatalf("Evaluate %v, Explain %v", d, ex.Decision)
			}
			if err != nil && d == Allowed {
				t.Fatal("an unparsable document allowed")
			}
			_ = ex.String()
			_ = ContextKeys(p)
		}
	})
}
