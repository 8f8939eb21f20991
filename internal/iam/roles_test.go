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

// bigTrustDoc is a trust policy of over 2,048 characters, white space not
// counted.
func bigTrustDoc() string {
	var principals []string
	for i := 0; i < 80; i++ {
		principals = append(principals, fmt.Sprintf(`"arn:aws:iam::%012d:root"`, i))
	}
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sts:AssumeRole"}}`
}

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
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("big"), AssumeRolePolicyDocument: aws.String(bigTrustDoc())})
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
	t.Run("method=CreateServiceLinkedRole/case=protected", func(t *testing.T) {
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
		wantErrors(t, "UnmodifiableEntity", 400,
			call{"UpdateAssumeRolePolicy", op(c.UpdateAssumeRolePolicy, &iam.UpdateAssumeRolePolicyInput{RoleName: &name, PolicyDocument: aws.String(trustDoc)})},
			call{"PutRolePolicy", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})},
			call{"AttachRolePolicy", op(c.AttachRolePolicy, &iam.AttachRolePolicyInput{RoleName: &name, PolicyArn: &arn})},
			call{"PutRolePermissionsBoundary", op(c.PutRolePermissionsBoundary, &iam.PutRolePermissionsBoundaryInput{RoleName: &name, PermissionsBoundary: &arn})},
			call{"DeleteRole", op(c.DeleteRole, &iam.DeleteRoleInput{RoleName: &name})},
		)
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

// TestRoleEdgeCases: the validation errors, conflicts, paging and
// service-linked roles that TestRoles leaves out, on a role "Base".
func TestRoleEdgeCases(t *testing.T) {
	e, c := newEnv(t)
	createRole(t, c, "Base")
	role := func(name string) *iam.CreateRoleInput {
		return &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustDoc)}
	}
	with := func(in *iam.CreateRoleInput, f func(*iam.CreateRoleInput)) *iam.CreateRoleInput { f(in); return in }

	t.Run("method=CreateRole/case=invalid-input", func(t *testing.T) {
		wantErrors(t, "InvalidInput", 400,
			call{"service-role-path", op(c.CreateRole, with(role("svc"), func(in *iam.CreateRoleInput) { in.Path = aws.String("/aws-service-role/x/") }))},
			call{"reserved-tag-prefix", op(c.CreateRole, with(role("t1"), func(in *iam.CreateRoleInput) { in.Tags = []types.Tag{tag("aws:x", "1")} }))},
			call{"tag-keys-equal-ignoring-case", op(c.CreateRole, with(role("t2"), func(in *iam.CreateRoleInput) { in.Tags = []types.Tag{tag("k", "1"), tag("K", "2")} }))},
		)
		_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("t1")})
		apiErr(t, err, "NoSuchEntity", 404) // nothing of a refused role is left
	})
	t.Run("method=CreateRole/case=validation", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"name-too-long", op(c.CreateRole, role(strings.Repeat("r", 65)))},
			call{"path-without-slashes", op(c.CreateRole, with(role("p"), func(in *iam.CreateRoleInput) { in.Path = aws.String("team") }))},
			call{"description-too-long", op(c.CreateRole, with(role("d"), func(in *iam.CreateRoleInput) { in.Description = aws.String(strings.Repeat("d", 1001)) }))},
			call{"session-too-long", op(c.CreateRole, with(role("s"), func(in *iam.CreateRoleInput) { in.MaxSessionDuration = aws.Int32(43201) }))},
			call{"too-many-tags", op(c.CreateRole, with(role("t"), func(in *iam.CreateRoleInput) { in.Tags = manyTags(51, "t") }))},
		)
	})
	t.Run("method=CreateRole/case=with-boundary", func(t *testing.T) {
		arn := createPolicy(t, c, "RoleBoundary")
		out, err := c.CreateRole(ctx, with(role("Bounded"), func(in *iam.CreateRoleInput) { in.PermissionsBoundary = &arn }))
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
		_, err = c.CreateRole(ctx, with(role("Bounded"), func(in *iam.CreateRoleInput) {
			in.PermissionsBoundary = aws.String("arn:aws:iam::" + e.AccountID + ":policy/none")
		}))
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
			_, err := c.CreateRole(ctx, with(role(r.name), func(in *iam.CreateRoleInput) { in.Path = aws.String(r.path) }))
			must(t, err)
		}
		for _, tc := range []struct {
			prefix string
			max    int32
			want   string
		}{
			{"/p/", 2, "[[PA pb] [pc qd] [qe]]"},
			{"/p/q/", 1, "[[qd] [qe]]"},
			{"/p", 3, "[[PA pb pc] [qd qe other]]"},
			{"/none/", 3, "[[]]"},
			{"/", 4, "[[Base PA pb pc] [qd qe other]]"},
		} {
			wantPages(t, tc.prefix, tc.want, func(m *string) (*iam.ListRolesOutput, error) {
				return c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(tc.prefix), MaxItems: aws.Int32(tc.max), Marker: m})
			}, roleNames)
		}
		wantErrors(t, "ValidationError", 400,
			call{"max-items-0", op(c.ListRoles, &iam.ListRolesInput{MaxItems: aws.Int32(0)})},
			call{"max-items-1001", op(c.ListRoles, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})},
			call{"prefix-without-slash", op(c.ListRoles, &iam.ListRolesInput{PathPrefix: aws.String("p/")})},
		)
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
		_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String(bigTrustDoc())})
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
		list := func(m *string) (*iam.ListRoleTagsOutput, error) {
			return c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("base"), MaxItems: aws.Int32(2), Marker: m})
		}
		keys := func(out *iam.ListRoleTagsOutput) []string { return tagKeys(out.Tags) }
		wantPages(t, "ListRoleTags", "[[b c] [TEAM]]", list, keys)
		_, err = c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Base"), TagKeys: []string{"B", "never-set"}})
		must(t, err)
		wantPages(t, "after untag", "[[c TEAM]]", list, keys)
		wantErrors(t, "ValidationError", 400,
			call{"ListRoleTags-bad-marker", op(c.ListRoleTags, &iam.ListRoleTagsInput{RoleName: aws.String("Base"), Marker: aws.String("bm90LWEtbWFya2Vy")})},
			call{"ListRoleTags-max-items-0", op(c.ListRoleTags, &iam.ListRoleTagsInput{RoleName: aws.String("Base"), MaxItems: aws.Int32(0)})},
		)
	})
	t.Run("method=CreateServiceLinkedRole/case=suffix-and-protection", func(t *testing.T) {
		slr := func(suffix, description string) *iam.CreateServiceLinkedRoleInput {
			in := &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("workmail.amazonaws.com"), CustomSuffix: aws.String(suffix)}
			if description != "" {
				in.Description = aws.String(description)
			}
			return in
		}
		one, err := c.CreateServiceLinkedRole(ctx, slr("one", "first"))
		must(t, err)
		r := one.Role
		if *r.RoleName != "AWSServiceRoleForWorkmail_one" || *r.Arn != "arn:aws:iam::"+e.AccountID+":role/aws-service-role/workmail.amazonaws.com/AWSServiceRoleForWorkmail_one" ||
			*r.Description != "first" || !strings.Contains(decode(t, r.AssumeRolePolicyDocument), `"Service":"workmail.amazonaws.com"`) {
			t.Fatalf("role: %+v", r)
		}
		_, err = c.CreateServiceLinkedRole(ctx, slr("two", ""))
		must(t, err)
		wantErrors(t, "InvalidInput", 400,
			call{"suffix-taken-ignoring-case", op(c.CreateServiceLinkedRole, slr("ONE", ""))},
			call{"suffix-too-long", op(c.CreateServiceLinkedRole, slr(strings.Repeat("s", 60), ""))},
		)
		wantPages(t, "service roles", "[[AWSServiceRoleForWorkmail_one] [AWSServiceRoleForWorkmail_two]]", func(m *string) (*iam.ListRolesOutput, error) {
			return c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/aws-service-role/"), MaxItems: aws.Int32(1), Marker: m})
		}, roleNames)

		name := aws.String("AWSServiceRoleForWorkmail_one")
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, Description: aws.String("changed")})
		must(t, err) // the description of a service-linked role may change
		_, err = c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: name, Description: aws.String("again")})
		must(t, err)
		arn := createPolicy(t, c, "SLRCoverage")
		wantErrors(t, "UnmodifiableEntity", 400,
			call{"UpdateRole(MaxSessionDuration)", op(c.UpdateRole, &iam.UpdateRoleInput{RoleName: name, MaxSessionDuration: aws.Int32(7200)})},
			call{"DeleteRolePermissionsBoundary", op(c.DeleteRolePermissionsBoundary, &iam.DeleteRolePermissionsBoundaryInput{RoleName: name})},
			call{"DetachRolePolicy", op(c.DetachRolePolicy, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: &arn})},
			call{"DeleteRolePolicy", op(c.DeleteRolePolicy, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String("p")})},
		)
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
		_, err = otherAccount(t).GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}
