package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestAccountAuthorizationDetails(t *testing.T) {
	_, c := newEnv(t)
	const ro = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{tag("k", "v")}})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")})
	must(t, err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(altDoc)})
	must(t, err)
	createRole(t, c, "r")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(ro)})
	must(t, err)
	_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
	must(t, err)
	_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r")})
	must(t, err)
	arn := createPolicy(t, c, "local")
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(altDoc), SetAsDefault: true})
	must(t, err)

	t.Run("method=GetAccountAuthorizationDetails/case=all", func(t *testing.T) {
		out, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
		must(t, err)
		if len(out.UserDetailList) != 1 || len(out.GroupDetailList) != 1 || len(out.RoleDetailList) != 1 || len(out.Policies) != 2 || out.IsTruncated {
			t.Fatalf("details: %+v", out)
		}
		u := out.UserDetailList[0]
		if *u.UserName != "u" || len(u.GroupList) != 1 || u.GroupList[0] != "g" || len(u.UserPolicyList) != 1 ||
			decode(t, u.UserPolicyList[0].PolicyDocument) != altDoc || len(u.Tags) != 1 {
			t.Fatalf("user: %+v", u)
		}
		r := out.RoleDetailList[0]
		if *r.RoleName != "r" || decode(t, r.AssumeRolePolicyDocument) != trustDoc || len(r.InstanceProfileList) != 1 ||
			*r.InstanceProfileList[0].InstanceProfileName != "ip" || len(r.AttachedManagedPolicies) != 1 || *r.AttachedManagedPolicies[0].PolicyArn != ro {
			t.Fatalf("role: %+v", r)
		}
		names := map[string]types.ManagedPolicyDetail{}
		for _, p := range out.Policies {
			names[*p.PolicyName] = p
		}
		local := names["local"]
		if len(local.PolicyVersionList) != 2 || *local.DefaultVersionId != "v2" || local.AttachmentCount == nil {
			t.Fatalf("local policy: %+v", local)
		}
		for _, v := range local.PolicyVersionList {
			if doc := decode(t, v.Document); (*v.VersionId == "v2") != (doc == altDoc) || v.IsDefaultVersion != (*v.VersionId == "v2") {
				t.Fatalf("version %s: %s", *v.VersionId, doc)
			}
		}
		if aws := names["ReadOnlyAccess"]; *aws.AttachmentCount != 1 || len(aws.PolicyVersionList) != 1 || !strings.Contains(decode(t, aws.PolicyVersionList[0].Document), "Statement") {
			t.Fatalf("AWS-managed policy: %+v", aws)
		}
	})
	t.Run("method=GetAccountAuthorizationDetails/case=filter-and-pages", func(t *testing.T) {
		out, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeRole, types.EntityTypeLocalManagedPolicy}})
		must(t, err)
		if len(out.UserDetailList)+len(out.GroupDetailList) != 0 || len(out.RoleDetailList) != 1 || len(out.Policies) != 1 || *out.Policies[0].PolicyName != "local" {
			t.Fatalf("filtered: %+v", out)
		}
		list := func(m *string) (*iam.GetAccountAuthorizationDetailsOutput, error) {
			return c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2), Marker: m})
		}
		names := func(o *iam.GetAccountAuthorizationDetailsOutput) []string {
			var n []string
			for _, u := range o.UserDetailList {
				n = append(n, "user:"+*u.UserName)
			}
			for _, g := range o.GroupDetailList {
				n = append(n, "group:"+*g.GroupName)
			}
			for _, r := range o.RoleDetailList {
				n = append(n, "role:"+*r.RoleName)
			}
			for _, p := range o.Policies {
				n = append(n, "policy:"+*p.PolicyName)
			}
			return n
		}
		wantPages(t, "details", "[[user:u group:g] [role:r policy:local] [policy:ReadOnlyAccess]]", list, names)
	})
}
