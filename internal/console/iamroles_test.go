package console_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// untrusting is a trust policy IAM refuses: it names no principal.
const untrusting = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`

// createRole creates the role mailer, trusted by EC2, and a managed
// policy to serve as a boundary; it returns the policy's ARN.
func (e *env) createRole(t testing.TB) string {
	t.Helper()
	ctx, im := context.Background(), e.IAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mailer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	pol, err := im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	return *pol.Policy.Arn
}

// TestRoleSettings: the policy check answers IAM's own message; the
// settings form refuses a malformed trust policy next to the field, and
// writes the maximum session duration and the boundary.
func TestRoleSettings(t *testing.T) {
	e := newEnv(t)
	boundary := e.createRole(t)
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	_, _, page := c.get("/console/iam/roles/mailer")
	token := csrf(t, page)

	// The message IAM answers for the document.
	_, err := e.IAM().UpdateAssumeRolePolicy(context.Background(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("mailer"), PolicyDocument: aws.String(untrusting)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "MalformedPolicyDocument" {
		t.Fatalf("IAM accepted the document: %v", err)
	}
	check := func(doc string) string {
		t.Helper()
		status, _, body := c.post("/console/policy/check", url.Values{"csrf_token": {token}, "kind": {"trust"}, "document": {doc}})
		if status != http.StatusOK {
			t.Fatalf("check: %d %s", status, body)
		}
		return body
	}
	if got := check(untrusting); !strings.Contains(got, `"message":"`+ae.ErrorMessage()+`"`) {
		t.Fatalf("check: %s, IAM says %q", got, ae.ErrorMessage())
	}
	if got := check(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`); !strings.Contains(got, `"message":""`) {
		t.Fatalf("a valid document: %s", got)
	}

	trust := html.UnescapeString(firstMatch(`(?s)<textarea id="settings-trust"[^>]*>(.*?)</textarea>`, page))
	status, _, body := c.post("/console/iam/roles/mailer/settings", url.Values{"csrf_token": {token}, "trust": {untrusting},
		"maxSessionDuration": {"3600"}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="settings-trust-error" aria-live="polite">`+html.EscapeString(ae.ErrorMessage())) {
		t.Fatalf("malformed trust: %d\n%s", status, body)
	}
	status, loc, body := c.post("/console/iam/roles/mailer/settings", url.Values{"csrf_token": {token}, "trust": {strings.ReplaceAll(trust, "\n", "\r\n")},
		"maxSessionDuration": {"7200"}, "boundary": {boundary}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "role-settings-saved") {
		t.Fatalf("save: %d %q\n%s", status, loc, body)
	}
	role, err := e.IAM().GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("mailer")})
	if err != nil {
		t.Fatal(err)
	}
	if *role.Role.MaxSessionDuration != 7200 || role.Role.PermissionsBoundary == nil || *role.Role.PermissionsBoundary.PermissionsBoundaryArn != boundary ||
		!strings.Contains(*role.Role.AssumeRolePolicyDocument, "ec2.amazonaws.com") {
		t.Fatalf("role: %+v", role.Role)
	}
	// Out of range: IAM's validation, next to the field.
	status, _, body = c.post("/console/iam/roles/mailer/settings", url.Values{"csrf_token": {token}, "trust": {trust},
		"maxSessionDuration": {"60"}, "boundary": {boundary}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="settings-maxSessionDuration-error"`) {
		t.Fatalf("60 seconds: %d\n%s", status, body)
	}
}
