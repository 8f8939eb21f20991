package iam_test

import (
	"regexp"
	"testing"
	"time"

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

// TestAccessKeyEdgeCases: the root's keys, quotas, paging, last use, and
// the errors of updating and deleting keys of others.
func TestAccessKeyEdgeCases(t *testing.T) {
	e, c := newEnv(t)
	for _, u := range []string{"Ada", "Bo"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
	}
	ada, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ada")})
	must(t, err)
	adaID := ada.AccessKey.AccessKeyId

	t.Run("method=CreateAccessKey/case=root-quota-and-pages", func(t *testing.T) {
		out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		must(t, err)
		k := out.AccessKey
		if k.Status != types.StatusTypeActive || len(*k.SecretAccessKey) != 40 || k.CreateDate == nil {
			t.Fatalf("root key: %+v", k)
		}
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		apiErr(t, err, "LimitExceeded", 409) // the environment's key and this one
		list := func(user *string) func(*string) (*iam.ListAccessKeysOutput, error) {
			return func(m *string) (*iam.ListAccessKeysOutput, error) {
				return c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: user, MaxItems: aws.Int32(1), Marker: m})
			}
		}
		ids := func(out *iam.ListAccessKeysOutput) []string {
			var ids []string
			for _, k := range out.AccessKeyMetadata {
				ids = append(ids, *k.AccessKeyId)
			}
			return ids
		}
		wantPages(t, "root keys", "[["+e.AccessKey+"] ["+*k.AccessKeyId+"]]", list(nil), ids)
		// The new root key works, and the root deletes it.
		root := iam.NewFromConfig(e.AWSConfigFor(*k.AccessKeyId, *k.SecretAccessKey, ""))
		_, err = root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: k.AccessKeyId})
		must(t, err)
		wantPages(t, "root keys after delete", "[["+e.AccessKey+"]]", list(nil), ids)

		second, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Ada")})
		must(t, err)
		wantPages(t, "Ada's keys", "[["+*adaID+"] ["+*second.AccessKey.AccessKeyId+"]]", list(aws.String("ADA")), ids)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Ada"), AccessKeyId: second.AccessKey.AccessKeyId})
		must(t, err)
		wantPages(t, "Bo's keys", "[[]]", list(aws.String("Bo")), ids)
		wantErrors(t, "ValidationError", 400,
			call{"ListAccessKeys(bad marker)", op(c.ListAccessKeys, &iam.ListAccessKeysInput{UserName: aws.String("Ada"), Marker: aws.String("IzM")})},
			call{"CreateAccessKey(bad user name)", op(c.CreateAccessKey, &iam.CreateAccessKeyInput{UserName: aws.String("bad name")})},
		)
	})
	t.Run("method=UpdateAccessKey/case=ok-and-errors", func(t *testing.T) {
		update := func(user *string, id *string, status types.StatusType) *iam.UpdateAccessKeyInput {
			return &iam.UpdateAccessKeyInput{UserName: user, AccessKeyId: id, Status: status}
		}
		_, err := c.UpdateAccessKey(ctx, update(aws.String("ada"), adaID, types.StatusTypeInactive))
		must(t, err)
		keys, _ := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Ada")})
		if len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != types.StatusTypeInactive {
			t.Fatalf("keys: %+v", keys.AccessKeyMetadata)
		}
		_, err = c.UpdateAccessKey(ctx, update(aws.String("Ada"), adaID, types.StatusTypeActive))
		must(t, err)
		wantErrors(t, "NoSuchEntity", 404,
			call{"unknown key", op(c.UpdateAccessKey, update(aws.String("Ada"), aws.String("AKIAAAAAAAAAAAAAAAAA"), types.StatusTypeInactive))},
			call{"another's key", op(c.UpdateAccessKey, update(aws.String("Bo"), adaID, types.StatusTypeInactive))},
			call{"no such user", op(c.UpdateAccessKey, update(aws.String("nobody"), adaID, types.StatusTypeInactive))},
			call{"not the root key", op(c.UpdateAccessKey, update(nil, adaID, types.StatusTypeInactive))},
		)
		wantErrors(t, "ValidationError", 400,
			call{"key-id-too-short", op(c.UpdateAccessKey, update(aws.String("Ada"), aws.String("AKIA"), types.StatusTypeInactive))}, // under the model's 16 characters
			call{"bad-status", op(c.UpdateAccessKey, update(aws.String("Ada"), adaID, types.StatusType("Paused")))},
		)
		keys, _ = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Ada")})
		if keys.AccessKeyMetadata[0].Status != types.StatusTypeActive {
			t.Fatalf("a refused update changed the key: %+v", keys.AccessKeyMetadata)
		}
	})
	t.Run("method=GetAccessKeyLastUsed/case=unused-then-used", func(t *testing.T) {
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		if *last.UserName != "Ada" || last.AccessKeyLastUsed.LastUsedDate != nil || *last.AccessKeyLastUsed.ServiceName != "N/A" || *last.AccessKeyLastUsed.Region != "N/A" {
			t.Fatalf("unused: %+v", last.AccessKeyLastUsed)
		}
		// Under the policy engine the user needs an identity policy to call IAM.
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Ada"), PolicyName: aws.String("keys"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:ListAccessKeys","iam:GetAccessKeyLastUsed"],"Resource":"*"}}`)})
		must(t, err)
		before := time.Now().Add(-2 * time.Second)
		user := iam.NewFromConfig(e.AWSConfigFor(*adaID, *ada.AccessKey.SecretAccessKey, ""))
		mine, err := user.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(mine.AccessKeyMetadata) != 1 || *mine.AccessKeyMetadata[0].UserName != "Ada" {
			t.Fatalf("the user's own keys: %+v", mine.AccessKeyMetadata)
		}
		after := time.Now().Add(2 * time.Second)
		last, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		u := last.AccessKeyLastUsed
		if u.LastUsedDate == nil || u.LastUsedDate.Before(before) || u.LastUsedDate.After(after) || *u.ServiceName != "iam" || *u.Region != e.Region || *last.UserName != "Ada" {
			t.Fatalf("used: %+v (between %v and %v)", u, before, after)
		}
		// The user may ask about its own key.
		own, err := user.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		must(t, err)
		if own.AccessKeyLastUsed.LastUsedDate == nil {
			t.Fatalf("own: %+v", own.AccessKeyLastUsed)
		}
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIA")})
		apiErr(t, err, "ValidationError", 400)
		// Another account does not see the key.
		_, err = otherAccount(t).GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteAccessKey/case=errors-then-ok", func(t *testing.T) {
		del := func(user *string, id *string) func() error {
			return op(c.DeleteAccessKey, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: id})
		}
		wantErrors(t, "NoSuchEntity", 404,
			call{"unknown key", del(aws.String("Ada"), aws.String("AKIAAAAAAAAAAAAAAAAA"))},
			call{"another's key", del(aws.String("Bo"), adaID)},
			call{"no such user", del(aws.String("nobody"), adaID)},
			call{"not the root key", del(nil, adaID)},
		)
		_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Ada")})
		apiErr(t, err, "DeleteConflict", 409)
		must(t, del(aws.String("ADA"), adaID)())
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: adaID})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("Ada"), PolicyName: aws.String("keys")})
		must(t, err)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Ada")})
		must(t, err)
	})
}
