package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestInlinePolicies(t *testing.T) {
	_, c := newEnv(t)
	createRole(t, c, "R")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G")})
	must(t, err)

	t.Run("method=PutRolePolicy/case=roundtrip-url-encoded", func(t *testing.T) {
		doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"workmail:List*\", \"Resource\": \"*\"}\n}"
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Inline"), PolicyDocument: aws.String(doc)})
		must(t, err)
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("INLINE")})
		must(t, err)
		if *out.RoleName != "R" || *out.PolicyName != "Inline" || decode(t, out.PolicyDocument) != doc || strings.ContainsAny(*out.PolicyDocument, " \n+{") {
			t.Fatalf("GetRolePolicy: %+v %q", out, *out.PolicyDocument)
		}
		_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("x"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=PutRolePolicy/case=aggregate-quota", func(t *testing.T) {
		var actions []string
		for i := 0; i < 250; i++ {
			actions = append(actions, fmt.Sprintf(`"s3:Act%d"`, i))
		}
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}}` // ~3k
		for i := 0; i < 3; i++ {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String(fmt.Sprintf("big%d", i)), PolicyDocument: aws.String(doc)})
			must(t, err)
		}
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("big3"), PolicyDocument: aws.String(doc)})
		apiErr(t, err, "LimitExceeded", 409)
		// Replacing one counts the new document instead of the old.
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("BIG2"), PolicyDocument: aws.String(doc)})
		must(t, err)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("big"), PolicyDocument: aws.String(doc)})
		apiErr(t, err, "LimitExceeded", 409)
	})
	t.Run("method=ListRolePolicies/case=pages", func(t *testing.T) {
		out, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(3)})
		must(t, err)
		if fmt.Sprint(out.PolicyNames) != "[big0 big1 big2]" || !out.IsTruncated {
			t.Fatalf("page 1: %+v", out)
		}
		out, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), Marker: out.Marker})
		must(t, err)
		if fmt.Sprint(out.PolicyNames) != "[Inline]" || out.IsTruncated {
			t.Fatalf("page 2: %+v", out)
		}
		_, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=PutUserPolicy/case=users-and-groups", func(t *testing.T) {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		u, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		must(t, err)
		g, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		must(t, err)
		if decode(t, u.PolicyDocument) != permDoc || decode(t, g.PolicyDocument) != permDoc {
			t.Fatal("documents")
		}
		ul, _ := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U")})
		gl, _ := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("G")})
		if len(ul.PolicyNames) != 1 || len(gl.PolicyNames) != 1 {
			t.Fatal("lists")
		}
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("U")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("G")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		must(t, err)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		must(t, err)
		_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("nope"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

// TestInlinePolicyEdgeCases: replacement ignoring case, validation, paging
// and the per-principal size quotas of inline policies.
func TestInlinePolicyEdgeCases(t *testing.T) {
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
		wantErrors(t, "ValidationError", 400,
			call{"bad-policy-name", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("bad name"), PolicyDocument: aws.String(permDoc)})},
			call{"policy-name-too-long", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String(strings.Repeat("p", 129)), PolicyDocument: aws.String(permDoc)})},
			call{"bad-role-name", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("bad/role"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})},
		)
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
	})
	t.Run("method=DeleteRolePolicy/case=ok-and-missing", func(t *testing.T) {
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetRolePolicy-no-role", op(c.GetRolePolicy, &iam.GetRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})},
			call{"DeleteRolePolicy-no-role", op(c.DeleteRolePolicy, &iam.DeleteRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})},
		)
		_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("main")})
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
		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.ListRolePolicies, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), Marker: aws.String("@@@")})},
			call{"max-items-1001", op(c.ListRolePolicies, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(1001)})},
		)
	})
	t.Run("method=PutUserPolicy/case=pages-errors-quota", func(t *testing.T) {
		for _, n := range []string{"c", "A", "b"} {
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(n), PolicyDocument: aws.String(permDoc)})
			must(t, err)
		}
		list := func(m *string) (*iam.ListUserPoliciesOutput, error) {
			return c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U"), MaxItems: aws.Int32(2), Marker: m})
		}
		items := func(out *iam.ListUserPoliciesOutput) []string { return out.PolicyNames }
		wantPages(t, "ListUserPolicies", "[[A b] [c]]", list, items)
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
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetUserPolicy-no-user", op(c.GetUserPolicy, &iam.GetUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("A")})},
			call{"GetUserPolicy-no-policy", op(c.GetUserPolicy, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("none")})},
			call{"DeleteUserPolicy-no-user", op(c.DeleteUserPolicy, &iam.DeleteUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("A")})},
			call{"DeleteUserPolicy-no-policy", op(c.DeleteUserPolicy, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("none")})},
		)
		for _, n := range []string{"a", "B", "c", "big"} {
			_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String(n)})
			must(t, err)
		}
		wantPages(t, "ListUserPolicies after delete", "[[]]", list, items)
		_, err = c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U"), Marker: aws.String("IzU")}) // "#5": past the end
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=PutGroupPolicy/case=pages-errors-quota", func(t *testing.T) {
		for _, n := range []string{"g3", "g1", "g2"} {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(n), PolicyDocument: aws.String(permDoc)})
			must(t, err)
		}
		list := func(m *string) (*iam.ListGroupPoliciesOutput, error) {
			return c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("G"), MaxItems: aws.Int32(1), Marker: m})
		}
		items := func(out *iam.ListGroupPoliciesOutput) []string { return out.PolicyNames }
		wantPages(t, "ListGroupPolicies", "[[g1] [g2] [g3]]", list, items)
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
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetGroupPolicy-refused-policy", op(c.GetGroupPolicy, &iam.GetGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("big2")})},
			call{"DeleteGroupPolicy-no-group", op(c.DeleteGroupPolicy, &iam.DeleteGroupPolicyInput{GroupName: aws.String("nope"), PolicyName: aws.String("g1")})},
		)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("G1")})
		must(t, err)
		wantPages(t, "ListGroupPolicies after delete", "[[big1] [g2] [g3]]", list, items)
	})
}
