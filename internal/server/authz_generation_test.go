package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/testenv"
)

// A policy change holds from the very next request, although the engine
// keeps principals' policies between requests.
func TestPolicyChangeEnforcedOnNextRequest(t *testing.T) {
	e := testenv.New(t, testenv.Options{})
	policyChanges(t, e, e)
}

// A policy change acknowledged by one replica holds on the other from
// its very next request, whichever replica the principal's policies
// were cached on.
func TestReplicasPolicyChangeEnforcedOnNextRequest(t *testing.T) {
	a, b := replicas(t)
	t.Run("write=A/read=B", func(t *testing.T) { policyChanges(t, a, b) })
	t.Run("write=B/read=A", func(t *testing.T) { policyChanges(t, b, a) })
}

// policyChanges changes, through the root on w, what a user and a role
// session may do, and checks each change on r at the next request, after
// r has served (and cached) the principal at least twice.
func policyChanges(t *testing.T, w, r *testenv.Env) {
	ctx := context.Background()
	root := w.IAM()
	suffix := ids.AccountID()
	user, group, role := "u"+suffix, "g"+suffix, "r"+suffix
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := func(effect, action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":"` + action + `","Resource":"*"}]}`)
	}
	allow, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("allow" + suffix), PolicyDocument: doc("Allow", "iam:ListRoles")})
	must(allow, err)
	wmOnly, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("wm" + suffix), PolicyDocument: doc("Allow", "workmail:*")})
	must(wmOnly, err)
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: &user}))
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &user})
	must(k, err)
	asUser := iam.NewFromConfig(r.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))

	// call checks the principal's ListRoles on r, twice so that the
	// second is served from what the first loaded.
	call := func(c *iam.Client, allowed bool, after string) {
		t.Helper()
		for i := 0; i < 2; i++ {
			_, err := c.ListRoles(ctx, &iam.ListRolesInput{})
			if allowed && err != nil {
				t.Fatalf("after %s: call %d refused: %v", after, i+1, err)
			}
			if !allowed {
				apiErr(t, err, "AccessDenied", 403)
			}
		}
	}
	call(asUser, false, "CreateUser")
	must(root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &user, PolicyArn: allow.Policy.Arn}))
	call(asUser, true, "AttachUserPolicy")
	must(root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &user, PolicyArn: allow.Policy.Arn}))
	call(asUser, false, "DetachUserPolicy")
	must(root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &user, PolicyArn: allow.Policy.Arn}))
	call(asUser, true, "AttachUserPolicy again")

	// The managed policy's default version.
	must(root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: allow.Policy.Arn, PolicyDocument: doc("Allow", "iam:GetUser"), SetAsDefault: true}))
	call(asUser, false, "CreatePolicyVersion (default)")
	must(root.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: allow.Policy.Arn, VersionId: aws.String("v1")}))
	call(asUser, true, "SetDefaultPolicyVersion")

	// Inline policies.
	must(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &user, PolicyName: aws.String("deny"), PolicyDocument: doc("Deny", "iam:List*")}))
	call(asUser, false, "PutUserPolicy (deny)")
	must(root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: &user, PolicyName: aws.String("deny")}))
	call(asUser, true, "DeleteUserPolicy")

	// The permissions boundary.
	must(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: &user, PermissionsBoundary: wmOnly.Policy.Arn}))
	call(asUser, false, "PutUserPermissionsBoundary")
	must(root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: &user}))
	call(asUser, true, "DeleteUserPermissionsBoundary")

	// Groups.
	must(root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &user, PolicyArn: allow.Policy.Arn}))
	call(asUser, false, "DetachUserPolicy")
	must(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: &group}))
	must(root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: &group, PolicyArn: allow.Policy.Arn}))
	must(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: &group, UserName: &user}))
	call(asUser, true, "AddUserToGroup")
	must(root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: &group, PolicyName: aws.String("deny"), PolicyDocument: doc("Deny", "iam:ListRoles")}))
	call(asUser, false, "PutGroupPolicy (deny)")
	must(root.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: &group, PolicyName: aws.String("deny")}))
	call(asUser, true, "DeleteGroupPolicy")
	must(root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: &group, UserName: &user}))
	call(asUser, false, "RemoveUserFromGroup")

	// A role session.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + w.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	must(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &role, AssumeRolePolicyDocument: &trust}))
	must(root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &role, PolicyArn: allow.Policy.Arn}))
	cr, err := w.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + w.AccountID + ":role/" + role), RoleSessionName: aws.String("sess")})
	must(cr, err)
	asRole := iam.NewFromConfig(r.AWSConfigFor(*cr.Credentials.AccessKeyId, *cr.Credentials.SecretAccessKey, *cr.Credentials.SessionToken))
	call(asRole, true, "AssumeRole")
	must(root.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &role, PolicyArn: allow.Policy.Arn}))
	call(asRole, false, "DetachRolePolicy")
	must(root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &role, PolicyName: aws.String("inline"), PolicyDocument: doc("Allow", "iam:ListRoles")}))
	call(asRole, true, "PutRolePolicy")
	must(root.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: &role, PermissionsBoundary: wmOnly.Policy.Arn}))
	call(asRole, false, "PutRolePermissionsBoundary")
}
