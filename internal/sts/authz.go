package sts

import (
	"context"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// AssumeRoleTarget is the role, as the model says, and two further
// permissions the role's trust policy must grant: sts:TagSession when the
// request passes session tags, sts:SetSourceIdentity when it sets a
// source identity (IAM user guide, "Passing session tags in AWS STS" and
// "Monitor and control actions taken with assumed roles").
func (s *Service) AssumeRoleTarget(ctx context.Context, r *reqctx.Request, in *stsapi.AssumeRoleRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if len(in.Tags) > 0 || len(in.TransitiveTagKeys) > 0 {
		t.Also = append(t.Also, "sts:TagSession")
	}
	if in.SourceIdentity != nil && *in.SourceIdentity != "" {
		t.Also = append(t.Also, "sts:SetSourceIdentity")
	}
	// SerialNumber and TokenCode: checked before the trust policy is, since
	// it may require aws:MultiFactorAuthPresent (sessiontoken_mfa.go).
	if mfa, err := s.checkMFA(ctx, r, in.SerialNumber, in.TokenCode); err != nil || mfa {
		r.MFAAt = s.now().UTC().Truncate(time.Millisecond)
		t.SetKey("aws:MultiFactorAuthPresent", "true")
		t.SetKey("aws:MultiFactorAuthAge", "0")
		return t, err
	}
	return t, nil
}
