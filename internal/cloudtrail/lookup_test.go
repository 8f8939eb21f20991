package cloudtrail_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/testenv"
)

// lookup lists every event with one attribute, page by page.
func lookup(t *testing.T, ct *cloudtrail.Client, key cttypes.LookupAttributeKey, value string, pageSize int32) []cttypes.Event {
	t.Helper()
	in := &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: key, AttributeValue: aws.String(value)}}, MaxResults: aws.Int32(pageSize)}
	var out []cttypes.Event
	for {
		page, err := ct.LookupEvents(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Events...)
		if page.NextToken == nil {
			return out
		}
		in.NextToken = page.NextToken
	}
}

// record is the CloudTrail record of an event.
func record(t *testing.T, e cttypes.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// An IAM change is found by event name, user name, resource and event
// ID; its record is a CloudTrail record without the secrets of the call.
func TestLookupEventsIAMChange(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	im, ct := e.IAM(), e.CloudTrail()
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	const password = "Sup3r-Secret-Pa55!"
	org, err := e.WorkMail().CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("audit-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.WorkMail().CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("carol"), DisplayName: aws.String("Carol"), Password: aws.String(password)}); err != nil {
		t.Fatal(err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	created := lookup(t, ct, cttypes.LookupAttributeKeyEventName, "CreateUser", 50)
	if len(created) != 2 {
		t.Fatalf("%d CreateUser events", len(created))
	}
	ev := created[1] // the older: IAM's
	if aws.ToString(ev.Username) != "root" || aws.ToString(ev.EventSource) != "iam.amazonaws.com" || aws.ToString(ev.ReadOnly) != "false" || aws.ToString(ev.AccessKeyId) != e.AccessKey {
		t.Fatalf("event: user %s source %s readOnly %s key %s", aws.ToString(ev.Username), aws.ToString(ev.EventSource), aws.ToString(ev.ReadOnly), aws.ToString(ev.AccessKeyId))
	}
	if len(ev.Resources) != 1 || aws.ToString(ev.Resources[0].ResourceType) != "AWS::IAM::User" || aws.ToString(ev.Resources[0].ResourceName) != "alice" {
		t.Fatalf("resources: %+v", ev.Resources)
	}
	rec := record(t, ev)
	id := rec["userIdentity"].(map[string]any)
	if rec["eventVersion"] != "1.09" || id["type"] != "Root" || id["accountId"] != e.AccountID || rec["recipientAccountId"] != e.AccountID ||
		rec["eventName"] != "CreateUser" || rec["awsRegion"] != "us-east-1" || rec["eventType"] != "AwsApiCall" || rec["managementEvent"] != true {
		t.Fatalf("record: %s", aws.ToString(ev.CloudTrailEvent))
	}
	if rec["requestParameters"].(map[string]any)["userName"] != "alice" || rec["responseElements"].(map[string]any)["user"] == nil {
		t.Fatalf("parameters and response: %s", aws.ToString(ev.CloudTrailEvent))
	}
	byResource := lookup(t, ct, cttypes.LookupAttributeKeyResourceName, "alice", 1)
	if len(byResource) != 2 {
		t.Fatalf("%d events name alice, want 2 (CreateUser, CreateAccessKey)", len(byResource))
	}
	for _, ev := range append(byResource, created...) {
		doc := aws.ToString(ev.CloudTrailEvent)
		if strings.Contains(doc, password) || strings.Contains(doc, *key.AccessKey.SecretAccessKey) {
			t.Fatalf("a secret in %s", doc)
		}
		if got := lookup(t, ct, cttypes.LookupAttributeKeyEventId, aws.ToString(ev.EventId), 50); len(got) != 1 {
			t.Fatalf("by event ID: %d", len(got))
		}
	}
	if p := record(t, created[0])["requestParameters"].(map[string]any)["password"]; p != "HIDDEN_DUE_TO_SECURITY_REASONS" {
		t.Fatalf("password recorded as %v", p)
	}
	if n := len(lookup(t, ct, cttypes.LookupAttributeKeyReadOnly, "false", 2)); n < 4 {
		t.Fatalf("%d writes", n)
	}
}

// A denial is recorded with its error, found by the user's name; the
// user may not look the trail up without cloudtrail:LookupEvents.
func TestLookupEventsDenial(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	im := e.IAM()
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")}); err != nil {
		t.Fatal(err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("mallory")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	_, err = iam.NewFromConfig(cfg).DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("mallory")})
	testenv.APIError(t, err, "AccessDenied", 403)
	_, err = cloudtrail.NewFromConfig(cfg).LookupEvents(ctx, &cloudtrail.LookupEventsInput{})
	testenv.APIError(t, err, "AccessDeniedException", 400)
	if !strings.Contains(testenv.ErrorMessage(err), "cloudtrail:LookupEvents") {
		t.Fatalf("denied as %q", testenv.ErrorMessage(err))
	}
	evs := lookup(t, e.CloudTrail(), cttypes.LookupAttributeKeyUsername, "mallory", 50)
	names := map[string]map[string]any{}
	for _, ev := range evs {
		names[aws.ToString(ev.EventName)] = record(t, ev)
	}
	del := names["DeleteUser"]
	if del == nil || del["errorCode"] != "AccessDenied" || !strings.Contains(del["errorMessage"].(string), "iam:DeleteUser") {
		t.Fatalf("DeleteUser denial: %v", del)
	}
	if id := del["userIdentity"].(map[string]any); id["type"] != "IAMUser" || id["userName"] != "mallory" || id["accessKeyId"] != *key.AccessKey.AccessKeyId {
		t.Fatalf("identity: %v", id)
	}
	if names["LookupEvents"] == nil || names["LookupEvents"]["readOnly"] != true {
		t.Fatalf("LookupEvents denial: %v", names["LookupEvents"])
	}
	if _, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mallory")}); err != nil {
		t.Fatal(err)
	}
}

// Pages follow each other without gaps or repeats, within a time range;
// a token is refused with other parameters.
func TestLookupEventsPages(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	im, ct := e.IAM(), e.CloudTrail()
	start := time.Now().Add(-time.Minute)
	for _, n := range []string{"u1", "u2", "u3", "u4", "u5"} {
		if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	evs := lookup(t, ct, cttypes.LookupAttributeKeyEventName, "CreateUser", 2)
	seen := map[string]bool{}
	for i, ev := range evs {
		seen[aws.ToString(ev.EventId)] = true
		if i > 0 && ev.EventTime.After(*evs[i-1].EventTime) {
			t.Fatal("not newest first")
		}
	}
	if len(evs) != 5 || len(seen) != 5 {
		t.Fatalf("%d events, %d distinct", len(evs), len(seen))
	}
	page, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{StartTime: aws.Time(start), EndTime: aws.Time(time.Now().Add(time.Minute)), MaxResults: aws.Int32(1),
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventSource, AttributeValue: aws.String("iam.amazonaws.com")}}})
	if err != nil || len(page.Events) != 1 || page.NextToken == nil {
		t.Fatalf("%v, %v", page, err)
	}
	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{NextToken: page.NextToken})
	testenv.APIError(t, err, "InvalidNextTokenException", 400)
	old, err := ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{EndTime: aws.Time(start)})
	if err != nil || len(old.Events) != 0 {
		t.Fatalf("events before the start: %v, %v", old, err)
	}
	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{StartTime: aws.Time(time.Now()), EndTime: aws.Time(start)})
	testenv.APIError(t, err, "InvalidTimeRangeException", 400)
	_, err = ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("a")}, {AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("b")}}})
	testenv.APIError(t, err, "InvalidLookupAttributesException", 400)
}

// The other operations answer as for an account without trails.
func TestNoTrails(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	ct := e.CloudTrail()
	d, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil || d.TrailList == nil || len(d.TrailList) != 0 {
		t.Fatalf("DescribeTrails: %v, %v", d, err)
	}
	l, err := ct.ListTrails(ctx, &cloudtrail.ListTrailsInput{})
	if err != nil || len(l.Trails) != 0 {
		t.Fatalf("ListTrails: %v, %v", l, err)
	}
	_, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
	testenv.APIError(t, err, "TrailNotFoundException", 400)
	if !strings.Contains(testenv.ErrorMessage(err), "trail/main") {
		t.Fatalf("message %q", testenv.ErrorMessage(err))
	}
	_, err = ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("main")})
	testenv.APIError(t, err, "TrailNotFoundException", 400)
	_, err = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("logs")})
	testenv.APIError(t, err, "S3BucketDoesNotExistException", 400)
	_, err = ct.GetEventDataStore(ctx, &cloudtrail.GetEventDataStoreInput{EventDataStore: aws.String("eds")})
	testenv.APIError(t, err, "EventDataStoreNotFoundException", 400)
}
