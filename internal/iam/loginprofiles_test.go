package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/testenv"
)

// userClient creates a user with an access key and the inline policy doc
// and returns an IAM client that signs as the user.
func userClient(t *testing.T, e *testenv.Env, c *iam.Client, name, doc string) *iam.Client {
	t.Helper()
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	must(t, err)
	if doc != "" {
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
		must(t, err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	must(t, err)
	return iam.NewFromConfig(e.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
}

func TestLoginProfiles(t *testing.T) {
	e, c := newEnv(t)
	const good = "Corr3ct-Horse"
	uc := userClient(t, e, c, "alice", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:ChangePassword","iam:GetLoginProfile"],"Resource":"*"}}`)

	t.Run("method=CreateLoginProfile/case=default-policy", func(t *testing.T) {
		wantViolations(t, func(pw string) error {
			_, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(pw)})
			return err
		}, map[string]string{
			"Sh0rt!":       "Password should have a minimum length of 8",
			"alllowercase": "Password should meet 2 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one number, Password should have at least one symbol",
			"Alllowercase": "Password should meet 1 more of the following requirements: Password should have at least one number, Password should have at least one symbol",
		})
		out, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(good), PasswordResetRequired: true})
		must(t, err)
		if out.LoginProfile.UserName == nil || *out.LoginProfile.UserName != "alice" || !out.LoginProfile.PasswordResetRequired || out.LoginProfile.CreateDate == nil {
			t.Fatalf("profile: %+v", out.LoginProfile)
		}
		_, err = c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(good)})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("ghost"), Password: aws.String(good)})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=GetLoginProfile/case=ok", func(t *testing.T) {
		out, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("ALICE")})
		must(t, err)
		if *out.LoginProfile.UserName != "alice" || !out.LoginProfile.PasswordResetRequired {
			t.Fatalf("profile: %+v", out.LoginProfile)
		}
		own, err := uc.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
		must(t, err)
		if *own.LoginProfile.UserName != "alice" {
			t.Fatalf("own profile: %+v", own.LoginProfile)
		}
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
		must(t, err)
		_, err = c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("bob")})
		apiErr(t, err, "NoSuchEntity", 404)
		if msg := message(err); msg != "Login Profile for User bob cannot be found." {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("method=ChangePassword/case=own", func(t *testing.T) {
		_, err := uc.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String("Wr0ng-Password"), NewPassword: aws.String("N3w-Password!")})
		apiErr(t, err, "InvalidUserType", 400)
		_, err = uc.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(good), NewPassword: aws.String("weak")})
		apiErr(t, err, "PasswordPolicyViolation", 400)
		_, err = uc.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(good), NewPassword: aws.String("N3w-Password!")})
		must(t, err)
		out, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")})
		must(t, err)
		if out.LoginProfile.PasswordResetRequired {
			t.Fatal("a changed password still requires a reset")
		}
		// The root has no login profile of its own to change.
		_, err = c.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(good), NewPassword: aws.String("N3w-Password!")})
		apiErr(t, err, "InvalidUserType", 400)
	})
	t.Run("method=UpdateLoginProfile/case=policy-enforced", func(t *testing.T) {
		_, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12),
			RequireSymbols: true, PasswordReusePrevention: aws.Int32(2)})
		must(t, err)
		wantViolations(t, func(pw string) error {
			_, err := c.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String(pw)})
			return err
		}, map[string]string{
			"Sh0rt-pw":        "Password should have a minimum length of 12",
			"LongButNoSymbol": "Password should have at least one symbol",
			"N3w-Password!":   "Password should not be one of your last 2 passwords",
		})
		_, err = c.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("long-enough-now"), PasswordResetRequired: aws.Bool(true)})
		must(t, err)
		_, err = c.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("bob"), PasswordResetRequired: aws.Bool(true)})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteLoginProfile/case=user-delete-conflict", func(t *testing.T) {
		_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(keyOf(t, c, "alice"))})
		must(t, err)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p")})
		must(t, err)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("alice")})
		must(t, err)
		_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("alice")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
		must(t, err)
	})
}

func keyOf(t *testing.T, c *iam.Client, user string) string {
	t.Helper()
	out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	must(t, err)
	return *out.AccessKeyMetadata[0].AccessKeyId
}

// wantViolations sets each password with set, which must answer
// PasswordPolicyViolation with the message given.
func wantViolations(t *testing.T, set func(password string) error, want map[string]string) {
	t.Helper()
	for pw, msg := range want {
		err := set(pw)
		apiErr(t, err, "PasswordPolicyViolation", 400)
		if got := message(err); got != msg {
			t.Errorf("%s: message %q, want %q", pw, got, msg)
		}
	}
}
