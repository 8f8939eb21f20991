package sts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/smithy-go"

	"github.com/mailgate/mailgate/internal/authz"
)

// TestGetFederationToken: a user's federated session has the
// intersection of the user's permissions and the policy passed; no
// policy, no permissions; sessions cannot call it; the root's is cut to
// one hour.
func TestGetFederationToken(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	bob := f.user(t, "bob")
	f.putUserPolicy(t, "bob", allow("sts:GetFederationToken", "sts:TagSession", "workmail:ListOrganizations", "workmail:DescribeOrganization"))
	c := sts.NewFromConfig(bob)
	session := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["workmail:DescribeOrganization","iam:ListUsers"],"Resource":"*"}]}`

	out, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("carol"), Policy: &session,
		Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("mail")}}})
	must(t, err)
	arn := "arn:aws:sts::" + f.e.AccountID + ":federated-user/carol"
	if out.FederatedUser == nil || *out.FederatedUser.Arn != arn || *out.FederatedUser.FederatedUserId != f.e.AccountID+":carol" || out.PackedPolicySize == nil {
		t.Fatalf("response: %+v %+v", out, out.FederatedUser)
	}
	if d := out.Credentials.Expiration.Sub(f.clk.Now()); d < 11*time.Hour || d > 13*time.Hour {
		t.Fatalf("default duration %v", d)
	}
	fed := f.as(out.Credentials)
	id, err := sts.NewFromConfig(fed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != arn || *id.UserId != f.e.AccountID+":carol" {
		t.Fatalf("identity %s %s", *id.Arn, *id.UserId)
	}
	wm := workmail.NewFromConfig(fed)
	// Allowed by the user but not by the passed policy: denied.
	_, err = wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
	apiErr(t, err, "AccessDeniedException", 400)
	// Allowed by both: reaches the operation (which answers for the
	// missing organization).
	_, err = wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: aws.String("m-00000000000000000000000000000000")})
	if err == nil || testenvCode(err) == "AccessDeniedException" {
		t.Fatalf("DescribeOrganization: %v", err)
	}
	// Federated users call no IAM operation, whatever the policies say.
	_, err = iam.NewFromConfig(fed).ListUsers(ctx, &iam.ListUsersInput{})
	apiErr(t, err, "AccessDenied", 403)
	_, err = sts.NewFromConfig(fed).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("again")})
	apiErr(t, err, "AccessDenied", 403)

	t.Run("case=no-policy-no-permissions", func(t *testing.T) {
		out, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("dave")})
		must(t, err)
		_, err = workmail.NewFromConfig(f.as(out.Credentials)).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "AccessDeniedException", 400)
	})
	t.Run("case=not-allowed", func(t *testing.T) {
		eve := f.user(t, "eve")
		_, err := sts.NewFromConfig(eve).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("eve-fed")})
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=malformed-policy", func(t *testing.T) {
		_, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bad"), Policy: aws.String(`{"Statement":[]`)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
	})
	t.Run("case=packed-policy-too-large", func(t *testing.T) {
		big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + strings.Repeat(`"workmail:ListOrganizations",`, 66) + `"iam:ListRoles"],"Resource":"*"}]}`
		_, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("big"), Policy: &big,
			Tags: []ststypes.Tag{{Key: aws.String("note"), Value: aws.String(strings.Repeat("n", 256))}}})
		apiErr(t, err, "PackedPolicyTooLarge", 400)
	})
	t.Run("case=duration", func(t *testing.T) {
		_, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("long"), DurationSeconds: aws.Int32(129601)})
		apiErr(t, err, "ValidationError", 400)
		out, err := f.e.STS().GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("rootfed"), DurationSeconds: aws.Int32(7200), Policy: &session})
		must(t, err)
		if d := out.Credentials.Expiration.Sub(f.clk.Now()); d > time.Hour {
			t.Fatalf("root federated session: %v", d)
		}
		// The root's federated user: everything, capped by the policy.
		wm := workmail.NewFromConfig(f.as(out.Credentials))
		_, err = wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "AccessDeniedException", 400)
	})
}

// testenvCode is the code of an API error, or "".
func testenvCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
