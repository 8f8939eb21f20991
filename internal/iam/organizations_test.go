package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The account is in no organization: the organization features answer
// OrganizationNotFound, and an organizations access report fails.
func TestOrganizations(t *testing.T) {
	_, c := newEnv(t)
	t.Run("method=*OrganizationsRoot*", func(t *testing.T) {
		wantErrors(t, "OrganizationNotFoundException", 400,
			call{"EnableOrganizationsRootCredentialsManagement", op(c.EnableOrganizationsRootCredentialsManagement, &iam.EnableOrganizationsRootCredentialsManagementInput{})},
			call{"DisableOrganizationsRootCredentialsManagement", op(c.DisableOrganizationsRootCredentialsManagement, &iam.DisableOrganizationsRootCredentialsManagementInput{})},
			call{"EnableOrganizationsRootSessions", op(c.EnableOrganizationsRootSessions, &iam.EnableOrganizationsRootSessionsInput{})},
			call{"DisableOrganizationsRootSessions", op(c.DisableOrganizationsRootSessions, &iam.DisableOrganizationsRootSessionsInput{})},
			call{"ListOrganizationsFeatures", op(c.ListOrganizationsFeatures, &iam.ListOrganizationsFeaturesInput{})})
	})
	t.Run("method=GenerateOrganizationsAccessReport/case=job-fails", func(t *testing.T) {
		out, err := c.GenerateOrganizationsAccessReport(ctx, &iam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String("o-a1b2c3d4e5/r-f6g7h8i9j0example")})
		must(t, err)
		rep, err := c.GetOrganizationsAccessReport(ctx, &iam.GetOrganizationsAccessReportInput{JobId: out.JobId})
		must(t, err)
		if rep.JobStatus != types.JobStatusTypeFailed || rep.ErrorDetails == nil || *rep.ErrorDetails.Code != "AWSOrganizationsNotInUseException" ||
			!strings.Contains(*rep.ErrorDetails.Message, "not a member of an organization") || rep.JobCreationDate == nil {
			t.Fatalf("report: %+v", rep)
		}
		_, err = c.GetOrganizationsAccessReport(ctx, &iam.GetOrganizationsAccessReportInput{JobId: aws.String("00000000-0000-0000-0000-000000000000")})
		apiErr(t, err, "NoSuchEntity", 404)
		// It is not a service last accessed job.
		_, err = c.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: out.JobId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}
