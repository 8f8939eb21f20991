package sts

import (
	"context"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// AssumeRoleTarget is the role, as the model says, and two further
// permissions the role's trust policy must grant: sts:TagSession when the
// request passes session tags, sts:SetSourceIdentity when it sets a
// source identity (IAM user guide, "Passing session tags in AWS STS" and
// "Monitor and control actions taken with assumed roles").
func (s *Service) AssumeRoleTarget(_ context.Context, _ *reqctx.Request, in *stsapi.AssumeRoleRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	if len(in.Tags) > 0 || len(in.TransitiveTagKeys) > 0 {
		t.Also = append(t.Also, "sts:TagSession")
	}
	if in.SourceIdentity != nil && *in.SourceIdentity != "" {
		t.Also = append(t.Also, "sts:SetSourceIdentity")
	}
	return t, nil
}
