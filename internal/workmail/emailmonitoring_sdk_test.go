package workmail_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

func TestEmailMonitoring(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	const (
		role     = "arn:aws:iam::123456789012:role/WorkMailEvents"
		logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/workmail/emailevents/corp:*"
	)
	put := func(org string, role *string, logGroup string) error {
		_, err := f.wm.PutEmailMonitoringConfiguration(f.ctx, &workmail.PutEmailMonitoringConfigurationInput{OrganizationId: &org, RoleArn: role, LogGroupArn: &logGroup})
		return err
	}
	describe := func(org string) (*workmail.DescribeEmailMonitoringConfigurationOutput, error) {
		return f.wm.DescribeEmailMonitoringConfiguration(f.ctx, &workmail.DescribeEmailMonitoringConfigurationInput{OrganizationId: &org})
	}
	del := func(org string) error {
		_, err := f.wm.DeleteEmailMonitoringConfiguration(f.ctx, &workmail.DeleteEmailMonitoringConfigurationInput{OrganizationId: &org})
		return err
	}

	t.Run("method=DescribeEmailMonitoringConfiguration/case=none set", func(t *testing.T) {
		org, _ := f.org(t)
		_, err := describe(org)
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	})

	t.Run("method=PutEmailMonitoringConfiguration/case=put, replace, role optional", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, put(org, aws.String(role), logGroup))
		out, err := describe(org)
		must(t, err)
		if aws.ToString(out.RoleArn) != role || aws.ToString(out.LogGroupArn) != logGroup {
			t.Fatalf("after put: %+v", out)
		}
		other := strings.Replace(logGroup, "corp", "corp-2", 1)
		must(t, put(org, nil, other))
		out, err = describe(org)
		must(t, err)
		if out.RoleArn != nil || aws.ToString(out.LogGroupArn) != other {
			t.Fatalf("after a put without role: %+v", out)
		}
	})

	t.Run("method=PutEmailMonitoringConfiguration/case=invalid ARNs", func(t *testing.T) {
		org, _ := f.org(t)
		for _, c := range []struct {
			name, role, logGroup, member string
		}{
			{"role ARN names a user", "arn:aws:iam::123456789012:user/bob", logGroup, "RoleArn"},
			{"role ARN pattern (model)", "arn:aws:s3:::bucket", logGroup, "roleArn"},
			{"log group without Region", role, "arn:aws:logs::123456789012:log-group:/aws/workmail:*", "LogGroupArn"},
			{"log group without :* (model)", role, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/workmail/emailevents/corp", "logGroupArn"},
			{"log group account (model)", role, "arn:aws:logs:us-east-1:1234:log-group:/aws/workmail/emailevents/corp:*", "logGroupArn"},
		} {
			t.Run(c.name, func(t *testing.T) {
				refused(t, put(org, aws.String(c.role), c.logGroup), c.member)
			})
		}
		_, err := describe(org)
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	})

	t.Run("method=DeleteEmailMonitoringConfiguration/case=idempotent", func(t *testing.T) {
		org, _ := f.org(t)
		must(t, del(org))
		must(t, put(org, aws.String(role), logGroup))
		for i := 0; i < 2; i++ {
			must(t, del(org))
		}
		_, err := describe(org)
		expect[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	})
}

func TestInboundDmarc(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, _ := f.org(t)
	enforced := func(t *testing.T) bool {
		t.Helper()
		out, err := f.wm.DescribeInboundDmarcSettings(f.ctx, &workmail.DescribeInboundDmarcSettingsInput{OrganizationId: &org})
		must(t, err)
		return out.Enforced
	}
	put := func(t *testing.T, on bool) {
		t.Helper()
		_, err := f.wm.PutInboundDmarcSettings(f.ctx, &workmail.PutInboundDmarcSettingsInput{OrganizationId: &org, Enforced: aws.Bool(on)})
		must(t, err)
	}
	t.Run("method=DescribeInboundDmarcSettings/case=enforced by default", func(t *testing.T) {
		if !enforced(t) {
			t.Fatal("a new organization does not enforce DMARC")
		}
	})
	t.Run("method=PutInboundDmarcSettings/case=off and on", func(t *testing.T) {
		put(t, false)
		if enforced(t) {
			t.Fatal("DMARC still enforced after turning it off")
		}
		put(t, true)
		if !enforced(t) {
			t.Fatal("DMARC not enforced after turning it on")
		}
	})
}
