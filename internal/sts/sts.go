// Package sts serves the Security Token Service. GetCallerIdentity answers
// from the authenticated caller; temporary credentials come with the
// policy-engine work.
package sts

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// Service implements stsapi.API.
type Service struct {
	stsapi.Unimplemented
}

// New returns the STS service.
func New() *Service { return &Service{} }

// GetCallerIdentity reports who signed the request.
func (s *Service) GetCallerIdentity(ctx context.Context, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	c := reqctx.From(ctx).Caller
	return &stsapi.GetCallerIdentityResponse{Account: &c.AccountID, Arn: &c.Arn, UserId: &c.UserID}, nil
}
