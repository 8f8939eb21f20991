package sts_test

import (
	"crypto/sha1"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/testenv"
)

func TestSAMLProviders(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	idp := newIdP(t, "https://idp.example.com/saml")
	c := f.iam
	made, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(idp.metadata()),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	must(t, err)
	arn := "arn:aws:iam::" + f.e.AccountID + ":saml-provider/Okta"
	if *made.SAMLProviderArn != arn || len(made.Tags) != 1 {
		t.Fatalf("%s %v", *made.SAMLProviderArn, made.Tags)
	}
	got, err := c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: &arn})
	must(t, err)
	if u := *got.SAMLProviderUUID; len(u) != 22 || !strings.HasPrefix(u, "SAML") || *got.SAMLMetadataDocument != idp.metadata() {
		t.Fatalf("%s", u)
	}
	if y := got.ValidUntil.Year() - got.CreateDate.Year(); y != 100 || got.AssertionEncryptionMode != "" || len(got.PrivateKeyList) != 0 {
		t.Fatalf("valid for %d years; %+v", y, got)
	}
	list, err := c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	must(t, err)
	if len(list.SAMLProviderList) != 1 || *list.SAMLProviderList[0].Arn != arn {
		t.Fatalf("%+v", list.SAMLProviderList)
	}

	bad := "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\">" + strings.Repeat(" ", 1000) + "</md:EntityDescriptor>"
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Bad"), SAMLMetadataDocument: &bad})
	apiErr(t, err, "InvalidInput", 400)
	if !strings.Contains(err.Error(), "Could not parse metadata") {
		t.Fatal(err)
	}
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("OKTA"), SAMLMetadataDocument: aws.String(idp.metadata())})
	apiErr(t, err, "EntityAlreadyExists", 409)

	// Private keys and the encryption mode.
	update := func(in iam.UpdateSAMLProviderInput) error {
		in.SAMLProviderArn = &arn
		_, err := c.UpdateSAMLProvider(ctx, &in)
		return err
	}
	apiErr(t, update(iam.UpdateSAMLProviderInput{}), "InvalidInput", 400)
	apiErr(t, update(iam.UpdateSAMLProviderInput{AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired}), "InvalidInput", 400)
	apiErr(t, update(iam.UpdateSAMLProviderInput{AddPrivateKey: aws.String(strings.Repeat("k", 40))}), "InvalidInput", 400)
	must(t, update(iam.UpdateSAMLProviderInput{AddPrivateKey: aws.String(idp.privateKeyPEM()), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired}))
	got, err = c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: &arn})
	must(t, err)
	if got.AssertionEncryptionMode != iamtypes.AssertionEncryptionModeTypeRequired || len(got.PrivateKeyList) != 1 {
		t.Fatalf("%+v", got)
	}
	keyID := got.PrivateKeyList[0].KeyId
	apiErr(t, update(iam.UpdateSAMLProviderInput{RemovePrivateKey: keyID}), "InvalidInput", 400)
	must(t, update(iam.UpdateSAMLProviderInput{AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeAllowed}))
	must(t, update(iam.UpdateSAMLProviderInput{RemovePrivateKey: keyID}))
	// New metadata, with a validUntil of its own.
	until := strings.Replace(idp.metadata(), `entityID="`, `validUntil="2030-01-02T03:04:05Z" entityID="`, 1)
	must(t, update(iam.UpdateSAMLProviderInput{SAMLMetadataDocument: &until}))
	got, err = c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: &arn})
	must(t, err)
	if !got.ValidUntil.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || *got.SAMLMetadataDocument != until {
		t.Fatalf("%v", got.ValidUntil)
	}
	apiErr(t, update(iam.UpdateSAMLProviderInput{SAMLMetadataDocument: &bad}), "InvalidInput", 400)

	// Tags.
	_, err = c.TagSAMLProvider(ctx, &iam.TagSAMLProviderInput{SAMLProviderArn: &arn, Tags: []iamtypes.Tag{{Key: aws.String("Env"), Value: aws.String("prod")}}})
	must(t, err)
	_, err = c.UntagSAMLProvider(ctx, &iam.UntagSAMLProviderInput{SAMLProviderArn: &arn, TagKeys: []string{"TEAM"}})
	must(t, err)
	tags, err := c.ListSAMLProviderTags(ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: &arn})
	must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "Env" {
		t.Fatalf("%+v", tags.Tags)
	}

	_, err = c.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: &arn})
	must(t, err)
	for _, call := range []func() error{
		func() error {
			_, err := c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: &arn})
			return err
		},
		func() error {
			_, err := c.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: &arn})
			return err
		},
		func() error {
			_, err := c.ListSAMLProviderTags(ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: &arn})
			return err
		},
	} {
		err := call()
		apiErr(t, err, "NoSuchEntity", 404)
		if !strings.Contains(err.Error(), "Manifest not found for arn "+arn) {
			t.Fatal(err)
		}
	}
}

// anonymous is an STS client without credentials, as a browser or the
// CLI calls AssumeRoleWithSAML.
func anonymous(e *testenv.Env) *sts.Client {
	cfg := e.AWSConfig()
	cfg.Credentials = aws.AnonymousCredentials{}
	return sts.NewFromConfig(cfg)
}

// newSAMLFx is a server with an IdP registered as the SAML provider Okta.
func newSAMLFx(t *testing.T) (*fx, *testIdP, string) {
	f := newFx(t, authz.EnforceStrict)
	idp := newIdP(t, "https://idp.example.com/saml")
	made, err := f.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(idp.metadata())})
	must(t, err)
	return f, idp, *made.SAMLProviderArn
}

func TestAssumeRoleWithSAML(t *testing.T) {
	f, idp, provider := newSAMLFx(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithSAML",
		"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","saml:sub":"alice@example.com"}}}]}`
	role := f.role(t, "saml-admin", trust, 0, allow("iam:ListRoles"))
	other := f.role(t, "other", trust, 0, "")
	attrs := func(roleARN, session string) map[string][]string {
		return map[string][]string{
			"https://aws.amazon.com/SAML/Attributes/Role":            {provider + "," + roleARN},
			"https://aws.amazon.com/SAML/Attributes/RoleSessionName": {session},
			"https://aws.amazon.com/SAML/Attributes/SessionDuration": {"1800"},
		}
	}
	assume := func(roleARN string, a assertion) (*sts.AssumeRoleWithSAMLOutput, error) {
		if a.attributes == nil {
			a.attributes = attrs(role, "alice")
		}
		return anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &roleARN, PrincipalArn: &provider, SAMLAssertion: aws.String(idp.response(t, a))})
	}

	out, err := assume(role, assertion{})
	must(t, err)
	sum := sha1.Sum([]byte(idp.entityID + f.e.AccountID + "/Okta"))
	if *out.Subject != "alice@example.com" || *out.SubjectType != "persistent" || *out.Issuer != idp.entityID ||
		*out.Audience != signInTo || *out.NameQualifier != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("%s %s %s %s %s", *out.Subject, *out.SubjectType, *out.Issuer, *out.Audience, *out.NameQualifier)
	}
	sessionARN := "arn:aws:sts::" + f.e.AccountID + ":assumed-role/saml-admin/alice"
	if *out.AssumedRoleUser.Arn != sessionARN {
		t.Fatal(*out.AssumedRoleUser.Arn)
	}
	if d := out.Credentials.Expiration.Sub(f.clk.Now()); d < 29*time.Minute || d > 31*time.Minute {
		t.Fatalf("SessionDuration: %v", d)
	}
	// The session works, with the role's permissions.
	id, err := sts.NewFromConfig(f.as(out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != sessionARN {
		t.Fatal(*id.Arn)
	}
	_, err = iam.NewFromConfig(f.as(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	_, err = iam.NewFromConfig(f.as(out.Credentials)).ListUsers(ctx, &iam.ListUsersInput{})
	apiErr(t, err, "AccessDenied", 403)

	forger := newIdP(t, idp.entityID)
	refused := []struct {
		name, code string
		status     int
		roleARN    string
		a          assertion
	}{
		{"bad signature", "InvalidIdentityToken", 400, role, assertion{signer: forger}},
		{"tampered", "InvalidIdentityToken", 400, role, assertion{tamper: func(s string) string {
			return strings.Replace(s, "alice@example.com", "mallory@example.com", 1)
		}}},
		{"wrong audience", "InvalidIdentityToken", 400, role, assertion{audience: "https://app.example.com/saml"}},
		{"wrong recipient", "InvalidIdentityToken", 400, role, assertion{recipient: "https://app.example.com/acs"}},
		{"expired", "ExpiredTokenException", 400, role, assertion{issued: time.Now().Add(-20 * time.Minute), notAfter: time.Now().Add(-10 * time.Minute)}},
		{"role not in the assertion", "AccessDenied", 403, other, assertion{}},
		{"trust condition", "AccessDenied", 403, role, assertion{subject: "bob@example.com"}},
		{"IdP refused", "IDPRejectedClaim", 403, role, assertion{status: "urn:oasis:names:tc:SAML:2.0:status:Responder"}},
		{"no session name", "InvalidIdentityToken", 400, role, assertion{attributes: map[string][]string{
			"https://aws.amazon.com/SAML/Attributes/Role": {provider + "," + role}}}},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			_, err := assume(r.roleARN, r.a)
			apiErr(t, err, r.code, r.status)
		})
	}
	_, err = anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &role, PrincipalArn: &provider, SAMLAssertion: aws.String(strings.Repeat("!", 10))})
	apiErr(t, err, "InvalidIdentityToken", 400)
	_, err = anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &role, PrincipalArn: &provider,
		SAMLAssertion: aws.String(idp.response(t, assertion{attributes: attrs(role, "alice")})), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)})
	apiErr(t, err, "MalformedPolicyDocument", 400)
	// A session policy caps the session.
	capped, err := anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &role, PrincipalArn: &provider,
		SAMLAssertion: aws.String(idp.response(t, assertion{attributes: attrs(role, "alice")})), Policy: aws.String(allow("iam:GetRole"))})
	must(t, err)
	if capped.PackedPolicySize == nil {
		t.Fatal("no PackedPolicySize")
	}
	_, err = iam.NewFromConfig(f.as(capped.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	apiErr(t, err, "AccessDenied", 403)
}

// A provider that requires encryption takes only encrypted assertions,
// which it decrypts with its private key.
func TestAssumeRoleWithEncryptedSAML(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	idp, sp := newIdP(t, "https://idp.example.com/saml"), newIdP(t, "https://signin.aws.amazon.com/saml")
	made, err := f.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(idp.metadata()),
		AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired, AddPrivateKey: aws.String(sp.privateKeyPEM())})
	must(t, err)
	provider := *made.SAMLProviderArn
	role := f.role(t, "r", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+provider+`"},"Action":"sts:AssumeRoleWithSAML"}]}`, 0, "")
	a := assertion{attributes: map[string][]string{
		"https://aws.amazon.com/SAML/Attributes/Role":            {role + "," + provider},
		"https://aws.amazon.com/SAML/Attributes/RoleSessionName": {"alice"},
	}}
	assume := func(a assertion) error {
		_, err := anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &role, PrincipalArn: &provider, SAMLAssertion: aws.String(idp.response(t, a))})
		return err
	}
	apiErr(t, assume(a), "InvalidIdentityToken", 400)
	a.encryptTo = sp.certificate(t)
	must(t, assume(a))
	a.encryptTo = newIdP(t, "https://elsewhere.example.com").certificate(t)
	apiErr(t, assume(a), "InvalidIdentityToken", 400)
}

// Who may read or delete a SAML provider or an MFA device is up to
// policies, down to the resource's tags.
func TestProviderAndDeviceTagsAuthorize(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	idp := newIdP(t, "https://idp.example.com/saml")
	owner := func(v string) []iamtypes.Tag { return []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String(v)}} }
	for _, name := range []string{"Mine", "Theirs"} {
		_, err := f.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(name), SAMLMetadataDocument: aws.String(idp.metadata()), Tags: owner(name)})
		must(t, err)
		_, err = f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name), Tags: owner(name)})
		must(t, err)
	}
	alice := iam.NewFromConfig(f.user(t, "alice"))
	f.putUserPolicy(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetSAMLProvider","iam:DeleteVirtualMFADevice"],"Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/owner":"Mine"}}}]}`)
	arn := func(kind, name string) *string {
		return aws.String("arn:aws:iam::" + f.e.AccountID + ":" + kind + "/" + name)
	}
	_, err := alice.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: arn("saml-provider", "Mine")})
	must(t, err)
	_, err = alice.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: arn("saml-provider", "Theirs")})
	apiErr(t, err, "AccessDenied", 403)
	_, err = alice.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: arn("mfa", "Theirs")})
	apiErr(t, err, "AccessDenied", 403)
	_, err = alice.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: arn("mfa", "Mine")})
	must(t, err)
}

func TestSAMLProviderQuota(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	doc := aws.String(newIdP(t, "https://idp.example.com/saml").metadata())
	create := func(i int) error {
		_, err := f.iam.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("p" + strconv.Itoa(i)), SAMLMetadataDocument: doc})
		return err
	}
	for i := 0; i < 100; i++ {
		must(t, create(i))
	}
	err := create(100)
	apiErr(t, err, "LimitExceeded", 409)
	if !strings.Contains(err.Error(), "SAMLProvidersPerAccount: 100") {
		t.Fatal(err)
	}
}

// Creating a provider is authorized on the provider to be.
func TestCreateSAMLProviderResource(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := iam.NewFromConfig(f.user(t, "alice"))
	f.putUserPolicy(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateSAMLProvider","Resource":"arn:aws:iam::*:saml-provider/team-*"}]}`)
	doc := aws.String(newIdP(t, "https://idp.example.com/saml").metadata())
	_, err := alice.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("team-a"), SAMLMetadataDocument: doc})
	must(t, err)
	_, err = alice.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("other"), SAMLMetadataDocument: doc})
	apiErr(t, err, "AccessDenied", 403)
}

// Session tags and a source identity from the assertion need
// sts:TagSession and sts:SetSourceIdentity in the trust policy, and then
// reach the session.
func TestSAMLSessionTags(t *testing.T) {
	f, idp, provider := newSAMLFx(t)
	trust := func(actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":[` + actions + `]}]}`
	}
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`
	bare := f.role(t, "bare", trust(`"sts:AssumeRoleWithSAML"`), 0, perms)
	full := f.role(t, "full", trust(`"sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"`), 0, perms)
	assume := func(role string) (*sts.AssumeRoleWithSAMLOutput, error) {
		a := assertion{attributes: map[string][]string{
			"https://aws.amazon.com/SAML/Attributes/Role":              {provider + "," + role},
			"https://aws.amazon.com/SAML/Attributes/RoleSessionName":   {"alice"},
			"https://aws.amazon.com/SAML/Attributes/PrincipalTag:team": {"blue"},
			"https://aws.amazon.com/SAML/Attributes/SourceIdentity":    {"alice@example.com"},
		}}
		return anonymous(f.e).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: &role, PrincipalArn: &provider, SAMLAssertion: aws.String(idp.response(t, a))})
	}
	_, err := assume(bare)
	apiErr(t, err, "AccessDenied", 403)
	out, err := assume(full)
	must(t, err)
	if out.SourceIdentity == nil || *out.SourceIdentity != "alice@example.com" {
		t.Fatalf("%v", out.SourceIdentity)
	}
	_, err = iam.NewFromConfig(f.as(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
}
