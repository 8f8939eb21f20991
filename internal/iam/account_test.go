package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/testenv"
)

// secondAccount bootstraps another account on e's server and returns
// an IAM client of its root.
func secondAccount(t *testing.T, e *testenv.Env) *iam.Client {
	t.Helper()
	key, secret := ids.AccessKeyID(ids.PrefixAccessKey), ids.SecretAccessKey()
	_, err := bootstrap.Run(ctx, e.Store, bootstrap.Options{AccountID: ids.AccountID(), RootAccessKeyID: key, RootSecretAccessKey: secret})
	must(t, err)
	return iam.NewFromConfig(e.AWSConfigFor(key, secret, ""))
}

func TestAccountAliases(t *testing.T) {
	e, c := newEnv(t)
	alias := "acme-" + rnd()

	t.Run("method=CreateAccountAlias/case=one-per-account", func(t *testing.T) {
		must(t, op(c.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})())
		must(t, op(c.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})()) // the same again
		err := op(c.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias + "-2")})()
		apiErr(t, err, "LimitExceeded", 409)
		out, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		must(t, err)
		if len(out.AccountAliases) != 1 || out.AccountAliases[0] != alias || out.IsTruncated {
			t.Fatalf("aliases: %+v", out)
		}
	})
	t.Run("method=CreateAccountAlias/case=unique-across-accounts", func(t *testing.T) {
		o := secondAccount(t, e)
		err := op(o.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})()
		apiErr(t, err, "EntityAlreadyExists", 409)
		if msg := message(err); msg != "The account alias "+alias+" already exists." {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("method=CreateAccountAlias/case=rules", func(t *testing.T) {
		for _, bad := range []string{"ab", "Upper-case", "-lead", "trail-", "dou--ble"} {
			err := op(c.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(bad)})()
			apiErr(t, err, "ValidationError", 400)
		}
	})
	t.Run("method=DeleteAccountAlias/case=ok", func(t *testing.T) {
		err := op(c.DeleteAccountAlias, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("other-" + rnd())})()
		apiErr(t, err, "NoSuchEntity", 404)
		must(t, op(c.DeleteAccountAlias, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(alias)})())
		out, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		must(t, err)
		if len(out.AccountAliases) != 0 {
			t.Fatalf("aliases: %+v", out.AccountAliases)
		}
		// Freed, the alias can be taken by another account.
		o := secondAccount(t, e)
		must(t, op(o.CreateAccountAlias, &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})())
		must(t, op(o.DeleteAccountAlias, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(alias)})())
	})
}

func TestSecurityTokenServicePreferences(t *testing.T) {
	_, c := newEnv(t)
	version := func() int32 {
		out, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		must(t, err)
		return out.SummaryMap["GlobalEndpointTokenVersion"]
	}
	if v := version(); v != 1 {
		t.Fatalf("default token version %d", v)
	}
	_, err := c.SetSecurityTokenServicePreferences(ctx, &iam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: types.GlobalEndpointTokenVersionV2Token})
	must(t, err)
	if v := version(); v != 2 {
		t.Fatalf("token version %d after v2Token", v)
	}
	_, err = c.SetSecurityTokenServicePreferences(ctx, &iam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v3Token"})
	apiErr(t, err, "ValidationError", 400)
}
