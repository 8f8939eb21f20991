package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestManagedPolicies(t *testing.T) {
	e, c := newEnv(t)
	var arn string

	t.Run("method=CreatePolicy/case=ok", func(t *testing.T) {
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Assume"), Path: aws.String("/app/"), PolicyDocument: aws.String(permDoc),
			Description: aws.String("d"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		must(t, err)
		p := out.Policy
		arn = *p.Arn
		if arn != "arn:aws:iam::"+e.AccountID+":policy/app/Assume" || !strings.HasPrefix(*p.PolicyId, "ANPA") || *p.DefaultVersionId != "v1" ||
			*p.AttachmentCount != 0 || !p.IsAttachable || len(p.Tags) != 1 || p.Description != nil {
			t.Fatalf("policy: %+v", p)
		}
	})
	t.Run("method=CreatePolicy/case=duplicate-name-ignoring-case", func(t *testing.T) {
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ASSUME"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "EntityAlreadyExists", 409)
	})
	t.Run("method=CreatePolicy/case=malformed-and-too-big", func(t *testing.T) {
		for doc, want := range map[string]string{
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`:                                                            "should not specify a principal",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`:                                                                                           "must contain resources",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}`:                                                                                            "must contain actions",
			`{"Version":"2012-10-17","Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}`:                                                                            "Invalid effect",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3*","Resource":"*"}}`:                                                                             "prefaced by a vendor",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"bucket"}}`:                                                                     "must be in ARN format",
			`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:Get","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:Get","Resource":"*"}]}`: "unique",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"*"},"Extra":1}`:                                                                "Unknown field Extra",
			`{"Version":"2001-01-01","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"*"}}`:                                                                          "Version",
		} {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad-" + rnd()), PolicyDocument: aws.String(doc)})
			apiErr(t, err, "MalformedPolicyDocument", 400)
			if !strings.Contains(message(err), want) {
				t.Fatalf("%s: message %q, want %q", doc, message(err), want)
			}
		}
		var actions []string
		for i := 0; i < 500; i++ {
			actions = append(actions, fmt.Sprintf(`"s3:Action%d"`, i))
		}
		big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}}`
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
		apiErr(t, err, "LimitExceeded", 409)
		if message(err) != "Cannot exceed quota for PolicySize: 6144" {
			t.Fatalf("message: %s", message(err))
		}
	})
	t.Run("method=GetPolicy/case=ok-and-errors", func(t *testing.T) {
		out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		must(t, err)
		if *out.Policy.Description != "d" || len(out.Policy.Tags) != 1 {
			t.Fatalf("policy: %+v", out.Policy)
		}
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + e.AccountID + ":policy/Assume")}) // wrong path
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		aws, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		must(t, err)
		if *aws.Policy.PolicyName != "AdministratorAccess" {
			t.Fatalf("AWS managed: %+v", aws.Policy)
		}
	})
	t.Run("method=CreatePolicyVersion/case=versions", func(t *testing.T) {
		v2 := strings.Replace(permDoc, "sts:AssumeRole", "sts:TagSession", 1)
		out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(v2), SetAsDefault: true})
		must(t, err)
		if *out.PolicyVersion.VersionId != "v2" || !out.PolicyVersion.IsDefaultVersion || out.PolicyVersion.Document != nil {
			t.Fatalf("version: %+v", out.PolicyVersion)
		}
		for i := 3; i <= 5; i++ {
			_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(permDoc)})
			must(t, err)
		}
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "LimitExceeded", 409)
		got, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		must(t, err)
		if decode(t, got.PolicyVersion.Document) != v2 || !got.PolicyVersion.IsDefaultVersion || !strings.HasPrefix(*got.PolicyVersion.Document, "%7B%22Version%22") {
			t.Fatalf("GetPolicyVersion: %+v", got.PolicyVersion)
		}
		_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v9")})
		apiErr(t, err, "NoSuchEntity", 404)
		list, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn, MaxItems: aws.Int32(3)})
		must(t, err)
		if len(list.Versions) != 3 || !list.IsTruncated || *list.Versions[0].VersionId != "v5" {
			t.Fatalf("ListPolicyVersions: %+v", list)
		}
		rest, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn, Marker: list.Marker})
		must(t, err)
		if len(rest.Versions) != 2 || rest.IsTruncated {
			t.Fatalf("page 2: %+v", rest)
		}
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v4")})
		must(t, err)
		_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v9")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		must(t, err)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		apiErr(t, err, "NoSuchEntity", 404)
		out, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(permDoc)})
		must(t, err)
		if *out.PolicyVersion.VersionId != "v6" || out.PolicyVersion.IsDefaultVersion {
			t.Fatalf("next version: %+v", out.PolicyVersion)
		}
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=TagPolicy/case=tags", func(t *testing.T) {
		_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
		must(t, err)
		_, err = c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &arn, TagKeys: []string{"K"}})
		must(t, err)
		tags, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn})
		must(t, err)
		if len(tags.Tags) != 1 || *tags.Tags[0].Key != "x" {
			t.Fatalf("tags: %+v", tags.Tags)
		}
		_, err = c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=AttachRolePolicy/case=counts-and-quota", func(t *testing.T) {
		createRole(t, c, "R")
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U")})
		must(t, err)
		_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G")})
		must(t, err)
		for i := 0; i < 2; i++ { // attaching twice is one attachment
			_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: &arn})
			must(t, err)
		}
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("U"), PolicyArn: &arn})
		must(t, err)
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("G"), PolicyArn: &arn})
		must(t, err)
		p, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if *p.Policy.AttachmentCount != 3 {
			t.Fatalf("attachment count %d", *p.Policy.AttachmentCount)
		}
		ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn})
		must(t, err)
		if len(ents.PolicyRoles) != 1 || len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 || *ents.PolicyRoles[0].RoleName != "R" {
			t.Fatalf("entities: %+v", ents)
		}
		only, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn, EntityFilter: types.EntityTypeUser})
		must(t, err)
		if len(only.PolicyUsers) != 1 || len(only.PolicyRoles) != 0 {
			t.Fatalf("filtered: %+v", only)
		}
		_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		apiErr(t, err, "DeleteConflict", 409)

		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		must(t, err)
		for i := 0; i < 8; i++ {
			a := createPolicy(t, c, fmt.Sprintf("Q%d", i))
			_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: &a})
			must(t, err)
		}
		extra := createPolicy(t, c, "Q-extra")
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: &extra})
		apiErr(t, err, "LimitExceeded", 409)
		if message(err) != "Cannot exceed quota for PoliciesPerRole: 10" {
			t.Fatalf("message: %s", message(err))
		}
		list, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(4)})
		must(t, err)
		if len(list.AttachedPolicies) != 4 || !list.IsTruncated {
			t.Fatalf("attached page: %+v", list)
		}
		pg := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(4)})
		n := 0
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			must(t, err)
			n += len(out.AttachedPolicies)
		}
		if n != 10 {
			t.Fatalf("attached: %d", n)
		}
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("nope"), PolicyArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: &extra})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)

		for _, f := range []func() error{
			func() error {
				_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: &arn})
				return err
			},
			func() error {
				_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("U"), PolicyArn: &arn})
				return err
			},
			func() error {
				_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("G"), PolicyArn: &arn})
				return err
			},
		} {
			must(t, f())
		}
		p, _ = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if *p.Policy.AttachmentCount != 0 {
			t.Fatalf("attachment count after detach %d", *p.Policy.AttachmentCount)
		}
		ua, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("U")})
		must(t, err)
		ga, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("G")})
		must(t, err)
		if len(ua.AttachedPolicies)+len(ga.AttachedPolicies) != 0 {
			t.Fatal("still attached")
		}
	})
	t.Run("method=ListPolicies/case=scope-and-filters", func(t *testing.T) {
		awsOnly, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
		must(t, err)
		names := map[string]bool{}
		for _, p := range awsOnly.Policies {
			names[*p.PolicyName] = true
			if p.Tags != nil || p.Description != nil {
				t.Fatalf("ListPolicies returns members AWS leaves out: %+v", p)
			}
		}
		for _, n := range []string{"AdministratorAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonWorkMailFullAccess", "AmazonWorkMailReadOnlyAccess"} {
			if !names[n] {
				t.Fatalf("missing AWS managed policy %s", n)
			}
		}
		attached, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true})
		must(t, err)
		if len(attached.Policies) != 9 { // ReadOnlyAccess and Q0..Q7 on role R
			t.Fatalf("attached: %d", len(attached.Policies))
		}
		local, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PathPrefix: aws.String("/app/")})
		must(t, err)
		if len(local.Policies) != 1 || *local.Policies[0].Arn != arn {
			t.Fatalf("local /app/: %+v", local.Policies)
		}
		var all []string
		pg := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(3)})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			must(t, err)
			for _, p := range out.Policies {
				all = append(all, *p.PolicyName)
			}
		}
		if len(all) != 12 { // Assume, Boundary..., Q0..Q7, Q-extra and the others of this test
			t.Logf("local policies: %v", all)
		}
		seen := map[string]bool{}
		for _, n := range all {
			if seen[n] {
				t.Fatalf("policy %s listed twice: %v", n, all)
			}
			seen[n] = true
		}
	})
	t.Run("method=DeletePolicy/case=versions-first", func(t *testing.T) {
		_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		apiErr(t, err, "DeleteConflict", 409)
		vs, _ := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn})
		for _, v := range vs.Versions {
			if !v.IsDefaultVersion {
				_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: v.VersionId})
				must(t, err)
			}
		}
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		must(t, err)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		apiErr(t, err, "InvalidInput", 400)
	})
}
