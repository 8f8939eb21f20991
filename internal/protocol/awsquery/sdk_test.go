package awsquery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// These tests put the codec between the official AWS SDK for Go v2 and a
// fake handler: the form the SDK sends must decode (and validate) into the
// expected document, and what EncodeResponse/EncodeError write must come out
// of the SDK's own deserializers field for field.

type sdkCall struct {
	op   string
	form url.Values
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
	const reqID = "5f3e0c1a-0000-4000-8000-00000000beef"
	fail := func(e apierror.APIError) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("x-amzn-RequestId", reqID)
		w.WriteHeader(e.HTTPStatus())
		_, _ = w.Write(EncodeError(e, f.svc.XMLNamespace, reqID))
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.t.Errorf("form: %v", err)
	}
	op := f.svc.Operations[form.Get("Action")]
	if op == nil {
		fail(testError("InvalidAction", 400, true, "Could not find operation %s", form.Get("Action")))
		return
	}
	if v := form.Get("Version"); v != f.svc.APIVersion {
		f.t.Errorf("%s: Version %q", op.Name, v)
	}
	in, err := DecodeRequest(op.Input, form)
	if err != nil {
		f.t.Errorf("%s: decode %s: %v", op.Name, body, err)
		e, _ := apierror.As(err)
		fail(e)
		return
	}
	if err := model.Validate(op.Input, in); err != nil {
		f.t.Errorf("%s: SDK request does not validate: %v", op.Name, err)
	}
	f.mu.Lock()
	f.calls = append(f.calls, sdkCall{op: op.Name, form: form, in: in})
	f.mu.Unlock()
	out, apiErr := f.reply(op.Name, in)
	if apiErr != nil {
		fail(apiErr)
		return
	}
	resp, err := EncodeResponse(op, out, reqID)
	if err != nil {
		f.t.Errorf("%s: encode: %v", op.Name, err)
		fail(apierror.Internal())
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("x-amzn-RequestId", reqID)
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

type replyFunc = func(string, map[string]any) (map[string]any, *apierror.Error)

func newServer(t *testing.T, svc string, reply replyFunc) (*fakeServer, *httptest.Server) {
	f := &fakeServer{t: t, svc: model.Get(svc), reply: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func newIAM(t *testing.T, reply replyFunc) (*iam.Client, *fakeServer) {
	f, srv := newServer(t, "iam", reply)
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	}), f
}

func newSTS(t *testing.T, reply replyFunc) (*sts.Client, *fakeServer) {
	f, srv := newServer(t, "sts", reply)
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	}), f
}

const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:x":"a&b<c>"}}}]}`

func fullRole() map[string]any {
	return map[string]any{
		"Path":                     "/svc/",
		"RoleName":                 "app-role",
		"RoleId":                   "AROA1234567890EXAMPLE",
		"Arn":                      "arn:aws:iam::123456789012:role/svc/app-role",
		"CreateDate":               time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC),
		"AssumeRolePolicyDocument": policy,
		"Description":              "line one\nline two & <three>",
		"MaxSessionDuration":       int64(7200),
		"PermissionsBoundary":      map[string]any{"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/b"},
		"Tags":                     []any{map[string]any{"Key": "team", "Value": "mail"}, map[string]any{"Key": "env", "Value": ""}},
		"RoleLastUsed":             map[string]any{"LastUsedDate": time.Date(2024, 3, 2, 0, 0, 0, 500000000, time.UTC), "Region": "eu-west-1"},
	}
}

func checkRole(t *testing.T, r *iamtypes.Role) {
	t.Helper()
	if r == nil {
		t.Fatal("no role")
	}
	s := aws.ToString
	if s(r.Path) != "/svc/" || s(r.RoleName) != "app-role" || s(r.RoleId) != "AROA1234567890EXAMPLE" ||
		s(r.Arn) != "arn:aws:iam::123456789012:role/svc/app-role" || s(r.AssumeRolePolicyDocument) != policy ||
		s(r.Description) != "line one\nline two & <three>" || aws.ToInt32(r.MaxSessionDuration) != 7200 {
		t.Errorf("role scalars: %+v", r)
	}
	if !aws.ToTime(r.CreateDate).Equal(time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC)) {
		t.Errorf("CreateDate %v", r.CreateDate)
	}
	if pb := r.PermissionsBoundary; pb == nil || pb.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy ||
		s(pb.PermissionsBoundaryArn) != "arn:aws:iam::123456789012:policy/b" {
		t.Errorf("PermissionsBoundary %+v", pb)
	}
	if len(r.Tags) != 2 || s(r.Tags[0].Key) != "team" || s(r.Tags[0].Value) != "mail" || s(r.Tags[1].Key) != "env" || r.Tags[1].Value == nil || *r.Tags[1].Value != "" {
		t.Errorf("Tags %+v", r.Tags)
	}
	if lu := r.RoleLastUsed; lu == nil || s(lu.Region) != "eu-west-1" || !aws.ToTime(lu.LastUsedDate).Equal(time.Date(2024, 3, 2, 0, 0, 0, 500000000, time.UTC)) {
		t.Errorf("RoleLastUsed %+v", r.RoleLastUsed)
	}
}

func TestSDKIAMCreateRole(t *testing.T) {
	c, f := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{"Role": fullRole()}, nil
	})
	out, err := c.CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName:                 aws.String("app-role"),
		AssumeRolePolicyDocument: aws.String(policy),
		Path:                     aws.String("/svc/"),
		Description:              aws.String("line one\nline two & <three>"),
		MaxSessionDuration:       aws.Int32(7200),
		PermissionsBoundary:      aws.String("arn:aws:iam::123456789012:policy/b"),
		Tags: []iamtypes.Tag{
			{Key: aws.String("team"), Value: aws.String("mail")},
			{Key: aws.String("env"), Value: aws.String("")},
			{Key: aws.String("uni"), Value: aws.String("ünï 日本 +=/:@-_.")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRole(t, out.Role)
	assertDoc(t, f.last(t).in, map[string]any{
		"RoleName":                 "app-role",
		"AssumeRolePolicyDocument": policy,
		"Path":                     "/svc/",
		"Description":              "line one\nline two & <three>",
		"MaxSessionDuration":       int64(7200),
		"PermissionsBoundary":      "arn:aws:iam::123456789012:policy/b",
		"Tags": []any{
			map[string]any{"Key": "team", "Value": "mail"},
			map[string]any{"Key": "env", "Value": ""},
			map[string]any{"Key": "uni", "Value": "ünï 日本 +=/:@-_."},
		},
	})
}

func TestSDKIAMGetRole(t *testing.T) {
	c, f := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{"Role": fullRole()}, nil
	})
	out, err := c.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("app-role")})
	if err != nil {
		t.Fatal(err)
	}
	checkRole(t, out.Role)
	assertDoc(t, f.last(t).in, map[string]any{"RoleName": "app-role"})
}

func TestSDKIAMListRoles(t *testing.T) {
	bare := map[string]any{"Path": "/", "RoleName": "bare", "RoleId": "AROABARE", "Arn": "arn:aws:iam::123456789012:role/bare", "CreateDate": time.Unix(0, 0)}
	c, f := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{"Roles": []any{fullRole(), bare}, "IsTruncated": true, "Marker": "next+page/=="}, nil
	})
	out, err := c.ListRoles(context.Background(), &iam.ListRolesInput{PathPrefix: aws.String("/"), MaxItems: aws.Int32(2), Marker: aws.String("page+1")})
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"PathPrefix": "/", "MaxItems": int64(2), "Marker": "page+1"})
	if len(out.Roles) != 2 || !out.IsTruncated || aws.ToString(out.Marker) != "next+page/==" {
		t.Fatalf("got %+v", out)
	}
	checkRole(t, &out.Roles[0])
	b := out.Roles[1]
	if aws.ToString(b.RoleName) != "bare" || !aws.ToTime(b.CreateDate).Equal(time.Unix(0, 0)) || b.Tags != nil || b.RoleLastUsed != nil || b.Description != nil {
		t.Errorf("bare role %+v", b)
	}
}

func TestSDKIAMMapsBlobsBooleans(t *testing.T) {
	generated := time.Date(2024, 4, 5, 6, 7, 8, 0, time.UTC)
	report := []byte("user,arn\nroot,arn:aws:iam::123456789012:root\n\x00\xff")
	c, f := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		switch op {
		case "GetAccountSummary":
			return map[string]any{"SummaryMap": map[string]any{"Users": int64(3), "Roles": int64(12), "AccessKeysPerUserQuota": int64(2)}}, nil
		case "GetCredentialReport":
			return map[string]any{"Content": report, "ReportFormat": "text/csv", "GeneratedTime": generated}, nil
		}
		return nil, nil
	})
	ctx := context.Background()

	// a map in a response
	sum, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.SummaryMap) != 3 || sum.SummaryMap["Users"] != 3 || sum.SummaryMap["Roles"] != 12 || sum.SummaryMap["AccessKeysPerUserQuota"] != 2 {
		t.Errorf("SummaryMap %v", sum.SummaryMap)
	}
	assertDoc(t, f.last(t).in, map[string]any{})

	// a blob and a timestamp in a response
	cr, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	if string(cr.Content) != string(report) || cr.ReportFormat != iamtypes.ReportFormatTypeTextCsv || !aws.ToTime(cr.GeneratedTime).Equal(generated) {
		t.Errorf("credential report %+v", cr)
	}

	// booleans and integers in a request; an operation without output
	if _, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, HardExpiry: aws.Bool(false), MaxPasswordAge: aws.Int32(90),
	}); err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"MinimumPasswordLength": int64(14), "RequireSymbols": true, "HardExpiry": false, "MaxPasswordAge": int64(90)})

	// an empty list in a request ("TagKeys=")
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{}}); err != nil {
		t.Fatal(err)
	}
	call := f.last(t)
	if v, ok := call.form["TagKeys"]; !ok || v[0] != "" {
		t.Fatalf("SDK did not send TagKeys=: %v", call.form)
	}
	assertDoc(t, call.in, map[string]any{"RoleName": "r", "TagKeys": []any{}})
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{"RoleName": "r", "TagKeys": []any{"a", "b"}})
}

func TestSDKIAMErrors(t *testing.T) {
	svc := model.Get("iam")
	nse := svc.Shapes["NoSuchEntityException"]
	c, _ := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		switch op {
		case "GetRole":
			return nil, &apierror.Error{Code: nse.ErrorCode(), Status: nse.ErrorStatus(), Sender: true, Message: "The role with name " + in["RoleName"].(string) + " cannot be found."}
		case "CreateRole":
			return nil, testError("EntityAlreadyExists", 409, true, "Role with name x already exists.")
		}
		return nil, apierror.Internal()
	})
	ctx := context.Background()
	_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ghost")})
	var nf *iamtypes.NoSuchEntityException
	if !errors.As(err, &nf) {
		t.Fatalf("want *types.NoSuchEntityException, got %T %v", err, err)
	}
	if nf.ErrorCode() != "NoSuchEntity" || nf.ErrorMessage() != "The role with name ghost cannot be found." {
		t.Errorf("got %q %q", nf.ErrorCode(), nf.ErrorMessage())
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 404 {
		t.Errorf("status %v", err)
	}
	var rid interface{ ServiceRequestID() string }
	if !errors.As(err, &rid) || rid.ServiceRequestID() != "5f3e0c1a-0000-4000-8000-00000000beef" {
		t.Errorf("request id %v", err)
	}

	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String("{}")})
	var ae *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &ae) || ae.ErrorCode() != "EntityAlreadyExists" {
		t.Fatalf("got %T %v", err, err)
	}

	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("x")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InternalFailure" || api.ErrorFault() == smithy.FaultClient {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestSDKIAMValidationErrorFromDecode(t *testing.T) {
	// A bad value the SDK would never send, posted by hand: the
	// ValidationError from DecodeRequest reaches the client intact.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, err := DecodeRequest(model.Get("iam").Shapes["CreateRoleRequest"], r.PostForm)
		e, ok := apierror.As(err)
		if !ok {
			e = apierror.Internal()
		}
		w.Header().Set("Content-Type", ContentType)
		w.WriteHeader(e.HTTPStatus())
		_, _ = w.Write(EncodeError(e, model.Get("iam").XMLNamespace, "r"))
	}))
	defer srv.Close()
	resp, err := http.PostForm(srv.URL, url.Values{"Action": {"CreateRole"}, "MaxSessionDuration": {"abc"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	e := DecodeError(resp.StatusCode, body)
	if e.ErrorCode() != "ValidationError" || !e.Sender || e.HTTPStatus() != 400 ||
		e.ErrorMessage() != "1 validation error detected: Value 'abc' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number" {
		t.Fatalf("got %+v", e)
	}
}

func TestSDKSTS(t *testing.T) {
	exp := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c, f := newSTS(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		switch op {
		case "GetCallerIdentity":
			return map[string]any{"UserId": "AIDACKCEVSQ6C2EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/Alice"}, nil
		case "AssumeRole":
			if in["RoleSessionName"] == "expired" {
				sh := model.Get("sts").Shapes["ExpiredTokenException"]
				return nil, &apierror.Error{Code: sh.ErrorCode(), Status: sh.ErrorStatus(), Sender: true, Message: "The security token included in the request is expired"}
			}
			return map[string]any{
				"Credentials":      map[string]any{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s3cr3t/+=", "SessionToken": "tok&en", "Expiration": exp},
				"AssumedRoleUser":  map[string]any{"AssumedRoleId": "AROA123:sess", "Arn": "arn:aws:sts::123456789012:assumed-role/r/sess"},
				"PackedPolicySize": int64(6),
				"SourceIdentity":   "alice",
			}, nil
		}
		return nil, apierror.Internal()
	})
	ctx := context.Background()
	id, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.UserId) != "AIDACKCEVSQ6C2EXAMPLE" || aws.ToString(id.Account) != "123456789012" || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/Alice" {
		t.Errorf("identity %+v", id)
	}
	assertDoc(t, f.last(t).in, map[string]any{})

	ar, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:           aws.String("arn:aws:iam::123456789012:role/r"),
		RoleSessionName:   aws.String("sess"),
		DurationSeconds:   aws.Int32(900),
		PolicyArns:        []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
		Tags:              []ststypes.Tag{{Key: aws.String("project"), Value: aws.String("mail")}},
		TransitiveTagKeys: []string{"project"},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertDoc(t, f.last(t).in, map[string]any{
		"RoleArn":           "arn:aws:iam::123456789012:role/r",
		"RoleSessionName":   "sess",
		"DurationSeconds":   int64(900),
		"PolicyArns":        []any{map[string]any{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		"Tags":              []any{map[string]any{"Key": "project", "Value": "mail"}},
		"TransitiveTagKeys": []any{"project"},
	})
	cr := ar.Credentials
	if cr == nil || aws.ToString(cr.AccessKeyId) != "ASIAEXAMPLE" || aws.ToString(cr.SecretAccessKey) != "s3cr3t/+=" ||
		aws.ToString(cr.SessionToken) != "tok&en" || !aws.ToTime(cr.Expiration).Equal(exp) {
		t.Errorf("credentials %+v", cr)
	}
	if u := ar.AssumedRoleUser; u == nil || aws.ToString(u.AssumedRoleId) != "AROA123:sess" || aws.ToString(u.Arn) != "arn:aws:sts::123456789012:assumed-role/r/sess" {
		t.Errorf("user %+v", u)
	}
	if aws.ToInt32(ar.PackedPolicySize) != 6 || aws.ToString(ar.SourceIdentity) != "alice" {
		t.Errorf("assume role %+v", ar)
	}

	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("expired")})
	var et *ststypes.ExpiredTokenException
	if !errors.As(err, &et) || !strings.Contains(et.ErrorMessage(), "expired") {
		t.Fatalf("got %T %v", err, err)
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != model.Get("sts").Shapes["ExpiredTokenException"].ErrorCode() {
		t.Fatalf("code: %v", err)
	}
}

// The codec's own client direction against the same server path: what
// EncodeRequest sends is what the SDK sends.
func TestEncodeRequestMatchesSDK(t *testing.T) {
	c, f := newIAM(t, func(op string, in map[string]any) (map[string]any, *apierror.Error) {
		return map[string]any{"Role": fullRole()}, nil
	})
	if _, err := c.CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String("app-role"), AssumeRolePolicyDocument: aws.String(policy), MaxSessionDuration: aws.Int32(7200),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("mail")}},
	}); err != nil {
		t.Fatal(err)
	}
	call := f.last(t)
	ours := EncodeRequest(model.Get("iam").Operations["CreateRole"], call.in)
	if ours.Encode() != call.form.Encode() {
		t.Fatalf("ours %s\n sdk %s", ours.Encode(), call.form.Encode())
	}
}

// testError is an API error as a fake service answers it.
func testError(code string, status int, sender bool, format string, args ...any) *apierror.Error {
	return &apierror.Error{Code: code, Message: apierror.Message(format, args...), Status: status, Sender: sender}
}
