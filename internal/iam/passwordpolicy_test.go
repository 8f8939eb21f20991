package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestAccountPasswordPolicy(t *testing.T) {
	e, c := newEnv(t)
	acct := e.AccountID

	t.Run("method=GetAccountPasswordPolicy/case=none", func(t *testing.T) {
		_, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		apiErr(t, err, "NoSuchEntity", 404)
		if msg := message(err); msg != "The Password Policy with domain name "+acct+" cannot be found." {
			t.Fatalf("message %q", msg)
		}
		_, err = c.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateAccountPasswordPolicy/case=defaults", func(t *testing.T) {
		_, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{RequireNumbers: true})
		must(t, err)
		out, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		must(t, err)
		p := out.PasswordPolicy
		if *p.MinimumPasswordLength != 8 || !p.RequireNumbers || p.RequireSymbols || p.RequireUppercaseCharacters || p.RequireLowercaseCharacters ||
			p.AllowUsersToChangePassword || p.ExpirePasswords || p.MaxPasswordAge != nil || p.PasswordReusePrevention != nil || p.HardExpiry != nil {
			t.Fatalf("policy: %+v", p)
		}
	})
	t.Run("method=UpdateAccountPasswordPolicy/case=all-set", func(t *testing.T) {
		_, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), RequireSymbols: true,
			RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true,
			MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(3), HardExpiry: aws.Bool(true)})
		must(t, err)
		out, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		must(t, err)
		p := out.PasswordPolicy
		if *p.MinimumPasswordLength != 14 || p.RequireNumbers || !p.RequireSymbols || !p.ExpirePasswords || *p.MaxPasswordAge != 90 ||
			*p.PasswordReusePrevention != 3 || !*p.HardExpiry || !p.AllowUsersToChangePassword {
			t.Fatalf("policy: %+v", p)
		}
		_, err = c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(5)})
		apiErr(t, err, "ValidationError", 400) // the model's minimum is 6
	})
	t.Run("method=DeleteAccountPasswordPolicy/case=ok", func(t *testing.T) {
		_, err := c.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
		must(t, err)
		_, err = c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}
