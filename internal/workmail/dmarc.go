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

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

type inboundDmarc struct {
	Enforced bool
}

var inboundDmarcSettings = records[inboundDmarc]{kind: store.RecordInboundDmarc}

func (s *Service) PutInboundDmarcSettings(ctx context.Context, in *workmailapi.PutInboundDmarcSettingsRequest) (*workmailapi.PutInboundDmarcSettingsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	_, err = inboundDmarcSettings.put(ctx, s.st, o.ID, orgSettingKey, func(*inboundDmarc) (*inboundDmarc, error) {
		return &inboundDmarc{Enforced: in.Enforced}, nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.PutInboundDmarcSettingsResponse{}, nil
}

func (s *Service) DescribeInboundDmarcSettings(ctx context.Context, in *workmailapi.DescribeInboundDmarcSettingsRequest) (*workmailapi.DescribeInboundDmarcSettingsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	d, ok, err := inboundDmarcSettings.get(ctx, s.st, o.ID, orgSettingKey)
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeInboundDmarcSettingsResponse{Enforced: ptr(!ok || d.Enforced)}, nil
}
