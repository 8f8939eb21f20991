package workmail

// Email monitoring configuration: the CloudWatch Logs log group that
// receives an organization's email event logs, and the IAM role WorkMail
// writes to it with
// (https://docs.aws.amazon.com/workmail/latest/adminguide/tracking.html).
//
// PutEmailMonitoringConfiguration creates or replaces it; the role is
// optional ("If absent, the IAM Role Arn of
// AWSServiceRoleForAmazonWorkMailEvents will be used",
// https://docs.aws.amazon.com/workmail/latest/APIReference/API_PutEmailMonitoringConfiguration.html)
// and DescribeEmailMonitoringConfiguration returns the configuration as it
// was put, without a role when none was given.
// DescribeEmailMonitoringConfiguration of an organization without one
// answers ResourceNotFoundException; DeleteEmailMonitoringConfiguration
// of one succeeds.
//
// The configuration is kept and returned, and no event is delivered:
// mailgate carries no mail yet, so there are no email events, and it does
// not reach CloudWatch Logs. Neither can it check that the role and log
// group exist, which WorkMail does (ResourceNotFoundException): it only
// checks that their ARNs are well formed (awsrefs.go).

import (
	"context"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

type emailMonitoring struct {
	RoleArn     string `json:",omitempty"`
	LogGroupArn string
}

var emailMonitorings = records.Of[emailMonitoring](records.Org, store.RecordEmailMonitoring)

func (s *Service) PutEmailMonitoringConfiguration(ctx context.Context, in *workmailapi.PutEmailMonitoringConfigurationRequest) (*workmailapi.PutEmailMonitoringConfigurationResponse, error) {
	if in.RoleArn != nil {
		if err := checkRoleARN("RoleArn", *in.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := checkLogGroupARN("LogGroupArn", in.LogGroupArn); err != nil {
		return nil, err
	}
	if err := setOrgSetting(ctx, s, emailMonitorings, in.OrganizationId, &emailMonitoring{RoleArn: opt.Deref(in.RoleArn), LogGroupArn: in.LogGroupArn}); err != nil {
		return nil, err
	}
	return &workmailapi.PutEmailMonitoringConfigurationResponse{}, nil
}

func (s *Service) DescribeEmailMonitoringConfiguration(ctx context.Context, in *workmailapi.DescribeEmailMonitoringConfigurationRequest) (*workmailapi.DescribeEmailMonitoringConfigurationResponse, error) {
	o, m, ok, err := orgSetting(ctx, s, emailMonitorings, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, workmailapi.NewResourceNotFoundException("Organization %s has no email monitoring configuration.", o.ID)
	}
	return &workmailapi.DescribeEmailMonitoringConfigurationResponse{RoleArn: opt.NonEmpty(m.RoleArn), LogGroupArn: &m.LogGroupArn}, nil
}

func (s *Service) DeleteEmailMonitoringConfiguration(ctx context.Context, in *workmailapi.DeleteEmailMonitoringConfigurationRequest) (*workmailapi.DeleteEmailMonitoringConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if _, err := emailMonitorings.Remove(ctx, s.st, o.ID, orgSettingKey); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteEmailMonitoringConfigurationResponse{}, nil
}
