package policy

import (
	"strconv"
	"strings"
	"testing"
)

// benchRequest is a typical request: a user acting on an organization,
// with the global keys the server sets.
func benchRequest() *Request {
	r := req("workmail:DescribeUser", "arn:aws:workmail:us-east-1:123456789012:organization/m-0123456789abcdef",
		"aws:username", "alice", "aws:SourceIp", "10.1.2.3", "aws:SecureTransport", "true",
		"aws:CurrentTime", "2025-05-01T10:00:00Z", "aws:PrincipalTag/team", "mail", "aws:RequestedRegion", "us-east-1")
	return r
}

const benchThree = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Read","Effect":"Allow","Action":["workmail:Describe*","workmail:List*","workmail:Get*"],"Resource":"arn:aws:workmail:*:123456789012:organization/*",
  "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]},"StringEquals":{"aws:PrincipalTag/team":"mail"}}},
 {"Sid":"Write","Effect":"Allow","Action":"workmail:Update*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
 {"Sid":"Hours","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`

func fifty() string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < 50; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		n := strconv.Itoa(i)
		b.WriteString(`{"Sid":"S` + n + `","Effect":"Allow","Action":["iam:Get` + n + `*","workmail:Op` + n + `"],"Resource":"arn:aws:workmail:*:123456789012:organization/m-` + n + `*",` +
			`"Condition":{"StringLike":{"aws:username":"user` + n + `*"}}}`)
	}
	b.WriteString(`,{"Effect":"Allow","Action":"workmail:DescribeUser","Resource":"*"}]}`)
	return b.String()
}

func benchEval(b *testing.B, s *Set) {
	r := benchRequest()
	if d := Evaluate(s, r); d != Allowed {
		b.Fatalf("%s", Explain(s, r))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Evaluate(s, r)
	}
}

// BenchmarkEvaluate measures the engine alone on compiled policies.
func BenchmarkEvaluate(b *testing.B) {
	entry := func(d string) Entry { return Entry{Policy: MustCompile(d, Identity)} }
	b.Run("policy=3-statements-with-conditions", func(b *testing.B) {
		benchEval(b, &Set{Identity: []Entry{entry(benchThree)}})
	})
	b.Run("policy=50-statements", func(b *testing.B) {
		benchEval(b, &Set{Identity: []Entry{entry(fifty())}})
	})
	b.Run("policy=identity+boundary+session", func(b *testing.B) {
		benchEval(b, &Set{Identity: []Entry{entry(benchThree)},
			Boundary: []Entry{entry(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)},
			Session:  []Entry{entry(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:Describe*","Resource":"arn:aws:workmail:*:*:organization/${aws:username, 'x'}*"},{"Effect":"Allow","Action":"workmail:DescribeUser","Resource":"*"}]}`)}})
	})
}

// BenchmarkCompile measures a cache hit (the path every request takes)
// and a first compilation.
func BenchmarkCompile(b *testing.B) {
	doc := fifty()
	b.Run("case=cached", func(b *testing.B) {
		MustCompile(doc, Identity)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			MustCompile(doc, Identity)
		}
	})
	b.Run("case=first", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			compile(doc, Identity, [32]byte{})
		}
	})
}
