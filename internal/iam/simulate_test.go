package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestSimulateCustomPolicy(t *testing.T) {
	e, c := newEnv(t)
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Read\", \"Effect\": \"Allow\", \"Action\": \"iam:Get*\", \"Resource\": \"*\"},\n" +
		"    {\"Sid\": \"NoMFA\", \"Effect\": \"Deny\", \"Action\": \"iam:GetUser\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"false\"}}}\n  ]\n}"
	out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc},
		ActionNames:     []string{"iam:GetRole", "iam:GetUser", "iam:DeleteRole"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthPresent"), ContextKeyValues: []string{"false"},
			ContextKeyType: types.ContextKeyTypeEnumBoolean}},
	})
	must(t, err)
	if len(out.EvaluationResults) != 3 {
		t.Fatalf("results: %+v", out.EvaluationResults)
	}
	get, user, del := out.EvaluationResults[0], out.EvaluationResults[1], out.EvaluationResults[2]
	if get.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || len(get.MatchedStatements) != 1 || *get.EvalResourceName != "*" {
		t.Fatalf("GetRole: %+v", get)
	}
	m := get.MatchedStatements[0]
	// From just after the "[" to just after the statement's "}".
	if *m.SourcePolicyId != "PolicyInputList.1" || m.SourcePolicyType != "IAM Policy" || *m.StartPosition != (types.Position{Line: 3, Column: 17}) ||
		*m.EndPosition != (types.Position{Line: 4, Column: 78}) {
		t.Fatalf("matched statement: %+v %+v %+v", m, *m.StartPosition, *m.EndPosition)
	}
	// The explicit deny names its statement alone, from where the first
	// one ended.
	if user.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || len(user.MatchedStatements) != 1 ||
		*user.MatchedStatements[0].StartPosition != (types.Position{Line: 4, Column: 78}) || *user.MatchedStatements[0].EndPosition != (types.Position{Line: 5, Column: 145}) {
		t.Fatalf("GetUser: %+v %+v %+v", user, *user.MatchedStatements[0].StartPosition, *user.MatchedStatements[0].EndPosition)
	}
	if del.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || len(del.MatchedStatements) != 0 {
		t.Fatalf("DeleteRole: %+v", del)
	}
	if len(get.ResourceSpecificResults) != 1 || get.ResourceSpecificResults[0].EvalResourceDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("resource-specific: %+v", get.ResourceSpecificResults)
	}

	// Missing context, boundaries, pagination.
	out, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{doc},
		PermissionsBoundaryPolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`},
		ActionNames:                        []string{"iam:GetUser", "iam:GetRole"},
		ResourceArns:                       []string{"arn:aws:iam::" + e.AccountID + ":user/a"},
		MaxItems:                           aws.Int32(1),
	})
	must(t, err)
	r := out.EvaluationResults[0]
	if len(out.EvaluationResults) != 1 || !out.IsTruncated || r.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		len(r.MissingContextValues) != 0 || len(r.ResourceSpecificResults[0].MissingContextValues) != 1 ||
		r.ResourceSpecificResults[0].MissingContextValues[0] != "aws:MultiFactorAuthPresent" ||
		r.PermissionsBoundaryDecisionDetail == nil || !r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Fatalf("page 1: %+v", out)
	}
	out, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{doc},
		PermissionsBoundaryPolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`},
		ActionNames:                        []string{"iam:GetUser", "iam:GetRole"},
		ResourceArns:                       []string{"arn:aws:iam::" + e.AccountID + ":user/a"},
		Marker:                             out.Marker,
	})
	must(t, err)
	r = out.EvaluationResults[0]
	if r.EvalActionName == nil || *r.EvalActionName != "iam:GetRole" || r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Fatalf("page 2: %+v", r)
	}

	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":[]}`}, ActionNames: []string{"iam:GetUser"}})
	apiErr(t, err, "InvalidInput", 400)

	keys, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{doc,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:user/${aws:username}"}}`}})
	must(t, err)
	if len(keys.ContextKeyNames) != 2 || keys.ContextKeyNames[0] != "aws:MultiFactorAuthPresent" || keys.ContextKeyNames[1] != "aws:username" {
		t.Fatalf("keys: %v", keys.ContextKeyNames)
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("sim")})
	must(t, err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("sim"), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:List*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}`)})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("sim")})
	must(t, err)
	_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonWorkMailReadOnlyAccess")})
	must(t, err)
	bnd, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bnd"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"workmail:*","Resource":"*"}}`)})
	must(t, err)
	_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("sim"), PermissionsBoundary: bnd.Policy.Arn})
	must(t, err)
	arn := "arn:aws:iam::" + e.AccountID + ":user/sim"
	out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: &arn,
		ActionNames:    []string{"workmail:ListUsers", "iam:ListRoles"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:RequestedRegion"), ContextKeyValues: []string{"us-east-1"}, ContextKeyType: types.ContextKeyTypeEnumString}}})
	must(t, err)
	wm, ir := out.EvaluationResults[0], out.EvaluationResults[1]
	// The allowing statements of the identity policy and of the boundary.
	if wm.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || len(wm.MatchedStatements) != 2 ||
		*wm.MatchedStatements[1].SourcePolicyId != "bnd" || wm.MatchedStatements[1].SourcePolicyType != "Permissions Boundary Policy" ||
		*wm.MatchedStatements[0].SourcePolicyId != "AmazonWorkMailReadOnlyAccess" || wm.MatchedStatements[0].SourcePolicyType != "IAM Policy" {
		t.Fatalf("workmail: %+v", wm)
	}
	if ir.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || ir.PermissionsBoundaryDecisionDetail == nil || ir.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Fatalf("iam (capped by the boundary): %+v", ir)
	}
	keys, err := c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: &arn})
	must(t, err)
	if len(keys.ContextKeyNames) != 1 || keys.ContextKeyNames[0] != "aws:RequestedRegion" {
		t.Fatalf("keys: %v", keys.ContextKeyNames)
	}
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + e.AccountID + ":user/nobody"), ActionNames: []string{"iam:GetUser"}})
	apiErr(t, err, "NoSuchEntity", 404)
}
