package sts_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/coreos/go-oidc/v3/oidc"

	iamsvc "github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// TestOutboundWebIdentityFederation: disabled, GetWebIdentityToken is
// refused; enabled, it returns a JWT that an external verifier checks
// with the keys the account's issuer publishes (OIDC discovery over the
// server itself), for both algorithms; disabled again, refused again.
func TestOutboundWebIdentityFederation(t *testing.T) {
	var e *testenv.Env
	e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.IAM = iamsvc.New(c.Store, iamsvc.Options{PublicURL: func() string { return e.URL }})
	}})
	ic, sc := e.IAM(), e.STS()
	get := func(alg string, aud ...string) (*sts.GetWebIdentityTokenOutput, error) {
		return sc.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: aws.String(alg)})
	}

	_, err := get("RS256", "https://api.example.com")
	apiErr(t, err, "OutboundWebIdentityFederationDisabledException", 403)
	_, err = ic.GetOutboundWebIdentityFederationInfo(ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
	apiErr(t, err, "FeatureDisabled", 404)
	_, err = ic.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})
	apiErr(t, err, "FeatureDisabled", 404)

	en, err := ic.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	must(t, err)
	issuer := aws.ToString(en.IssuerIdentifier)
	if !strings.HasPrefix(issuer, e.URL+"/_mailgate/issuer/"+e.AccountID+"/") {
		t.Fatalf("issuer %s", issuer)
	}
	_, err = ic.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	apiErr(t, err, "FeatureEnabled", 409)
	info, err := ic.GetOutboundWebIdentityFederationInfo(ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
	must(t, err)
	if aws.ToString(info.IssuerIdentifier) != issuer || !info.JwtVendingEnabled {
		t.Fatalf("info %+v", info)
	}

	p, err := oidc.NewProvider(ctx, issuer)
	must(t, err)
	for _, alg := range []string{"RS256", "ES384"} {
		out, err := sc.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"}, SigningAlgorithm: aws.String(alg),
			DurationSeconds: aws.Int32(600), Tags: []ststypes.Tag{{Key: aws.String("job"), Value: aws.String("42")}}})
		must(t, err)
		if d := time.Until(*out.Expiration); d < 9*time.Minute || d > 11*time.Minute {
			t.Fatalf("expiration %v", d)
		}
		v := p.Verifier(&oidc.Config{ClientID: "https://api.example.com", SupportedSigningAlgs: []string{alg}})
		tok, err := v.Verify(ctx, *out.WebIdentityToken)
		must(t, err)
		var claims map[string]any
		must(t, tok.Claims(&claims))
		awsc, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
		if tok.Subject != "arn:aws:iam::"+e.AccountID+":root" || awsc["aws_account"] != e.AccountID ||
			awsc["request_tags"].(map[string]any)["job"] != "42" {
			t.Fatalf("claims %v", claims)
		}
	}
	_, err = get("HS256", "a")
	apiErr(t, err, "ValidationError", 400)

	must(t, err2(ic.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})))
	_, err = get("RS256", "https://api.example.com")
	apiErr(t, err, "OutboundWebIdentityFederationDisabledException", 403)
	// The keys stay published for the tokens already issued; the issuer
	// comes back the same when enabled again.
	resp, err := http.Get(issuer + "/.well-known/jwks.json")
	must(t, err)
	var jwks struct{ Keys []json.RawMessage }
	must(t, json.NewDecoder(resp.Body).Decode(&jwks))
	resp.Body.Close()
	if len(jwks.Keys) != 2 {
		t.Fatalf("jwks: %d keys", len(jwks.Keys))
	}
	en, err = ic.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	must(t, err)
	if aws.ToString(en.IssuerIdentifier) != issuer {
		t.Fatalf("issuer changed: %s", aws.ToString(en.IssuerIdentifier))
	}
	resp, err = http.Get(e.URL + "/_mailgate/issuer/" + e.AccountID + "/wrong/.well-known/jwks.json")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("unknown issuer: %d", resp.StatusCode)
	}
}

// TestGetWebIdentityTokenSessionLimit: a session's token cannot outlive
// the session.
func TestGetWebIdentityTokenSessionLimit(t *testing.T) {
	var e *testenv.Env
	e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.IAM = iamsvc.New(c.Store, iamsvc.Options{PublicURL: func() string { return e.URL }})
	}})
	_, err := e.IAM().EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + e.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := e.IAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: &trust})
	must(t, err)
	_, err = e.IAM().PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allow("sts:GetWebIdentityToken"))})
	must(t, err)
	out, err := e.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)})
	must(t, err)
	sess := sts.NewFromConfig(e.AWSConfigFor(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken))
	_, err = sess.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"x"}, SigningAlgorithm: aws.String("RS256"), DurationSeconds: aws.Int32(3600)})
	apiErr(t, err, "SessionDurationEscalationException", 403)
	tok, err := sess.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"x"}, SigningAlgorithm: aws.String("RS256")})
	must(t, err)
	parts := strings.Split(*tok.WebIdentityToken, ".")
	if len(parts) != 3 {
		t.Fatal(*tok.WebIdentityToken)
	}
}

func err2[T any](_ T, err error) error { return err }
