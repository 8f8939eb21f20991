package iam_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const thumb = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

func TestOpenIDConnectProviders(t *testing.T) {
	e, c := newEnv(t)
	host := "oidc-" + rnd() + ".example.com"
	out, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + strings.ToUpper(host) + "/tenant/"), ClientIDList: []string{"app", "app", "other"},
		ThumbprintList: []string{strings.ToUpper(thumb)}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	})
	must(t, err)
	arn := "arn:aws:iam::" + e.AccountID + ":oidc-provider/" + host + "/tenant/"
	if aws.ToString(out.OpenIDConnectProviderArn) != arn || len(out.Tags) != 1 {
		t.Fatalf("create: %s %v", aws.ToString(out.OpenIDConnectProviderArn), out.Tags)
	}

	t.Run("case=duplicate", func(t *testing.T) {
		_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://" + host + "/tenant/")})
		apiErr(t, err, "EntityAlreadyExists", 409)
	})
	t.Run("case=get", func(t *testing.T) {
		g, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
		must(t, err)
		if aws.ToString(g.Url) != host+"/tenant/" || !slices.Equal(g.ClientIDList, []string{"app", "other"}) ||
			!slices.Equal(g.ThumbprintList, []string{thumb}) || g.CreateDate == nil || len(g.Tags) != 1 {
			t.Fatalf("get: %+v", g)
		}
	})
	t.Run("case=list", func(t *testing.T) {
		l, err := c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		must(t, err)
		if len(l.OpenIDConnectProviderList) != 1 || aws.ToString(l.OpenIDConnectProviderList[0].Arn) != arn {
			t.Fatalf("list: %+v", l.OpenIDConnectProviderList)
		}
	})
	t.Run("case=client-ids", func(t *testing.T) {
		must(t, err2(c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: aws.String("third")})))
		must(t, err2(c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: aws.String("app")})))
		g, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
		must(t, err)
		if !slices.Equal(g.ClientIDList, []string{"other", "third"}) {
			t.Fatalf("client IDs: %v", g.ClientIDList)
		}
	})
	t.Run("case=thumbprints", func(t *testing.T) {
		five := []string{thumb, strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("d", 40)}
		must(t, err2(c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: five})))
		_, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: append(five, strings.Repeat("e", 40))})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: []string{strings.Repeat("z", 40)}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: []string{"abc"}})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("case=tags", func(t *testing.T) {
		must(t, err2(c.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn,
			Tags: []types.Tag{{Key: aws.String("TEAM"), Value: aws.String("b")}, {Key: aws.String("env"), Value: aws.String("prod")}}})))
		_, err := c.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
		apiErr(t, err, "InvalidInput", 400)
		must(t, err2(c.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, TagKeys: []string{"env"}})))
		l, err := c.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: &arn})
		must(t, err)
		if len(l.Tags) != 1 || aws.ToString(l.Tags[0].Key) != "TEAM" || aws.ToString(l.Tags[0].Value) != "b" {
			t.Fatalf("tags: %+v", l.Tags)
		}
	})
	t.Run("case=invalid-url", func(t *testing.T) {
		for _, u := range []string{"http://" + host, "https://" + host + "/?a=b", "https://" + host + "#f", "not a url", "https://"} {
			_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(u)})
			apiErr(t, err, "InvalidInput", 400)
		}
	})
	t.Run("case=no-such-entity", func(t *testing.T) {
		missing := "arn:aws:iam::" + e.AccountID + ":oidc-provider/missing.example.com"
		_, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &missing})
		apiErr(t, err, "NoSuchEntity", 404)
		if got := message(err); got != "OpenIDConnect Provider not found for arn "+missing {
			t.Fatalf("message: %q", got)
		}
		_, err = c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &missing, ClientID: aws.String("x")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &missing})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("case=client-id-quota", func(t *testing.T) {
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = "c" + rnd()
		}
		_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://q." + host), ClientIDList: ids})
		apiErr(t, err, "LimitExceeded", 409)
	})
	t.Run("case=delete", func(t *testing.T) {
		must(t, err2(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})))
		_, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

// TestOpenIDConnectProviderQuota: 100 providers per account.
func TestOpenIDConnectProviderQuota(t *testing.T) {
	_, c := newEnv(t)
	for i := 0; i < 100; i++ {
		_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://p" + rnd() + ".example.com")})
		must(t, err)
	}
	_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://one-more.example.com")})
	apiErr(t, err, "LimitExceeded", 409)
}

func err2[T any](_ T, err error) error { return err }
