package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// A principal's policies are named as AWS names them: managed policies
// by name, inline policies as <kind>_<owner>_<policy>.
func TestSimulatePrincipalPolicySources(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("dave")})
	must(t, err)
	_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("read"), PolicyDocument: aws.String(allowDoc("s3:GetObject"))})
	must(t, err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dave"), PolicyName: aws.String("own"), PolicyDocument: aws.String(allowDoc("s3:PutObject"))})
	must(t, err)
	mp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("lister"), PolicyDocument: aws.String(allowDoc("s3:ListBucket"))})
	must(t, err)
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dave"), PolicyArn: mp.Policy.Arn})
	must(t, err)
	createRole(t, c, "app")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("x"), PolicyDocument: aws.String(allowDoc("s3:GetObject"))})
	must(t, err)

	source := func(kind, name, action string) (string, string) {
		t.Helper()
		out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + e.AccountID + ":" + kind + "/" + name),
			ActionNames: []string{action}})
		must(t, err)
		m := out.EvaluationResults[0].MatchedStatements
		if len(m) != 1 {
			t.Fatalf("%s %s: %+v", name, action, out.EvaluationResults[0])
		}
		return *m[0].SourcePolicyId, string(m[0].SourcePolicyType)
	}
	for _, tc := range []struct{ kind, name, action, id string }{
		{"user", "dave", "s3:GetObject", "group_devs_read"},
		{"user", "dave", "s3:PutObject", "user_dave_own"},
		{"user", "dave", "s3:ListBucket", "lister"},
		{"group", "devs", "s3:GetObject", "group_devs_read"},
		{"role", "app", "s3:GetObject", "role_app_x"},
	} {
		if id, typ := source(tc.kind, tc.name, tc.action); id != tc.id || typ != "IAM Policy" {
			t.Fatalf("%s %s %s: %s %s", tc.kind, tc.name, tc.action, id, typ)
		}
	}
}
