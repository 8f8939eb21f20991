package workmail_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

const (
	ewsPassword = "Ews-Pa55word-that-must-never-come-back"
	lambdaARN   = "arn:aws:lambda:us-east-1:123456789012:function:freebusy:live"
)

func ews(endpoint string) *types.EwsAvailabilityProvider {
	return &types.EwsAvailabilityProvider{EwsEndpoint: aws.String(endpoint), EwsUsername: aws.String("svc-freebusy"), EwsPassword: aws.String(ewsPassword)}
}

func lambdaProvider(arn string) *types.LambdaAvailabilityProvider {
	return &types.LambdaAvailabilityProvider{LambdaArn: aws.String(arn)}
}

func TestAvailabilityConfiguration(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	create := func(org, domain string, e *types.EwsAvailabilityProvider, l *types.LambdaAvailabilityProvider, token *string) error {
		_, err := f.wm.CreateAvailabilityConfiguration(f.ctx, &workmail.CreateAvailabilityConfigurationInput{OrganizationId: &org, DomainName: &domain,
			EwsProvider: e, LambdaProvider: l, ClientToken: token})
		return err
	}
	update := func(org, domain string, e *types.EwsAvailabilityProvider, l *types.LambdaAvailabilityProvider) error {
		_, err := f.wm.UpdateAvailabilityConfiguration(f.ctx, &workmail.UpdateAvailabilityConfigurationInput{OrganizationId: &org, DomainName: &domain,
			EwsProvider: e, LambdaProvider: l})
		return err
	}
	del := func(org, domain string) error {
		_, err := f.wm.DeleteAvailabilityConfiguration(f.ctx, &workmail.DeleteAvailabilityConfigurationInput{OrganizationId: &org, DomainName: &domain})
		return err
	}
	list := func(t *testing.T, org string) []types.AvailabilityConfiguration {
		t.Helper()
		return pageAll(t, func(tok *string) ([]types.AvailabilityConfiguration, *string, error) {
			out, err := f.wm.ListAvailabilityConfigurations(f.ctx, &workmail.ListAvailabilityConfigurationsInput{OrganizationId: &org, MaxResults: aws.Int32(1), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.AvailabilityConfigurations, out.NextToken, nil
		})
	}
	test := func(in *workmail.TestAvailabilityConfigurationInput) error {
		out, err := f.wm.TestAvailabilityConfiguration(f.ctx, in)
		if err == nil {
			t.Fatalf("TestAvailabilityConfiguration reported %+v without reaching the provider", out)
		}
		return err
	}

	t.Run("method=CreateAvailabilityConfiguration/case=EWS and Lambda, listed without the password", func(t *testing.T) {
		org, _ := f.org(t)
		before := time.Now().Add(-time.Minute)
		must(t, create(org, "Partner.Example.", ews("https://ews.partner.example/EWS/Exchange.asmx"), nil, nil))
		must(t, create(org, "another.example", nil, lambdaProvider(lambdaARN), nil))
		got := list(t, org)
		if len(got) != 2 {
			t.Fatalf("listed %d configurations: %+v", len(got), got)
		}
		l, e := got[0], got[1] // domain order
		if *l.DomainName != "another.example" || l.ProviderType != types.AvailabilityProviderTypeLambda || *l.LambdaProvider.LambdaArn != lambdaARN || l.EwsProvider != nil {
			t.Fatalf("Lambda configuration: %+v", l)
		}
		if *e.DomainName != "partner.example" || e.ProviderType != types.AvailabilityProviderTypeEws || e.LambdaProvider != nil ||
			*e.EwsProvider.EwsEndpoint != "https://ews.partner.example/EWS/Exchange.asmx" || *e.EwsProvider.EwsUsername != "svc-freebusy" {
			t.Fatalf("EWS configuration: %+v", e)
		}
		for _, c := range got {
			if c.DateCreated == nil || c.DateCreated.Before(before) || !c.DateModified.Equal(*c.DateCreated) {
				t.Fatalf("dates of %s: %v %v", *c.DomainName, c.DateCreated, c.DateModified)
			}
		}
		raw, _ := json.Marshal(got)
		if strings.Contains(string(raw), ewsPassword) {
			t.Fatal("ListAvailabilityConfigurations returned the EWS password")
		}
	})

	t.Run("method=CreateAvailabilityConfiguration/case=one per domain; retry by client token", func(t *testing.T) {
		org, _ := f.org(t)
		token := aws.String("tok-" + rnd())
		must(t, create(org, "partner.example", nil, lambdaProvider(lambdaARN), token))
		must(t, create(org, "PARTNER.example", nil, lambdaProvider(lambdaARN), token))
		expect[*types.NameAvailabilityException](t, create(org, "partner.example", nil, lambdaProvider(lambdaARN), nil), "NameAvailabilityException")
		expect[*types.NameAvailabilityException](t, create(org, "partner.example", ews("https://ews.partner.example/"), nil, token), "NameAvailabilityException")
		if got := list(t, org); len(got) != 1 || got[0].ProviderType != types.AvailabilityProviderTypeLambda {
			t.Fatalf("after the retries: %+v", got)
		}
	})

	t.Run("method=CreateAvailabilityConfiguration/case=invalid requests", func(t *testing.T) {
		org, _ := f.org(t)
		for name, err := range map[string]error{
			"no provider":                  create(org, "partner.example", nil, nil, nil),
			"two providers":                create(org, "partner.example", ews("https://ews.partner.example/"), lambdaProvider(lambdaARN), nil),
			"one-label domain":             create(org, "localhost", nil, lambdaProvider(lambdaARN), nil),
			"empty label":                  create(org, "partner..example", nil, lambdaProvider(lambdaARN), nil),
			"port out of range":            create(org, "partner.example", ews("https://ews.partner.example:70000/"), nil, nil),
			"endpoint pattern (model)":     create(org, "partner.example", ews("ftp://ews.partner.example/"), nil, nil),
			"Lambda ARN pattern (model)":   create(org, "partner.example", nil, lambdaProvider("arn:aws:lambda:us-east-1:123456789012:layer:freebusy"), nil),
			"domain pattern (model)":       create(org, "partner_example.com", nil, lambdaProvider(lambdaARN), nil),
			"password pattern (model)":     create(org, "partner.example", &types.EwsAvailabilityProvider{EwsEndpoint: aws.String("https://e.example/"), EwsUsername: aws.String("u"), EwsPassword: aws.String("tab\there")}, nil, nil),
			"Lambda ARN too short (model)": create(org, "partner.example", nil, lambdaProvider("arn:aws:lambda:us-east-1:1:function:f"), nil),
		} {
			t.Run(name, func(t *testing.T) {
				expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
				if strings.Contains(message(err), "tab\there") {
					t.Fatalf("the error repeats the password: %s", message(err))
				}
			})
		}
		if got := list(t, org); len(got) != 0 {
			t.Fatalf("refused requests made configurations: %+v", got)
		}
	})

	t.Run("method=CreateAvailabilityConfiguration/case=limit", func(t *testing.T) {
		org, _ := f.org(t)
		for i := 0; i < 100; i++ {
			must(t, create(org, fmt.Sprintf("d%03d.example", i), nil, lambdaProvider(lambdaARN), nil))
		}
		expect[*types.LimitExceededException](t, create(org, "one-more.example", nil, lambdaProvider(lambdaARN), nil), "LimitExceededException")
		must(t, del(org, "d000.example"))
		must(t, create(org, "one-more.example", nil, lambdaProvider(lambdaARN), nil))
	})

	t.Run("method=UpdateAvailabilityConfiguration/case=replaces the provider", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, create(org, "partner.example", nil, lambdaProvider(lambdaARN), nil))
		created := list(t, org)[0]
		time.Sleep(10 * time.Millisecond)
		must(t, update(org, "Partner.Example", ews("https://ews.partner.example/EWS/"), nil))
		got := list(t, org)
		if len(got) != 1 || got[0].ProviderType != types.AvailabilityProviderTypeEws || got[0].LambdaProvider != nil ||
			*got[0].EwsProvider.EwsEndpoint != "https://ews.partner.example/EWS/" || !got[0].DateCreated.Equal(*created.DateCreated) ||
			!got[0].DateModified.After(*created.DateModified) {
			t.Fatalf("after update: %+v", got)
		}
	})

	t.Run("method=UpdateAvailabilityConfiguration/case=errors", func(t *testing.T) {
		org, _ := f.org(t)
		expect[*types.ResourceNotFoundException](t, update(org, "nobody.example", nil, lambdaProvider(lambdaARN)), "ResourceNotFoundException")
		must(t, create(org, "partner.example", nil, lambdaProvider(lambdaARN), nil))
		expect[*types.InvalidParameterException](t, update(org, "partner.example", nil, nil), "InvalidParameterException")
		expect[*types.InvalidParameterException](t, update(org, "partner.example", ews("https://e.example/"), lambdaProvider(lambdaARN)), "InvalidParameterException")
	})

	t.Run("method=DeleteAvailabilityConfiguration/case=idempotent", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, create(org, "partner.example", nil, lambdaProvider(lambdaARN), nil))
		for i := 0; i < 2; i++ {
			must(t, del(org, "PARTNER.EXAMPLE"))
		}
		if got := list(t, org); len(got) != 0 {
			t.Fatalf("after delete: %+v", got)
		}
	})

	t.Run("method=ListAvailabilityConfigurations/case=forged token", func(t *testing.T) {
		org, _ := f.org(t)
		_, err := f.wm.ListAvailabilityConfigurations(f.ctx, &workmail.ListAvailabilityConfigurationsInput{OrganizationId: &org, NextToken: aws.String("forged")})
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})

	t.Run("method=TestAvailabilityConfiguration/case=refused: no EWS, no Lambda", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, create(org, "partner.example", ews("https://ews.partner.example/EWS/"), nil, nil))
		refused(t, test(&workmail.TestAvailabilityConfigurationInput{OrganizationId: &org, DomainName: aws.String("partner.example")}),
			"does not reach the EWS endpoint https://ews.partner.example/EWS/", "nothing was tested")
		refused(t, test(&workmail.TestAvailabilityConfigurationInput{OrganizationId: &org, LambdaProvider: lambdaProvider(lambdaARN)}),
			"does not reach AWS Lambda", "nothing was tested")
		err := test(&workmail.TestAvailabilityConfigurationInput{OrganizationId: &org, EwsProvider: ews("https://ews.other.example/")})
		refused(t, err, "does not reach the EWS endpoint https://ews.other.example/")
		if strings.Contains(message(err), ewsPassword) {
			t.Fatal("the answer repeats the password")
		}
	})

	t.Run("method=TestAvailabilityConfiguration/case=errors", func(t *testing.T) {
		org, _ := f.org(t)
		expect[*types.ResourceNotFoundException](t, test(&workmail.TestAvailabilityConfigurationInput{OrganizationId: &org, DomainName: aws.String("nobody.example")}),
			"ResourceNotFoundException")
		for name, in := range map[string]*workmail.TestAvailabilityConfigurationInput{
			"nothing to test":         {OrganizationId: &org},
			"domain and provider":     {OrganizationId: &org, DomainName: aws.String("partner.example"), LambdaProvider: lambdaProvider(lambdaARN)},
			"two providers":           {OrganizationId: &org, EwsProvider: ews("https://e.example/"), LambdaProvider: lambdaProvider(lambdaARN)},
			"endpoint port":           {OrganizationId: &org, EwsProvider: ews("https://e.example:0/")},
			"Lambda ARN (model)":      {OrganizationId: &org, LambdaProvider: lambdaProvider("arn:aws:lambda:us-east-1:123456789012:function")},
			"domain pattern (model)":  {OrganizationId: &org, DomainName: aws.String("a b.example")},
			"endpoint scheme (model)": {OrganizationId: &org, EwsProvider: ews("mailto:ews@e.example")},
		} {
			t.Run(name, func(t *testing.T) {
				err := test(in)
				expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
				if strings.Contains(message(err), "does not reach") {
					t.Fatalf("an invalid request was refused for want of a provider: %s", message(err))
				}
			})
		}
	})
}
