package sts_test

// STS and the policy engine through the official AWS SDK for Go v2: real
// HTTP, real SigV4 (temporary credentials with X-Amz-Security-Token), the
// real store and the engine in strict mode unless a test says otherwise.

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/server"
	stssvc "github.com/mailgate/mailgate/internal/sts"
	"github.com/mailgate/mailgate/internal/testenv"
)

var ctx = context.Background()

var apiErr = testenv.APIError

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// clock is a settable time for the server, STS and the verifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fx struct {
	e   *testenv.Env
	clk *clock
	iam *iam.Client
	log *bytes.Buffer
}

func newFx(t *testing.T, mode authz.Enforcement) *fx {
	f := &fx{clk: &clock{t: time.Now().UTC()}, log: &bytes.Buffer{}}
	var mu sync.Mutex
	f.e = testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.Now = f.clk.Now
		c.MaxSkew = 72 * time.Hour // the SDK signs with the real clock
		c.STS = stssvc.New(c.Store, stssvc.Options{Now: f.clk.Now})
		c.Enforcement = mode
		c.Logger = slog.New(slog.NewTextHandler(lockedWriter{&mu, f.log}, nil))
	}})
	f.iam = f.e.IAM()
	return f
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// user creates an IAM user with a key and returns a config signed by it.
func (f *fx) user(t *testing.T, name string) aws.Config {
	t.Helper()
	_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: &name})
	must(t, err)
	k, err := f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
	must(t, err)
	return f.e.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
}

func (f *fx) putUserPolicy(t *testing.T, user, doc string) {
	t.Helper()
	_, err := f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &user, PolicyName: aws.String("p" + time.Now().Format("150405.000000")), PolicyDocument: &doc})
	must(t, err)
}

func (f *fx) role(t *testing.T, name, trust string, max int32, perms string) string {
	t.Helper()
	in := &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: &trust}
	if max > 0 {
		in.MaxSessionDuration = &max
	}
	out, err := f.iam.CreateRole(ctx, in)
	must(t, err)
	if perms != "" {
		_, err = f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: aws.String("perms"), PolicyDocument: &perms})
		must(t, err)
	}
	return *out.Role.Arn
}

func (f *fx) as(c *ststypes.Credentials) aws.Config {
	return f.e.AWSConfigFor(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

func allow(actions ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
}

func trustUser(account, user string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:user/` + user + `"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`
}

func TestEveryCallAuthorized(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	wm := workmail.NewFromConfig(alice)

	t.Run("case=no-policy-denied-json", func(t *testing.T) {
		_, err := wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "AccessDeniedException", 400)
		want := "User: arn:aws:iam::" + f.e.AccountID + ":user/alice is not authorized to perform: workmail:ListOrganizations because no identity-based policy allows the workmail:ListOrganizations action"
		if msg := testenv.ErrorMessage(err); msg != want {
			t.Fatalf("message:\n got %s\nwant %s", msg, want)
		}
		if !strings.Contains(f.log.String(), "access denied") || !strings.Contains(f.log.String(), "authorization_message=mgam1.") {
			t.Fatalf("denial not logged: %s", f.log)
		}
	})
	t.Run("case=no-policy-denied-query", func(t *testing.T) {
		_, err := iam.NewFromConfig(alice).ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "perform: iam:ListRoles because no identity-based policy") {
			t.Fatal(testenv.ErrorMessage(err))
		}
	})
	t.Run("case=caller-identity-always-allowed", func(t *testing.T) {
		_, err := sts.NewFromConfig(alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
	})
	t.Run("case=policy-allows", func(t *testing.T) {
		f.putUserPolicy(t, "alice", allow("workmail:ListOrganizations"))
		_, err := wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		must(t, err)
	})
	t.Run("case=explicit-deny-wins", func(t *testing.T) {
		f.putUserPolicy(t, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"workmail:List*","Resource":"*"}]}`)
		_, err := wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "AccessDeniedException", 400)
		if !strings.Contains(testenv.ErrorMessage(err), "with an explicit deny in an identity-based policy") {
			t.Fatal(testenv.ErrorMessage(err))
		}
	})
	t.Run("case=group-policy-and-boundary", func(t *testing.T) {
		bob := f.user(t, "bob")
		_, err := f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")})
		must(t, err)
		_, err = f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("bob")})
		must(t, err)
		_, err = f.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		must(t, err)
		bi := iam.NewFromConfig(bob)
		_, err = bi.ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
		bnd, err := f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("only-users"), PolicyDocument: aws.String(allow("iam:ListUsers"))})
		must(t, err)
		_, err = f.iam.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: bnd.Policy.Arn})
		must(t, err)
		_, err = bi.ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "because no permissions boundary allows") {
			t.Fatal(testenv.ErrorMessage(err))
		}
		_, err = bi.ListUsers(ctx, &iam.ListUsersInput{})
		must(t, err)
	})
	t.Run("case=resource-arn-and-variables", func(t *testing.T) {
		carol := f.user(t, "carol")
		f.putUserPolicy(t, "carol", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`)
		ci := iam.NewFromConfig(carol)
		_, err := ci.GetUser(ctx, &iam.GetUserInput{})
		must(t, err)
		_, err = ci.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "on resource: arn:aws:iam::"+f.e.AccountID+":user/alice") {
			t.Fatal(testenv.ErrorMessage(err))
		}
	})
}

func TestEnforcementModes(t *testing.T) {
	t.Run("mode=soft", func(t *testing.T) {
		f := newFx(t, authz.EnforceSoft)
		u := f.user(t, "dave")
		_, err := workmail.NewFromConfig(u).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		must(t, err)
		l := f.log.String()
		if !strings.Contains(l, "authorization would deny (soft enforcement)") || !strings.Contains(l, "action=workmail:ListOrganizations") ||
			!strings.Contains(l, "no identity-based policy allows") {
			t.Fatalf("soft denial not logged: %s", l)
		}
	})
	t.Run("mode=off", func(t *testing.T) {
		f := newFx(t, authz.EnforceOff)
		u := f.user(t, "erin")
		_, err := workmail.NewFromConfig(u).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		must(t, err)
		if strings.Contains(f.log.String(), "deny") {
			t.Fatal(f.log.String())
		}
	})
}

func TestAssumeRole(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	acct := f.e.AccountID
	alice := f.user(t, "alice")
	as := sts.NewFromConfig(alice)
	roleArn := f.role(t, "reader", trustUser(acct, "alice"), 7200, allow("iam:ListRoles", "sts:AssumeRole"))

	var creds *ststypes.Credentials
	t.Run("case=trust-names-caller", func(t *testing.T) {
		out, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("s1")})
		must(t, err)
		creds = out.Credentials
		if !strings.HasPrefix(*creds.AccessKeyId, "ASIA") || len(*creds.AccessKeyId) != 20 || len(*creds.SecretAccessKey) != 40 || len(*creds.SessionToken) < 300 {
			t.Fatalf("credentials: %+v", creds)
		}
		if d := creds.Expiration.Sub(f.clk.Now()); d < 59*time.Minute || d > 61*time.Minute {
			t.Fatalf("default duration: %v", d)
		}
		r, _ := f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
		if *out.AssumedRoleUser.Arn != "arn:aws:sts::"+acct+":assumed-role/reader/s1" || *out.AssumedRoleUser.AssumedRoleId != *r.Role.RoleId+":s1" {
			t.Fatalf("assumed role user: %+v", out.AssumedRoleUser)
		}
		id, err := sts.NewFromConfig(f.as(creds)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		if *id.Arn != *out.AssumedRoleUser.Arn || *id.UserId != *out.AssumedRoleUser.AssumedRoleId || *id.Account != acct {
			t.Fatalf("caller: %+v", id)
		}
	})
	t.Run("case=role-permissions-only", func(t *testing.T) {
		ri := iam.NewFromConfig(f.as(creds))
		_, err := ri.ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
		_, err = ri.ListUsers(ctx, &iam.ListUsersInput{})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "User: arn:aws:sts::"+acct+":assumed-role/reader/s1 is not authorized") {
			t.Fatal(testenv.ErrorMessage(err))
		}
	})
	t.Run("case=token-required", func(t *testing.T) {
		_, err := sts.NewFromConfig(f.e.AWSConfigFor(*creds.AccessKeyId, *creds.SecretAccessKey, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = sts.NewFromConfig(f.e.AWSConfigFor(*creds.AccessKeyId, *creds.SecretAccessKey, *creds.SessionToken+"x")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
	})
	t.Run("case=session-policy-caps", func(t *testing.T) {
		out, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("capped"), Policy: aws.String(allow("iam:ListUsers"))})
		must(t, err)
		if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
			t.Fatalf("packed size: %v", out.PackedPolicySize)
		}
		ri := iam.NewFromConfig(f.as(out.Credentials))
		_, err = ri.ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "because no session policy allows") {
			t.Fatal(testenv.ErrorMessage(err))
		}
		_, err = ri.ListUsers(ctx, &iam.ListUsersInput{}) // the session policy allows it, the role does not
		apiErr(t, err, "AccessDenied", 403)
		_, err = as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("bad"), Policy: aws.String(`{"Statement":[]}`)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("arns"),
			PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}})
		must(t, err)
	})
	t.Run("case=durations", func(t *testing.T) {
		_, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("dd"), DurationSeconds: aws.Int32(7201)})
		apiErr(t, err, "ValidationError", 400)
		if !strings.Contains(testenv.ErrorMessage(err), "exceeds the MaxSessionDuration set for this role") {
			t.Fatal(testenv.ErrorMessage(err))
		}
		_, err = as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("dd"), DurationSeconds: aws.Int32(899)})
		apiErr(t, err, "ValidationError", 400)
		out, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("dd"), DurationSeconds: aws.Int32(7200)})
		must(t, err)
		// Role chaining: at most one hour.
		self := f.role(t, "chained", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+roleArn+`"},"Action":"sts:AssumeRole"}]}`, 43200, "")
		chain := sts.NewFromConfig(f.as(out.Credentials))
		_, err = chain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &self, RoleSessionName: aws.String("cc"), DurationSeconds: aws.Int32(3601)})
		apiErr(t, err, "ValidationError", 400)
		if testenv.ErrorMessage(err) != "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." {
			t.Fatal(testenv.ErrorMessage(err))
		}
		c2, err := chain.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &self, RoleSessionName: aws.String("cc"), DurationSeconds: aws.Int32(3600)})
		must(t, err)
		id, err := sts.NewFromConfig(f.as(c2.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		if *id.Arn != "arn:aws:sts::"+acct+":assumed-role/chained/cc" {
			t.Fatal(*id.Arn)
		}
	})
	t.Run("case=trust-names-other-principal", func(t *testing.T) {
		other := f.role(t, "bobs", trustUser(acct, "bob"), 0, "")
		f.putUserPolicy(t, "alice", allow("sts:AssumeRole"))
		_, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &other, RoleSessionName: aws.String("xx")})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.HasPrefix(testenv.ErrorMessage(err), "User: arn:aws:iam::"+acct+":user/alice is not authorized to perform: sts:AssumeRole on resource: "+other) {
			t.Fatal(testenv.ErrorMessage(err))
		}
		// Root too: the trust policy decides.
		_, err = f.e.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &other, RoleSessionName: aws.String("xx")})
		apiErr(t, err, "AccessDenied", 403)
		_, err = as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/none"), RoleSessionName: aws.String("xx")})
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("case=trust-names-account-delegates", func(t *testing.T) {
		acctRole := f.role(t, "acct", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}]}`, 0, "")
		frank := f.user(t, "frank")
		fs := sts.NewFromConfig(frank)
		_, err := fs.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &acctRole, RoleSessionName: aws.String("xx"), ExternalId: aws.String("ext-1")})
		apiErr(t, err, "AccessDenied", 403)
		f.putUserPolicy(t, "frank", allow("sts:AssumeRole"))
		_, err = fs.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &acctRole, RoleSessionName: aws.String("xx"), ExternalId: aws.String("wrong")})
		apiErr(t, err, "AccessDenied", 403)
		_, err = fs.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &acctRole, RoleSessionName: aws.String("xx"), ExternalId: aws.String("ext-1")})
		must(t, err)
		_, err = f.e.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &acctRole, RoleSessionName: aws.String("root"), ExternalId: aws.String("ext-1")})
		must(t, err)
	})
	t.Run("case=tags-and-source-identity", func(t *testing.T) {
		tagged := f.role(t, "tagged", trustUser(acct, "alice"), 0,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"mail"}}}]}`)
		out, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &tagged, RoleSessionName: aws.String("tt"), SourceIdentity: aws.String("alice-laptop"),
			Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("mail")}}, TransitiveTagKeys: []string{"team"}})
		must(t, err)
		if *out.SourceIdentity != "alice-laptop" {
			t.Fatal(*out.SourceIdentity)
		}
		_, err = iam.NewFromConfig(f.as(out.Credentials)).ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
		_, err = as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &tagged, RoleSessionName: aws.String("tt"), TransitiveTagKeys: []string{"team"}})
		apiErr(t, err, "InvalidParameterValue", 400)
	})
}

func TestSessionExpiryAndRevocation(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	acct := f.e.AccountID
	alice := f.user(t, "alice")
	roleArn := f.role(t, "r", trustUser(acct, "alice"), 0, allow("iam:ListRoles"))
	as := sts.NewFromConfig(alice)
	assume := func(name string) *ststypes.Credentials {
		out, err := as.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: &name, DurationSeconds: aws.Int32(900)})
		must(t, err)
		return out.Credentials
	}
	old := assume("old")
	f.clk.Advance(2 * time.Second)
	cut := f.clk.Now().UTC().Format(time.RFC3339)
	f.clk.Advance(2 * time.Second)
	fresh := assume("fresh")

	t.Run("case=revoke-older-sessions", func(t *testing.T) {
		_, err := iam.NewFromConfig(f.as(old)).ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
		_, err = f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("AWSRevokeOlderSessions"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + cut + `"}}}]}`)})
		must(t, err)
		_, err = iam.NewFromConfig(f.as(old)).ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "AccessDenied", 403)
		if !strings.Contains(testenv.ErrorMessage(err), "with an explicit deny") {
			t.Fatal(testenv.ErrorMessage(err))
		}
		_, err = iam.NewFromConfig(f.as(fresh)).ListRoles(ctx, &iam.ListRolesInput{})
		must(t, err)
	})
	t.Run("case=expired", func(t *testing.T) {
		f.clk.Advance(15 * time.Minute)
		_, err := iam.NewFromConfig(f.as(fresh)).ListRoles(ctx, &iam.ListRolesInput{})
		apiErr(t, err, "ExpiredToken", 403)
		_, err = workmail.NewFromConfig(f.as(fresh)).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		apiErr(t, err, "ExpiredTokenException", 400)
		if testenv.ErrorMessage(err) != "The security token included in the request is expired" {
			t.Fatal(testenv.ErrorMessage(err))
		}
	})
	t.Run("case=deleted-role-ends-sessions", func(t *testing.T) {
		c := assume("gone")
		for _, p := range []string{"AWSRevokeOlderSessions", "perms"} {
			_, err := f.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(p)})
			must(t, err)
		}
		_, err := f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
		must(t, err)
		_, err = sts.NewFromConfig(f.as(c)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
	})
}

func TestGetSessionTokenAndInfo(t *testing.T) {
	f := newFx(t, authz.EnforceStrict)
	alice := f.user(t, "alice")
	f.putUserPolicy(t, "alice", allow("workmail:ListOrganizations", "iam:ListRoles", "sts:DecodeAuthorizationMessage", "sts:GetAccessKeyInfo"))
	out, err := sts.NewFromConfig(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	must(t, err)
	if d := out.Credentials.Expiration.Sub(f.clk.Now()); d < 11*time.Hour || d > 13*time.Hour {
		t.Fatalf("default duration: %v", d)
	}
	tmp := f.as(out.Credentials)
	id, err := sts.NewFromConfig(tmp).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != "arn:aws:iam::"+f.e.AccountID+":user/alice" {
		t.Fatal(*id.Arn)
	}
	_, err = workmail.NewFromConfig(tmp).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
	must(t, err)
	// Without MFA, GetSessionToken credentials do not call IAM.
	_, err = iam.NewFromConfig(tmp).ListRoles(ctx, &iam.ListRolesInput{})
	apiErr(t, err, "AccessDenied", 403)
	_, err = sts.NewFromConfig(tmp).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiErr(t, err, "AccessDenied", 403)

	root, err := f.e.STS().GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	must(t, err)
	if d := root.Credentials.Expiration.Sub(f.clk.Now()); d > time.Hour {
		t.Fatalf("root session: %v", d)
	}

	info, err := sts.NewFromConfig(alice).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: out.Credentials.AccessKeyId})
	must(t, err)
	if *info.Account != f.e.AccountID {
		t.Fatal(*info.Account)
	}
	_, err = sts.NewFromConfig(alice).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
	apiErr(t, err, "InvalidParameterValue", 400)

	// A denial's encoded message (from the log) decodes.
	_, err = iam.NewFromConfig(alice).ListUsers(ctx, &iam.ListUsersInput{})
	apiErr(t, err, "AccessDenied", 403)
	l := f.log.String()
	i := strings.LastIndex(l, "authorization_message=")
	if i < 0 {
		t.Fatal(l)
	}
	enc := strings.Fields(l[i+len("authorization_message="):])[0]
	dec, err := sts.NewFromConfig(alice).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: &enc})
	must(t, err)
	if !strings.Contains(*dec.DecodedMessage, `"action":"iam:ListUsers"`) || !strings.Contains(*dec.DecodedMessage, `"allowed":false`) {
		t.Fatal(*dec.DecodedMessage)
	}
	_, err = sts.NewFromConfig(alice).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String("garbage")})
	apiErr(t, err, "InvalidAuthorizationMessageException", 400)
}
