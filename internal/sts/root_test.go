package sts_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/mailgate/mailgate/internal/authz"
)

// AssumeRoot and GetDelegatedAccessToken answer as AWS does for an
// account outside an organization: no root session, no trade-in.
func TestAssumeRootAndDelegatedAccess(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	_, err := f.e.STS().AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("111122223333"),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}})
	apiErr(t, err, "AccessDenied", 403)
	if !strings.Contains(err.Error(), "sts:AssumeRoot on resource: arn:aws:iam::111122223333:root") {
		t.Fatal(err)
	}
	alice := f.user(t, "alice")
	_, err = sts.NewFromConfig(alice).AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(f.e.AccountID),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}})
	apiErr(t, err, "AccessDenied", 403)

	_, err = f.e.STS().GetDelegatedAccessToken(ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String(strings.Repeat("t", 64))})
	apiErr(t, err, "ExpiredTradeInTokenException", 400)
}
