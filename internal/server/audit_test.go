package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// auditRecords are the CloudTrail records of one event name.
func auditRecords(t *testing.T, e *testenv.Env, name string) []map[string]any {
	t.Helper()
	out, err := e.CloudTrail().LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String(name)}}})
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, ev := range out.Events {
		var m map[string]any
		if err := json.Unmarshal([]byte(*ev.CloudTrailEvent), &m); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, m)
	}
	return recs
}

// Sign-ins, successful and failed, and an impersonation token issued,
// used and revoked are in the trail, without the password or the token.
func TestAuditSignInAndImpersonation(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	wm := e.WorkMail()
	org := replicaOrg(t, e)
	const password = "Corr3ct-Horse-Audit!"
	u, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: &org, Name: aws.String("dave"), DisplayName: aws.String("Dave"), Password: aws.String(password)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wm.RegisterToWorkMail(ctx, &workmail.RegisterToWorkMailInput{OrganizationId: &org, EntityId: u.UserId,
		Email: aws.String("dave@" + aliasOf(t, wm, org) + ".awsapps.com")}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{password, "Wr0ng-" + password} {
		resp, err := http.PostForm(e.URL+server.SignInPath, url.Values{"organization_id": {org}, "username": {"dave"}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	signIns := auditRecords(t, e, "SignIn")
	if len(signIns) != 2 {
		t.Fatalf("%d sign-ins recorded", len(signIns))
	}
	failed, ok := signIns[0], signIns[1]
	if ok["responseElements"].(map[string]any)["SignIn"] != "Success" || ok["userIdentity"].(map[string]any)["userName"] != "dave" ||
		ok["userIdentity"].(map[string]any)["accountId"] != e.AccountID || ok["eventType"] != "AwsConsoleSignIn" {
		t.Fatalf("successful sign-in: %v", ok)
	}
	if failed["responseElements"].(map[string]any)["SignIn"] != "Failure" || failed["userIdentity"].(map[string]any)["userName"] != "HIDDEN_DUE_TO_SECURITY_REASONS" {
		t.Fatalf("failed sign-in: %v", failed)
	}

	rules := []types.ImpersonationRule{{ImpersonationRuleId: aws.String("r1"), Effect: types.AccessEffectAllow, TargetUsers: []string{"alice"}}}
	role, err := wm.CreateImpersonationRole(ctx, &workmail.CreateImpersonationRoleInput{OrganizationId: &org, Name: aws.String("r"), Type: types.ImpersonationRoleTypeFullAccess, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := wm.AssumeImpersonationRole(ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId})
	if err != nil {
		t.Fatal(err)
	}
	if got := introspect(t, e, *tok.Token, "alice"); got["active"] != true {
		t.Fatalf("introspect: %v", got)
	}
	if _, err := wm.DeleteImpersonationRole(ctx, &workmail.DeleteImpersonationRoleInput{OrganizationId: &org, ImpersonationRoleId: role.ImpersonationRoleId}); err != nil {
		t.Fatal(err)
	}
	used := auditRecords(t, e, "IntrospectImpersonationToken")
	if len(used) != 1 || used[0]["managementEvent"] != false || used[0]["responseElements"].(map[string]any)["impersonationRoleId"] != *role.ImpersonationRoleId ||
		used[0]["requestParameters"].(map[string]any)["mailbox"] != "alice" {
		t.Fatalf("token use: %v", used)
	}
	revoked := auditRecords(t, e, "DeleteImpersonationRole")
	if len(revoked) != 1 || revoked[0]["additionalEventData"].(map[string]any)["impersonationTokensRevoked"] != true {
		t.Fatalf("revocation: %v", revoked)
	}
	all, err := e.CloudTrail().LookupEvents(ctx, &cloudtrail.LookupEventsInput{StartTime: aws.Time(time.Now().Add(-time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(all.Events)
	for _, secret := range []string{password, *tok.Token} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("a secret in the trail: %s", secret)
		}
	}
}
