package iam_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Every key the documents read, in conditions and in policy variables,
// once (ignoring case), as first written, in the order of use.
func TestGetContextKeys(t *testing.T) {
	e, c := newEnv(t)
	a := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",` +
		`"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1","s3:prefix":"${aws:PrincipalTag/team}"},"ForAnyValue:StringLike":{"aws:TagKeys":"x*"}}}]}`
	b := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01"},"Bool":{"AWS:USERNAME":"x"}}}}`
	keys, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{a, b}})
	must(t, err)
	// Conditions are read by key name; the order within a condition
	// block follows the document.
	want := []string{"aws:username", "aws:RequestedRegion", "s3:prefix", "aws:PrincipalTag/team", "aws:TagKeys", "aws:CurrentTime"}
	if !sameSet(keys.ContextKeyNames, want) || keys.ContextKeyNames[0] != "aws:username" {
		t.Fatalf("keys %v", keys.ContextKeyNames)
	}
	_, err = c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{`{"Statement":`}})
	apiErr(t, err, "InvalidInput", 400)

	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("ops")})
	must(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("ops"), UserName: aws.String("erin")})
	must(t, err)
	_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("p"), PolicyDocument: aws.String(b)})
	must(t, err)
	erin := aws.String("arn:aws:iam::" + e.AccountID + ":user/erin")
	pk, err := c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: erin,
		PolicyInputList: []string{conditionDoc(`{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)}})
	must(t, err)
	if !sameSet(pk.ContextKeyNames, []string{"aws:CurrentTime", "AWS:USERNAME", "aws:SourceIp"}) {
		t.Fatalf("principal keys %v", pk.ContextKeyNames)
	}
	_, err = c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + e.AccountID + ":user/nobody")})
	apiErr(t, err, "NoSuchEntity", 404)
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
