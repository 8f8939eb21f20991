package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/mailgate/mailgate/internal/testenv"
)

// BenchmarkListPoliciesAWS reads a page of 50 policies of the whole
// AWS-managed catalogue, deep into it: the catalogue answers from
// memory, merged with the few rows the store holds. (Pages of 100, some
// 56 KB, sometimes fail to read in the SDK's default HTTP client, "use of
// closed network connection", as large ListRoles pages do.)
func BenchmarkListPoliciesAWS(b *testing.B) {
	c := testenv.New(b).IAM()
	first, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})
	if err != nil {
		b.Fatal(err)
	}
	in := &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, Marker: first.Marker, MaxItems: aws.Int32(50)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.ListPolicies(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
