package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/smithy-go"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/store/sqlstore"
	"github.com/mailgate/mailgate/internal/testenv"
)

// scrape fetches path and parses it with the Prometheus text parser.
func scrape(t *testing.T, base, path string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("scrape %s: %v", path, err)
	}
	return fams
}

// value is the counter (or histogram count) of the series of family
// name whose labels include want; 0 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	sum := 0.0
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for i := 0; i+1 < len(want); i += 2 {
			match = match && labels[want[i]] == want[i+1]
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

func TestMetrics(t *testing.T) {
	e := testenv.New(t)
	stop := metrics.WatchPools(e.Store.(*sqlstore.DB).Stats)
	defer stop()
	ctx := context.Background()
	before := scrape(t, e.URL, server.MetricsPath)

	// A signed call that succeeds, one refused by authorization, and
	// failed authentications of three kinds.
	wm := e.WorkMail()
	org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("metrics-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{}); err != nil {
		t.Fatal(err)
	}
	im := e.IAM()
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	nobody := workmail.NewFromConfig(e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	wantCode(t, func() error { _, err := nobody.ListOrganizations(ctx, &workmail.ListOrganizationsInput{}); return err }, "AccessDeniedException")
	wrongSecret := workmail.NewFromConfig(e.AWSConfigFor(e.AccessKey, "wrong"+e.SecretKey[5:], ""))
	wantCode(t, func() error {
		_, err := wrongSecret.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		return err
	}, "InvalidSignatureException")
	unknown := workmail.NewFromConfig(e.AWSConfigFor(ids.AccessKeyID(ids.PrefixAccessKey), e.SecretKey, ""))
	wantCode(t, func() error { _, err := unknown.ListOrganizations(ctx, &workmail.ListOrganizationsInput{}); return err }, "UnrecognizedClientException")
	for _, target := range []string{"WorkMailService.ListOrganizations", "WorkMailService.NoSuchOperation"} {
		req, _ := http.NewRequest("POST", e.URL+"/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", target)
		if r := do(t, req); r.status != 400 {
			t.Fatalf("unsigned %s: %d %s", target, r.status, r.body)
		}
	}

	// Sign-ins: a directory user signs in, a wrong password does not.
	u, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("alice"), DisplayName: aws.String("Alice"), Password: aws.String("Corr3ct-Horse!")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wm.RegisterToWorkMail(ctx, &workmail.RegisterToWorkMailInput{OrganizationId: org.OrganizationId, EntityId: u.UserId,
		Email: aws.String("alice@" + aliasOf(t, wm, *org.OrganizationId) + ".awsapps.com")}); err != nil {
		t.Fatal(err)
	}
	signIn := func(password string) int {
		resp, err := http.PostForm(e.URL+server.SignInPath, url.Values{"organization_id": {*org.OrganizationId}, "username": {"alice"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := signIn("Corr3ct-Horse!"); s != 200 {
		t.Fatalf("sign-in: %d", s)
	}
	if s := signIn("Wr0ng-Horse!"); s != 401 {
		t.Fatalf("wrong password: %d", s)
	}

	// Introspection of tokens that do not work.
	for _, tok := range []string{"mgi1.not-a-token", "mgi1." + strings.Repeat("A", 22) + "." + strings.Repeat("B", 43), "mgp1.not-a-token"} {
		r := do(t, signedPath(t, e, server.IntrospectPath, "workmail", "application/x-www-form-urlencoded", "", []byte("token="+tok), time.Now()))
		if r.status != 200 || !strings.Contains(r.body, `"active":false`) {
			t.Fatalf("introspect %s: %d %s", tok, r.status, r.body)
		}
	}
	if r, err := http.Get(e.URL + server.ReadyPath); err != nil || r.StatusCode != 200 {
		t.Fatalf("ready: %v %v", r, err)
	}

	after := scrape(t, e.URL, server.MetricsAliasPath)
	moved := func(name string, want float64, labels ...string) {
		t.Helper()
		if d := value(after, name, labels...) - value(before, name, labels...); d < want {
			t.Errorf("%s%v moved by %v, want at least %v", name, labels, d, want)
		}
	}
	moved("mailgate_requests_total", 1, "service", "workmail", "operation", "ListOrganizations", "status", "200")
	moved("mailgate_requests_total", 1, "service", "workmail", "operation", "CreateOrganization", "status", "200")
	moved("mailgate_requests_total", 1, "service", "iam", "operation", "CreateUser", "status", "200")
	moved("mailgate_requests_total", 4, "service", "workmail", "operation", "ListOrganizations", "status", "400")
	moved("mailgate_requests_total", 1, "service", "workmail", "operation", "unknown", "status", "400")
	moved("mailgate_requests_total", 1, "service", "mailgate", "operation", "SignIn", "status", "401")
	moved("mailgate_requests_total", 1, "service", "mailgate", "operation", "Ready", "status", "200")
	moved("mailgate_requests_total", 1, "service", "mailgate", "operation", "Metrics", "status", "200")
	moved("mailgate_requests_total", 3, "service", "workmail", "operation", "IntrospectImpersonationToken", "status", "200")
	moved("mailgate_request_duration_seconds", 5, "service", "workmail", "operation", "ListOrganizations")
	moved("mailgate_authorization_denials_total", 1, "service", "workmail", "operation", "ListOrganizations")
	moved("mailgate_authentication_failures_total", 1, "service", "workmail", "reason", "signature_mismatch")
	moved("mailgate_authentication_failures_total", 1, "service", "workmail", "reason", "unknown_key")
	moved("mailgate_authentication_failures_total", 1, "service", "workmail", "reason", "missing")
	moved("mailgate_signin_decisions_total", 1, "front", "http", "method", "password", "outcome", "success")
	moved("mailgate_signin_decisions_total", 1, "front", "http", "method", "password", "outcome", "failure")
	moved("mailgate_token_verifications_total", 1, "kind", "impersonation", "outcome", "malformed")
	moved("mailgate_token_verifications_total", 1, "kind", "impersonation", "outcome", "unknown")
	moved("mailgate_token_verifications_total", 1, "kind", "personal_access_token", "outcome", "malformed")
	pools := map[string]float64{"read": 8, "write": 1}
	if e.Store.(*sqlstore.DB).Dialect() == sqlstore.Postgres {
		pools = map[string]float64{"main": 16}
	}
	for pool, max := range pools {
		if value(after, "mailgate_store_pool_max_open_connections", "pool", pool) != max || value(after, "mailgate_store_pool_open_connections", "pool", pool) < 1 {
			t.Errorf("pool %s: %v", pool, after["mailgate_store_pool_max_open_connections"])
		}
	}
	for _, name := range []string{"mailgate_store_errors_total", "go_goroutines", "process_cpu_seconds_total"} {
		if after[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	for _, f := range after {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if strings.Contains(l.GetValue(), e.AccessKey) || strings.Contains(l.GetValue(), *org.OrganizationId) {
					t.Errorf("%s carries request data: %v", f.GetName(), m)
				}
			}
		}
	}
}

func aliasOf(t *testing.T, wm *workmail.Client, org string) string {
	t.Helper()
	d, err := wm.DescribeOrganization(context.Background(), &workmail.DescribeOrganizationInput{OrganizationId: &org})
	if err != nil {
		t.Fatal(err)
	}
	return *d.Alias
}

func wantCode(t *testing.T, call func() error, code string) {
	t.Helper()
	var ae smithy.APIError
	if err := call(); !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func TestMetricsDisabled(t *testing.T) {
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) { c.DisableMetrics = true }})
	for _, p := range []string{server.MetricsPath, server.MetricsAliasPath} {
		resp, err := http.Get(e.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
}

// TestMetricsAliasIsNotAnAWSPath: an AWS call (X-Amz-Target) to
// /metrics is an AWS call, not a scrape.
func TestMetricsAliasIsNotAnAWSPath(t *testing.T) {
	e := testenv.New(t)
	r := do(t, signedPath(t, e, server.MetricsAliasPath, "workmail", "application/x-amz-json-1.1", "WorkMailService.ListOrganizations", []byte("{}"), time.Now()))
	if r.status != 200 || !strings.Contains(r.body, "OrganizationSummaries") {
		t.Fatalf("signed call to /metrics: %d %s", r.status, r.body)
	}
}
