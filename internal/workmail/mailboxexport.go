package workmail

// Mailbox export jobs.
//
// StartMailboxExportJob exports a mailbox to an S3 bucket, encrypted with
// a KMS key, through an IAM role that may write to the bucket
// (https://docs.aws.amazon.com/workmail/latest/APIReference/API_StartMailboxExportJob.html).
// mailgate does not reach Amazon S3 or AWS KMS, so it cannot run a job:
// it checks the request as WorkMail would (organization, mailbox, role,
// key and bucket), then refuses it, and starts nothing. It never returns
// a job ID, so there are never jobs to describe, list or cancel:
// ListMailboxExportJobs is empty, and DescribeMailboxExportJob and
// CancelMailboxExportJob answer EntityNotFoundException, the not-found
// error their models list.
//
// The refusal is an InvalidParameterException. Of the errors the model
// lists for StartMailboxExportJob, LimitExceededException would say that
// a quota of running jobs is full and invite a retry once jobs finish,
// and none ever will; InvalidParameterException says the request cannot
// be served as given, which is so for any S3 destination on this server,
// and clients do not retry it. Its message says what is missing.

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

func (s *Service) StartMailboxExportJob(ctx context.Context, in *workmailapi.StartMailboxExportJobRequest) (*workmailapi.StartMailboxExportJobResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	// "The identifier of the user or resource associated with the mailbox."
	e, err := s.entity(ctx, o.ID, in.EntityId, userKind, resourceKind)
	if err != nil {
		return nil, err
	}
	if e.State != store.EntityEnabled {
		return nil, workmailapi.NewEntityNotFoundException("The %s %s has no mailbox to export: it is %s.", nounOf(e), e.ID, e.State)
	}
	if err := checkRoleARN("RoleArn", in.RoleArn); err != nil {
		return nil, err
	}
	if err := checkKMSKeyARN("KmsKeyArn", in.KmsKeyArn); err != nil {
		return nil, err
	}
	if err := checkS3Bucket("S3BucketName", in.S3BucketName); err != nil {
		return nil, err
	}
	return nil, workmailapi.NewInvalidParameterException("mailgate does not reach Amazon S3 or AWS KMS: mailbox export is not available on this server, so no job was started for the mailbox of %s.", e.ID)
}

func exportJobNotFound(orgID, jobID string) error {
	return workmailapi.NewEntityNotFoundException("The mailbox export job %s does not exist in organization %s: mailgate does not reach Amazon S3 and starts no export jobs.", jobID, orgID)
}

func (s *Service) DescribeMailboxExportJob(ctx context.Context, in *workmailapi.DescribeMailboxExportJobRequest) (*workmailapi.DescribeMailboxExportJobResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	return nil, exportJobNotFound(o.ID, in.JobId)
}

func (s *Service) CancelMailboxExportJob(ctx context.Context, in *workmailapi.CancelMailboxExportJobRequest) (*workmailapi.CancelMailboxExportJobResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	return nil, exportJobNotFound(o.ID, in.JobId)
}

// ListMailboxExportJobs lists no jobs. It issues no NextToken, so any
// token given is invalid.
func (s *Service) ListMailboxExportJobs(ctx context.Context, in *workmailapi.ListMailboxExportJobsRequest) (*workmailapi.ListMailboxExportJobsResponse, error) {
	if _, err := s.activeOrg(ctx, in.OrganizationId); err != nil {
		return nil, err
	}
	if in.NextToken != nil {
		return nil, errInvalidToken()
	}
	return &workmailapi.ListMailboxExportJobsResponse{Jobs: []workmailapi.MailboxExportJob{}}, nil
}
