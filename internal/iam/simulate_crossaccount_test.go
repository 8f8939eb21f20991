package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const foreignAccount = "210987654321"

func allowDoc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

func resourceDoc(effect, principal, action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"` + effect + `","Principal":{"AWS":"` + principal + `"},"Action":"` + action + `","Resource":"*"}]}`
}

// Same account: the identity-based or the resource-based policy suffices;
// another account: both must allow, and EvalDecisionDetails says what
// each decided.
func TestSimulateCrossAccount(t *testing.T) {
	e, c := newEnv(t)
	if e.AccountID == foreignAccount {
		t.Fatal("the test needs another account")
	}
	alice := "arn:aws:iam::" + e.AccountID + ":user/alice"
	ownQueue := "arn:aws:sqs:us-east-1:" + e.AccountID + ":q"
	otherQueue := "arn:aws:sqs:us-east-1:" + foreignAccount + ":q"
	const send = "sqs:SendMessage"
	type details map[string]types.PolicyEvaluationDecisionType
	cases := []struct {
		name           string
		action         string // sqs:SendMessage unless given
		identity       []string
		boundary       []string
		resourcePolicy string
		resource       string
		owner          string
		want           types.PolicyEvaluationDecisionType
		details        details // nil: absent or empty
	}{
		{name: "same account, identity policy alone", identity: []string{allowDoc(send)}, resource: ownQueue, want: "allowed"},
		{name: "same account, resource policy naming the caller alone", resourcePolicy: resourceDoc("Allow", alice, send), resource: ownQueue, want: "allowed"},
		{name: "same account, resource policy naming the account delegates", resourcePolicy: resourceDoc("Allow", "arn:aws:iam::"+e.AccountID+":root", send),
			resource: ownQueue, want: "implicitDeny"},
		{name: "cross-account without a resource policy", identity: []string{allowDoc(send)}, resource: otherQueue, want: "implicitDeny",
			details: details{"IAM Policy": "allowed", "Resource Policy": "implicitDeny"}},
		{name: "cross-account with both", identity: []string{allowDoc(send)}, resourcePolicy: resourceDoc("Allow", alice, send), resource: otherQueue,
			want: "allowed", details: details{"IAM Policy": "allowed", "Resource Policy": "allowed"}},
		{name: "cross-account with the resource policy alone", resourcePolicy: resourceDoc("Allow", alice, send), resource: otherQueue,
			want: "implicitDeny", details: details{"IAM Policy": "implicitDeny", "Resource Policy": "allowed"}},
		{name: "cross-account, the caller's account named", identity: []string{allowDoc(send)},
			resourcePolicy: resourceDoc("Allow", e.AccountID, send), resource: otherQueue, want: "allowed",
			details: details{"IAM Policy": "allowed", "Resource Policy": "allowed"}},
		{name: "cross-account by ResourceOwner", action: "s3:GetObject", identity: []string{allowDoc("s3:GetObject")},
			resource: "arn:aws:s3:::bucket/key", owner: "arn:aws:iam::" + foreignAccount + ":root", want: "implicitDeny",
			details: details{"IAM Policy": "allowed", "Resource Policy": "implicitDeny"}},
		{name: "cross-account by ResourceOwner, resource policy allows", action: "s3:GetObject", identity: []string{allowDoc("s3:GetObject")},
			resourcePolicy: resourceDoc("Allow", alice, "s3:GetObject"), resource: "arn:aws:s3:::bucket/key", owner: "arn:aws:iam::" + foreignAccount + ":root",
			want: "allowed", details: details{"IAM Policy": "allowed", "Resource Policy": "allowed"}},
		{name: "ResourceOwner of the caller's account", action: "s3:GetObject", identity: []string{allowDoc("s3:GetObject")},
			resource: "arn:aws:s3:::bucket/key", owner: "arn:aws:iam::" + e.AccountID + ":root", want: "allowed"},
		{name: "cross-account explicit deny in the resource policy", identity: []string{allowDoc(send)},
			resourcePolicy: resourceDoc("Deny", "*", send), resource: otherQueue, want: "explicitDeny",
			details: details{"IAM Policy": "allowed", "Resource Policy": "explicitDeny"}},
		{name: "cross-account with a permissions boundary", identity: []string{allowDoc(send)}, boundary: []string{allowDoc("sqs:ReceiveMessage")},
			resourcePolicy: resourceDoc("Allow", alice, send), resource: otherQueue, want: "implicitDeny",
			details: details{"IAM Policy": "allowed", "Resource Policy": "allowed", "Permissions Boundary Policy": "implicitDeny"}},
		{name: "an AWS managed policy is no other account's", action: "iam:GetPolicy", identity: []string{allowDoc("iam:GetPolicy")},
			resource: "arn:aws:iam::aws:policy/ReadOnlyAccess", want: "allowed"},
		{name: "a KMS key policy must allow within the account", action: "kms:Decrypt", identity: []string{allowDoc("kms:Decrypt")},
			resourcePolicy: resourceDoc("Allow", "arn:aws:iam::"+e.AccountID+":user/bob", "kms:Decrypt"),
			resource:       "arn:aws:kms:us-east-1:" + e.AccountID + ":key/k1", want: "implicitDeny"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			action := send
			if tc.action != "" {
				action = tc.action
			}
			in := &iam.SimulateCustomPolicyInput{PolicyInputList: tc.identity, PermissionsBoundaryPolicyInputList: tc.boundary,
				ActionNames: []string{action}, ResourceArns: []string{tc.resource}, CallerArn: aws.String(alice)}
			if in.PolicyInputList == nil {
				in.PolicyInputList = []string{}
			}
			if tc.resourcePolicy != "" {
				in.ResourcePolicy = aws.String(tc.resourcePolicy)
			}
			if tc.owner != "" {
				in.ResourceOwner = aws.String(tc.owner)
			}
			out, err := c.SimulateCustomPolicy(ctx, in)
			must(t, err)
			r := out.EvaluationResults[0]
			if r.EvalDecision != tc.want || r.ResourceSpecificResults[0].EvalResourceDecision != tc.want {
				t.Fatalf("decision %s, want %s: %+v", r.EvalDecision, tc.want, r)
			}
			if len(r.EvalDecisionDetails) != len(tc.details) || len(r.ResourceSpecificResults[0].EvalDecisionDetails) != len(tc.details) {
				t.Fatalf("details %v, want %v", r.EvalDecisionDetails, tc.details)
			}
			for k, v := range tc.details {
				if r.EvalDecisionDetails[k] != v || r.ResourceSpecificResults[0].EvalDecisionDetails[k] != v {
					t.Fatalf("details %v, want %v", r.EvalDecisionDetails, tc.details)
				}
			}
			if tc.want == "explicitDeny" {
				m := r.MatchedStatements
				if len(m) != 1 || *m[0].SourcePolicyId != "ResourcePolicy" || m[0].SourcePolicyType != "Resource Policy" ||
					*m[0].StartPosition != (types.Position{Line: 1, Column: 38}) || m[0].EndPosition.Column == 0 {
					t.Fatalf("matched: %+v", m)
				}
			}
		})
	}
}

// A principal's simulation takes the user as the caller; a role needs
// CallerArn for a resource policy, and the caller's account decides what
// is cross-account.
func TestSimulatePrincipalCrossAccount(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")})
	must(t, err)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("send"), PolicyDocument: aws.String(allowDoc("sqs:SendMessage"))})
	must(t, err)
	carol := "arn:aws:iam::" + e.AccountID + ":user/carol"
	otherQueue := "arn:aws:sqs:us-east-1:" + foreignAccount + ":q"
	out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(carol), ActionNames: []string{"sqs:SendMessage"},
		ResourceArns: []string{otherQueue}, ResourcePolicy: aws.String(resourceDoc("Allow", carol, "sqs:SendMessage"))})
	must(t, err)
	r := out.EvaluationResults[0]
	if r.EvalDecision != "allowed" || r.EvalDecisionDetails["IAM Policy"] != "allowed" || r.EvalDecisionDetails["Resource Policy"] != "allowed" ||
		len(r.MatchedStatements) != 2 || *r.MatchedStatements[0].SourcePolicyId != "user_carol_send" || *r.MatchedStatements[1].SourcePolicyId != "ResourcePolicy" {
		t.Fatalf("%+v", r)
	}
	// Bob simulated with carol's policies: the resource policy names carol.
	bob := "arn:aws:iam::" + e.AccountID + ":user/bob"
	out, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(carol), CallerArn: aws.String(bob),
		ActionNames: []string{"sqs:SendMessage"}, ResourceArns: []string{otherQueue}, ResourcePolicy: aws.String(resourceDoc("Allow", carol, "sqs:SendMessage"))})
	must(t, err)
	if r := out.EvaluationResults[0]; r.EvalDecision != "implicitDeny" || r.EvalDecisionDetails["Resource Policy"] != "implicitDeny" {
		t.Fatalf("%+v", r)
	}
}
