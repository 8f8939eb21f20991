package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestIAMPages: roles, users and policies read through the console, and
// the policy simulator's decisions with the statements behind them.
func TestIAMPages(t *testing.T) {
	e := newEnv(t)
	e.readOnlyUser(t, "reader")
	ctx := context.Background()
	im := e.IAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mailer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	pol, err := im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("list-orgs"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"ListOrgs","Effect":"Allow","Action":"workmail:ListOrganizations","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("mailer"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	for path, want := range map[string][]string{
		"/console/iam/roles":        {"mailer"},
		"/console/iam/users":        {"reader"},
		"/console/iam/policies":     {"list-orgs"},
		"/console/iam/roles/mailer": {"list-orgs", "ec2.amazonaws.com", "Policy simulator"},
		"/console/iam/users/reader": {"read-only", "Policy simulator"},
		"/console/iam/policy?arn=" + url.QueryEscape(*pol.Policy.Arn): {"&#34;ListOrgs&#34;", "version v1"},
	} {
		status, _, body := c.get(path)
		if status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, status, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("%s: missing %q\n%s", path, w, body)
			}
		}
	}
	_, _, page := c.get("/console/iam/users/reader")
	status, _, body := c.post("/console/iam/users/reader/simulate", url.Values{"csrf_token": {csrf(t, page)},
		"policySourceArn": {arnOf(t, page)}, "actionNames": {"workmail:ListUsers, workmail:CreateOrganization"}})
	if status != http.StatusOK {
		t.Fatalf("simulate: %d\n%s", status, body)
	}
	sim := body[strings.Index(body, `id="simulation"`):]
	for _, w := range []string{"workmail:ListUsers", "<strong>allowed</strong>", "user_reader_read-only (IAM Policy), line 1", "workmail:CreateOrganization", "<strong>implicitDeny</strong>", "no statement matched"} {
		if !strings.Contains(sim, w) {
			t.Fatalf("simulation: missing %q\n%s", w, sim)
		}
	}
	// No action: said next to the field.
	status, _, body = c.post("/console/iam/users/reader/simulate", url.Values{"csrf_token": {csrf(t, page)}, "policySourceArn": {arnOf(t, page)}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="simulate-actionNames-error"`) {
		t.Fatalf("empty actions: %d\n%s", status, body)
	}
}

// arnOf is the principal ARN a page's simulator form carries.
func arnOf(t *testing.T, page string) string {
	t.Helper()
	const k = `name="policySourceArn" value="`
	i := strings.Index(page, k)
	if i < 0 {
		t.Fatalf("no principal ARN in\n%s", page)
	}
	rest := page[i+len(k):]
	return rest[:strings.Index(rest, `"`)]
}
