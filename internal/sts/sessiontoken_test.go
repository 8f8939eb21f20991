package sts_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pquerna/otp/totp"

	"github.com/mailgate/mailgate/internal/authz"
)

// mfaDevice gives user an enabled virtual MFA device and returns its
// serial number and a function for its code at a time.
func (f *fx) mfaDevice(t *testing.T, user string) (string, func(time.Time) string) {
	t.Helper()
	out, err := f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(user + "-phone")})
	must(t, err)
	serial, seed := out.VirtualMFADevice.SerialNumber, string(out.VirtualMFADevice.Base32StringSeed)
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(seed, at)
		must(t, err)
		return c
	}
	now := f.clk.Now()
	_, err = f.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: &user, SerialNumber: serial,
		AuthenticationCode1: aws.String(code(now.Add(-30 * time.Second))), AuthenticationCode2: aws.String(code(now))})
	must(t, err)
	return *serial, code
}

// An MFA-gated role: refused without a code, allowed with a fresh one
// (once), and its session has aws:MultiFactorAuthPresent.
func TestMFAGatedRole(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	f.putUserPolicy(t, "alice", allow("sts:AssumeRole"))
	serial, code := f.mfaDevice(t, "alice")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + f.e.AccountID + `:user/alice"},"Action":"sts:AssumeRole",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`
	role := f.role(t, "admin", trust, 0, perms)
	assume := func(serial, token *string) (*sts.AssumeRoleOutput, error) {
		return sts.NewFromConfig(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &role, RoleSessionName: aws.String("alice"), SerialNumber: serial, TokenCode: token})
	}
	_, err := assume(nil, nil)
	apiErr(t, err, "AccessDenied", 403)
	_, err = assume(&serial, aws.String("000000"))
	apiErr(t, err, "AccessDenied", 403)
	_, err = assume(aws.String("arn:aws:iam::"+f.e.AccountID+":mfa/nobody"), aws.String(code(f.clk.Now().Add(30*time.Second))))
	apiErr(t, err, "AccessDenied", 403)
	fresh := code(f.clk.Now().Add(30 * time.Second)) // the current step went to EnableMFADevice
	out, err := assume(&serial, &fresh)
	must(t, err)
	_, err = iam.NewFromConfig(f.as(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	_, err = assume(&serial, &fresh)
	apiErr(t, err, "AccessDenied", 403) // a code is accepted once
}

// GetSessionToken with MFA: checked against the user's device, and its
// credentials may call IAM (those without MFA may not).
func TestGetSessionTokenWithMFA(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	f.putUserPolicy(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)
	serial, code := f.mfaDevice(t, "alice")
	f.clk.Advance(time.Minute)
	get := func(serial, token *string) (*sts.GetSessionTokenOutput, error) {
		return sts.NewFromConfig(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: token})
	}
	_, err := get(&serial, aws.String("123456"))
	apiErr(t, err, "AccessDenied", 403)
	_, err = get(&serial, nil)
	apiErr(t, err, "AccessDenied", 403)
	out, err := get(&serial, aws.String(code(f.clk.Now())))
	must(t, err)
	_, err = iam.NewFromConfig(f.as(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	// STS beyond AssumeRole and GetCallerIdentity stays closed.
	_, err = sts.NewFromConfig(f.as(out.Credentials)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiErr(t, err, "AccessDenied", 403)

	plain, err := get(nil, nil)
	must(t, err)
	_, err = iam.NewFromConfig(f.as(plain.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
	apiErr(t, err, "AccessDenied", 403)
	// The user's own long-term key has no MFA either.
	_, err = iam.NewFromConfig(alice).ListRoles(ctx, &iam.ListRolesInput{})
	apiErr(t, err, "AccessDenied", 403)
}
