package iam_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/mailgate/mailgate/internal/iam/managed"
	"github.com/mailgate/mailgate/internal/store"
)

// The whole catalogue of AWS-managed policies answers, whether or not an
// account uses a policy, and a policy attached from it authorizes.
func TestAWSManagedCatalogue(t *testing.T) {
	e, c := newEnv(t)
	const ro = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	cat, _ := managed.Lookup("IAMReadOnlyAccess")

	t.Run("method=GetPolicy/case=catalogue", func(t *testing.T) {
		out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(ro)})
		must(t, err)
		p := out.Policy
		if *p.PolicyName != "IAMReadOnlyAccess" || *p.Arn != ro || *p.Path != "/" || *p.PolicyId != cat.ID || *p.DefaultVersionId != cat.DefaultVersion ||
			*p.AttachmentCount != 0 || !p.IsAttachable || !p.CreateDate.Equal(cat.CreatedAt) {
			t.Fatalf("policy: %+v", p)
		}
		sr, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaRole")})
		must(t, err)
		if *sr.Policy.Path != "/service-role/" {
			t.Fatalf("service-role path: %s", *sr.Policy.Path)
		}
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/job-function/IAMReadOnlyAccess")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=GetPolicyVersion/case=catalogue", func(t *testing.T) {
		out, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(ro), VersionId: aws.String(cat.DefaultVersion)})
		must(t, err)
		if doc := decode(t, out.PolicyVersion.Document); doc != cat.Document || !out.PolicyVersion.IsDefaultVersion || !strings.Contains(doc, "iam:Get*") {
			t.Fatalf("version: %+v %s", out.PolicyVersion, doc)
		}
		_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(ro), VersionId: aws.String("v99")})
		apiErr(t, err, "NoSuchEntity", 404)
		vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(ro)})
		must(t, err)
		if len(vs.Versions) != 1 || *vs.Versions[0].VersionId != cat.DefaultVersion {
			t.Fatalf("versions: %+v", vs.Versions)
		}
	})
	t.Run("method=AttachUserPolicy/case=authorizes", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")})
		must(t, err)
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String(ro)})
		must(t, err)
		wantCounts(t, c, ro, 1, 0)
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
		must(t, err)
		rc := iam.NewFromConfig(e.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
		_, err = rc.ListUsers(ctx, &iam.ListUsersInput{})
		must(t, err)
		_, err = rc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nope")})
		apiErr(t, err, "AccessDenied", 403)
		attached, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeAws})
		must(t, err)
		if len(attached.Policies) != 1 || *attached.Policies[0].PolicyName != "IAMReadOnlyAccess" {
			t.Fatalf("attached: %+v", attached.Policies)
		}
		// The listing of every policy carries the row in use with its count.
		all, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/"), MaxItems: aws.Int32(1000)})
		must(t, err)
		for _, p := range all.Policies {
			if *p.PolicyName == "IAMReadOnlyAccess" && *p.AttachmentCount != 1 {
				t.Fatalf("listed count: %d", *p.AttachmentCount)
			}
		}
		_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String(ro)})
		must(t, err)
		wantCounts(t, c, ro, 0, 0)
	})
	t.Run("method=PutRolePermissionsBoundary/case=catalogue", func(t *testing.T) {
		createRole(t, c, "Bounded")
		_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Bounded"),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")})
		must(t, err)
		wantCounts(t, c, "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", 0, 1)
	})
}

// A row of an AWS-managed policy written from an older catalogue (or by
// an older server) is brought up to the catalogue on the first request.
func TestAWSManagedRefresh(t *testing.T) {
	e, c := newEnv(t)
	cat, _ := managed.Lookup("AmazonWorkMailReadOnlyAccess")
	old := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
	_, err := e.Store.GetManagedPolicy(ctx, store.AWSManagedAccount, cat.Name, "")
	if errors.Is(err, store.ErrNotFound) {
		err = e.Store.CreateManagedPolicy(ctx, store.ManagedPolicy{AccountID: store.AWSManagedAccount, ID: cat.ID, Name: cat.Name, Path: cat.Path,
			DefaultVersion: "v1", NextVersion: 2, CreatedAt: old, UpdatedAt: old},
			store.PolicyVersion{VersionID: "v1", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:List*","Resource":"*"}]}`, CreatedAt: old}, nil)
	}
	must(t, err)
	arn := aws.String("arn:aws:iam::aws:policy/AmazonWorkMailReadOnlyAccess")
	vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	must(t, err)
	if len(vs.Versions) != 1 || *vs.Versions[0].VersionId != cat.DefaultVersion {
		t.Fatalf("versions: %+v", vs.Versions)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String(cat.DefaultVersion)})
	must(t, err)
	if decode(t, v.PolicyVersion.Document) != cat.Document {
		t.Fatal("stale document")
	}
}
