package iam_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Policy documents that arrive URL-encoded are accepted and kept decoded;
// documents IAM refuses are refused with its words.
func TestPolicyDocuments(t *testing.T) {
	_, c := newEnv(t)
	encoded := strings.ReplaceAll(url.QueryEscape(permDoc), "+", "%20")

	t.Run("method=CreatePolicy/case=url-encoded", func(t *testing.T) {
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("enc"), PolicyDocument: aws.String(encoded)})
		must(t, err)
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: out.Policy.Arn, VersionId: aws.String("v1")})
		must(t, err)
		if got := decode(t, v.PolicyVersion.Document); got != permDoc {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("method=CreateRole/case=url-encoded-trust", func(t *testing.T) {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("enc"), AssumeRolePolicyDocument: aws.String(url.QueryEscape(trustDoc))})
		must(t, err)
		if got := decode(t, out.Role.AssumeRolePolicyDocument); got != trustDoc {
			t.Fatalf("stored %s", got)
		}
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("enc"), PolicyName: aws.String("p"), PolicyDocument: aws.String(encoded)})
		must(t, err)
		p, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("enc"), PolicyName: aws.String("p")})
		must(t, err)
		if got := decode(t, p.PolicyDocument); got != permDoc {
			t.Fatalf("inline stored %s", got)
		}
	})
	t.Run("method=CreatePolicy/case=malformed", func(t *testing.T) {
		for doc, msg := range map[string]string{
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`:    "Syntax errors in policy.",
			`{"Version":"2013-01-01","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`:                 "The policy failed legacy parsing",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`:                "Actions/Condition can contain only one colon.",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`: "Policy document should not specify a principal.",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:xyz:s3:::b"}}`:    `Partition "xyz" is not valid for resource "arn:xyz:s3:::b".`,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}`:                                "Policy statement must contain resources.",
		} {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(doc)})
			apiErr(t, err, "MalformedPolicyDocument", 400)
			if got := message(err); got != msg {
				t.Errorf("%s: message %q, want %q", doc, got, msg)
			}
		}
	})
}
