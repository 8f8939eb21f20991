package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/smithy-go"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// newTestModeEnv starts a server in test mode on a store of its own (the
// reset wipes all of it), bootstrapped as `serve --mode test` does.
func newTestModeEnv(t *testing.T, tm server.TestMode, az authz.Authorizer) *testenv.Env {
	t.Helper()
	e := testenv.New(t, testenv.Options{StoreURL: testenv.IsolatedStoreURL(t), Configure: func(c *server.Config) {
		c.TestMode = &tm
		if az != nil {
			c.Authorizer = az
		}
	}})
	opts := tm.Bootstrap
	if opts.AccountID == "" {
		opts.AccountID = server.DefaultTestAccountID
	}
	opts.NoRootKey = opts.RootAccessKeyID == ""
	if _, err := bootstrap.Run(context.Background(), e.Store, opts); err != nil {
		t.Fatal(err)
	}
	return e
}

// as returns an SDK configuration for e with other credentials and region.
func as(e *testenv.Env, key, secret, region string) aws.Config {
	cfg := e.AWSConfigFor(key, secret, "")
	if region != "" {
		cfg.Region = region
	}
	return cfg
}

// issueUserKey creates an IAM user with an access key, as the root.
func issueUserKey(t *testing.T, c *iam.Client, name string) *iamtypes.AccessKey {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return k.AccessKey
}

func TestTestModeMixedPrincipals(t *testing.T) {
	ctx := context.Background()
	e := newTestModeEnv(t, server.TestMode{}, nil) // the policy engine, strict
	acct := server.DefaultTestAccountID

	// Any well-formed credentials: the default account's root.
	for _, creds := range [][2]string{{"test", "test"}, {"testing", "testing"}, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}} {
		id, err := sts.NewFromConfig(as(e, creds[0], creds[1], "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: %v", creds[0], err)
		}
		if *id.Account != acct || *id.Arn != "arn:aws:iam::"+acct+":root" || *id.UserId != acct {
			t.Fatalf("%s: %+v", creds[0], id)
		}
	}
	// A session token with an unknown key is accepted too (LocalStack
	// set-ups often export one).
	cfg := e.AWSConfigFor("test", "test", "test-session-token")
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	root := iam.NewFromConfig(as(e, "test", "test", ""))
	key := issueUserKey(t, root, "alice")

	// The issued key is alice, verified and authorized as alice.
	alice := as(e, *key.AccessKeyId, *key.SecretAccessKey, "")
	id, err := sts.NewFromConfig(alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Arn != "arn:aws:iam::"+acct+":user/alice" || !strings.HasPrefix(*id.UserId, "AIDA") {
		t.Fatalf("alice: %+v", id)
	}
	_, err = iam.NewFromConfig(alice).ListUsers(ctx, &iam.ListUsersInput{})
	apiErr(t, err, "AccessDenied", 403)
	if !strings.Contains(testenv.ErrorMessage(err), "user/alice is not authorized to perform: iam:ListUsers") {
		t.Fatalf("denial: %v", err)
	}
	_, err = workmail.NewFromConfig(alice).ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
	apiErr(t, err, "AccessDeniedException", 400)
	// ... while the unknown key, the root, may.
	if _, err := root.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// alice's policies apply to alice.
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(alice).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("alice with ReadOnlyAccess: %v", err)
	}
	_, err = iam.NewFromConfig(alice).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	apiErr(t, err, "AccessDenied", 403)

	// An issued key with the wrong secret does not fall back to the root.
	_, err = sts.NewFromConfig(as(e, *key.AccessKeyId, "wrong", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "SignatureDoesNotMatch", 403)
	// Nor does a deactivated one.
	if _, err := root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: key.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "InvalidClientTokenId", 403)

	// A malformed request is still refused.
	resp, err := http.Post(e.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "MissingAuthenticationToken") {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
}

func TestTestModeSignatureCheck(t *testing.T) {
	ctx := context.Background()
	t.Run("check=strict", func(t *testing.T) {
		e := newTestModeEnv(t, server.TestMode{SignatureCheck: server.SignatureStrict,
			Bootstrap: bootstrap.Options{RootAccessKeyID: "test", RootSecretAccessKey: "test"}}, nil)
		_, err := sts.NewFromConfig(as(e, "testing", "testing", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = sts.NewFromConfig(as(e, "test", "wrong", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "SignatureDoesNotMatch", 403)
		id, err := sts.NewFromConfig(as(e, "test", "test", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *id.Account != server.DefaultTestAccountID {
			t.Fatalf("%v %v", id, err)
		}
	})
	t.Run("check=off", func(t *testing.T) {
		e := newTestModeEnv(t, server.TestMode{SignatureCheck: server.SignatureOff, Bootstrap: bootstrap.Options{AccountID: "000000000000"}}, nil)
		key := issueUserKey(t, iam.NewFromConfig(as(e, "test", "test", "")), "bob")
		// The key names bob whatever the signature.
		id, err := sts.NewFromConfig(as(e, *key.AccessKeyId, "not-the-secret", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *id.Arn != "arn:aws:iam::000000000000:user/bob" {
			t.Fatalf("%v %v", id, err)
		}
		id, err = sts.NewFromConfig(as(e, "anything", "at-all", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *id.Arn != "arn:aws:iam::000000000000:root" {
			t.Fatalf("%v %v", id, err)
		}
	})
	t.Run("check=soft/stale signature", func(t *testing.T) {
		// An unknown key cannot be verified, so neither is its date
		// (suites freeze time); an issued key's date is checked.
		e := newTestModeEnv(t, server.TestMode{}, nil)
		req := signedQueryAs(t, e, "test", "test", "Action=GetCallerIdentity&Version=2011-06-15", time.Now().Add(-2*time.Hour))
		if r := do(t, req); r.status != 200 {
			t.Fatalf("unknown key, stale date: %d %s", r.status, r.body)
		}
		r := do(t, signedQuery(t, e, "sts", "Action=GetCallerIdentity&Version=2011-06-15", time.Now().Add(-2*time.Hour)))
		if r.status != 403 || !strings.Contains(r.body, "Signature expired") {
			t.Fatalf("issued key, stale date: %d %s", r.status, r.body)
		}
	})
}

func TestTestModeOffByDefault(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	_, err := sts.NewFromConfig(as(e, "test", "test", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiErr(t, err, "InvalidClientTokenId", 403)
	if _, err := e.IAM().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{server.ResetPath, server.MotoResetPath, server.LocalStackResetPath} {
		resp, err := http.Post(e.URL+p, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatalf("%s answers 200 outside the test mode", p)
		}
		if p == server.ResetPath && resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	if _, err := e.IAM().GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kept")}); err != nil {
		t.Fatalf("state lost: %v", err)
	}
}

// postReset calls a reset path and checks the answer.
func postReset(t testing.TB, url, path string) {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"ok"`) {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
	}
}

func TestTestModeReset(t *testing.T) {
	ctx := context.Background()
	e := newTestModeEnv(t, server.TestMode{Bootstrap: bootstrap.Options{RootAccessKeyID: "AKIAPINNEDROOT000001", RootSecretAccessKey: "pinned-secret"}}, nil)
	root := as(e, "test", "test", "")
	wm := workmail.NewFromConfig(root)
	ic := iam.NewFromConfig(root)

	for i, path := range []string{server.ResetPath, server.MotoResetPath, server.LocalStackResetPath} {
		org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String(fmt.Sprintf("reset-%d", i))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("u"), DisplayName: aws.String("U")}); err != nil {
			t.Fatal(err)
		}
		key := issueUserKey(t, ic, "carol")
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
			t.Fatal(err)
		}
		// The old testenv account and its key go too: every account.
		postReset(t, e.URL, path)

		orgs, err := wm.ListOrganizations(ctx, &workmail.ListOrganizationsInput{})
		if err != nil || len(orgs.OrganizationSummaries) != 0 {
			t.Fatalf("%s: organizations left: %v %v", path, orgs, err)
		}
		_, err = wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: org.OrganizationId})
		apiErr(t, err, "OrganizationNotFoundException", 400)
		users, err := ic.ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil || len(users.Users) != 0 {
			t.Fatalf("%s: users left: %v %v", path, users, err)
		}
		roles, err := ic.ListRoles(ctx, &iam.ListRolesInput{})
		if err != nil || len(roles.Roles) != 0 {
			t.Fatalf("%s: roles left: %v %v", path, roles, err)
		}
		// carol's key is gone: in soft mode it is just an unknown key now.
		id, err := sts.NewFromConfig(as(e, *key.AccessKeyId, *key.SecretAccessKey, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || !strings.HasSuffix(*id.Arn, ":root") {
			t.Fatalf("%s: %v %v", path, id, err)
		}
		// So is the account testenv made, with its root key.
		_, err = e.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		// The AWS-managed policies and the pinned root key are back.
		pol, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
		if err != nil || *pol.Policy.AttachmentCount != 0 {
			t.Fatalf("%s: managed policy: %v %v", path, pol, err)
		}
		_, err = sts.NewFromConfig(as(e, "AKIAPINNEDROOT000001", "wrong", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "SignatureDoesNotMatch", 403)
		id, err = sts.NewFromConfig(as(e, "AKIAPINNEDROOT000001", "pinned-secret", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *id.Account != server.DefaultTestAccountID {
			t.Fatalf("%s: pinned root: %v %v", path, id, err)
		}
		// Listings still page after the pagination key was wiped.
		if _, err := ic.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}

	resp, err := http.Get(e.URL + server.MotoResetPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET reset: %d", resp.StatusCode)
	}
	resp, err = http.Get(e.URL + server.LocalStackHealth)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"workmail":"running"`) {
		t.Fatalf("localstack health: %d %s", resp.StatusCode, b)
	}
}

// TestTestModeResetAtomic resets while readers hammer the server: every
// answer shows the whole state from before the reset or none of it.
func TestTestModeResetAtomic(t *testing.T) {
	ctx := context.Background()
	e := newTestModeEnv(t, server.TestMode{}, nil)
	root := as(e, "test", "test", "")
	root.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	wm := workmail.NewFromConfig(root)
	ic := iam.NewFromConfig(root)
	const nUsers, nIAM, rounds, readers = 4, 6, 6, 6

	for round := 0; round < rounds; round++ {
		org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String(fmt.Sprintf("atomic-%d", round))})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < nUsers; i++ {
			if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String(fmt.Sprintf("u%d", i)), DisplayName: aws.String("U")}); err != nil {
				t.Fatal(err)
			}
		}
		full, err := wm.ListUsers(ctx, &workmail.ListUsersInput{OrganizationId: org.OrganizationId})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < nIAM; i++ {
			if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("iam%d", i))}); err != nil {
				t.Fatal(err)
			}
		}

		var stop atomic.Bool
		var before, after atomic.Int64
		var wg sync.WaitGroup
		errc := make(chan error, readers)
		for r := 0; r < readers; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				for !stop.Load() {
					var err error
					if r%2 == 0 {
						var out *workmail.ListUsersOutput
						out, err = wm.ListUsers(ctx, &workmail.ListUsersInput{OrganizationId: org.OrganizationId})
						var ae smithy.APIError
						switch {
						case err == nil && len(out.Users) == len(full.Users):
							before.Add(1)
						case err == nil:
							err = fmt.Errorf("workmail: %d users of %d: a half-reset organization", len(out.Users), len(full.Users))
						case errors.As(err, &ae) && ae.ErrorCode() == "OrganizationNotFoundException":
							after.Add(1)
							err = nil
						}
					} else {
						var out *iam.ListUsersOutput
						out, err = ic.ListUsers(ctx, &iam.ListUsersInput{})
						switch {
						case err == nil && len(out.Users) == nIAM:
							before.Add(1)
						case err == nil && len(out.Users) == 0:
							after.Add(1)
						case err == nil:
							err = fmt.Errorf("iam: %d users of %d: a half-reset account", len(out.Users), nIAM)
						}
					}
					if err != nil {
						errc <- err
						return
					}
				}
			}(r)
		}
		time.Sleep(30 * time.Millisecond)
		postReset(t, e.URL, server.MotoResetPath)
		time.Sleep(30 * time.Millisecond)
		stop.Store(true)
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatalf("round %d: %v", round, err)
		}
		if before.Load() == 0 || after.Load() == 0 {
			t.Logf("round %d: %d answers before the reset, %d after", round, before.Load(), after.Load())
		}
	}
}

// TestTestModePartitions: the region a request is signed for picks the
// partition of every ARN made for it, as AWS does.
func TestTestModePartitions(t *testing.T) {
	ctx := context.Background()
	e := newTestModeEnv(t, server.TestMode{}, nil)
	for region, partition := range map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-iso-west-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
	} {
		cfg := as(e, "test", "test", region)
		acct := server.DefaultTestAccountID
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:" + partition + ":iam::" + acct + ":root"; *id.Arn != want {
			t.Errorf("%s: caller %s, want %s", region, *id.Arn, want)
		}
		role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("p-" + region),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:" + partition + ":iam::" + acct + ":role/p-" + region; *role.Role.Arn != want {
			t.Errorf("%s: role %s, want %s", region, *role.Role.Arn, want)
		}
		wm := workmail.NewFromConfig(cfg)
		org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("p-" + region)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: org.OrganizationId})
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:" + partition + ":workmail:" + region + ":" + acct + ":organization/" + *org.OrganizationId; *d.ARN != want {
			t.Errorf("%s: organization %s, want %s", region, *d.ARN, want)
		}
	}
}

// TestIdentifierShapes: what client code checks of AWS identifiers.
func TestIdentifierShapes(t *testing.T) {
	ctx := context.Background()
	e := newTestModeEnv(t, server.TestMode{}, nil)
	ic := iam.NewFromConfig(as(e, "test", "test", ""))
	unique := func(prefix string) *regexp.Regexp { return regexp.MustCompile(`^` + prefix + `[A-Z0-9]{17}$`) }
	check := func(what, got string, re *regexp.Regexp) {
		t.Helper()
		if !re.MatchString(got) {
			t.Errorf("%s %q does not match %s", what, got, re)
		}
	}
	u, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("shape")})
	if err != nil {
		t.Fatal(err)
	}
	check("user ID", *u.User.UserId, unique("AIDA"))
	g, err := ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("shape")})
	if err != nil {
		t.Fatal(err)
	}
	check("group ID", *g.Group.GroupId, unique("AGPA"))
	r, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("shape"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	check("role ID", *r.Role.RoleId, unique("AROA"))
	p, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("shape"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	check("policy ID", *p.Policy.PolicyId, unique("ANPA"))
	ps, err := ic.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.Policies {
		check("AWS-managed policy ID", *p.PolicyId, unique("ANPA"))
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("shape")})
	if err != nil {
		t.Fatal(err)
	}
	check("access key ID", *k.AccessKey.AccessKeyId, regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`))
	check("secret access key", *k.AccessKey.SecretAccessKey, regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`))
}

// signedQueryAs signs an STS query request with other credentials.
func signedQueryAs(t testing.TB, e *testenv.Env, key, secret, form string, at time.Time) *http.Request {
	other := *e
	other.AccessKey, other.SecretKey = key, secret
	return signedQuery(t, &other, "sts", form, at)
}
