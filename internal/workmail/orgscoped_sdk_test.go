package workmail_test

import (
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

// deletedOrg creates an organization and deletes it.

// TestOrganizationErrors calls the mailbox and organization configuration
// operations on an organization that does not exist and on a deleted
// one: every one of them answers the two organization errors its model
// lists, before it looks at anything else.
func TestOrganizationErrors(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	calls := map[string]func(org string) error{
		"GetMailboxDetails": func(org string) error {
			_, err := f.wm.GetMailboxDetails(f.ctx, &workmail.GetMailboxDetailsInput{OrganizationId: &org, UserId: aws.String("alice")})
			return err
		},
		"UpdateMailboxQuota": func(org string) error {
			_, err := f.wm.UpdateMailboxQuota(f.ctx, &workmail.UpdateMailboxQuotaInput{OrganizationId: &org, UserId: aws.String("alice"), MailboxQuota: aws.Int32(10)})
			return err
		},
		"PutRetentionPolicy": func(org string) error {
			_, err := f.wm.PutRetentionPolicy(f.ctx, &workmail.PutRetentionPolicyInput{OrganizationId: &org, Name: aws.String("p"), FolderConfigurations: []types.FolderConfiguration{}})
			return err
		},
		"GetDefaultRetentionPolicy": func(org string) error {
			_, err := f.wm.GetDefaultRetentionPolicy(f.ctx, &workmail.GetDefaultRetentionPolicyInput{OrganizationId: &org})
			return err
		},
		"DeleteRetentionPolicy": func(org string) error {
			_, err := f.wm.DeleteRetentionPolicy(f.ctx, &workmail.DeleteRetentionPolicyInput{OrganizationId: &org, Id: aws.String("p")})
			return err
		},
		"StartMailboxExportJob": func(org string) error {
			_, err := f.wm.StartMailboxExportJob(f.ctx, &workmail.StartMailboxExportJobInput{ClientToken: aws.String("t"), OrganizationId: &org, EntityId: aws.String("alice"),
				RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), KmsKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/k"),
				S3BucketName: aws.String("bucket"), S3Prefix: aws.String("p")})
			return err
		},
		"DescribeMailboxExportJob": func(org string) error {
			_, err := f.wm.DescribeMailboxExportJob(f.ctx, &workmail.DescribeMailboxExportJobInput{OrganizationId: &org, JobId: aws.String("j")})
			return err
		},
		"ListMailboxExportJobs": func(org string) error {
			_, err := f.wm.ListMailboxExportJobs(f.ctx, &workmail.ListMailboxExportJobsInput{OrganizationId: &org})
			return err
		},
		"CancelMailboxExportJob": func(org string) error {
			_, err := f.wm.CancelMailboxExportJob(f.ctx, &workmail.CancelMailboxExportJobInput{OrganizationId: &org, JobId: aws.String("j"), ClientToken: aws.String("t")})
			return err
		},
		"CreateAvailabilityConfiguration": func(org string) error {
			_, err := f.wm.CreateAvailabilityConfiguration(f.ctx, &workmail.CreateAvailabilityConfigurationInput{OrganizationId: &org,
				DomainName: aws.String("partner.example"), LambdaProvider: lambdaProvider(lambdaARN)})
			return err
		},
		"UpdateAvailabilityConfiguration": func(org string) error {
			_, err := f.wm.UpdateAvailabilityConfiguration(f.ctx, &workmail.UpdateAvailabilityConfigurationInput{OrganizationId: &org,
				DomainName: aws.String("partner.example"), LambdaProvider: lambdaProvider(lambdaARN)})
			return err
		},
		"DeleteAvailabilityConfiguration": func(org string) error {
			_, err := f.wm.DeleteAvailabilityConfiguration(f.ctx, &workmail.DeleteAvailabilityConfigurationInput{OrganizationId: &org, DomainName: aws.String("partner.example")})
			return err
		},
		"ListAvailabilityConfigurations": func(org string) error {
			_, err := f.wm.ListAvailabilityConfigurations(f.ctx, &workmail.ListAvailabilityConfigurationsInput{OrganizationId: &org})
			return err
		},
		"TestAvailabilityConfiguration": func(org string) error {
			_, err := f.wm.TestAvailabilityConfiguration(f.ctx, &workmail.TestAvailabilityConfigurationInput{OrganizationId: &org, LambdaProvider: lambdaProvider(lambdaARN)})
			return err
		},
		"PutEmailMonitoringConfiguration": func(org string) error {
			_, err := f.wm.PutEmailMonitoringConfiguration(f.ctx, &workmail.PutEmailMonitoringConfigurationInput{OrganizationId: &org,
				LogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/aws/workmail/emailevents/corp:*")})
			return err
		},
		"DescribeEmailMonitoringConfiguration": func(org string) error {
			_, err := f.wm.DescribeEmailMonitoringConfiguration(f.ctx, &workmail.DescribeEmailMonitoringConfigurationInput{OrganizationId: &org})
			return err
		},
		"DeleteEmailMonitoringConfiguration": func(org string) error {
			_, err := f.wm.DeleteEmailMonitoringConfiguration(f.ctx, &workmail.DeleteEmailMonitoringConfigurationInput{OrganizationId: &org})
			return err
		},
		"PutInboundDmarcSettings": func(org string) error {
			_, err := f.wm.PutInboundDmarcSettings(f.ctx, &workmail.PutInboundDmarcSettingsInput{OrganizationId: &org, Enforced: aws.Bool(false)})
			return err
		},
		"DescribeInboundDmarcSettings": func(org string) error {
			_, err := f.wm.DescribeInboundDmarcSettings(f.ctx, &workmail.DescribeInboundDmarcSettingsInput{OrganizationId: &org})
			return err
		},
	}
	unknown, deleted := unknownOrgID(), f.deletedOrg(t)
	names := make([]string, 0, len(calls))
	for name := range calls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run("method="+name+"/case=unknown organization", func(t *testing.T) {
			expect[*types.OrganizationNotFoundException](t, calls[name](unknown), "OrganizationNotFoundException")
		})
		t.Run("method="+name+"/case=deleted organization", func(t *testing.T) {
			expect[*types.OrganizationStateException](t, calls[name](deleted), "OrganizationStateException")
		})
	}
}
