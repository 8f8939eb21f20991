package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// BenchmarkAuthorizedRequest measures what authorization adds to a signed
// request: the same pre-signed DescribeUser replayed into the handler
// (server only, as BenchmarkDescribeUserServer), signed by an IAM user
// whose access comes from an inline policy with a condition, a group's
// managed policy and a permissions boundary, with the policy engine in
// strict mode and with enforcement off; and signed by the root, which is
// never evaluated.
func BenchmarkAuthorizedRequest(b *testing.B) {
	for _, mode := range []authz.Enforcement{authz.EnforceStrict, authz.EnforceOff} {
		e := testenv.New(b, testenv.Options{Configure: func(c *server.Config) { c.Enforcement = mode }})
		org, user := benchUser(b, e)
		ctx := context.Background()
		ic := e.IAM()
		must := func(_ any, err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		must(ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bench")}))
		must(ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bench"), PolicyName: aws.String("wm"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["workmail:Describe*","workmail:List*"],"Resource":"arn:aws:workmail:*:*:organization/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Effect":"Deny","Action":"workmail:Delete*","Resource":"*"}]}`)}))
		must(ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))
		must(ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("bench")}))
		must(ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonWorkMailReadOnlyAccess")}))
		bnd, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bnd"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"workmail:*","Resource":"*"}}`)})
		must(bnd, err)
		must(ic.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bench"), PermissionsBoundary: bnd.Policy.Arn}))
		k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bench")})
		must(k, err)
		asUser := *e
		asUser.AccessKey, asUser.SecretKey = *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey
		body := []byte(`{"OrganizationId":"` + org + `","UserId":"` + user + `"}`)
		for _, who := range []struct {
			name string
			env  *testenv.Env
		}{{"user", &asUser}, {"root", e}} {
			b.Run("enforcement="+string(mode)+"/caller="+who.name, func(b *testing.B) {
				replay(b, e, signed(b, who.env, "workmail", "application/x-amz-json-1.1", "WorkMailService.DescribeUser", body, time.Now()), body)
			})
		}
	}
}
