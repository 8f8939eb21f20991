package iam_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/store"
)

func TestAccountSummary(t *testing.T) {
	e, c := newEnv(t)
	// Records of the resources other parts of the service keep (OIDC and
	// SAML providers, server certificates, MFA devices), as they write them.
	for i, r := range []struct{ kind, doc string }{
		{store.RecordOpenIDConnectProvider, `{"url":"https://a.example"}`},
		{store.RecordOpenIDConnectProvider, `{"url":"https://b.example"}`},
		{store.RecordSAMLProvider, `{"name":"corp"}`},
		{store.RecordServerCertificate, `{"name":"web"}`},
		{store.RecordMFADevice, `{"name":"a","user_name":"u1","enabled_at":"2026-01-02T03:04:05Z"}`},
		{store.RecordMFADevice, `{"name":"b"}`},
	} {
		_, err := e.Store.PutAccountRecord(ctx, e.AccountID, r.kind, fmt.Sprint(i), 0, func(*store.Record) ([]byte, error) { return []byte(r.doc), nil })
		must(t, err)
	}
	for _, n := range []string{"u1", "u2"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)})
		must(t, err)
	}
	_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	createRole(t, c, "r")
	arn := createPolicy(t, c, "p")
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(altDoc)})
	must(t, err)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, err)
	_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
	must(t, err)

	out, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	must(t, err)
	m := out.SummaryMap
	// The keys of the example in GetAccountSummary's reference.
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := "AccessKeysPerUserQuota AccountAccessKeysPresent AccountMFAEnabled AccountSigningCertificatesPresent AssumeRolePolicySizeQuota " +
		"AttachedPoliciesPerGroupQuota AttachedPoliciesPerRoleQuota AttachedPoliciesPerUserQuota GlobalEndpointTokenVersion GroupPolicySizeQuota " +
		"Groups GroupsPerUserQuota GroupsQuota InstanceProfiles InstanceProfilesQuota MFADevices MFADevicesInUse Policies PoliciesQuota " +
		"PolicySizeQuota PolicyVersionsInUse PolicyVersionsInUseQuota Providers RolePolicySizeQuota Roles RolesQuota ServerCertificates " +
		"ServerCertificatesQuota SigningCertificatesPerUserQuota UserPolicySizeQuota Users UsersQuota VersionsPerPolicyQuota"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("keys:\n%s\nwant\n%s", got, want)
	}
	for k, v := range map[string]int32{"Users": 2, "Groups": 1, "Roles": 1, "Policies": 1, "PolicyVersionsInUse": 3, "InstanceProfiles": 1, "ServerCertificates": 1, "MFADevicesInUse": 1, "AccountMFAEnabled": 0,
		"UsersQuota": 5000, "RolesQuota": 1000, "PoliciesQuota": 1500, "AccountAccessKeysPresent": 1, "MFADevices": 2, "Providers": 3,
		"GlobalEndpointTokenVersion": 1, "AssumeRolePolicySizeQuota": 2048, "RolePolicySizeQuota": 10240} {
		if m[k] != v {
			t.Errorf("%s = %d, want %d", k, m[k], v)
		}
	}
}
