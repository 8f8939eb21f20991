package iam_test

// Coverage of every IAM operation the service implements, success and
// error paths, beyond what roles_test.go, policies_test.go and
// users_test.go already assert: the cases here are the ones those files
// leave out (paging across pages on every listing, exact usage counts,
// the conflicts and validation errors of each operation).

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// pages walks a listing from its first page, following Marker while
// IsTruncated, and returns the pages' items as "[[a b] [c]]". Every page
// must carry a Marker exactly when it is truncated.
func pages(t *testing.T, list func(marker *string) ([]string, bool, *string, error)) string {
	t.Helper()
	var out [][]string
	var marker *string
	for i := 0; ; i++ {
		items, trunc, next, err := list(marker)
		must(t, err)
		if trunc != (next != nil) {
			t.Fatalf("page %d: IsTruncated %v, Marker %v", i, trunc, next)
		}
		out = append(out, items)
		if !trunc {
			return fmt.Sprint(out)
		}
		if i > 100 {
			t.Fatal("listing does not end")
		}
		marker = next
	}
}

func wantPages(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: pages %s, want %s", what, got, want)
	}
}

func tagKeys(tags []types.Tag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, *t.Key)
	}
	return out
}

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func manyTags(n int, prefix string) []types.Tag {
	var out []types.Tag
	for i := 0; i < n; i++ {
		out = append(out, tag(fmt.Sprintf("%s%d", prefix, i), "v"))
	}
	return out
}

// policyCounts reads a managed policy's attachment and boundary counts.
func policyCounts(t *testing.T, c *iam.Client, arn string) (int32, int32) {
	t.Helper()
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	must(t, err)
	return *p.Policy.AttachmentCount, *p.Policy.PermissionsBoundaryUsageCount
}

func wantCounts(t *testing.T, c *iam.Client, arn string, attached, bounded int32) {
	t.Helper()
	a, b := policyCounts(t, c, arn)
	if a != attached || b != bounded {
		t.Fatalf("%s: AttachmentCount %d, PermissionsBoundaryUsageCount %d; want %d, %d", arn, a, b, attached, bounded)
	}
}

// bigActions is an identity policy document of about n characters.
func bigActions(n int) string {
	var actions []string
	for i := 0; len(actions)*14 < n; i++ {
		actions = append(actions, fmt.Sprintf(`"s3:Act%05d"`, i))
	}
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}}`
}

const altDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`

func TestCoverageRoles(t *testing.T) {
	e, c := newEnv(t)
	createRole(t, c, "Base")

	t.Run("method=CreateRole/case=invalid-input", func(t *testing.T) {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("svc"), Path: aws.String("/aws-service-role/x/"), AssumeRolePolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("t1"), AssumeRolePolicyDocument: aws.String(trustDoc), Tags: []types.Tag{tag("aws:x", "1")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("t2"), AssumeRolePolicyDocument: aws.String(trustDoc), Tags: []types.Tag{tag("k", "1"), tag("K", "2")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("t1")})
		apiErr(t, err, "NoSuchEntity", 404) // nothing of a refused role is left
	})
	t.Run("method=CreateRole/case=validation", func(t *testing.T) {
		for name, in := range map[string]*iam.CreateRoleInput{
			"name-too-long":        {RoleName: aws.String(strings.Repeat("r", 65)), AssumeRolePolicyDocument: aws.String(trustDoc)},
			"path-without-slashes": {RoleName: aws.String("p"), Path: aws.String("team"), AssumeRolePolicyDocument: aws.String(trustDoc)},
			"description-too-long": {RoleName: aws.String("d"), Description: aws.String(strings.Repeat("d", 1001)), AssumeRolePolicyDocument: aws.String(trustDoc)},
			"session-too-long":     {RoleName: aws.String("s"), MaxSessionDuration: aws.Int32(43201), AssumeRolePolicyDocument: aws.String(trustDoc)},
			"too-many-tags":        {RoleName: aws.String("t"), Tags: manyTags(51, "t"), AssumeRolePolicyDocument: aws.String(trustDoc)},
		} {
			_, err := c.CreateRole(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=CreateRole/case=with-boundary", func(t *testing.T) {
		arn := createPolicy(t, c, "RoleBoundary")
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Bounded"), AssumeRolePolicyDocument: aws.String(trustDoc), PermissionsBoundary: &arn})
		must(t, err)
		if b := out.Role.PermissionsBoundary; b == nil || *b.PermissionsBoundaryArn != arn || out.Role.Tags != nil || *out.Role.MaxSessionDuration != 3600 || *out.Role.Path != "/" {
			t.Fatalf("role: %+v", out.Role)
		}
		wantCounts(t, c, arn, 0, 1)
		// A boundary does not keep a role from being deleted, and goes with it.
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Bounded")})
		must(t, err)
		wantCounts(t, c, arn, 0, 0)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Bounded")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Bounded"), AssumeRolePolicyDocument: aws.String(trustDoc),
			PermissionsBoundary: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=GetRole/case=full-and-validation", func(t *testing.T) {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("BASE")})
		must(t, err)
		r := out.Role
		if *r.RoleName != "Base" || *r.Arn != "arn:aws:iam::"+e.AccountID+":role/Base" || r.RoleLastUsed == nil || r.RoleLastUsed.LastUsedDate != nil ||
			r.Tags != nil || r.PermissionsBoundary != nil || r.Description != nil || decode(t, r.AssumeRolePolicyDocument) != trustDoc {
			t.Fatalf("role: %+v", r)
		}
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(strings.Repeat("r", 65))})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=ListRoles/case=path-prefix-pages", func(t *testing.T) {
		for _, r := range []struct{ name, path string }{{"pc", "/p/"}, {"PA", "/p/"}, {"pb", "/p/"}, {"qe", "/p/q/"}, {"qd", "/p/q/"}, {"other", "/pp/"}} {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(trustDoc)})
			must(t, err)
		}
		list := func(prefix string, n int32) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(prefix), MaxItems: aws.Int32(n), Marker: m})
				if err != nil {
					return nil, false, nil, err
				}
				var names []string
				for _, r := range out.Roles {
					names = append(names, *r.RoleName)
				}
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "/p/", pages(t, list("/p/", 2)), "[[PA pb] [pc qd] [qe]]")
		wantPages(t, "/p/q/", pages(t, list("/p/q/", 1)), "[[qd] [qe]]")
		wantPages(t, "/p", pages(t, list("/p", 3)), "[[PA pb pc] [qd qe other]]")
		wantPages(t, "/none/", pages(t, list("/none/", 3)), "[[]]")
		wantPages(t, "/", pages(t, list("/", 4)), "[[Base PA pb pc] [qd qe other]]")
		for _, in := range []*iam.ListRolesInput{{MaxItems: aws.Int32(0)}, {MaxItems: aws.Int32(1001)}, {PathPrefix: aws.String("p/")}} {
			_, err := c.ListRoles(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=UpdateRole/case=description-only", func(t *testing.T) {
		_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("base"), Description: aws.String("only the description")})
		must(t, err)
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Base")})
		if *out.Role.Description != "only the description" || *out.Role.MaxSessionDuration != 3600 {
			t.Fatalf("role: %+v", out.Role)
		}
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Base"), MaxSessionDuration: aws.Int32(3599)})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=UpdateRoleDescription/case=returns-full-role", func(t *testing.T) {
		_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Base"), Tags: []types.Tag{tag("team", "mail")}})
		must(t, err)
		out, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("base"), Description: aws.String("described")})
		must(t, err)
		r := out.Role
		if *r.RoleName != "Base" || *r.Description != "described" || len(r.Tags) != 1 || r.RoleLastUsed == nil || decode(t, r.AssumeRolePolicyDocument) != trustDoc {
			t.Fatalf("role: %+v", r)
		}
		_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("Base"), Description: aws.String(strings.Repeat("d", 1001))})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=UpdateAssumeRolePolicy/case=too-big-and-syntax", func(t *testing.T) {
		var principals []string
		for i := 0; i < 80; i++ {
			principals = append(principals, fmt.Sprintf(`"arn:aws:iam::%012d:root"`, i))
		}
		big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sts:AssumeRole"}}`
		_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String(big)})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String("{")})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Base")})
		if decode(t, out.Role.AssumeRolePolicyDocument) != trustDoc {
			t.Fatal("a refused trust policy replaced the role's")
		}
	})
	t.Run("method=PutRolePermissionsBoundary/case=aws-managed-and-bad-arn", func(t *testing.T) {
		ro := "arn:aws:iam::aws:policy/ReadOnlyAccess"
		_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Base"), PermissionsBoundary: &ro})
		must(t, err)
		wantCounts(t, c, ro, 0, 1)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Base"), PermissionsBoundary: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Base"), PermissionsBoundary: aws.String("arn:aws:iam::000000000000:policy/Theirs")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("BASE")})
		must(t, err)
		wantCounts(t, c, ro, 0, 0)
	})
	t.Run("method=TagRole/case=reserved-prefix-and-bad-paging", func(t *testing.T) {
		_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Base"), Tags: []types.Tag{tag("AWS:team", "x")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Base"), Tags: manyTags(51, "t")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Base"), Tags: []types.Tag{tag("b", "2"), tag("c", "3"), tag("TEAM", "ops")}})
		must(t, err)
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("base"), MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			return tagKeys(out.Tags), out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListRoleTags", pages(t, list), "[[b c] [TEAM]]")
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Base"), TagKeys: []string{"B", "never-set"}})
		must(t, err)
		wantPages(t, "after untag", pages(t, list), "[[c TEAM]]")
		_, err = c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Base"), Marker: aws.String("bm90LWEtbWFya2Vy")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Base"), MaxItems: aws.Int32(0)})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=CreateServiceLinkedRole/case=suffix-and-protection", func(t *testing.T) {
		one, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String("one"), Description: aws.String("first")})
		must(t, err)
		r := one.Role
		if *r.RoleName != "AWSServiceRoleForWorkmail_one" || *r.Arn != "arn:aws:iam::"+e.AccountID+":role/aws-service-role/workmail.amazonaws.com/AWSServiceRoleForWorkmail_one" ||
			*r.Description != "first" || !strings.Contains(decode(t, r.AssumeRolePolicyDocument), `"Service":"workmail.amazonaws.com"`) {
			t.Fatalf("role: %+v", r)
		}
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String("two")})
		must(t, err)
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String("ONE")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String(strings.Repeat("s", 60))})
		apiErr(t, err, "InvalidInput", 400)
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/aws-service-role/"), MaxItems: aws.Int32(1), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, r := range out.Roles {
				names = append(names, *r.RoleName)
			}
			return names, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "service roles", pages(t, list), "[[AWSServiceRoleForWorkmail_one] [AWSServiceRoleForWorkmail_two]]")

		name := aws.String("AWSServiceRoleForWorkmail_one")
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, Description: aws.String("changed")})
		must(t, err) // the description of a service-linked role may change
		_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: name, Description: aws.String("again")})
		must(t, err)
		arn := createPolicy(t, c, "SLRCoverage")
		for what, f := range map[string]func() error{
			"UpdateRole(MaxSessionDuration)": func() error {
				_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, MaxSessionDuration: aws.Int32(7200)})
				return err
			},
			"DeleteRolePermissionsBoundary": func() error {
				_, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: name})
				return err
			},
			"DetachRolePolicy": func() error {
				_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: &arn})
				return err
			},
			"DeleteRolePolicy": func() error {
				_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String("p")})
				return err
			},
		} {
			err := f()
			if err == nil {
				t.Fatalf("%s: allowed on a service-linked role", what)
			}
			apiErr(t, err, "UnmodifiableEntity", 400)
		}
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		if *out.Role.MaxSessionDuration != 3600 || *out.Role.Description != "again" {
			t.Fatalf("role after refused changes: %+v", out.Role)
		}
	})
	t.Run("method=DeleteServiceLinkedRole/case=task-and-errors", func(t *testing.T) {
		_, err := c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("Base")})
		apiErr(t, err, "InvalidInput", 400)
		del, err := c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("awsservicerolefor" + "workmail_two")})
		must(t, err)
		if !strings.HasPrefix(*del.DeletionTaskId, "task/aws-service-role/workmail.amazonaws.com/AWSServiceRoleForWorkmail_two/") {
			t.Fatalf("task: %s", *del.DeletionTaskId)
		}
		st, err := c.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId})
		must(t, err)
		if st.Status != types.DeletionTaskStatusTypeSucceeded || st.Reason != nil {
			t.Fatalf("status: %+v", st)
		}
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForWorkmail_two")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String("two")})
		must(t, err) // the name is free again
		// A task of another account is not this account's.
		other := testenv2(t)
		_, err = other.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

// testenv2 is an IAM client of a second account (a second server on the
// same kind of store).
func testenv2(t *testing.T) *iam.Client {
	_, c := newEnv(t)
	return c
}

func TestCoverageInlinePolicies(t *testing.T) {
	_, c := newEnv(t)
	createRole(t, c, "R")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G")})
	must(t, err)

	t.Run("method=PutRolePolicy/case=replace-ignoring-case", func(t *testing.T) {
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Main"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("MAIN"), PolicyDocument: aws.String(altDoc)})
		must(t, err)
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("main")})
		must(t, err)
		if decode(t, out.PolicyDocument) != altDoc {
			t.Fatalf("document not replaced: %s", decode(t, out.PolicyDocument))
		}
		l, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
		must(t, err)
		if len(l.PolicyNames) != 1 || l.IsTruncated {
			t.Fatalf("list: %+v", l)
		}
	})
	t.Run("method=PutRolePolicy/case=validation", func(t *testing.T) {
		for _, in := range []*iam.PutRolePolicyInput{
			{RoleName: aws.String("R"), PolicyName: aws.String("bad name"), PolicyDocument: aws.String(permDoc)},
			{RoleName: aws.String("R"), PolicyName: aws.String(strings.Repeat("p", 129)), PolicyDocument: aws.String(permDoc)},
			{RoleName: aws.String("bad/role"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)},
		} {
			_, err := c.PutRolePolicy(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
	})
	t.Run("method=DeleteRolePolicy/case=ok-and-missing", func(t *testing.T) {
		_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("main")})
		must(t, err)
		_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Main")})
		apiErr(t, err, "NoSuchEntity", 404)
		l, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
		must(t, err)
		if len(l.PolicyNames) != 0 || l.IsTruncated || l.Marker != nil {
			t.Fatalf("list after delete: %+v", l)
		}
	})
	t.Run("method=ListRolePolicies/case=bad-paging", func(t *testing.T) {
		_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), Marker: aws.String("@@@")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(1001)})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=PutUserPolicy/case=pages-errors-quota", func(t *testing.T) {
		for _, n := range []string{"c", "A", "b"} {
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(n), PolicyDocument: aws.String(permDoc)})
			must(t, err)
		}
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U"), MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListUserPolicies", pages(t, list), "[[A b] [c]]")
		got, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("a")})
		must(t, err)
		if *got.UserName != "U" || *got.PolicyName != "A" || decode(t, got.PolicyDocument) != permDoc {
			t.Fatalf("GetUserPolicy: %+v", got)
		}
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("big"), PolicyDocument: aws.String(bigActions(1800))})
		apiErr(t, err, "LimitExceeded", 409) // 2,048 for all of a user's inline policies
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("big"), PolicyDocument: aws.String(bigActions(1500))})
		must(t, err)
		_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("A")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("A")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
		for _, n := range []string{"a", "B", "c", "big"} {
			_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String(n)})
			must(t, err)
		}
		wantPages(t, "ListUserPolicies after delete", pages(t, list), "[[]]")
		_, err = c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U"), Marker: aws.String("IzU")}) // "#5": past the end
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=PutGroupPolicy/case=pages-errors-quota", func(t *testing.T) {
		for _, n := range []string{"g3", "g1", "g2"} {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(n), PolicyDocument: aws.String(permDoc)})
			must(t, err)
		}
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("G"), MaxItems: aws.Int32(1), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListGroupPolicies", pages(t, list), "[[g1] [g2] [g3]]")
		got, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("G2")})
		must(t, err)
		if *got.GroupName != "G" || *got.PolicyName != "g2" || decode(t, got.PolicyDocument) != permDoc {
			t.Fatalf("GetGroupPolicy: %+v", got)
		}
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("bad"), PolicyDocument: aws.String("[]")})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("nope"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("big1"), PolicyDocument: aws.String(bigActions(2800))})
		must(t, err) // 5,120 for a group's: over a user's 2,048
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("big2"), PolicyDocument: aws.String(bigActions(2800))})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("big2")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("nope"), PolicyName: aws.String("g1")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("G1")})
		must(t, err)
		wantPages(t, "ListGroupPolicies after delete", pages(t, list), "[[big1] [g2] [g3]]")
	})
}

func TestCoverageManagedPolicies(t *testing.T) {
	e, c := newEnv(t)
	other := "arn:aws:iam::000000000000:policy/Theirs"
	missing := "arn:aws:iam::" + e.AccountID + ":policy/none"

	t.Run("method=CreatePolicy/case=validation-and-invalid-input", func(t *testing.T) {
		for name, in := range map[string]*iam.CreatePolicyInput{
			"bad-name":             {PolicyName: aws.String("bad name"), PolicyDocument: aws.String(permDoc)},
			"name-too-long":        {PolicyName: aws.String(strings.Repeat("p", 129)), PolicyDocument: aws.String(permDoc)},
			"bad-path":             {PolicyName: aws.String("p"), Path: aws.String("nopath"), PolicyDocument: aws.String(permDoc)},
			"description-too-long": {PolicyName: aws.String("p"), Description: aws.String(strings.Repeat("d", 1001)), PolicyDocument: aws.String(permDoc)},
		} {
			_, err := c.CreatePolicy(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			apiErr(t, err, "ValidationError", 400)
		}
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
		list := func(in iam.ListPoliciesInput) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				in := in
				in.Marker = m
				out, err := c.ListPolicies(ctx, &in)
				if err != nil {
					return nil, false, nil, err
				}
				var names []string
				for _, p := range out.Policies {
					names = append(names, *p.PolicyName)
				}
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "local /cov/", pages(t, list(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, PathPrefix: aws.String("/cov/"), MaxItems: aws.Int32(2)})),
			"[[CA cb] [cc dd]]")
		wantPages(t, "all /cov/sub/", pages(t, list(iam.ListPoliciesInput{PathPrefix: aws.String("/cov/sub/"), MaxItems: aws.Int32(1)})), "[[dd]]")
		wantPages(t, "aws", pages(t, list(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(2)})),
			"[[AdministratorAccess AmazonWorkMailFullAccess] [AmazonWorkMailReadOnlyAccess IAMFullAccess] [ReadOnlyAccess]]")
		wantPages(t, "local", pages(t, list(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal, MaxItems: aws.Int32(3)})),
			"[[Fields CA cb] [cc dd zz]]")
		all := pages(t, list(iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAll, MaxItems: aws.Int32(4)}))
		if strings.Count(all, " ")+1 != 11 { // 6 local, 5 AWS-managed
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
		wantPages(t, "attached permissions", pages(t, list(iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy, MaxItems: aws.Int32(1)})),
			"[[IAMFullAccess] [cb]]")
		wantPages(t, "attached boundaries", pages(t, list(iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary})),
			"[[dd]]")
		wantPages(t, "attached local", pages(t, list(iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeLocal, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})),
			"[[cb]]")
		wantPages(t, "attached aws", pages(t, list(iam.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeAws})),
			"[[IAMFullAccess]]")
		// Another account's attachments are not this one's.
		o := testenv2(t)
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

		for _, in := range []*iam.ListPoliciesInput{{Marker: aws.String("%%%")}, {MaxItems: aws.Int32(0)}, {Scope: types.PolicyScopeType("Mine")}, {PathPrefix: aws.String("cov")}} {
			_, err := c.ListPolicies(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=CreatePolicyVersion/case=default-and-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "Versioned")
		_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(bigActions(6500))})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &missing, PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("not-an-arn-but-long-enough"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "InvalidInput", 400)

		v2, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(altDoc)})
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
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn, MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
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
			return vs, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListPolicyVersions", pages(t, list), "[[v3* v2] [v1]]")
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v3")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")})
		must(t, err)
		wantPages(t, "after delete", pages(t, list), "[[v3* v2]]")

		for what, f := range map[string]func() error{
			"GetPolicyVersion": func() error {
				_, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})
				return err
			},
			"ListPolicyVersions": func() error {
				_, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &missing})
				return err
			},
			"DeletePolicyVersion": func() error {
				_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})
				return err
			},
			"SetDefaultPolicyVersion": func() error {
				_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &missing, VersionId: aws.String("v1")})
				return err
			},
			"SetDefaultPolicyVersion(deleted version)": func() error {
				_, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")})
				return err
			},
		} {
			err := f()
			if err == nil {
				t.Fatalf("%s: no error", what)
			}
			apiErr(t, err, "NoSuchEntity", 404)
		}
		for _, in := range []*iam.GetPolicyVersionInput{{PolicyArn: &arn, VersionId: aws.String("1")}, {PolicyArn: &arn, VersionId: aws.String("version1")}} {
			_, err := c.GetPolicyVersion(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
		_, err = c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn, Marker: aws.String("IzU")})
		apiErr(t, err, "ValidationError", 400)

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
		_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: admin, VersionId: aws.String("v1")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: admin, VersionId: aws.String("v1")})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=TagPolicy/case=pages-limits-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "Tagged")
		_, err := c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("c", "3"), tag("A", "1"), tag("b", "2")}})
		must(t, err)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("a", "one")}})
		must(t, err)
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn, MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			var kv []string
			for _, t := range out.Tags {
				kv = append(kv, *t.Key+"="+*t.Value)
			}
			return kv, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListPolicyTags", pages(t, list), "[[a=one b=2] [c=3]]")
		p, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if len(p.Policy.Tags) != 3 {
			t.Fatalf("GetPolicy tags: %+v", p.Policy.Tags)
		}
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: manyTags(48, "t")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: manyTags(47, "t")})
		must(t, err) // exactly 50
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("x", "1"), tag("X", "2")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{tag("aws:x", "1")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &missing, Tags: []types.Tag{tag("x", "1")}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Tags: []types.Tag{tag("x", "1")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &missing, TagKeys: []string{"a"}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), TagKeys: []string{"a"}})
		apiErr(t, err, "InvalidInput", 400)
		var keys []string
		for i := 0; i < 47; i++ {
			keys = append(keys, fmt.Sprintf("T%d", i))
		}
		_, err = c.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &arn, TagKeys: append(keys, "B")})
		must(t, err)
		wantPages(t, "after untag", pages(t, list), "[[a=one c=3]]")
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
		must(t, func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r1"), PolicyArn: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r2"), PolicyArn: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u1"), PolicyArn: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u3"), PolicyArn: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g1"), PolicyArn: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r3"), PermissionsBoundary: &arn})
			return err
		}())
		must(t, func() error {
			_, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u2"), PermissionsBoundary: &arn})
			return err
		}())
		must(t, func() error { // u3 both: attached and bounded by it
			_, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("u3"), PermissionsBoundary: &arn})
			return err
		}())
		wantCounts(t, c, arn, 5, 3)

		list := func(in iam.ListEntitiesForPolicyInput) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				in := in
				in.PolicyArn, in.Marker = &arn, m
				out, err := c.ListEntitiesForPolicy(ctx, &in)
				if err != nil {
					return nil, false, nil, err
				}
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
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "roles", pages(t, list(iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeRole, MaxItems: aws.Int32(2)})), "[[role:r1 role:r2] [role:r3]]")
		wantPages(t, "users attached", pages(t, list(iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})),
			"[[user:u1 user:u3]]")
		wantPages(t, "boundaries", pages(t, list(iam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary, MaxItems: aws.Int32(1)})),
			"[[role:r3] [user:u2] [user:u3]]")
		wantPages(t, "groups", pages(t, list(iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeGroup})), "[[group:g1]]")
		wantPages(t, "path /x/", pages(t, list(iam.ListEntitiesForPolicyInput{PathPrefix: aws.String("/x/")})), "[[role:r1]]")
		all := pages(t, list(iam.ListEntitiesForPolicyInput{MaxItems: aws.Int32(3)}))
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
		wantPages(t, "users after detach", pages(t, list(iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})),
			"[[user:u3]]")
		_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn, EntityFilter: types.EntityType("Robot")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn, Marker: aws.String("IzEwMA")})
		apiErr(t, err, "ValidationError", 400)
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
		steps := []struct {
			what  string
			do    func() error
			count int32
		}{
			{"attach user", func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("att"), PolicyArn: &arn})
				return err
			}, 1},
			{"attach user again", func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &arn})
				return err
			}, 1},
			{"attach group", func() error {
				_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("ATT"), PolicyArn: &arn})
				return err
			}, 2},
			{"attach group again", func() error {
				_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &arn})
				return err
			}, 2},
			{"attach role", func() error {
				_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Att"), PolicyArn: &arn})
				return err
			}, 3},
			{"detach user", func() error {
				_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("ATT"), PolicyArn: &arn})
				return err
			}, 2},
			{"detach role", func() error {
				_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("att"), PolicyArn: &arn})
				return err
			}, 1},
		}
		for _, s := range steps {
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
		users := func(prefix *string, n int32) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				out, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("att"), PathPrefix: prefix, MaxItems: aws.Int32(n), Marker: m})
				if err != nil {
					return nil, false, nil, err
				}
				var names []string
				for _, p := range out.AttachedPolicies {
					names = append(names, *p.PolicyName)
				}
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "user", pages(t, users(nil, 2)), "[[ReadOnlyAccess ua] [ub]]")
		wantPages(t, "user /att/", pages(t, users(aws.String("/att/"), 1)), "[[ua] [ub]]")
		groups := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("att"), MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, p := range out.AttachedPolicies {
				names = append(names, *p.PolicyName+"="+*p.PolicyArn)
			}
			return names, out.IsTruncated, out.Marker, nil
		}
		base := "arn:aws:iam::" + e.AccountID + ":policy/"
		wantPages(t, "group", pages(t, groups), "[[Counted="+base+"Counted ua="+base+"att/ua] [ub="+base+"att/ub]]")
		roles, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("Att")})
		must(t, err)
		if len(roles.AttachedPolicies) != 0 || roles.IsTruncated {
			t.Fatalf("role: %+v", roles)
		}

		for what, f := range map[string]func() error{
			"AttachUserPolicy(no user)": func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: &arn})
				return err
			},
			"AttachUserPolicy(no policy)": func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &missing})
				return err
			},
			"AttachUserPolicy(other account)": func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: &other})
				return err
			},
			"AttachGroupPolicy(no group)": func() error {
				_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("nope"), PolicyArn: &arn})
				return err
			},
			"AttachGroupPolicy(no policy)": func() error {
				_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &missing})
				return err
			},
			"DetachUserPolicy(no user)": func() error {
				_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: &arn})
				return err
			},
			"DetachGroupPolicy(no group)": func() error {
				_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("nope"), PolicyArn: &arn})
				return err
			},
			"DetachGroupPolicy(not attached)": func() error {
				_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &ro})
				return err
			},
			"DetachGroupPolicy(no policy)": func() error {
				_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: &missing})
				return err
			},
			"DetachRolePolicy(no role)": func() error {
				_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("nope"), PolicyArn: &arn})
				return err
			},
			"ListAttachedUserPolicies(no user)": func() error {
				_, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("nobody")})
				return err
			},
			"ListAttachedGroupPolicies(no group)": func() error {
				_, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("nope")})
				return err
			},
		} {
			err := f()
			if err == nil {
				t.Fatalf("%s: no error", what)
			}
			apiErr(t, err, "NoSuchEntity", 404)
		}
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("Att"), Marker: aws.String("IzQ")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("Att"), MaxItems: aws.Int32(0)})
		apiErr(t, err, "ValidationError", 400)

		// Quotas: 10 managed policies per user and per group.
		var quota []string
		for i := 0; i < 8; i++ {
			quota = append(quota, createPolicy(t, c, fmt.Sprintf("AttQ%d", i)))
		}
		for i, a := range quota {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Att"), PolicyArn: aws.String(a)})
			if i < 7 { // the user has 3
				must(t, err)
				continue
			}
			apiErr(t, err, "LimitExceeded", 409)
			if message(err) != "Cannot exceed quota for PoliciesPerUser: 10" {
				t.Fatalf("message: %s", message(err))
			}
		}
		for i, a := range quota {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("Att"), PolicyArn: aws.String(a)})
			if i < 7 { // the group has 3
				must(t, err)
				continue
			}
			apiErr(t, err, "LimitExceeded", 409)
			if message(err) != "Cannot exceed quota for PoliciesPerGroup: 10" {
				t.Fatalf("message: %s", message(err))
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
		_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
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

func TestCoverageUsers(t *testing.T) {
	e, c := newEnv(t)

	t.Run("method=CreateUser/case=validation-and-invalid-input", func(t *testing.T) {
		for name, in := range map[string]*iam.CreateUserInput{
			"bad-name":      {UserName: aws.String("bad name")},
			"name-too-long": {UserName: aws.String(strings.Repeat("u", 65))},
			"bad-path":      {UserName: aws.String("u"), Path: aws.String("nopath")},
			"too-many-tags": {UserName: aws.String("u"), Tags: manyTags(51, "t")},
		} {
			_, err := c.CreateUser(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			apiErr(t, err, "ValidationError", 400)
		}
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{tag("aws:k", "v")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListUsers/case=prefix-pages", func(t *testing.T) {
		for _, u := range []struct{ name, path string }{{"cc", "/cov/"}, {"ca", "/cov/"}, {"CB", "/cov/"}, {"dd", "/cov/sub/"}, {"root-level", "/"}} {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.name), Path: aws.String(u.path)})
			must(t, err)
		}
		list := func(prefix *string, n int32) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				out, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: prefix, MaxItems: aws.Int32(n), Marker: m})
				if err != nil {
					return nil, false, nil, err
				}
				var names []string
				for _, u := range out.Users {
					names = append(names, *u.UserName)
					if u.Arn == nil || u.UserId == nil || u.CreateDate == nil || u.Path == nil {
						t.Fatalf("user: %+v", u)
					}
				}
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "/cov/", pages(t, list(aws.String("/cov/"), 2)), "[[ca CB] [cc dd]]")
		wantPages(t, "/cov/sub/", pages(t, list(aws.String("/cov/sub/"), 2)), "[[dd]]")
		wantPages(t, "all", pages(t, list(nil, 1)), "[[root-level] [ca] [CB] [cc] [dd]]")
		for _, in := range []*iam.ListUsersInput{{Marker: aws.String("***")}, {MaxItems: aws.Int32(1001)}, {PathPrefix: aws.String("cov/")}} {
			_, err := c.ListUsers(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=UpdateUser/case=rename-carries-keys-groups-policies", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kim")})
		must(t, err)
		key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")})
		must(t, err)
		_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Kims")})
		must(t, err)
		_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Kims"), UserName: aws.String("kim")})
		must(t, err)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("kim"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("kim"), Tags: []types.Tag{tag("k", "v")}})
		must(t, err)

		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("KIM"), NewUserName: aws.String("Kimberly"), NewPath: aws.String("/new/")})
		must(t, err)
		_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kim")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("kim")})
		apiErr(t, err, "NoSuchEntity", 404)
		keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("kimberly")})
		must(t, err)
		if len(keys.AccessKeyMetadata) != 1 || *keys.AccessKeyMetadata[0].AccessKeyId != *key.AccessKey.AccessKeyId || *keys.AccessKeyMetadata[0].UserName != "Kimberly" {
			t.Fatalf("keys after rename: %+v", keys.AccessKeyMetadata)
		}
		id, err := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		if *id.Arn != "arn:aws:iam::"+e.AccountID+":user/new/Kimberly" {
			t.Fatalf("caller after rename: %s", *id.Arn)
		}
		g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Kims")})
		must(t, err)
		if len(g.Users) != 1 || *g.Users[0].UserName != "Kimberly" || *g.Users[0].Arn != "arn:aws:iam::"+e.AccountID+":user/new/Kimberly" {
			t.Fatalf("members after rename: %+v", g.Users)
		}
		pols, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("Kimberly")})
		must(t, err)
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Kimberly")})
		must(t, err)
		if len(pols.PolicyNames) != 1 || len(tags.Tags) != 1 {
			t.Fatalf("policies %v, tags %v after rename", pols.PolicyNames, tags.Tags)
		}
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewPath: aws.String("nopath")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewUserName: aws.String("CA")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewUserName: aws.String("KIMBERLY")})
		must(t, err) // a change of case only
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kimberly")})
		if *u.User.UserName != "KIMBERLY" {
			t.Fatalf("case change: %+v", u.User)
		}
	})
	t.Run("method=DeleteUser/case=every-conflict", func(t *testing.T) {
		name := aws.String("KIMBERLY")
		arn := createPolicy(t, c, "KimsPolicy")
		_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: name, PolicyArn: &arn})
		must(t, err)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: name, PermissionsBoundary: &arn})
		must(t, err)
		keys, _ := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: name})
		for _, s := range []struct {
			message string
			resolve func() error
		}{
			{"must delete access keys first", func() error {
				_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId})
				return err
			}},
			{"must remove users from group first", func() error {
				_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Kims"), UserName: name})
				return err
			}},
			{"must delete policies first", func() error {
				_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String("p")})
				return err
			}},
			{"must detach all policies first", func() error {
				_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: name, PolicyArn: &arn})
				return err
			}},
		} {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
			apiErr(t, err, "DeleteConflict", 409)
			if !strings.Contains(message(err), s.message) {
				t.Fatalf("message %q, want %q", message(err), s.message)
			}
			must(t, s.resolve())
		}
		wantCounts(t, c, arn, 0, 1)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("kimberly")}) // tags and a boundary do not hold it
		must(t, err)
		wantCounts(t, c, arn, 0, 0)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Kimberly")})
		must(t, err)
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Kimberly")})
		must(t, err)
		g, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("Kimberly")})
		must(t, err)
		if len(tags.Tags) != 0 || len(g.Groups) != 0 {
			t.Fatalf("the new user inherits: tags %v, groups %v", tags.Tags, g.Groups)
		}
	})
	t.Run("method=PutUserPermissionsBoundary/case=counts-and-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "UserBoundary")
		for _, u := range []string{"ca", "CB"} {
			_, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(u), PermissionsBoundary: &arn})
			must(t, err)
		}
		_, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("ca"), PermissionsBoundary: &arn})
		must(t, err) // again: still one use
		wantCounts(t, c, arn, 0, 2)
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ca")})
		if b := u.User.PermissionsBoundary; b == nil || *b.PermissionsBoundaryArn != arn || b.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
			t.Fatalf("boundary: %+v", b)
		}
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("nobody"), PermissionsBoundary: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("ca"), PermissionsBoundary: aws.String("not-an-arn-but-long-enough")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("ca"), PermissionsBoundary: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "NoSuchEntity", 404)
		// Replacing a boundary moves its use.
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("CB"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		must(t, err)
		wantCounts(t, c, arn, 0, 1)
		wantCounts(t, c, "arn:aws:iam::aws:policy/ReadOnlyAccess", 0, 1)
		_, err = c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("CA")})
		must(t, err)
		wantCounts(t, c, arn, 0, 0)
		u, _ = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ca")})
		if u.User.PermissionsBoundary != nil {
			t.Fatalf("boundary after delete: %+v", u.User.PermissionsBoundary)
		}
	})
	t.Run("method=TagUser/case=pages-limits-errors", func(t *testing.T) {
		_, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("z", "1"), tag("y", "2"), tag("x", "3")}})
		must(t, err)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("Y", "two")}})
		must(t, err)
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("DD"), MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			var kv []string
			for _, t := range out.Tags {
				kv = append(kv, *t.Key+"="+*t.Value)
			}
			return kv, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListUserTags", pages(t, list), "[[x=3 Y=two] [z=1]]")
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: manyTags(48, "t")})
		apiErr(t, err, "LimitExceeded", 409)
		wantPages(t, "after refused tags", pages(t, list), "[[x=3 Y=two] [z=1]]")
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("q", "1"), tag("Q", "1")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("aws:q", "1")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("dd"), TagKeys: []string{"X", "Z"}})
		must(t, err)
		wantPages(t, "after untag", pages(t, list), "[[Y=two]]")
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dd")})
		if len(u.User.Tags) != 1 {
			t.Fatalf("GetUser tags: %+v", u.User.Tags)
		}
		_, err = c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("dd"), Marker: aws.String("IzI")})
		apiErr(t, err, "ValidationError", 400)
	})
}

func TestCoverageGroups(t *testing.T) {
	e, c := newEnv(t)
	for _, u := range []string{"carl", "Anna", "bert"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
	}

	t.Run("method=CreateGroup/case=validation", func(t *testing.T) {
		for _, in := range []*iam.CreateGroupInput{{GroupName: aws.String("bad name")}, {GroupName: aws.String(strings.Repeat("g", 129))}, {GroupName: aws.String("g"), Path: aws.String("x")}} {
			_, err := c.CreateGroup(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=GetGroup/case=members-in-pages", func(t *testing.T) {
		out, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Team")})
		must(t, err)
		if *out.Group.Path != "/" || *out.Group.Arn != "arn:aws:iam::"+e.AccountID+":group/Team" {
			t.Fatalf("group: %+v", out.Group)
		}
		empty, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("team")})
		must(t, err)
		if *empty.Group.GroupName != "Team" || len(empty.Users) != 0 || empty.IsTruncated || empty.Marker != nil {
			t.Fatalf("empty group: %+v", empty)
		}
		for _, u := range []string{"carl", "anna", "BERT"} {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("team"), UserName: aws.String(u)})
			must(t, err)
		}
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team"), MaxItems: aws.Int32(2), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			if *out.Group.GroupName != "Team" {
				t.Fatalf("group: %+v", out.Group)
			}
			var names []string
			for _, u := range out.Users {
				names = append(names, *u.UserName)
			}
			return names, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "GetGroup", pages(t, list), "[[Anna bert] [carl]]")
		_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team"), Marker: aws.String("nope")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team"), MaxItems: aws.Int32(0)})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=ListGroups/case=prefix-pages", func(t *testing.T) {
		for _, g := range []struct{ name, path string }{{"ops", "/eng/"}, {"Dev", "/eng/"}, {"qa", "/eng/test/"}, {"sales", "/biz/"}} {
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g.name), Path: aws.String(g.path)})
			must(t, err)
		}
		list := func(prefix *string, n int32) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				out, err := c.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: prefix, MaxItems: aws.Int32(n), Marker: m})
				if err != nil {
					return nil, false, nil, err
				}
				var names []string
				for _, g := range out.Groups {
					names = append(names, *g.GroupName)
				}
				return names, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "/eng/", pages(t, list(aws.String("/eng/"), 2)), "[[Dev ops] [qa]]")
		wantPages(t, "all", pages(t, list(nil, 2)), "[[Team sales] [Dev ops] [qa]]")
		for _, in := range []*iam.ListGroupsInput{{Marker: aws.String("~~")}, {MaxItems: aws.Int32(1001)}, {PathPrefix: aws.String("eng")}} {
			_, err := c.ListGroups(ctx, in)
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=ListGroupsForUser/case=pages", func(t *testing.T) {
		for _, g := range []string{"ops", "dev", "QA"} {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("anna")})
			must(t, err)
		}
		list := func(m *string) ([]string, bool, *string, error) {
			out, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ANNA"), MaxItems: aws.Int32(3), Marker: m})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, g := range out.Groups {
				names = append(names, *g.GroupName)
				if g.Arn == nil || g.GroupId == nil || g.Path == nil {
					t.Fatalf("group: %+v", g)
				}
			}
			return names, out.IsTruncated, out.Marker, nil
		}
		wantPages(t, "ListGroupsForUser", pages(t, list), "[[Dev ops qa] [Team]]")
		_, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("anna"), Marker: aws.String("IzEw")})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=UpdateGroup/case=path-and-validation", func(t *testing.T) {
		_, err := c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("qa"), NewPath: aws.String("/eng/quality/")})
		must(t, err)
		g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("qa")})
		must(t, err)
		if *g.Group.Arn != "arn:aws:iam::"+e.AccountID+":group/eng/quality/qa" || *g.Group.Path != "/eng/quality/" {
			t.Fatalf("group: %+v", g.Group)
		}
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("qa"), NewGroupName: aws.String("Quality")})
		must(t, err)
		fu, _ := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("anna")})
		found := false
		for _, g := range fu.Groups {
			found = found || *g.GroupName == "Quality"
		}
		if !found {
			t.Fatalf("membership after rename: %+v", fu.Groups)
		}
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Quality"), NewGroupName: aws.String("bad name")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Quality"), NewGroupName: aws.String("OPS")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		if !strings.Contains(message(err), "OPS") {
			t.Fatalf("message: %s", message(err))
		}
	})
	t.Run("method=RemoveUserFromGroup/case=errors", func(t *testing.T) {
		_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("nope"), UserName: aws.String("anna")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Team"), UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("sales"), UserName: aws.String("anna")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("TEAM"), UserName: aws.String("Carl")})
		must(t, err)
		g, _ := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team")})
		if len(g.Users) != 2 {
			t.Fatalf("members: %+v", g.Users)
		}
	})
	t.Run("method=DeleteGroup/case=every-conflict", func(t *testing.T) {
		arn := createPolicy(t, c, "SalesPolicy")
		_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("sales"), UserName: aws.String("bert")})
		must(t, err)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("sales"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("sales"), PolicyArn: &arn})
		must(t, err)
		for _, s := range []struct {
			message string
			resolve func() error
		}{
			{"must remove users from group first", func() error {
				_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("sales"), UserName: aws.String("bert")})
				return err
			}},
			{"must delete policies first", func() error {
				_, err := c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("sales"), PolicyName: aws.String("p")})
				return err
			}},
			{"must detach all policies first", func() error {
				_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("sales"), PolicyArn: &arn})
				return err
			}},
		} {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("Sales")})
			apiErr(t, err, "DeleteConflict", 409)
			if !strings.Contains(message(err), s.message) {
				t.Fatalf("message %q, want %q", message(err), s.message)
			}
			must(t, s.resolve())
		}
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("SALES")})
		must(t, err)
		_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("sales")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("sales")})
		apiErr(t, err, "NoSuchEntity", 404)
		wantCounts(t, c, arn, 0, 0)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("bad name")})
		apiErr(t, err, "ValidationError", 400)
	})
}

func TestCoverageAccessKeys(t *testing.T) {
	e, c := newEnv(t)
	for _, u := range []string{"Ada", "Bo"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
	}
	ada, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ada")})
	must(t, err)
	adaID := ada.AccessKey.AccessKeyId

	t.Run("method=CreateAccessKey/case=root-quota-and-pages", func(t *testing.T) {
		out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		must(t, err)
		k := out.AccessKey
		if k.Status != types.StatusTypeActive || len(*k.SecretAccessKey) != 40 || k.CreateDate == nil {
			t.Fatalf("root key: %+v", k)
		}
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		apiErr(t, err, "LimitExceeded", 409) // the environment's key and this one
		list := func(user *string) func(*string) ([]string, bool, *string, error) {
			return func(m *string) ([]string, bool, *string, error) {
				out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: user, MaxItems: aws.Int32(1), Marker: m})
				if err != nil {
					return nil, false, nil, err
				}
				var ids []string
				for _, k := range out.AccessKeyMetadata {
					ids = append(ids, *k.AccessKeyId)
				}
				return ids, out.IsTruncated, out.Marker, nil
			}
		}
		wantPages(t, "root keys", pages(t, list(nil)), "[["+e.AccessKey+"] ["+*k.AccessKeyId+"]]")
		// The new root key works, and the root deletes it.
		root := iam.NewFromConfig(e.AWSConfigFor(*k.AccessKeyId, *k.SecretAccessKey, ""))
		_, err = root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: k.AccessKeyId})
		must(t, err)
		wantPages(t, "root keys after delete", pages(t, list(nil)), "[["+e.AccessKey+"]]")

		second, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Ada")})
		must(t, err)
		wantPages(t, "Ada's keys", pages(t, list(aws.String("ADA"))), "[["+*adaID+"] ["+*second.AccessKey.AccessKeyId+"]]")
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Ada"), AccessKeyId: second.AccessKey.AccessKeyId})
		must(t, err)
		wantPages(t, "Bo's keys", pages(t, list(aws.String("Bo"))), "[[]]")
		_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Ada"), Marker: aws.String("IzM")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bad name")})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=UpdateAccessKey/case=ok-and-errors", func(t *testing.T) {
		_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ada"), AccessKeyId: adaID, Status: types.StatusTypeInactive})
		must(t, err)
		keys, _ := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Ada")})
		if len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != types.StatusTypeInactive {
			t.Fatalf("keys: %+v", keys.AccessKeyMetadata)
		}
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Ada"), AccessKeyId: adaID, Status: types.StatusTypeActive})
		must(t, err)
		for what, in := range map[string]*iam.UpdateAccessKeyInput{
			"unknown key":      {UserName: aws.String("Ada"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA"), Status: types.StatusTypeInactive},
			"another's key":    {UserName: aws.String("Bo"), AccessKeyId: adaID, Status: types.StatusTypeInactive},
			"no such user":     {UserName: aws.String("nobody"), AccessKeyId: adaID, Status: types.StatusTypeInactive},
			"not the root key": {AccessKeyId: adaID, Status: types.StatusTypeInactive},
		} {
			_, err := c.UpdateAccessKey(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", what)
			}
			apiErr(t, err, "NoSuchEntity", 404)
		}
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Ada"), AccessKeyId: aws.String("AKIA"), Status: types.StatusTypeInactive})
		apiErr(t, err, "ValidationError", 400) // under the model's 16 characters
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Ada"), AccessKeyId: adaID, Status: types.StatusType("Paused")})
		apiErr(t, err, "ValidationError", 400)
		keys, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Ada")})
		if keys.AccessKeyMetadata[0].Status != types.StatusTypeActive {
			t.Fatalf("a refused update changed the key: %+v", keys.AccessKeyMetadata)
		}
	})
	t.Run("method=GetAccessKeyLastUsed/case=unused-then-used", func(t *testing.T) {
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		if *last.UserName != "Ada" || last.AccessKeyLastUsed.LastUsedDate != nil || *last.AccessKeyLastUsed.ServiceName != "N/A" || *last.AccessKeyLastUsed.Region != "N/A" {
			t.Fatalf("unused: %+v", last.AccessKeyLastUsed)
		}
		// Under the policy engine the user needs an identity policy to call IAM.
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Ada"), PolicyName: aws.String("keys"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:ListAccessKeys","iam:GetAccessKeyLastUsed"],"Resource":"*"}}`)})
		must(t, err)
		before := time.Now().Add(-2 * time.Second)
		user := iam.NewFromConfig(e.AWSConfigFor(*adaID, *ada.AccessKey.SecretAccessKey, ""))
		mine, err := user.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(mine.AccessKeyMetadata) != 1 || *mine.AccessKeyMetadata[0].UserName != "Ada" {
			t.Fatalf("the user's own keys: %+v", mine.AccessKeyMetadata)
		}
		after := time.Now().Add(2 * time.Second)
		last, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		u := last.AccessKeyLastUsed
		if u.LastUsedDate == nil || u.LastUsedDate.Before(before) || u.LastUsedDate.After(after) || *u.ServiceName != "iam" || *u.Region != e.Region || *last.UserName != "Ada" {
			t.Fatalf("used: %+v (between %v and %v)", u, before, after)
		}
		// The user may ask about its own key.
		own, err := user.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		if own.AccessKeyLastUsed.LastUsedDate == nil {
			t.Fatalf("own: %+v", own.AccessKeyLastUsed)
		}
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIA")})
		apiErr(t, err, "ValidationError", 400)
		// Another account does not see the key.
		_, err = testenv2(t).GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteAccessKey/case=errors-then-ok", func(t *testing.T) {
		for what, in := range map[string]*iam.DeleteAccessKeyInput{
			"unknown key":      {UserName: aws.String("Ada"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")},
			"another's key":    {UserName: aws.String("Bo"), AccessKeyId: adaID},
			"no such user":     {UserName: aws.String("nobody"), AccessKeyId: adaID},
			"not the root key": {AccessKeyId: adaID},
		} {
			_, err := c.DeleteAccessKey(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", what)
			}
			apiErr(t, err, "NoSuchEntity", 404)
		}
		_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Ada")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("ADA"), AccessKeyId: adaID})
		must(t, err)
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("Ada"), PolicyName: aws.String("keys")})
		must(t, err)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Ada")})
		must(t, err)
	})
}
