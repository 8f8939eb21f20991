package iam

import (
	"context"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// The operations that act on an AWS Organizations organization answer as
// IAM does for an account that belongs to none: the features of
// centralized root access need the account to manage an organization
// (IAM user guide, "Centrally manage root access for member accounts"),
// and an organizations access report needs the organization its entity
// path names (IAM user guide, "Refining permissions in AWS using last
// accessed information").

func errNoOrganization() error {
	return iamapi.NewOrganizationNotFoundException("The request was rejected because no organization is associated with your account.")
}

func (s *Service) EnableOrganizationsRootCredentialsManagement(context.Context, *iamapi.EnableOrganizationsRootCredentialsManagementRequest) (*iamapi.EnableOrganizationsRootCredentialsManagementResponse, error) {
	return nil, errNoOrganization()
}

func (s *Service) DisableOrganizationsRootCredentialsManagement(context.Context, *iamapi.DisableOrganizationsRootCredentialsManagementRequest) (*iamapi.DisableOrganizationsRootCredentialsManagementResponse, error) {
	return nil, errNoOrganization()
}

func (s *Service) EnableOrganizationsRootSessions(context.Context, *iamapi.EnableOrganizationsRootSessionsRequest) (*iamapi.EnableOrganizationsRootSessionsResponse, error) {
	return nil, errNoOrganization()
}

func (s *Service) DisableOrganizationsRootSessions(context.Context, *iamapi.DisableOrganizationsRootSessionsRequest) (*iamapi.DisableOrganizationsRootSessionsResponse, error) {
	return nil, errNoOrganization()
}

func (s *Service) ListOrganizationsFeatures(context.Context, *iamapi.ListOrganizationsFeaturesRequest) (*iamapi.ListOrganizationsFeaturesResponse, error) {
	return nil, errNoOrganization()
}

// GenerateOrganizationsAccessReport starts a report job, as IAM does;
// the job fails, with the reason in its ErrorDetails, since the account
// is in no organization that the entity path could name.
func (s *Service) GenerateOrganizationsAccessReport(ctx context.Context, in *iamapi.GenerateOrganizationsAccessReportRequest) (*iamapi.GenerateOrganizationsAccessReportResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	job := &accessJob{ID: uuid.NewString(), EntityPath: in.EntityPath, Caller: sc.caller.Arn, Created: s.now()}
	if _, err := accessJobs.Put(ctx, s.st, sc.account, job.ID, func(*accessJob) (*accessJob, error) { return job, nil }); err != nil {
		return nil, err
	}
	return &iamapi.GenerateOrganizationsAccessReportResponse{JobId: &job.ID}, nil
}

func (s *Service) GetOrganizationsAccessReport(ctx context.Context, in *iamapi.GetOrganizationsAccessReportRequest) (*iamapi.GetOrganizationsAccessReportResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	j, ok, err := accessJobs.Get(ctx, s.st, sc.account, in.JobId)
	if err != nil {
		return nil, err
	}
	if !ok || j.EntityPath == "" {
		return nil, iamapi.NewNoSuchEntityException("No such job %s.", in.JobId)
	}
	return &iamapi.GetOrganizationsAccessReportResponse{JobStatus: iamapi.JobStatusTypeFailed, JobCreationDate: j.Created,
		JobCompletionDate: opt.Ptr(j.Created), IsTruncated: opt.Ptr(false), ErrorDetails: &iamapi.ErrorDetails{
			// What AWS Organizations answers an account in none.
			Code:    "AWSOrganizationsNotInUseException",
			Message: "Your account is not a member of an organization.",
		}}, nil
}
