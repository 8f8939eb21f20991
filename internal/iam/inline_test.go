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
