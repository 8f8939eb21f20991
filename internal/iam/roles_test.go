package iam_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

var roleIDPattern = regexp.MustCompile(`^AROA[A-Z2-7]{17}$`)

func TestRoles(t *testing.T) {
	e, c := newEnv(t)

	t.Run("method=CreateRole/case=ok", func(t *testing.T) {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Ops"), Path: aws.String("/team/ops/"),
			AssumeRolePolicyDocument: aws.String(trustDoc), Description: aws.String("ops role"), MaxSessionDuration: aws.Int32(7200),
			Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
		must(t, err)
		r := out.Role
		if *r.Arn != "arn:aws:iam::"+e.AccountID+":role/team/ops/Ops" || !roleIDPattern.MatchString(*r.RoleId) || *r.Path != "/team/ops/" ||
			*r.MaxSessionDuration != 7200 || *r.Description != "ops role" || len(r.Tags) != 1 || r.CreateDate == nil || r.RoleLastUsed != nil {
			t.Fatalf("role: %+v", r)
		}
		if decode(t, r.AssumeRolePolicyDocument) != trustDoc {
			t.Fatalf("document: %s", *r.AssumeRolePolicyDocument)
		}
	})
	t.Run("method=CreateRole/case=duplicate-name-ignoring-case", func(t *testing.T) {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("OPS"), AssumeRolePolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "EntityAlreadyExists", 409)
		if !strings.Contains(message(err), "OPS") {
			t.Fatalf("message: %s", message(err))
		}
	})
	t.Run("method=CreateRole/case=bad-trust-policies", func(t *testing.T) {
		for doc, want := range map[string]string{
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`:                                             "Missing required field Principal",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}`:              "Has prohibited field Resource",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}`:                   "Invalid principal in policy",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"Foo":{"a":1}}}}`: "Invalid Condition type : Foo",
			`not json`: "Syntax errors in policy.",
		} {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad-" + rnd()), AssumeRolePolicyDocument: aws.String(doc)})
			apiErr(t, err, "MalformedPolicyDocument", 400)
			if !strings.Contains(message(err), want) {
				t.Fatalf("%s: message %q, want %q", doc, message(err), want)
			}
		}
		// 2,048 characters, white space not counted.
		var principals []string
		for i := 0; i < 80; i++ {
			principals = append(principals, fmt.Sprintf(`"arn:aws:iam::%012d:root"`, i))
		}
		big := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sts:AssumeRole"}}`
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("big"), AssumeRolePolicyDocument: aws.String(big)})
		apiErr(t, err, "LimitExceeded", 409)
		spaced := strings.ReplaceAll(trustDoc, ",", ",\n      ")
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("spaced"), AssumeRolePolicyDocument: aws.String(spaced + strings.Repeat(" ", 3000))})
		must(t, err) // over 2,048 characters with white space, under without
	})
	t.Run("method=CreateRole/case=model-validation", func(t *testing.T) {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(trustDoc), MaxSessionDuration: aws.Int32(100)})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name"), AssumeRolePolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=GetRole/case=not-found", func(t *testing.T) {
		_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		if message(err) != "The role with name nope cannot be found." {
			t.Fatalf("message: %s", message(err))
		}
	})
	t.Run("method=GetRole/case=by-name-ignoring-case", func(t *testing.T) {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ops")})
		must(t, err)
		if *out.Role.RoleName != "Ops" || out.Role.RoleLastUsed == nil || len(out.Role.Tags) != 1 {
			t.Fatalf("role: %+v", out.Role)
		}
	})
	t.Run("method=UpdateRole/case=description-and-duration", func(t *testing.T) {
		_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Ops"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(43200)})
		must(t, err)
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Ops")})
		if *out.Role.Description != "new" || *out.Role.MaxSessionDuration != 43200 {
			t.Fatalf("role: %+v", out.Role)
		}
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Ops"), MaxSessionDuration: aws.Int32(43201)})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		d, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("Ops"), Description: aws.String("desc2")})
		must(t, err)
		if *d.Role.Description != "desc2" {
			t.Fatalf("UpdateRoleDescription: %+v", d.Role)
		}
		_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("nope"), Description: aws.String("x")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateAssumeRolePolicy/case=ok-and-errors", func(t *testing.T) {
		doc := `{"Version":"2012-10-17","Statement":[{"Sid":"svc","Effect":"Allow","Principal":{"Service":"workmail.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
		_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Ops"), PolicyDocument: aws.String(doc)})
		must(t, err)
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Ops")})
		if decode(t, out.Role.AssumeRolePolicyDocument) != doc {
			t.Fatal("trust policy not replaced")
		}
		_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Ops"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("nope"), PolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=TagRole/case=tags", func(t *testing.T) {
		_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Ops"), Tags: []types.Tag{{Key: aws.String("ENV"), Value: aws.String("dev")}, {Key: aws.String("a"), Value: aws.String("1")}}})
		must(t, err)
		tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Ops"), MaxItems: aws.Int32(1)})
		must(t, err)
		if len(tags.Tags) != 1 || !tags.IsTruncated || *tags.Tags[0].Key != "a" {
			t.Fatalf("page 1: %+v", tags)
		}
		tags2, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Ops"), Marker: tags.Marker})
		must(t, err)
		if len(tags2.Tags) != 1 || tags2.IsTruncated || *tags2.Tags[0].Key != "ENV" || *tags2.Tags[0].Value != "dev" {
			t.Fatalf("page 2 (a tag key is replaced ignoring case): %+v", tags2)
		}
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Ops"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("K"), Value: aws.String("2")}}})
		apiErr(t, err, "InvalidInput", 400)
		var many []types.Tag
		for i := 0; i < 49; i++ {
			many = append(many, types.Tag{Key: aws.String(fmt.Sprintf("t%d", i)), Value: aws.String("v")})
		}
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Ops"), Tags: many})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Ops"), TagKeys: []string{"env", "A"}})
		must(t, err)
		tags, _ = c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Ops")})
		if len(tags.Tags) != 0 {
			t.Fatalf("after untag: %+v", tags.Tags)
		}
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("nope"), Tags: many[:1]})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("nope"), TagKeys: []string{"a"}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=PutRolePermissionsBoundary/case=set-change-delete", func(t *testing.T) {
		arn := createPolicy(t, c, "Boundary")
		_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Ops"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		must(t, err)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Ops"), PermissionsBoundary: &arn})
		must(t, err)
		out, _ := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Ops")})
		if b := out.Role.PermissionsBoundary; b == nil || *b.PermissionsBoundaryArn != arn || b.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
			t.Fatalf("boundary: %+v", b)
		}
		p, _ := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if *p.Policy.PermissionsBoundaryUsageCount != 1 {
			t.Fatalf("usage count: %d", *p.Policy.PermissionsBoundaryUsageCount)
		}
		_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Ops"), PermissionsBoundary: aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("nope"), PermissionsBoundary: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("Ops")})
		must(t, err)
		out, _ = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Ops")})
		if out.Role.PermissionsBoundary != nil {
			t.Fatal("boundary still set")
		}
		_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bounded"), AssumeRolePolicyDocument: aws.String(trustDoc), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/Nope")})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=DeleteRole/case=conflicts", func(t *testing.T) {
		createRole(t, c, "Doomed")
		arn := createPolicy(t, c, "DoomedPolicy")
		_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("Doomed"), PolicyArn: &arn})
		must(t, err)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Doomed"), PolicyName: aws.String("in"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Doomed")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("Doomed"), PolicyName: aws.String("IN")})
		must(t, err)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Doomed")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("Doomed"), PolicyArn: &arn})
		must(t, err)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("doomed")})
		must(t, err)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Doomed")})
		apiErr(t, err, "NoSuchEntity", 404)
		createRole(t, c, "DOOMED") // the name is free again
	})
	t.Run("method=ServiceLinkedRole/case=protected", func(t *testing.T) {
		out, err := c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), Description: aws.String("slr")})
		must(t, err)
		name := *out.Role.RoleName
		if name != "AWSServiceRoleForWorkmail" || *out.Role.Path != "/aws-service-role/workmail.amazonaws.com/" {
			t.Fatalf("service-linked role: %+v", out.Role)
		}
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("nonsense")})
		apiErr(t, err, "InvalidInput", 400)
		arn := createPolicy(t, c, "SLRPolicy")
		for what, err := range map[string]error{
			"UpdateAssumeRolePolicy": func() error {
				_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: &name, PolicyDocument: aws.String(trustDoc)})
				return err
			}(),
			"PutRolePolicy": func() error {
				_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
				return err
			}(),
			"AttachRolePolicy": func() error {
				_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &name, PolicyArn: &arn})
				return err
			}(),
			"PutRolePermissionsBoundary": func() error {
				_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: &name, PermissionsBoundary: &arn})
				return err
			}(),
			"DeleteRole": func() error { _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &name}); return err }(),
		} {
			if err == nil {
				t.Fatalf("%s: allowed on a service-linked role", what)
			}
			apiErr(t, err, "UnmodifiableEntity", 400)
		}
		_, err = c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String("Ops")})
		apiErr(t, err, "InvalidInput", 400)
		del, err := c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: &name})
		must(t, err)
		st, err := c.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId})
		must(t, err)
		if st.Status != types.DeletionTaskStatusTypeSucceeded {
			t.Fatalf("status: %v", st.Status)
		}
		_, err = c.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String("task/aws-service-role/x/y/z")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String("bogus")})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: &name})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

func TestListRolesPagination(t *testing.T) {
	_, c := newEnv(t)
	for i := 0; i < 7; i++ {
		path := "/a/"
		if i%3 == 0 {
			path = "/b/"
		}
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("Role%d", i)), Path: &path, AssumeRolePolicyDocument: aws.String(trustDoc)})
		must(t, err)
	}
	t.Run("method=ListRoles/case=pages", func(t *testing.T) {
		var names []string
		p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			must(t, err)
			pages++
			for _, r := range out.Roles {
				names = append(names, *r.RoleName)
				if r.Tags != nil || r.PermissionsBoundary != nil || r.RoleLastUsed != nil {
					t.Fatalf("ListRoles returns members AWS leaves out: %+v", r)
				}
			}
		}
		if pages != 4 || fmt.Sprint(names) != "[Role1 Role2 Role4 Role5 Role0 Role3 Role6]" {
			t.Fatalf("%d pages: %v", pages, names)
		}
	})
	t.Run("method=ListRoles/case=path-prefix", func(t *testing.T) {
		out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/b")})
		must(t, err)
		if len(out.Roles) != 3 || out.IsTruncated || out.Marker != nil {
			t.Fatalf("prefix /b: %d %v", len(out.Roles), out.IsTruncated)
		}
	})
	t.Run("method=ListRoles/case=bad-marker", func(t *testing.T) {
		_, err := c.ListRoles(ctx, &iam.ListRolesInput{Marker: aws.String("!!!")})
		apiErr(t, err, "ValidationError", 400)
	})
}
