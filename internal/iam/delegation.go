package iam

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/opt"
)

// Delegation requests (IAM user guide, "Temporary delegation"): an AWS
// partner files a request for temporary access to a customer's account;
// the customer associates, accepts and sends the exchange token, which
// IAM delivers to the partner's SNS topic. CreateDelegationRequest is
// "not available for general use": the caller must be onboarded as a
// partner, with its policy templates and SNS notification channel
// registered with AWS. No account of this server can be, so no request
// is ever created: creation says what is missing, and the operations on
// a request answer as IAM does for a request that does not exist.

func (s *Service) CreateDelegationRequest(ctx context.Context, _ *iamapi.CreateDelegationRequestRequest) (*iamapi.CreateDelegationRequestResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return nil, iamapi.NewInvalidInputException("Account %s is not onboarded as a delegation partner: creating a delegation request needs the partner onboarding that registers its policy templates and SNS notification channel, and no account here can have one.", sc.account)
}

func noSuchDelegationRequest(id string) error {
	return iamapi.NewNoSuchEntityException("The delegation request with ID %s cannot be found.", id)
}

// delegationRequest starts an operation on one request: there is none.
func (s *Service) delegationRequest(ctx context.Context, id string) error {
	if _, err := s.scope(ctx); err != nil {
		return err
	}
	return noSuchDelegationRequest(id)
}

func (s *Service) GetDelegationRequest(ctx context.Context, in *iamapi.GetDelegationRequestRequest) (*iamapi.GetDelegationRequestResponse, error) {
	return nil, s.delegationRequest(ctx, in.DelegationRequestId)
}

func (s *Service) AcceptDelegationRequest(ctx context.Context, in *iamapi.AcceptDelegationRequestRequest) error {
	return s.delegationRequest(ctx, in.DelegationRequestId)
}

func (s *Service) AssociateDelegationRequest(ctx context.Context, in *iamapi.AssociateDelegationRequestRequest) error {
	return s.delegationRequest(ctx, in.DelegationRequestId)
}

func (s *Service) RejectDelegationRequest(ctx context.Context, in *iamapi.RejectDelegationRequestRequest) error {
	return s.delegationRequest(ctx, in.DelegationRequestId)
}

func (s *Service) SendDelegationToken(ctx context.Context, in *iamapi.SendDelegationTokenRequest) error {
	return s.delegationRequest(ctx, in.DelegationRequestId)
}

func (s *Service) UpdateDelegationRequest(ctx context.Context, in *iamapi.UpdateDelegationRequestRequest) error {
	return s.delegationRequest(ctx, in.DelegationRequestId)
}

// ListDelegationRequests lists the requests the caller (or OwnerId)
// owns: none.
func (s *Service) ListDelegationRequests(ctx context.Context, in *iamapi.ListDelegationRequestsRequest) (*iamapi.ListDelegationRequestsResponse, error) {
	if _, err := s.scope(ctx); err != nil {
		return nil, err
	}
	if _, err := decodeMarker(in.Marker); err != nil {
		return nil, err
	}
	return &iamapi.ListDelegationRequestsResponse{DelegationRequests: []iamapi.DelegationRequest{}, IsTruncated: opt.Ptr(false)}, nil
}

// GetHumanReadableSummary summarizes an entity; delegation requests are
// the only kind it supports.
func (s *Service) GetHumanReadableSummary(ctx context.Context, in *iamapi.GetHumanReadableSummaryRequest) (*iamapi.GetHumanReadableSummaryResponse, error) {
	if _, err := s.scope(ctx); err != nil {
		return nil, err
	}
	a, ok := arn.Parse(in.EntityArn)
	id, isRequest := strings.CutPrefix(a.Resource, "delegation-request/")
	if !ok || a.Service != "iam" || !isRequest {
		return nil, iamapi.NewInvalidInputException("Entity %s is not supported: the only supported entity type is delegation-request.", in.EntityArn)
	}
	return nil, noSuchDelegationRequest(id)
}
