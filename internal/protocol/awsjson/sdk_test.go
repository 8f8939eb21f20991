package awsjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
	"github.com/aws/smithy-go"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// These tests put the codec between the official AWS SDK for Go v2 and a
// fake handler: what the SDK sends must decode (and validate) into the
// expected document, and what EncodeResponse/EncodeError write must come
// out of the SDK's own deserializers field for field.

type sdkCall struct {
	op   string
	body string
	in   map[string]any
}

type fakeServer struct {
	t     *testing.T
	svc   *model.Service
	reply func(op string, in map[string]any) (map[string]any, *apierror.Error)

	mu    sync.Mutex
	calls []sdkCall
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(e apierror.APIError) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("x-amzn-RequestId", "req-1")
		w.WriteHeader(e.HTTPStatus())
		_, _ = w.Write(EncodeError(e))
	}
	name, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), f.svc.TargetPrefix+".")
	op := f.svc.Operations[name]
	if op == nil {
		fail(testError("UnknownOperationException", 400, true, "unknown target %q", r.Header.Get("X-Amz-Target")))
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != ContentType {
		f.t.Errorf("%s: Content-Type %q", name, ct)
	}
	body, _ := io.ReadAll(r.Body)
	in, err := DecodeRequest(op.Input, body)
	if err != nil {
		f.t.Errorf("%s: decode %s: %v", name, body, err)
		e, _ := apierror.As(err)
		fail(e)
		return
	}
	if err := model.Validate(op.Input, in); err != nil {
		f.t.Errorf("%s: SDK request does not validate: %v", name, err)
	}
	f.mu.Lock()
	f.calls = append(f.calls, sdkCall{op: name, body: string(body), in: in})
	f.mu.Unlock()
	out, apiErr := f.reply(name, in)
	if apiErr != nil {
		fail(apiErr)
		return
	}
	resp, err := EncodeResponse(op.Output, out)
	if err != nil {
		f.t.Errorf("%s: encode: %v", name, err)
		fail(apierror.Internal())
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("x-amzn-RequestId", "req-1")
	_, _ = w.Write(resp)
}

func (f *fakeServer) last(t *testing.T) sdkCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("no call reached the server")
	}
	return f.calls[len(f.calls)-1]
}

type fixedToken string

func (f fixedToken) GetIdempotencyToken() (string, error) { return string(f), nil }

func newWorkMail(t *testing.T, reply func(string, map[string]any) (map[string]any, *apierror.Error)) (*workmail.Client, *fakeServer) {
	f := &fakeServer{t: t, svc: model.Get("workmail"), reply: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := workmail.New(workmail.Options{
		Region:                   "us-east-1",
		BaseEndpoint:             aws.String(srv.URL),
		Credentials:              credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:               srv.Client(),
		Retryer:                  aws.NopRetryer{},
		IdempotencyTokenProvider: fixedToken("0c1e3f5a-0000-4000-8000-000000000001"),
	})
	return c, f
}

const orgID = "m-0123456789abcdef0123456789abcdef"

func TestSDKDescribeUser(t *testing.T) {
	enabled := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	provisioned := time.Date(2024, 1, 2, 3, 4, 5, 250000000, time.UTC) // fractional seconds
	c, f := newWorkMail(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{
			"UserId":                          "S-1-1-11-1111",
			"Name":                            "jdoe",
			"Email":                           "jdoe@example.com",
			"DisplayName":                     "Jane \"JD\" Doe",
			"State":                           "ENABLED",
			"UserRole":                        "USER",
			"EnabledDate":                     enabled,
			"DisabledDate":                    time.Unix(0, 0),
			"MailboxProvisionedDate":          provisioned,
			"MailboxDeprovisionedDate":        time.Date(2030, 12, 31, 23, 59, 59, 0, time.UTC),
			"FirstName":                       "Jane",
			"LastName":                        "Doe",
			"HiddenFromGlobalAddressList":     true,
			"Initials":                        "JD",
			"Telephone":                       "+1 555 0100",
			"Street":                          "1 Main St\nApt 2",
			"JobTitle":                        "Engineer",
			"City":                            "Zürich",
			"Company":                         "Example & Co <ltd>",
			"ZipCode":                         "8000",
			"Department":                      "R&D",
			"Country":                         "CH",
			"Office":                          "HQ",
			"IdentityProviderUserId":          "0123456789-01234567-89ab-cdef-0123-456789abcdef",
			"IdentityProviderIdentityStoreId": "d-0123456789",
		}, nil
	})
	out, err := c.DescribeUser(context.Background(), &workmail.DescribeUserInput{OrganizationId: aws.String(orgID), UserId: aws.String("jdoe@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"OrganizationId": orgID, "UserId": "jdoe@example.com"})

	eq := func(name string, got *string, want string) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s: got %v want %q", name, got, want)
		}
	}
	eq("UserId", out.UserId, "S-1-1-11-1111")
	eq("Name", out.Name, "jdoe")
	eq("Email", out.Email, "jdoe@example.com")
	eq("DisplayName", out.DisplayName, "Jane \"JD\" Doe")
	eq("FirstName", out.FirstName, "Jane")
	eq("LastName", out.LastName, "Doe")
	eq("Initials", out.Initials, "JD")
	eq("Telephone", out.Telephone, "+1 555 0100")
	eq("Street", out.Street, "1 Main St\nApt 2")
	eq("JobTitle", out.JobTitle, "Engineer")
	eq("City", out.City, "Zürich")
	eq("Company", out.Company, "Example & Co <ltd>")
	eq("ZipCode", out.ZipCode, "8000")
	eq("Department", out.Department, "R&D")
	eq("Country", out.Country, "CH")
	eq("Office", out.Office, "HQ")
	eq("IdentityProviderUserId", out.IdentityProviderUserId, "0123456789-01234567-89ab-cdef-0123-456789abcdef")
	eq("IdentityProviderIdentityStoreId", out.IdentityProviderIdentityStoreId, "d-0123456789")
	if out.State != types.EntityStateEnabled || out.UserRole != types.UserRoleUser {
		t.Errorf("enums: %q %q", out.State, out.UserRole)
	}
	if !out.HiddenFromGlobalAddressList {
		t.Errorf("HiddenFromGlobalAddressList: %v", out.HiddenFromGlobalAddressList)
	}
	for name, c := range map[string]struct {
		got  *time.Time
		want time.Time
	}{
		"EnabledDate":              {out.EnabledDate, enabled},
		"DisabledDate":             {out.DisabledDate, time.Unix(0, 0)},
		"MailboxProvisionedDate":   {out.MailboxProvisionedDate, provisioned},
		"MailboxDeprovisionedDate": {out.MailboxDeprovisionedDate, time.Date(2030, 12, 31, 23, 59, 59, 0, time.UTC)},
	} {
		if c.got == nil || !c.got.Equal(c.want) {
			t.Errorf("%s: got %v want %v", name, c.got, c.want)
		}
	}
}

func TestSDKListUsers(t *testing.T) {
	d1 := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	c, f := newWorkMail(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{
			"Users": []any{
				map[string]any{"Id": "S-1-1-11-0001", "Email": "a@example.com", "Name": "a", "DisplayName": "A", "State": "ENABLED", "UserRole": "USER", "EnabledDate": d1},
				map[string]any{"Id": "S-1-1-11-0002", "Name": "b", "State": "DISABLED", "UserRole": "RESOURCE", "EnabledDate": d1, "DisabledDate": d1.Add(time.Hour + 500*time.Millisecond)},
			},
			"NextToken": "page-2",
		}, nil
	})
	out, err := c.ListUsers(context.Background(), &workmail.ListUsersInput{
		OrganizationId: aws.String(orgID),
		MaxResults:     aws.Int32(25),
		NextToken:      aws.String("page-1"),
		Filters:        &types.ListUsersFilters{UsernamePrefix: aws.String("a"), State: types.EntityStateEnabled},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{
		"OrganizationId": orgID,
		"NextToken":      "page-1",
		"MaxResults":     int64(25),
		"Filters":        map[string]any{"UsernamePrefix": "a", "State": "ENABLED"},
	})
	if len(out.Users) != 2 || aws.ToString(out.NextToken) != "page-2" {
		t.Fatalf("got %+v", out)
	}
	u0, u1 := out.Users[0], out.Users[1]
	if aws.ToString(u0.Id) != "S-1-1-11-0001" || aws.ToString(u0.Email) != "a@example.com" || aws.ToString(u0.Name) != "a" ||
		aws.ToString(u0.DisplayName) != "A" || u0.State != types.EntityStateEnabled || u0.UserRole != types.UserRoleUser ||
		!aws.ToTime(u0.EnabledDate).Equal(d1) || u0.DisabledDate != nil {
		t.Errorf("user 0: %+v", u0)
	}
	if aws.ToString(u1.Id) != "S-1-1-11-0002" || u1.Email != nil || u1.State != types.EntityStateDisabled || u1.UserRole != types.UserRoleResource ||
		!aws.ToTime(u1.DisabledDate).Equal(d1.Add(time.Hour+500*time.Millisecond)) {
		t.Errorf("user 1: %+v", u1)
	}
}

func TestSDKCreateImpersonationRole(t *testing.T) {
	c, f := newWorkMail(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{"ImpersonationRoleId": "ir-0123"}, nil
	})
	out, err := c.CreateImpersonationRole(context.Background(), &workmail.CreateImpersonationRoleInput{
		OrganizationId: aws.String(orgID),
		Name:           aws.String("auditors"),
		Type:           types.ImpersonationRoleTypeReadOnly,
		Description:    aws.String("read-only access"),
		Rules: []types.ImpersonationRule{
			{ImpersonationRuleId: aws.String("r1"), Name: aws.String("allow-team"), Effect: types.AccessEffectAllow, TargetUsers: []string{"alice", "bob"}},
			{ImpersonationRuleId: aws.String("r2"), Effect: types.AccessEffectDeny, NotTargetUsers: []string{"ceo"}, Description: aws.String("not the boss")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ImpersonationRoleId) != "ir-0123" {
		t.Errorf("id: %v", out.ImpersonationRoleId)
	}
	assertDoc(t, f.last(t).in, map[string]any{
		"ClientToken":    "0c1e3f5a-0000-4000-8000-000000000001", // the SDK's idempotency token
		"OrganizationId": orgID,
		"Name":           "auditors",
		"Type":           "READ_ONLY",
		"Description":    "read-only access",
		"Rules": []any{
			map[string]any{"ImpersonationRuleId": "r1", "Name": "allow-team", "Effect": "ALLOW", "TargetUsers": []any{"alice", "bob"}},
			map[string]any{"ImpersonationRuleId": "r2", "Effect": "DENY", "NotTargetUsers": []any{"ceo"}, "Description": "not the boss"},
		},
	})
}

func TestSDKScalarsInAndOut(t *testing.T) {
	c, f := newWorkMail(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		switch op {
		case "GetMailboxDetails":
			return map[string]any{"MailboxQuota": int64(51200), "MailboxSize": 1234.5678}, nil
		case "AssumeImpersonationRole":
			return map[string]any{"Token": "tok", "ExpiresIn": int64(1) << 40}, nil
		}
		return map[string]any{}, nil
	})
	ctx := context.Background()

	// booleans and integers in requests
	if _, err := c.UpdateUser(ctx, &workmail.UpdateUserInput{OrganizationId: aws.String(orgID), UserId: aws.String("u"), HiddenFromGlobalAddressList: aws.Bool(false), Role: types.UserRoleResource}); err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"OrganizationId": orgID, "UserId": "u", "HiddenFromGlobalAddressList": false, "Role": "RESOURCE"})
	if _, err := c.UpdateMailboxQuota(ctx, &workmail.UpdateMailboxQuotaInput{OrganizationId: aws.String(orgID), UserId: aws.String("u"), MailboxQuota: aws.Int32(2048)}); err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"OrganizationId": orgID, "UserId": "u", "MailboxQuota": int64(2048)})

	// integer and double out
	md, err := c.GetMailboxDetails(ctx, &workmail.GetMailboxDetailsInput{OrganizationId: aws.String(orgID), UserId: aws.String("u")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(md.MailboxQuota) != 51200 || md.MailboxSize != 1234.5678 {
		t.Errorf("mailbox details: %v %v", md.MailboxQuota, md.MailboxSize)
	}
	// long out
	ar, err := c.AssumeImpersonationRole(ctx, &workmail.AssumeImpersonationRoleInput{OrganizationId: aws.String(orgID), ImpersonationRoleId: aws.String("ir-1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ar.Token) != "tok" || aws.ToInt64(ar.ExpiresIn) != 1<<40 {
		t.Errorf("assume: %v %v", ar.Token, ar.ExpiresIn)
	}
}

func TestSDKErrors(t *testing.T) {
	c, _ := newWorkMail(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		switch op {
		case "DescribeUser":
			return nil, testError("EntityNotFoundException", 400, true, "The user %s does not exist.", in["UserId"])
		case "ListUsers":
			return nil, testError("OrganizationStateException", 400, true, "The organization must be active.")
		}
		return nil, apierror.Internal()
	})
	ctx := context.Background()
	_, err := c.DescribeUser(ctx, &workmail.DescribeUserInput{OrganizationId: aws.String(orgID), UserId: aws.String("ghost")})
	var nf *types.EntityNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want *types.EntityNotFoundException, got %T %v", err, err)
	}
	if nf.ErrorCode() != "EntityNotFoundException" || nf.ErrorMessage() != "The user ghost does not exist." {
		t.Errorf("got %q %q", nf.ErrorCode(), nf.ErrorMessage())
	}

	_, err = c.ListUsers(ctx, &workmail.ListUsersInput{OrganizationId: aws.String(orgID)})
	var ose *types.OrganizationStateException
	if !errors.As(err, &ose) || ose.ErrorMessage() != "The organization must be active." {
		t.Fatalf("got %T %v", err, err)
	}

	_, err = c.DeleteUser(ctx, &workmail.DeleteUserInput{OrganizationId: aws.String(orgID), UserId: aws.String("u")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InternalFailure" {
		t.Fatalf("got %T %v", err, err)
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Fatalf("status: %v", err)
	}
}

// testError is an API error as a fake service answers it.
func testError(code string, status int, sender bool, format string, args ...any) *apierror.Error {
	return &apierror.Error{Code: code, Message: apierror.Message(format, args...), Status: status, Sender: sender}
}
