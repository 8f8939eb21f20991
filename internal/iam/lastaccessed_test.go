package iam_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// waitReport polls a service last accessed job until it completes.
func waitReport(t *testing.T, c *iam.Client, job *string) *iam.GetServiceLastAccessedDetailsOutput {
	t.Helper()
	for i := 0; i < 100; i++ {
		out, err := c.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job})
		must(t, err)
		if out.JobStatus != types.JobStatusTypeInProgress {
			return out
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the job does not complete")
	return nil
}

func generate(t *testing.T, c *iam.Client, arn string, g types.AccessAdvisorUsageGranularityType) *string {
	t.Helper()
	out, err := c.GenerateServiceLastAccessedDetails(ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(arn), Granularity: g})
	must(t, err)
	return out.JobId
}

// serviceLines renders a report's services as ns:entities:accessed.
func serviceLines(out *iam.GetServiceLastAccessedDetailsOutput) string {
	var lines []string
	for _, s := range out.ServicesLastAccessed {
		lines = append(lines, fmt.Sprintf("%s:%d:%v", *s.ServiceNamespace, aws.ToInt32(s.TotalAuthenticatedEntities), s.LastAuthenticated != nil))
	}
	return strings.Join(lines, " ")
}

func TestServiceLastAccessed(t *testing.T) {
	e, c := newEnv(t)
	acct := e.AccountID
	createUser(t, c, "Reader")
	_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Reader"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"}}`)})
	must(t, err)
	mail, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mail"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"workmail:List*","Resource":"*"}}`)})
	must(t, err)
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Reader"), PolicyArn: mail.Policy.Arn})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Team")})
	must(t, err)
	_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Team"), PolicyName: aws.String("roles"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}}`)})
	must(t, err)
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Team"), UserName: aws.String("Reader")})
	must(t, err)
	createUser(t, c, "Idle")
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Team"), UserName: aws.String("Idle")})
	must(t, err)
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Reader")})
	must(t, err)
	reader := iam.NewFromConfig(e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = reader.GetUser(ctx, &iam.GetUserInput{})
	must(t, err)
	_, err = reader.ListUsers(ctx, &iam.ListUsersInput{})
	must(t, err)
	// A denied call is not an access.
	_, err = reader.ListGroups(ctx, &iam.ListGroupsInput{})
	apiErr(t, err, "AccessDenied", 403)
	userARN := "arn:aws:iam::" + acct + ":user/Reader"

	t.Run("method=GenerateServiceLastAccessedDetails/case=user-action-level", func(t *testing.T) {
		job := generate(t, c, userARN, types.AccessAdvisorUsageGranularityTypeActionLevel)
		first, err := c.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job})
		must(t, err)
		if first.JobStatus != types.JobStatusTypeInProgress || first.JobCreationDate == nil {
			t.Fatalf("new job: %+v", first)
		}
		out := waitReport(t, c, job)
		if out.JobStatus != types.JobStatusTypeCompleted || out.JobType != types.AccessAdvisorUsageGranularityTypeActionLevel || out.JobCompletionDate == nil {
			t.Fatalf("job: %+v", out)
		}
		if got := serviceLines(out); got != "iam:1:true workmail:0:false" {
			t.Fatalf("services %s", got)
		}
		svc := out.ServicesLastAccessed[0]
		if *svc.ServiceName != "AWS Identity and Access Management" || *svc.LastAuthenticatedEntity != userARN || *svc.LastAuthenticatedRegion != "us-east-1" {
			t.Fatalf("iam: %+v", svc)
		}
		var actions []string
		for _, a := range svc.TrackedActionsLastAccessed {
			actions = append(actions, fmt.Sprintf("%s:%v", *a.ActionName, a.LastAccessedTime != nil))
		}
		if got := strings.Join(actions, " "); got != "GetUser:true ListRoles:false ListUsers:true" {
			t.Fatalf("actions %s", got)
		}
	})
	t.Run("method=GetServiceLastAccessedDetails/case=group-and-paging", func(t *testing.T) {
		job := generate(t, c, "arn:aws:iam::"+acct+":group/Team", "")
		out := waitReport(t, c, job)
		if got := serviceLines(out); got != "iam:1:true" || out.JobType != types.AccessAdvisorUsageGranularityTypeServiceLevel || out.ServicesLastAccessed[0].TrackedActionsLastAccessed != nil {
			t.Fatalf("group report %s %+v", got, out)
		}
		if *out.ServicesLastAccessed[0].LastAuthenticatedEntity != userARN {
			t.Fatalf("entity %s", *out.ServicesLastAccessed[0].LastAuthenticatedEntity)
		}
		ents, err := c.GetServiceLastAccessedDetailsWithEntities(ctx, &iam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: job, ServiceNamespace: aws.String("iam")})
		must(t, err)
		var who []string
		for _, d := range ents.EntityDetailsList {
			who = append(who, fmt.Sprintf("%s:%s:%v", *d.EntityInfo.Name, d.EntityInfo.Type, d.LastAuthenticated != nil))
		}
		if got := strings.Join(who, " "); got != "Reader:USER:true Idle:USER:false" || ents.JobStatus != types.JobStatusTypeCompleted {
			t.Fatalf("entities %s", got)
		}
		userJob := generate(t, c, userARN, "")
		waitReport(t, c, userJob)
		wantPages(t, "user report", "[[iam] [workmail]]", func(m *string) (*iam.GetServiceLastAccessedDetailsOutput, error) {
			return c.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: userJob, Marker: m, MaxItems: aws.Int32(1)})
		}, func(o *iam.GetServiceLastAccessedDetailsOutput) []string {
			var out []string
			for _, s := range o.ServicesLastAccessed {
				out = append(out, *s.ServiceNamespace)
			}
			return out
		})
	})
	t.Run("method=GetServiceLastAccessedDetailsWithEntities/case=policy", func(t *testing.T) {
		job := generate(t, c, *mail.Policy.Arn, "")
		out := waitReport(t, c, job)
		if got := serviceLines(out); got != "workmail:0:false" {
			t.Fatalf("policy report %s", got)
		}
		ents, err := c.GetServiceLastAccessedDetailsWithEntities(ctx, &iam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: job, ServiceNamespace: aws.String("workmail")})
		must(t, err)
		if len(ents.EntityDetailsList) != 1 || *ents.EntityDetailsList[0].EntityInfo.Arn != userARN || ents.EntityDetailsList[0].LastAuthenticated != nil {
			t.Fatalf("entities %+v", ents.EntityDetailsList)
		}
	})
	t.Run("method=GenerateServiceLastAccessedDetails/case=role-sessions", func(t *testing.T) {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Auditor"), Path: aws.String("/audit/"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}}`)})
		must(t, err)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Auditor"), PolicyName: aws.String("list"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}}`)})
		must(t, err)
		roleARN := "arn:aws:iam::" + acct + ":role/audit/Auditor"
		as, err := e.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1")})
		must(t, err)
		cr := as.Credentials
		_, err = iam.NewFromConfig(e.AWSConfigFor(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)).ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
		out := waitReport(t, c, generate(t, c, roleARN, ""))
		if got := serviceLines(out); got != "iam:1:true" || *out.ServicesLastAccessed[0].LastAuthenticatedEntity != roleARN {
			t.Fatalf("role report %s %+v", got, out.ServicesLastAccessed)
		}
	})
	t.Run("method=GenerateServiceLastAccessedDetails/case=errors", func(t *testing.T) {
		gen := func(arn string) func() error {
			return op(c.GenerateServiceLastAccessedDetails, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(arn)})
		}
		wantErrors(t, "InvalidInput", 400, call{"not-an-entity", gen("arn:aws:s3:::a-bucket-of-mine")})
		wantErrors(t, "NoSuchEntity", 404, call{"no-user", gen("arn:aws:iam::" + acct + ":user/nobody")},
			call{"no-policy", gen("arn:aws:iam::" + acct + ":policy/nope")})
		wantErrors(t, "NoSuchEntity", 404,
			call{"no-job", op(c.GetServiceLastAccessedDetails, &iam.GetServiceLastAccessedDetailsInput{JobId: aws.String("00000000-0000-0000-0000-000000000000")})},
			call{"no-job-entities", op(c.GetServiceLastAccessedDetailsWithEntities, &iam.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String("00000000-0000-0000-0000-000000000000"), ServiceNamespace: aws.String("iam")})})
		// A job is its creator's.
		job := generate(t, c, userARN, "")
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Reader"), PolicyName: aws.String("report"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetServiceLastAccessedDetails","Resource":"*"}}`)})
		must(t, err)
		_, err = reader.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=GenerateServiceLastAccessedDetails/case=enforced-on-the-entity", func(t *testing.T) {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Reader"), PolicyName: aws.String("own-report"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GenerateServiceLastAccessedDetails","Resource":"` + userARN + `"}}`)})
		must(t, err)
		_, err = reader.GenerateServiceLastAccessedDetails(ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(userARN)})
		must(t, err)
		_, err = reader.GenerateServiceLastAccessedDetails(ctx, &iam.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::" + acct + ":user/Idle")})
		apiErr(t, err, "AccessDenied", 403)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("Reader"), PolicyName: aws.String("own-report")})
		must(t, err)
	})
	t.Run("method=ListPoliciesGrantingServiceAccess", func(t *testing.T) {
		out, err := c.ListPoliciesGrantingServiceAccess(ctx, &iam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String(userARN), ServiceNamespaces: []string{"iam", "workmail", "s3"}})
		must(t, err)
		var lines []string
		for _, e := range out.PoliciesGrantingServiceAccess {
			var ps []string
			for _, p := range e.Policies {
				s := fmt.Sprintf("%s/%s", *p.PolicyName, p.PolicyType)
				if p.EntityType != "" {
					s += fmt.Sprintf("/%s/%s", p.EntityType, *p.EntityName)
				}
				if p.PolicyArn != nil {
					s += "/" + *p.PolicyArn
				}
				ps = append(ps, s)
			}
			lines = append(lines, *e.ServiceNamespace+"="+strings.Join(ps, ","))
		}
		want := "iam=report/INLINE/USER/Reader,self/INLINE/USER/Reader,roles/INLINE/GROUP/Team workmail=mail/MANAGED/" + *mail.Policy.Arn + " s3="
		if got := strings.Join(lines, " "); got != want || out.IsTruncated {
			t.Fatalf("policies\n got %s\nwant %s", got, want)
		}
		_, err = c.ListPoliciesGrantingServiceAccess(ctx, &iam.ListPoliciesGrantingServiceAccessInput{Arn: mail.Policy.Arn, ServiceNamespaces: []string{"iam"}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.ListPoliciesGrantingServiceAccess(ctx, &iam.ListPoliciesGrantingServiceAccessInput{Arn: aws.String("arn:aws:iam::" + acct + ":role/none"), ServiceNamespaces: []string{"iam"}})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}
