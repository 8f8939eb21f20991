package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// No account here is an onboarded delegation partner, so no delegation
// request exists.
func TestDelegationRequests(t *testing.T) {
	_, c := newEnv(t)
	id := aws.String("dr-0123456789abcdef")
	t.Run("method=CreateDelegationRequest/case=not-onboarded", func(t *testing.T) {
		_, err := c.CreateDelegationRequest(ctx, &iam.CreateDelegationRequestInput{Description: aws.String("backup"),
			Permissions:         &types.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:delegation-template/example-template")},
			RequestorWorkflowId: aws.String("workflow-1"), NotificationChannel: aws.String("arn:aws:sns:us-east-1:111122223333:topic"), SessionDuration: aws.Int32(3600)})
		apiErr(t, err, "InvalidInput", 400)
		if !strings.Contains(message(err), "not onboarded as a delegation partner") {
			t.Fatalf("message %q", message(err))
		}
	})
	t.Run("method=*DelegationRequest/case=no-such-request", func(t *testing.T) {
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetDelegationRequest", op(c.GetDelegationRequest, &iam.GetDelegationRequestInput{DelegationRequestId: id})},
			call{"AcceptDelegationRequest", op(c.AcceptDelegationRequest, &iam.AcceptDelegationRequestInput{DelegationRequestId: id})},
			call{"AssociateDelegationRequest", op(c.AssociateDelegationRequest, &iam.AssociateDelegationRequestInput{DelegationRequestId: id})},
			call{"RejectDelegationRequest", op(c.RejectDelegationRequest, &iam.RejectDelegationRequestInput{DelegationRequestId: id, Notes: aws.String("no")})},
			call{"SendDelegationToken", op(c.SendDelegationToken, &iam.SendDelegationTokenInput{DelegationRequestId: id})},
			call{"UpdateDelegationRequest", op(c.UpdateDelegationRequest, &iam.UpdateDelegationRequestInput{DelegationRequestId: id, Notes: aws.String("more")})},
			call{"GetHumanReadableSummary", op(c.GetHumanReadableSummary, &iam.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::111122223333:delegation-request/dr-0123456789abcdef")})})
	})
	t.Run("method=ListDelegationRequests", func(t *testing.T) {
		out, err := c.ListDelegationRequests(ctx, &iam.ListDelegationRequestsInput{})
		must(t, err)
		if len(out.DelegationRequests) != 0 || out.IsTruncated {
			t.Fatalf("requests: %+v", out)
		}
	})
	t.Run("method=GetHumanReadableSummary/case=unsupported-entity", func(t *testing.T) {
		_, err := c.GetHumanReadableSummary(ctx, &iam.GetHumanReadableSummaryInput{EntityArn: aws.String("arn:aws:iam::111122223333:role/SomeRole")})
		apiErr(t, err, "InvalidInput", 400)
	})
}
