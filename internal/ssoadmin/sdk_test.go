package ssoadmin_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/mailgate/mailgate/internal/testenv"
)

var (
	instanceARN = regexp.MustCompile(`^arn:aws:sso:::instance/ssoins-[0-9a-f]{16}$`)
	storeID     = regexp.MustCompile(`^d-[0-9a-f]{10}$`)
)

func TestInstanceLifecycle(t *testing.T) {
	e := testenv.New(t)
	c, ctx := e.SSOAdmin(), context.Background()

	out, err := c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{Name: aws.String("corp"), ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.InstanceArn)
	if !instanceARN.MatchString(arn) {
		t.Fatalf("instance ARN %q", arn)
	}
	t.Run("method=CreateInstance/case=same-client-token", func(t *testing.T) {
		again, err := c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{Name: aws.String("corp"), ClientToken: aws.String("tok-1")})
		if err != nil || aws.ToString(again.InstanceArn) != arn {
			t.Fatalf("replay: %v %v", again, err)
		}
		_, err = c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{Name: aws.String("other"), ClientToken: aws.String("tok-1")})
		testenv.APIError(t, err, "ConflictException", 400)
	})
	t.Run("method=CreateInstance/case=one-per-account", func(t *testing.T) {
		_, err := c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{Name: aws.String("second")})
		testenv.APIError(t, err, "ServiceQuotaExceededException", 400)
	})
	t.Run("method=DescribeInstance", func(t *testing.T) {
		d, err := c.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.Name) != "corp" || aws.ToString(d.OwnerAccountId) != e.AccountID || d.Status != types.InstanceStatusActive ||
			!storeID.MatchString(aws.ToString(d.IdentityStoreId)) || d.CreatedDate == nil {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("method=ListInstances", func(t *testing.T) {
		l, err := c.ListInstances(ctx, &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(1)})
		if err != nil || len(l.Instances) != 1 || aws.ToString(l.Instances[0].InstanceArn) != arn || l.NextToken != nil {
			t.Fatalf("%+v %v", l, err)
		}
	})
	t.Run("method=UpdateInstance", func(t *testing.T) {
		if _, err := c.UpdateInstance(ctx, &ssoadmin.UpdateInstanceInput{InstanceArn: &arn, Name: aws.String("renamed")}); err != nil {
			t.Fatal(err)
		}
		d, err := c.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: &arn})
		if err != nil || aws.ToString(d.Name) != "renamed" {
			t.Fatalf("%+v %v", d, err)
		}
	})
	t.Run("method=ListInstances/case=other-region", func(t *testing.T) {
		l, err := c.ListInstances(ctx, &ssoadmin.ListInstancesInput{}, func(o *ssoadmin.Options) { o.Region = "eu-west-1" })
		if err != nil || len(l.Instances) != 0 {
			t.Fatalf("%+v %v", l, err)
		}
	})
	t.Run("method=DeleteInstance", func(t *testing.T) {
		if _, err := c.DeleteInstance(ctx, &ssoadmin.DeleteInstanceInput{InstanceArn: &arn}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: &arn})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		_, err = c.DeleteInstance(ctx, &ssoadmin.DeleteInstanceInput{InstanceArn: &arn})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		_, err = c.UpdateInstance(ctx, &ssoadmin.UpdateInstanceInput{InstanceArn: &arn, Name: aws.String("x")})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		// The quota counts live instances only.
		if _, err := c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("method=DescribeInstance/case=malformed-arn", func(t *testing.T) {
		_, err := c.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: aws.String("arn:aws:sso:::instance/nope")})
		testenv.APIError(t, err, "ValidationException", 400)
	})
}

func TestInstancePagination(t *testing.T) {
	e := testenv.New(t, testenv.Options{})
	c, ctx := e.SSOAdmin(), context.Background()
	_, err := c.ListInstances(ctx, &ssoadmin.ListInstancesInput{NextToken: aws.String("!!")})
	testenv.APIError(t, err, "ValidationException", 400)
	l, err := c.ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil || l.Instances == nil && len(l.Instances) != 0 {
		t.Fatalf("%+v %v", l, err)
	}
}

// userClient returns an SSOAdmin client of a new IAM user of the account
// with the given identity policy ("" for none).
func userClient(t *testing.T, e *testenv.Env, name, policy string) *ssoadmin.Client {
	t.Helper()
	ctx, c := context.Background(), e.IAM()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &name}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &name, PolicyName: aws.String("p"), PolicyDocument: &policy}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
	if err != nil {
		t.Fatal(err)
	}
	return ssoadmin.NewFromConfig(e.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
}

func TestInstanceAuthorization(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	out, err := e.SSOAdmin().CreateInstance(ctx, &ssoadmin.CreateInstanceInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.InstanceArn)
	none := userClient(t, e, "nobody", "")
	_, err = none.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: &arn})
	testenv.APIError(t, err, "AccessDeniedException", 400)
	_, err = none.ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	testenv.APIError(t, err, "AccessDeniedException", 400)

	reader := userClient(t, e, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sso:DescribeInstance","Resource":"`+arn+`"}]}`)
	if _, err := reader.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: &arn}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.DeleteInstance(ctx, &ssoadmin.DeleteInstanceInput{InstanceArn: &arn})
	testenv.APIError(t, err, "AccessDeniedException", 400)
}

func TestInstanceTags(t *testing.T) {
	e := testenv.New(t)
	c, ctx := e.SSOAdmin(), context.Background()
	out, err := c.CreateInstance(ctx, &ssoadmin.CreateInstanceInput{Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("mail")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.InstanceArn
	list := func() map[string]string {
		t.Helper()
		l, err := c.ListTagsForResource(ctx, &ssoadmin.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, tag := range l.Tags {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		return m
	}
	if m := list(); len(m) != 1 || m["team"] != "mail" {
		t.Fatalf("%v", m)
	}
	if _, err := c.TagResource(ctx, &ssoadmin.TagResourceInput{ResourceArn: arn, InstanceArn: arn,
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if m := list(); len(m) != 2 || m["team"] != "ops" || m["env"] != "prod" {
		t.Fatalf("%v", m)
	}
	if _, err := c.UntagResource(ctx, &ssoadmin.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if m := list(); len(m) != 1 || m["env"] != "prod" {
		t.Fatalf("%v", m)
	}
	many := make([]types.Tag, 75)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	_, err = c.TagResource(ctx, &ssoadmin.TagResourceInput{ResourceArn: arn, Tags: many})
	testenv.APIError(t, err, "ServiceQuotaExceededException", 400)
	_, err = c.ListTagsForResource(ctx, &ssoadmin.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:sso:::instance/ssoins-0000000000000000")})
	testenv.APIError(t, err, "ResourceNotFoundException", 400)
}
