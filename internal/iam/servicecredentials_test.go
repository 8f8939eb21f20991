package iam_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestServiceSpecificCredentials(t *testing.T) {
	e, c := newEnv(t)
	createUser(t, c, "Dev")
	createUser(t, c, "Ops")
	create := func(user, service string) (*types.ServiceSpecificCredential, error) {
		out, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String(user), ServiceName: aws.String(service)})
		if err != nil {
			return nil, err
		}
		return out.ServiceSpecificCredential, nil
	}
	var first *types.ServiceSpecificCredential

	t.Run("method=CreateServiceSpecificCredential/case=codecommit", func(t *testing.T) {
		var err error
		first, err = create("dev", "codecommit.amazonaws.com")
		must(t, err)
		if *first.ServiceUserName != "Dev-at-"+e.AccountID || len(*first.ServicePassword) != 44 || first.ServiceCredentialSecret != nil ||
			!regexp.MustCompile(`^ACCA[A-Z2-7]{17}$`).MatchString(*first.ServiceSpecificCredentialId) || first.Status != types.StatusTypeActive || *first.UserName != "Dev" {
			t.Fatalf("credential: %+v", first)
		}
		second, err := create("Dev", "codecommit.amazonaws.com")
		must(t, err)
		if *second.ServiceUserName != "Dev+1-at-"+e.AccountID || *second.ServicePassword == *first.ServicePassword {
			t.Fatalf("second credential: %+v", second)
		}
		_, err = create("Dev", "codecommit.amazonaws.com")
		apiErr(t, err, "LimitExceeded", 409)
		// The quota is per service.
		_, err = create("Dev", "cassandra.amazonaws.com")
		must(t, err)
	})
	t.Run("method=CreateServiceSpecificCredential/case=bedrock-api-key", func(t *testing.T) {
		out, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("Ops"),
			ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(30)})
		must(t, err)
		k := out.ServiceSpecificCredential
		if k.ServiceCredentialAlias == nil || k.ServiceCredentialSecret == nil || k.ServicePassword != nil || k.ExpirationDate == nil ||
			k.ExpirationDate.Sub(*k.CreateDate) != 30*24*time.Hour {
			t.Fatalf("API key: %+v", k)
		}
	})
	t.Run("method=CreateServiceSpecificCredential/case=refused", func(t *testing.T) {
		_, err := create("Dev", "s3.amazonaws.com")
		apiErr(t, err, "NotSupportedService", 404)
		_, err = create("nobody", "codecommit.amazonaws.com")
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("Dev"),
			ServiceName: aws.String("codecommit.amazonaws.com"), CredentialAgeDays: aws.Int32(3)})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=ListServiceSpecificCredentials", func(t *testing.T) {
		svc := func(o *iam.ListServiceSpecificCredentialsOutput) []string {
			var out []string
			for _, m := range o.ServiceSpecificCredentials {
				out = append(out, *m.UserName+":"+*m.ServiceName)
			}
			return out
		}
		wantPages(t, "one service", "[[Dev:codecommit.amazonaws.com] [Dev:codecommit.amazonaws.com]]", func(m *string) (*iam.ListServiceSpecificCredentialsOutput, error) {
			return c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("Dev"), ServiceName: aws.String("codecommit.amazonaws.com"), Marker: m, MaxItems: aws.Int32(1)})
		}, svc)
		all, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)})
		must(t, err)
		if len(all.ServiceSpecificCredentials) != 4 {
			t.Fatalf("all users: %v", svc(all))
		}
		_, err = c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{ServiceName: aws.String("s3.amazonaws.com")})
		apiErr(t, err, "NotSupportedService", 404)
		for _, m := range all.ServiceSpecificCredentials {
			if m.ServiceName != nil && *m.ServiceName == "bedrock.amazonaws.com" && m.ServiceCredentialAlias == nil {
				t.Fatalf("API key listed without alias: %+v", m)
			}
		}
	})
	t.Run("method=ResetServiceSpecificCredential", func(t *testing.T) {
		out, err := c.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{UserName: aws.String("Dev"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})
		must(t, err)
		if *out.ServiceSpecificCredential.ServicePassword == *first.ServicePassword || *out.ServiceSpecificCredential.ServiceUserName != *first.ServiceUserName {
			t.Fatalf("reset: %+v", out.ServiceSpecificCredential)
		}
		_, err = c.ResetServiceSpecificCredential(ctx, &iam.ResetServiceSpecificCredentialInput{UserName: aws.String("Ops"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateServiceSpecificCredential", func(t *testing.T) {
		_, err := c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String("Dev"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId, Status: types.StatusTypeInactive})
		must(t, err)
		out, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("Dev")})
		must(t, err)
		for _, m := range out.ServiceSpecificCredentials {
			if *m.ServiceSpecificCredentialId == *first.ServiceSpecificCredentialId && m.Status != types.StatusTypeInactive {
				t.Fatalf("status %s", m.Status)
			}
		}
		_, err = c.UpdateServiceSpecificCredential(ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String("Dev"), ServiceSpecificCredentialId: aws.String("ACCAAAAAAAAAAAAAAAAAA"), Status: types.StatusTypeActive})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteServiceSpecificCredential", func(t *testing.T) {
		_, err := c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("Dev"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})
		must(t, err)
		_, err = c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("Dev"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})
		apiErr(t, err, "NoSuchEntity", 404)
		// The freed name is given again.
		again, err := create("Dev", "codecommit.amazonaws.com")
		must(t, err)
		if *again.ServiceUserName != "Dev-at-"+e.AccountID {
			t.Fatalf("name %s", *again.ServiceUserName)
		}
	})
}
