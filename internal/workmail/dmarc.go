package workmail

// Inbound DMARC settings: whether the organization enforces the DMARC
// policy of the domains that send it mail. "New Amazon WorkMail
// organizations have DMARC enforcement turned on by default"
// (https://docs.aws.amazon.com/workmail/latest/adminguide/inbound-dmarc.html),
// so DescribeInboundDmarcSettings reports Enforced true until
// PutInboundDmarcSettings says otherwise. mailgate receives no mail yet;
// the setting is kept for the mail front end to apply.

import (
	"context"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

type inboundDmarc struct {
	Enforced bool
}

var inboundDmarcSettings = records.Of[inboundDmarc](records.Org, store.RecordInboundDmarc)

func (s *Service) PutInboundDmarcSettings(ctx context.Context, in *workmailapi.PutInboundDmarcSettingsRequest) (*workmailapi.PutInboundDmarcSettingsResponse, error) {
	if err := setOrgSetting(ctx, s, inboundDmarcSettings, in.OrganizationId, &inboundDmarc{Enforced: in.Enforced}); err != nil {
		return nil, err
	}
	return &workmailapi.PutInboundDmarcSettingsResponse{}, nil
}

func (s *Service) DescribeInboundDmarcSettings(ctx context.Context, in *workmailapi.DescribeInboundDmarcSettingsRequest) (*workmailapi.DescribeInboundDmarcSettingsResponse, error) {
	_, d, ok, err := orgSetting(ctx, s, inboundDmarcSettings, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeInboundDmarcSettingsResponse{Enforced: opt.Ptr(!ok || d.Enforced)}, nil
}
