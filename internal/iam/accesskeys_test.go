package iam_test

import (
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestAccessKeys(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Dev"), Path: aws.String("/eng/")})
	must(t, err)
	var key *types.AccessKey

	t.Run("method=CreateAccessKey/case=authenticates-at-once", func(t *testing.T) {
		out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
		must(t, err)
		key = out.AccessKey
		if *key.UserName != "Dev" || key.Status != types.StatusTypeActive || len(*key.SecretAccessKey) != 40 || !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(*key.AccessKeyId) {
			t.Fatalf("key: %+v", key)
		}
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		id, err := user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Dev")})
		if *id.Arn != "arn:aws:iam::"+e.AccountID+":user/eng/Dev" || *id.UserId != *u.User.UserId || *id.Account != e.AccountID {
			t.Fatalf("caller: %+v", id)
		}
		// The user's own client: GetUser and ListAccessKeys without a name
		// are about the caller (allowed by an identity policy: a user
		// without one may call nothing).
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Dev"), PolicyName: aws.String("self"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"*"}}`)})
		must(t, err)
		ic := iam.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		me, err := ic.GetUser(ctx, &iam.GetUserInput{})
		must(t, err)
		if *me.User.UserName != "Dev" {
			t.Fatalf("GetUser as the user: %+v", me.User)
		}
		mine, err := ic.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(mine.AccessKeyMetadata) != 1 || *mine.AccessKeyMetadata[0].AccessKeyId != *key.AccessKeyId {
			t.Fatalf("ListAccessKeys as the user: %+v", mine.AccessKeyMetadata)
		}
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId})
		must(t, err)
		if *last.UserName != "Dev" || last.AccessKeyLastUsed.LastUsedDate == nil || *last.AccessKeyLastUsed.ServiceName != "sts" || *last.AccessKeyLastUsed.Region != "us-east-1" {
			t.Fatalf("last used: %+v", last.AccessKeyLastUsed)
		}
	})
	t.Run("method=CreateAccessKey/case=quota-and-missing-user", func(t *testing.T) {
		_, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Dev")})
		must(t, err)
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Dev")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		list, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Dev"), MaxItems: aws.Int32(1)})
		must(t, err)
		if len(list.AccessKeyMetadata) != 1 || !list.IsTruncated || list.AccessKeyMetadata[0].Status != types.StatusTypeActive {
			t.Fatalf("list: %+v", list)
		}
		_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Dev")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateAccessKey/case=inactive-stops-at-once", func(t *testing.T) {
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeInactive})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeActive})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: key.AccessKeyId, Status: types.StatusTypeInactive}) // the root's keys: not this one
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeExpired})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=DeleteAccessKey/case=stops-at-once", func(t *testing.T) {
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListAccessKeys/case=root", func(t *testing.T) {
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(out.AccessKeyMetadata) != 1 || *out.AccessKeyMetadata[0].AccessKeyId != e.AccessKey {
			t.Fatalf("root keys: %+v", out.AccessKeyMetadata)
		}
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(e.AccessKey)})
		must(t, err)
		if *last.AccessKeyLastUsed.ServiceName != "iam" {
			t.Fatalf("root key last used: %+v", last.AccessKeyLastUsed)
		}
	})
}
