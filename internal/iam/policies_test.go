package iam_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/mailgate/mailgate/internal/iam/managed"
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
			`{"Version":"2001-01-01","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"*"}}`:                                                                          "legacy parsing",
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
		awsOnly, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})
		must(t, err)
		more, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000), Marker: awsOnly.Marker})
		must(t, err)
		awsOnly.Policies = append(awsOnly.Policies, more.Policies...)
		if len(awsOnly.Policies) != managed.Len() || more.IsTruncated {
			t.Fatalf("AWS-managed: %d listed, %d in the catalogue", len(awsOnly.Policies), managed.Len())
		}
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
		if fmt.Sprint(all) != "[Q-extra Q0 Q1 Q2 Q3 Q4 Q5 Q6 Q7 Assume]" { // by path, then name: "/" before "/app/"
			t.Fatalf("local policies: %v", all)
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

// TestManagedPolicyEdgeCases: validation, paging of every listing, exact
// attachment and boundary counts, versions and tags of managed policies,
// and the errors of each operation.
func TestManagedPolicyEdgeCases(t *testing.T) {
	e, c := newEnv(t)
	other := "arn:aws:iam::000000000000:policy/Theirs"
	missing := "arn:aws:iam::" + e.AccountID + ":policy/none"

	t.Run("method=CreatePolicy/case=validation-and-invalid-input", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"bad-name", op(c.CreatePolicy, &iam.CreatePolicyInput{PolicyName: aws.String("bad name"), PolicyDocument: aws.String(permDoc)})},
			call{"name-too-long", op(c.CreatePolicy, &iam.CreatePolicyInput{PolicyName: aws.String(strings.Repeat("p", 129)), PolicyDocument: aws.String(permDoc)})},
			call{"bad-path", op(c.CreatePolicy, &iam.CreatePolicyInput{PolicyName: aws.String("p"), Path: aws.String("nopath"), PolicyDocument: aws.String(permDoc)})},
			call{"description-too-long", op(c.CreatePolicy, &iam.CreatePolicyInput{PolicyName: aws.String("p"), Description: aws.String(strings.Repeat("d", 1001)), PolicyDocument: aws.String(permDoc)})},
		)
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc), Tags: []types.Tag{tag("aws:k", "v")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + e.AccountID + ":policy/p")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=GetPolicy/case=fields-and-other-account", func(t *testing.T) {
		before := time.Now().Add(-time.Minute)
		arn := createPolicy(t, c, "Fields")
		out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		must(t, err)
		p := out.Policy
		if *p.PolicyName != "Fields" || *p.Path != "/" || *p.DefaultVersionId != "v1" || *p.AttachmentCount != 0 || *p.PermissionsBoundaryUsageCount != 0 ||
			!p.IsAttachable || p.Description != nil || p.Tags != nil || p.CreateDate.Before(before) || !p.UpdateDate.Equal(*p.CreateDate) {
			t.Fatalf("policy: %+v", p)
		}
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Fields")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("short")})
		apiErr(t, err, "ValidationError", 400) // under the model's 20 characters
	})
	t.Run("method=ListPolicies/case=scope-prefix-attached-pages", func(t *testing.T) {
		arns := map[string]string{}
		for _, p := range []struct{ name, path string }{{"cb", "/cov/"}, {"CA", "/cov/"}, {"cc", "/cov/"}, {"dd", "/cov/sub/"}, {"zz", "/zz/"}} {
			out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(p.name), Path: aws.String(p.path), PolicyDocument: aws.String(permDoc)})
			must(t, err)
			arns[p.name] = *out.Policy.Arn
		}
		list := func(in iam.ListPoliciesInput) func(*string) (*iam.ListPoliciesOutput, error) {
			return func(m *string) (*iam.ListPoliciesOutput, error) {
				in := in
				in.Marker = m
				return c.ListPolicies(ctx, &in)
			}
		}
		for _, tc := range []struct {
			what string
			in   iam.ListPoliciesInput
			want string
		}{
			{"local /cov/", iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PathPrefix: aws.String("/cov/"), MaxItems: aws.Int32(2)}, "[[CA cb] [cc dd]]"},
			{"all /cov/sub/", iam.ListPoliciesInput{PathPrefix: aws.String("/cov/sub/"), MaxItems: aws.Int32(1)}, "[[dd]]"},
			{"aws", iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/job-function/"), MaxItems: aws.Int32(4)}, catalogued("/job-function/", 4)},
			{"local", iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(3)}, "[[Fields CA cb] [cc dd zz]]"},
		} {
			wantPages(t, tc.what, tc.want, list(tc.in), policyNames)
		}
		all := pages(t, list(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAll, MaxItems: aws.Int32(400)}), policyNames)
		if strings.Count(all, " ")+1 != 6+managed.Len() {
			t.Fatalf("all: %s", all)
		}

		// OnlyAttached: attached (and boundaries, unless filtered), of this
		// account only.
		createRole(t, c, "Holder")
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Holder")})
		must(t, err)
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Holder"), PolicyArn: aws.String(arns["cb"])})
		must(t, err)
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Holder"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")})
		must(t, err)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("Holder"), PermissionsBoundary: aws.String(arns["dd"])})
		must(t, err)
		for _, tc := range []struct {
			what string
			in   iam.ListPoliciesInput
			want string
		}{
			{"attached permissions", iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy, MaxItems: aws.Int32(1)}, "[[IAMFullAccess] [cb]]"},
			{"attached boundaries", iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, "[[dd]]"},
			{"attached local", iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, "[[cb]]"},
			{"attached aws", iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeAws}, "[[IAMFullAccess]]"},
		} {
			wantPages(t, tc.what, tc.want, list(tc.in), policyNames)
		}
		// Another account's attachments are not this one's.
		o := otherAccount(t)
		ol, err := o.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true})
		must(t, err)
		if len(ol.Policies) != 0 {
			t.Fatalf("other account's attached: %+v", ol.Policies)
		}
		ro, err := o.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")})
		must(t, err)
		if *ro.Policy.AttachmentCount != 0 {
			t.Fatalf("other account's count: %d", *ro.Policy.AttachmentCount)
		}
		wantCounts(t, c, "arn:aws:iam::aws:policy/IAMFullAccess", 1, 0)

		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.ListPolicies, &iam.ListPoliciesInput{Marker: aws.String("%%%")})},
			call{"max-items-0", op(c.ListPolicies, &iam.ListPoliciesInput{MaxItems: aws.Int32(0)})},
			call{"bad-scope", op(c.ListPolicies, &iam.ListPoliciesInput{Scope: types.PolicyScopeType("Mine")})},
			call{"prefix-without-slash", op(c.ListPolicies, &iam.ListPoliciesInput{PathPrefix: aws.String("cov")})},
		)
	})
	t.Run("method=CreatePolicyVersion/case=default-and-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "Versioned")
		version := func(arn *string, doc string) *iam.CreatePolicyVersionInput {
			return &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc)}
		}
		_, err := c.CreatePolicyVersion(ctx, version(&arn, trustDoc))
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.CreatePolicyVersion(ctx, version(&arn, bigActions(6500)))
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.CreatePolicyVersion(ctx, version(&missing, permDoc))
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreatePolicyVersion(ctx, version(aws.String("not-an-arn-but-long-enough"), permDoc))
		apiErr(t, err, "InvalidInput", 400)

		v2, err := c.CreatePolicyVersion(ctx, version(&arn, altDoc))
		must(t, err)
		if *v2.PolicyVersion.VersionId != "v2" || v2.PolicyVersion.IsDefaultVersion || v2.PolicyVersion.CreateDate == nil {
			t.Fatalf("v2: %+v", v2.PolicyVersion)
		}
		p, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if *p.Policy.DefaultVersionId != "v1" {
			t.Fatalf("default after a non-default version: %s", *p.Policy.DefaultVersionId)
		}
		_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		must(t, err)
		p, _ = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if *p.Policy.DefaultVersionId != "v2" {
			t.Fatalf("default after SetDefaultPolicyVersion: %s", *p.Policy.DefaultVersionId)
		}
		g1, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")})
		must(t, err)
		g2, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v2")})
		must(t, err)
		if g1.PolicyVersion.IsDefaultVersion || !g2.PolicyVersion.IsDefaultVersion || decode(t, g1.PolicyVersion.Document) != permDoc || decode(t, g2.PolicyVersion.Document) != altDoc {
			t.Fatalf("versions: %+v %+v", g1.PolicyVersion, g2.PolicyVersion)
		}
		v3, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(permDoc), SetAsDefault: true})
		must(t, err)
		if *v3.PolicyVersion.VersionId != "v3" || !v3.PolicyVersion.IsDefaultVersion {
			t.Fatalf("v3: %+v", v3.PolicyVersion)
		}
		list := func(m *string) (*iam.ListPolicyVersionsOutput, error) {
			return c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn, MaxItems: aws.Int32(2), Marker: m})
		}
		versions := func(out *iam.ListPolicyVersionsOutput) []string {
			var vs []string
			for _, v := range out.Versions {
				s := *v.VersionId
				if v.IsDefaultVersion {
					s += "*"
				}
				if v.Document != nil {
					t.Fatalf("ListPolicyVersions returns documents: %+v", v)
				}
				vs = append(vs, s)
			}
			return vs
		}
		wantPages(t, "ListPolicyVersions", "[[v3* v2] [v1]]", list, versions)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v3")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")})
		must(t, err)
		wantPages(t, "after delete", "[[v3* v2]]", list, versions)

		wantErrors(t, "NoSuchEntity", 404,
			call{"GetPolicyVersion", op(c.GetPolicyVersion, &iam.GetPolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})},
			call{"ListPolicyVersions", op(c.ListPolicyVersions, &iam.ListPolicyVersionsInput{PolicyArn: &missing})},
			call{"DeletePolicyVersion", op(c.DeletePolicyVersion, &iam.DeletePolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})},
			call{"SetDefaultPolicyVersion", op(c.SetDefaultPolicyVersion, &iam.SetDefaultPolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})},
			call{"SetDefaultPolicyVersion(deleted version)", op(c.SetDefaultPolicyVersion, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")})},
		)
		wantErrors(t, "ValidationError", 400,
			call{"GetPolicyVersion(1)", op(c.GetPolicyVersion, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("1")})},
			call{"GetPolicyVersion(version1)", op(c.GetPolicyVersion, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("version1")})},
			call{"ListPolicyVersions(bad marker)", op(c.ListPolicyVersions, &iam.ListPolicyVersionsInput{PolicyArn: &arn, Marker: aws.String("IzU")})},
		)

		admin := aws.String("arn:aws:iam::aws:policy/AdministratorAccess")
		av, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: admin, VersionId: aws.String("v1")})
		must(t, err)
		if !av.PolicyVersion.IsDefaultVersion || !strings.Contains(decode(t, av.PolicyVersion.Document), `"Action":"*"`) {
			t.Fatalf("AWS managed version: %+v", av.PolicyVersion)
		}
		al, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: admin})
		must(t, err)
		if len(al.Versions) != 1 || al.IsTruncated {
			t.Fatalf("AWS managed versions: %+v", al)
		}
		wantErrors(t, "InvalidInput", 400,
			call{"SetDefaultPolicyVersion(AWS managed)", op(c.SetDefaultPolicyVersion, &iam.SetDefaultPolicyVersionInput{PolicyArn: admin, VersionId: aws.String("v1")})},
			call{"DeletePolicyVersion(AWS managed)", op(c.DeletePolicyVersion, &iam.DeletePolicyVersionInput{PolicyArn: admin, VersionId: aws.String("v1")})},
		)
	})
	t.Run("method=TagPolicy/case=pages-limits-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "Tagged")
		readOnly := aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
		_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("c", "3"), tag("A", "1"), tag("b", "2")}})
		must(t, err)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("a", "one")}})
		must(t, err)
		list := func(m *string) (*iam.ListPolicyTagsOutput, error) {
			return c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn, MaxItems: aws.Int32(2), Marker: m})
		}
		pairs := func(out *iam.ListPolicyTagsOutput) []string { return tagPairs(out.Tags) }
		wantPages(t, "ListPolicyTags", "[[a=one b=2] [c=3]]", list, pairs)
		p, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if len(p.Policy.Tags) != 3 {
			t.Fatalf("GetPolicy tags: %+v", p.Policy.Tags)
		}
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: manyTags(48, "t")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: manyTags(47, "t")})
		must(t, err) // exactly 50
		wantErrors(t, "InvalidInput", 400,
			call{"keys-equal-ignoring-case", op(c.TagPolicy, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("x", "1"), tag("X", "2")}})},
			call{"reserved-prefix", op(c.TagPolicy, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("aws:x", "1")}})},
			call{"TagPolicy(AWS managed)", op(c.TagPolicy, &iam.TagPolicyInput{PolicyArn: readOnly, Tags: []types.Tag{tag("x", "1")}})},
			call{"UntagPolicy(AWS managed)", op(c.UntagPolicy, &iam.UntagPolicyInput{PolicyArn: readOnly, TagKeys: []string{"a"}})},
		)
		wantErrors(t, "NoSuchEntity", 404,
			call{"TagPolicy(missing)", op(c.TagPolicy, &iam.TagPolicyInput{PolicyArn: &missing, Tags: []types.Tag{tag("x", "1")}})},
			call{"UntagPolicy(missing)", op(c.UntagPolicy, &iam.UntagPolicyInput{PolicyArn: &missing, TagKeys: []string{"a"}})},
		)
		var keys []string
		for i := 0; i < 47; i++ {
			keys = append(keys, fmt.Sprintf("T%d", i))
		}
		_, err = c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &arn, TagKeys: append(keys, "B")})
		must(t, err)
		wantPages(t, "after untag", "[[a=one c=3]]", list, pairs)
		_, err = c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn, Marker: aws.String("x")})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=ListEntitiesForPolicy/case=filters-counts-pages", func(t *testing.T) {
		arn := createPolicy(t, c, "Shared")
		for _, r := range []struct{ name, path string }{{"r2", "/"}, {"r1", "/x/"}, {"r3", "/"}} {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(trustDoc)})
			must(t, err)
		}
		for _, u := range []string{"u1", "u2", "u3"} {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
			must(t, err)
		}
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g1")})
		must(t, err)
		for _, do := range []func() error{
			op(c.AttachRolePolicy, &iam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: &arn}),
			op(c.AttachRolePolicy, &iam.AttachRolePolicyInput{RoleName: aws.String("r2"), PolicyArn: &arn}),
			op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: &arn}),
			op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("u3"), PolicyArn: &arn}),
			op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("g1"), PolicyArn: &arn}),
			op(c.PutRolePermissionsBoundary, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r3"), PermissionsBoundary: &arn}),
			op(c.PutUserPermissionsBoundary, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u2"), PermissionsBoundary: &arn}),
			// u3 both: attached and bounded by it
			op(c.PutUserPermissionsBoundary, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u3"), PermissionsBoundary: &arn}),
		} {
			must(t, do())
		}
		wantCounts(t, c, arn, 5, 3)

		list := func(in iam.ListEntitiesForPolicyInput) func(*string) (*iam.ListEntitiesForPolicyOutput, error) {
			return func(m *string) (*iam.ListEntitiesForPolicyOutput, error) {
				in := in
				in.PolicyArn, in.Marker = &arn, m
				return c.ListEntitiesForPolicy(ctx, &in)
			}
		}
		entities := func(out *iam.ListEntitiesForPolicyOutput) []string {
			var names []string
			for _, r := range out.PolicyRoles {
				names = append(names, "role:"+*r.RoleName)
				if r.RoleId == nil {
					t.Fatalf("no RoleId: %+v", r)
				}
			}
			for _, u := range out.PolicyUsers {
				names = append(names, "user:"+*u.UserName)
			}
			for _, g := range out.PolicyGroups {
				names = append(names, "group:"+*g.GroupName)
			}
			return names
		}
		for _, tc := range []struct {
			what string
			in   iam.ListEntitiesForPolicyInput
			want string
		}{
			{"roles", iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeRole, MaxItems: aws.Int32(2)}, "[[role:r1 role:r2] [role:r3]]"},
			{"users attached", iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, "[[user:u1 user:u3]]"},
			{"boundaries", iam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary, MaxItems: aws.Int32(1)}, "[[role:r3] [user:u2] [user:u3]]"},
			{"groups", iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeGroup}, "[[group:g1]]"},
			{"path /x/", iam.ListEntitiesForPolicyInput{PathPrefix: aws.String("/x/")}, "[[role:r1]]"},
		} {
			wantPages(t, tc.what, tc.want, list(tc.in), entities)
		}
		all := pages(t, list(iam.ListEntitiesForPolicyInput{MaxItems: aws.Int32(3)}), entities)
		for _, n := range []string{"role:r1", "role:r2", "role:r3", "user:u1", "user:u2", "user:u3", "group:g1"} {
			if strings.Count(all, n+" ")+strings.Count(all, n+"]") != 1 {
				t.Fatalf("all: %s lists %s other than once", all, n)
			}
		}
		if strings.Count(all, ":") != 7 {
			t.Fatalf("all: %s", all)
		}

		_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: &arn})
		must(t, err)
		_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r3")})
		must(t, err)
		wantCounts(t, c, arn, 4, 2)
		wantPages(t, "users after detach", "[[user:u3]]",
			list(iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}), entities)
		wantErrors(t, "ValidationError", 400,
			call{"bad-entity-filter", op(c.ListEntitiesForPolicy, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn, EntityFilter: types.EntityType("Robot")})},
			call{"bad-marker", op(c.ListEntitiesForPolicy, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn, Marker: aws.String("IzEwMA")})},
		)
		_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &missing})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=AttachUserPolicy/case=exact-counts-pages-errors", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Att")})
		must(t, err)
		_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Att")})
		must(t, err)
		createRole(t, c, "Att")
		arn := createPolicy(t, c, "Counted")
		ro := "arn:aws:iam::aws:policy/ReadOnlyAccess"
		wantCounts(t, c, arn, 0, 0)
		for _, s := range []struct {
			what  string
			do    func() error
			count int32
		}{
			{"attach user", op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("att"), PolicyArn: &arn}), 1},
			{"attach user again", op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &arn}), 1},
			{"attach group", op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("ATT"), PolicyArn: &arn}), 2},
			{"attach group again", op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &arn}), 2},
			{"attach role", op(c.AttachRolePolicy, &iam.AttachRolePolicyInput{RoleName: aws.String("Att"), PolicyArn: &arn}), 3},
			{"detach user", op(c.DetachUserPolicy, &iam.DetachUserPolicyInput{UserName: aws.String("ATT"), PolicyArn: &arn}), 2},
			{"detach role", op(c.DetachRolePolicy, &iam.DetachRolePolicyInput{RoleName: aws.String("att"), PolicyArn: &arn}), 1},
		} {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.what, err)
			}
			wantCounts(t, c, arn, s.count, 0)
		}
		_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		wantCounts(t, c, arn, 1, 0)

		// Pages and path prefixes of attached policies.
		for _, n := range []string{"ua", "ub"} {
			out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(n), Path: aws.String("/att/"), PolicyDocument: aws.String(permDoc)})
			must(t, err)
			_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: out.Policy.Arn})
			must(t, err)
			_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: out.Policy.Arn})
			must(t, err)
		}
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &ro})
		must(t, err)
		wantCounts(t, c, ro, 1, 0)
		users := func(prefix *string, n int32) func(*string) (*iam.ListAttachedUserPoliciesOutput, error) {
			return func(m *string) (*iam.ListAttachedUserPoliciesOutput, error) {
				return c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("att"), PathPrefix: prefix, MaxItems: aws.Int32(n), Marker: m})
			}
		}
		userNames := func(out *iam.ListAttachedUserPoliciesOutput) []string {
			var names []string
			for _, p := range out.AttachedPolicies {
				names = append(names, *p.PolicyName)
			}
			return names
		}
		wantPages(t, "user", "[[ReadOnlyAccess ua] [ub]]", users(nil, 2), userNames)
		wantPages(t, "user /att/", "[[ua] [ub]]", users(aws.String("/att/"), 1), userNames)
		base := "arn:aws:iam::" + e.AccountID + ":policy/"
		wantPages(t, "group", "[[Counted="+base+"Counted ua="+base+"att/ua] [ub="+base+"att/ub]]", func(m *string) (*iam.ListAttachedGroupPoliciesOutput, error) {
			return c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("att"), MaxItems: aws.Int32(2), Marker: m})
		}, func(out *iam.ListAttachedGroupPoliciesOutput) []string {
			var names []string
			for _, p := range out.AttachedPolicies {
				names = append(names, *p.PolicyName+"="+*p.PolicyArn)
			}
			return names
		})
		roles, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("Att")})
		must(t, err)
		if len(roles.AttachedPolicies) != 0 || roles.IsTruncated {
			t.Fatalf("role: %+v", roles)
		}

		wantErrors(t, "NoSuchEntity", 404,
			call{"AttachUserPolicy(no user)", op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: &arn})},
			call{"AttachUserPolicy(no policy)", op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &missing})},
			call{"AttachUserPolicy(other account)", op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &other})},
			call{"AttachGroupPolicy(no group)", op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("nope"), PolicyArn: &arn})},
			call{"AttachGroupPolicy(no policy)", op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &missing})},
			call{"DetachUserPolicy(no user)", op(c.DetachUserPolicy, &iam.DetachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: &arn})},
			call{"DetachGroupPolicy(no group)", op(c.DetachGroupPolicy, &iam.DetachGroupPolicyInput{GroupName: aws.String("nope"), PolicyArn: &arn})},
			call{"DetachGroupPolicy(not attached)", op(c.DetachGroupPolicy, &iam.DetachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &ro})},
			call{"DetachGroupPolicy(no policy)", op(c.DetachGroupPolicy, &iam.DetachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &missing})},
			call{"DetachRolePolicy(no role)", op(c.DetachRolePolicy, &iam.DetachRolePolicyInput{RoleName: aws.String("nope"), PolicyArn: &arn})},
			call{"ListAttachedUserPolicies(no user)", op(c.ListAttachedUserPolicies, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("nobody")})},
			call{"ListAttachedGroupPolicies(no group)", op(c.ListAttachedGroupPolicies, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("nope")})},
		)
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		wantErrors(t, "ValidationError", 400,
			call{"ListAttachedUserPolicies(bad marker)", op(c.ListAttachedUserPolicies, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("Att"), Marker: aws.String("IzQ")})},
			call{"ListAttachedGroupPolicies(max items 0)", op(c.ListAttachedGroupPolicies, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("Att"), MaxItems: aws.Int32(0)})},
		)

		// Quotas: 10 managed policies per user and per group.
		var quota []string
		for i := 0; i < 8; i++ {
			quota = append(quota, createPolicy(t, c, fmt.Sprintf("AttQ%d", i)))
		}
		for _, q := range []struct {
			attach func(arn string) error
			quota  string
		}{
			{func(a string) error {
				return op(c.AttachUserPolicy, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: aws.String(a)})()
			}, "PoliciesPerUser"},
			{func(a string) error {
				return op(c.AttachGroupPolicy, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: aws.String(a)})()
			}, "PoliciesPerGroup"},
		} {
			for i, a := range quota {
				err := q.attach(a)
				if i < 7 { // the user and the group have 3 each
					must(t, err)
					continue
				}
				apiErr(t, err, "LimitExceeded", 409)
				if message(err) != "Cannot exceed quota for "+q.quota+": 10" {
					t.Fatalf("message: %s", message(err))
				}
			}
		}
		wantCounts(t, c, quota[7], 0, 0)
		wantCounts(t, c, quota[0], 2, 0)
	})
	t.Run("method=DeletePolicy/case=ok-and-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "Doomed")
		_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("k", "v")}})
		must(t, err)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		must(t, err)
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetPolicy", op(c.GetPolicy, &iam.GetPolicyInput{PolicyArn: &arn})},
			call{"ListPolicyTags", op(c.ListPolicyTags, &iam.ListPolicyTagsInput{PolicyArn: &arn})},
		)
		again := createPolicy(t, c, "DOOMED") // the name is free again, with nothing of the old one
		tags, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &again})
		must(t, err)
		if len(tags.Tags) != 0 {
			t.Fatalf("tags of the deleted policy: %+v", tags.Tags)
		}
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		// A boundary in use keeps the policy.
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Keeper"), PermissionsBoundary: &again})
		must(t, err)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &again})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("Keeper")})
		must(t, err)
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &again})
		must(t, err)
	})
}

// catalogued is how the catalogue's policies under a path list, n a page.
func catalogued(path string, n int) string {
	var out [][]string
	var page []string
	for _, p := range managed.After("", path, 1000) {
		if page = append(page, p.Name); len(page) == n {
			out, page = append(out, page), nil
		}
	}
	if page != nil || len(out) == 0 {
		out = append(out, page)
	}
	return fmt.Sprint(out)
}
