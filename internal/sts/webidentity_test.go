package sts_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/server"
	stssvc "github.com/mailgate/mailgate/internal/sts"
	"github.com/mailgate/mailgate/internal/testenv"
)

type webFx struct {
	e   *testenv.Env
	iss *testenv.HTTPSOIDCIssuer
	iam *iam.Client
	sts *sts.Client // unsigned: anonymous credentials
}

func newWebFx(t *testing.T) *webFx {
	f := &webFx{iss: testenv.NewHTTPSOIDCIssuer(t)}
	// The server trusts the issuer's CA as --web-identity-ca-file makes it.
	client, err := stssvc.IssuerClient(f.iss.CAPEM)
	must(t, err)
	f.e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.STS = stssvc.New(c.Store, stssvc.Options{HTTPClient: client})
	}})
	f.iam = f.e.IAM()
	cfg := f.e.AWSConfig()
	cfg.Credentials = aws.AnonymousCredentials{}
	f.sts = sts.NewFromConfig(cfg)
	return f
}

// TestAssumeRoleWithWebIdentity: the end-to-end flow. An OIDC provider
// served in-process is registered; a token it signed assumes a role whose
// trust policy conditions on the token's claims; the session is used
// (allowed and denied); tokens for the wrong audience, expired, forged,
// from an unregistered issuer, or whose claims the trust policy does not
// accept, are refused.
func TestAssumeRoleWithWebIdentity(t *testing.T) {
	f := newWebFx(t)
	prov, err := f.iam.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(f.iss.URL), ClientIDList: []string{"mail-app"}})
	must(t, err)
	host := strings.TrimPrefix(f.iss.URL, "https://")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *prov.OpenIDConnectProviderArn + `"},
		"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],
		"Condition":{"StringEquals":{"` + host + `:aud":"mail-app"},"StringLike":{"` + host + `:sub":"repo:mail/*"}}}]}`
	role, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ci"), AssumeRolePolicyDocument: &trust})
	must(t, err)
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:ListOrganizations","Resource":"*"}]}`
	_, err = f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ci"), PolicyName: aws.String("p"), PolicyDocument: &perms})
	must(t, err)
	assume := func(tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return f.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn,
			RoleSessionName: aws.String("run-1"), WebIdentityToken: aws.String(tok)})
	}
	good := testenv.Claims{Subject: "repo:mail/gate:ref:main", Audience: []string{"mail-app"}}

	t.Run("case=assume-and-use", func(t *testing.T) {
		out, err := assume(f.iss.Token(t, good))
		must(t, err)
		wantARN := "arn:aws:sts::" + f.e.AccountID + ":assumed-role/ci/run-1"
		if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || aws.ToString(out.SubjectFromWebIdentityToken) != good.Subject ||
			aws.ToString(out.Audience) != "mail-app" || aws.ToString(out.Provider) != *prov.OpenIDConnectProviderArn ||
			!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":run-1") || out.PackedPolicySize != nil {
			t.Fatalf("response: %+v %+v", out, out.AssumedRoleUser)
		}
		if d := time.Until(*out.Credentials.Expiration); d < 55*time.Minute || d > 65*time.Minute {
			t.Fatalf("duration %v", d)
		}
		cfg := f.e.AWSConfigFor(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		if *id.Arn != wantARN {
			t.Fatal(*id.Arn)
		}
		_, err = workmail.NewFromConfig(cfg).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		must(t, err)
		_, err = iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=session-policy", func(t *testing.T) {
		out, err := f.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn,
			RoleSessionName: aws.String("narrow"), WebIdentityToken: aws.String(f.iss.Token(t, good)),
			Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
		must(t, err)
		if out.PackedPolicySize == nil {
			t.Fatal("no PackedPolicySize")
		}
		cfg := f.e.AWSConfigFor(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
		_, err = workmail.NewFromConfig(cfg).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "AccessDeniedException", 400)
	})
	t.Run("case=wrong-audience", func(t *testing.T) {
		_, err := assume(f.iss.Token(t, testenv.Claims{Subject: good.Subject, Audience: []string{"other-app"}}))
		apiErr(t, err, "InvalidIdentityToken", 400)
	})
	t.Run("case=expired", func(t *testing.T) {
		past := time.Now().Add(-2 * time.Hour)
		_, err := assume(f.iss.Token(t, testenv.Claims{Subject: good.Subject, Audience: good.Audience, IssuedAt: past, Expiry: past.Add(time.Hour)}))
		apiErr(t, err, "ExpiredTokenException", 400)
	})
	t.Run("case=within-clock-skew", func(t *testing.T) {
		now := time.Now()
		_, err := assume(f.iss.Token(t, testenv.Claims{Subject: good.Subject, Audience: good.Audience, IssuedAt: now.Add(-time.Hour), Expiry: now.Add(-2 * time.Minute)}))
		must(t, err)
	})
	t.Run("case=forged", func(t *testing.T) {
		c := good
		c.Issuer = f.iss.URL
		_, err := assume(f.iss.ForgedIDToken(t, c, true))
		apiErr(t, err, "InvalidIdentityToken", 400)
	})
	t.Run("case=claim-not-trusted", func(t *testing.T) {
		_, err := assume(f.iss.Token(t, testenv.Claims{Subject: "repo:other/x", Audience: good.Audience}))
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=unregistered-issuer", func(t *testing.T) {
		c := good
		c.Issuer = "https://elsewhere.example.com"
		_, err := assume(f.iss.Token(t, c))
		apiErr(t, err, "InvalidIdentityToken", 400)
	})
	t.Run("case=not-a-jwt", func(t *testing.T) {
		_, err := assume("not.a-token")
		apiErr(t, err, "InvalidIdentityToken", 400)
	})
	t.Run("case=unknown-role", func(t *testing.T) {
		_, err := f.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::" + f.e.AccountID + ":role/none"),
			RoleSessionName: aws.String("xx"), WebIdentityToken: aws.String(f.iss.Token(t, good))})
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=session-tags", func(t *testing.T) {
		c := good
		c.Extra = map[string]any{"https://aws.amazon.com/tags": map[string]any{
			"principal_tags": map[string]any{"team": []string{"mail"}}, "transitive_tag_keys": []string{"team"}}}
		out, err := assume(f.iss.Token(t, c))
		must(t, err)
		if out.PackedPolicySize == nil {
			t.Fatal("tags take packed space")
		}
	})
	t.Run("case=claims-in-session", func(t *testing.T) {
		// The token's keys reach the session's requests: the role's
		// permission policy can condition on them.
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"workmail:DescribeOrganization","Resource":"*",
			"Condition":{"StringEquals":{"` + host + `:sub":"repo:mail/gate:ref:main","aws:FederatedProvider":"` + *prov.OpenIDConnectProviderArn + `"}}}]}`
		_, err := f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ci"), PolicyName: aws.String("by-sub"), PolicyDocument: &doc})
		must(t, err)
		call := func(sub string) error {
			out, err := assume(f.iss.Token(t, testenv.Claims{Subject: sub, Audience: good.Audience}))
			must(t, err)
			cfg := f.e.AWSConfigFor(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
			_, err = workmail.NewFromConfig(cfg).DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: aws.String("m-00000000000000000000000000000000")})
			return err
		}
		if err := call(good.Subject); err == nil || testenvCode(err) == "AccessDeniedException" {
			t.Fatalf("allowed subject: %v", err)
		}
		apiErr(t, call("repo:mail/other"), "AccessDeniedException", 400)
	})
	t.Run("case=rejected-claim", func(t *testing.T) {
		c := good
		c.Extra = map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"team": []string{"a", "b"}}}}
		_, err := assume(f.iss.Token(t, c))
		apiErr(t, err, "IDPRejectedClaim", 403)
	})
	t.Run("case=session-policy-errors", func(t *testing.T) {
		in := func(doc string) *sts.AssumeRoleWithWebIdentityInput {
			return &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("pp"),
				WebIdentityToken: aws.String(f.iss.Token(t, good)), Policy: &doc}
		}
		_, err := f.sts.AssumeRoleWithWebIdentity(ctx, in(`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}`))
		apiErr(t, err, "MalformedPolicyDocument", 400)
		// Within the model's 2,048 characters, but with the token's
		// session tags beyond the packed space.
		big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + strings.Repeat(`"workmail:ListOrganizations",`, 66) + `"iam:ListRoles"],"Resource":"*"}]}`
		c := good
		c.Extra = map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"note": []string{strings.Repeat("n", 256)}}}}
		_, err = f.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("pp"),
			WebIdentityToken: aws.String(f.iss.Token(t, c)), Policy: &big})
		apiErr(t, err, "PackedPolicyTooLarge", 400)
	})
	t.Run("case=keys-cached", func(t *testing.T) {
		before := f.iss.JWKSFetches
		_, err := assume(f.iss.Token(t, good))
		must(t, err)
		if f.iss.JWKSFetches != before {
			t.Fatalf("keys fetched again: %d → %d", before, f.iss.JWKSFetches)
		}
	})
}

// TestWebIdentityIssuerUnreachable: a provider registered for an issuer
// that does not answer is IDPCommunicationError.
func TestWebIdentityIssuerUnreachable(t *testing.T) {
	f := newWebFx(t)
	dead := httptest.NewTLSServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	prov, err := f.iam.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: &url, ClientIDList: []string{"a"}})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *prov.OpenIDConnectProviderArn + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: &trust})
	must(t, err)
	tok := f.iss.Token(t, testenv.Claims{Issuer: url, Subject: "s", Audience: []string{"a"}})
	_, err = f.sts.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("xx"), WebIdentityToken: &tok})
	apiErr(t, err, "IDPCommunicationError", 400)
}

// TestWebIdentityUntrustedIssuer: without its CA, the issuer's
// certificate is not trusted (no verification is skipped).
func TestWebIdentityUntrustedIssuer(t *testing.T) {
	iss := testenv.NewHTTPSOIDCIssuer(t)
	e := testenv.New(t)
	prov, err := e.IAM().CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(iss.URL), ClientIDList: []string{"a"}})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *prov.OpenIDConnectProviderArn + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role, err := e.IAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: &trust})
	must(t, err)
	cfg := e.AWSConfig()
	cfg.Credentials = aws.AnonymousCredentials{}
	tok := iss.Token(t, testenv.Claims{Subject: "s", Audience: []string{"a"}})
	_, err = sts.NewFromConfig(cfg).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("xx"), WebIdentityToken: &tok})
	apiErr(t, err, "IDPCommunicationError", 400)
}
