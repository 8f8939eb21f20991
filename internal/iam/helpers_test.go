package iam_test

// Tests of the IAM service through the official AWS SDK for Go v2: real
// HTTP, real SigV4, the real store (SQLite, or PostgreSQL when
// MAILGATE_TEST_STORE names one). Every test runs in its own random
// account, so suites can share a database.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/mailgate/mailgate/internal/testenv"
)

var apiErr = testenv.APIError
var message = testenv.ErrorMessage

var ctx = context.Background()

const trustDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"]},"Action":"sts:AssumeRole"}}`

const permDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/x"}}`

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func rnd() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func decode(t *testing.T, s *string) string {
	t.Helper()
	if s == nil {
		t.Fatal("no document")
	}
	d, err := url.QueryUnescape(*s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newEnv(t *testing.T) (*testenv.Env, *iam.Client) {
	e := testenv.New(t)
	return e, e.IAM()
}

func createRole(t *testing.T, c *iam.Client, name string) {
	t.Helper()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustDoc)})
	must(t, err)
}

func createPolicy(t *testing.T, c *iam.Client, name string) string {
	t.Helper()
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(permDoc)})
	must(t, err)
	return *out.Policy.Arn
}

// otherAccount is an IAM client of a second account (a second server on
// the same kind of store).
func otherAccount(t *testing.T) *iam.Client {
	_, c := newEnv(t)
	return c
}

// altDoc is a second identity policy, to tell documents apart.
const altDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}`

// bigActions is an identity policy document of about n characters.
func bigActions(n int) string {
	var actions []string
	for i := 0; len(actions)*14 < n; i++ {
		actions = append(actions, fmt.Sprintf(`"s3:Act%05d"`, i))
	}
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}}`
}

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func manyTags(n int, prefix string) []types.Tag {
	var out []types.Tag
	for i := 0; i < n; i++ {
		out = append(out, tag(fmt.Sprintf("%s%d", prefix, i), "v"))
	}
	return out
}

// tagKeys lists the keys of tags; tagPairs lists them as key=value.
func tagKeys(tags []types.Tag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, *t.Key)
	}
	return out
}

func tagPairs(tags []types.Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, *t.Key+"="+*t.Value)
	}
	return out
}

// op turns one SDK call into a func() error for the tables below: the
// output is dropped, the error kept.
func op[I, O any](f func(context.Context, *I, ...func(*iam.Options)) (*O, error), in *I) func() error {
	return func() error {
		_, err := f(ctx, in)
		return err
	}
}

// call is one case of a table of calls.
type call struct {
	name string
	do   func() error
}

// wantErrors runs every call as a subtest of its own; each must fail with
// the wire error code and HTTP status.
func wantErrors(t *testing.T, code string, status int, calls ...call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			if err == nil {
				t.Fatalf("%s: accepted, want %s", c.name, code)
			}
			apiErr(t, err, code, status)
		})
	}
}

// pages walks a listing from its first page, following Marker while
// IsTruncated, and returns the pages' items as "[[a b] [c]]". call makes
// one request from a marker; items names the items of a page. Every page
// must carry a Marker exactly when it is truncated (every IAM listing
// output has both fields).
func pages[O any](t *testing.T, call func(marker *string) (*O, error), items func(*O) []string) string {
	t.Helper()
	var out [][]string
	var marker *string
	for i := 0; ; i++ {
		page, err := call(marker)
		must(t, err)
		v := reflect.ValueOf(page).Elem()
		trunc, next := v.FieldByName("IsTruncated").Bool(), v.FieldByName("Marker").Interface().(*string)
		if trunc != (next != nil) {
			t.Fatalf("page %d: IsTruncated %v, Marker %v", i, trunc, next)
		}
		out = append(out, items(page))
		if !trunc {
			return fmt.Sprint(out)
		}
		if i > 100 {
			t.Fatal("listing does not end")
		}
		marker = next
	}
}

// wantPages walks a listing as pages does and compares its pages.
func wantPages[O any](t *testing.T, what, want string, call func(marker *string) (*O, error), items func(*O) []string) {
	t.Helper()
	if got := pages(t, call, items); got != want {
		t.Fatalf("%s: pages %s, want %s", what, got, want)
	}
}

// policyCounts reads a managed policy's attachment and boundary counts.
func policyCounts(t *testing.T, c *iam.Client, arn string) (int32, int32) {
	t.Helper()
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	must(t, err)
	return *p.Policy.AttachmentCount, *p.Policy.PermissionsBoundaryUsageCount
}

func wantCounts(t *testing.T, c *iam.Client, arn string, attached, bounded int32) {
	t.Helper()
	a, b := policyCounts(t, c, arn)
	if a != attached || b != bounded {
		t.Fatalf("%s: AttachmentCount %d, PermissionsBoundaryUsageCount %d; want %d, %d", arn, a, b, attached, bounded)
	}
}

// The names of a listing page's items.

func roleNames(out *iam.ListRolesOutput) []string {
	var names []string
	for _, r := range out.Roles {
		names = append(names, *r.RoleName)
	}
	return names
}

func policyNames(out *iam.ListPoliciesOutput) []string {
	var names []string
	for _, p := range out.Policies {
		names = append(names, *p.PolicyName)
	}
	return names
}

func groupNames(groups []types.Group) []string {
	var names []string
	for _, g := range groups {
		names = append(names, *g.GroupName)
	}
	return names
}

// conflict is one thing that keeps an entity from being deleted: the
// DeleteConflict message that names it, and the call that clears it.
type conflict struct {
	message string
	resolve func() error
}

// wantDeleteConflicts tries del before each conflict is cleared, in
// order: each attempt must fail with DeleteConflict naming the conflict.
func wantDeleteConflicts(t *testing.T, del func() error, conflicts ...conflict) {
	t.Helper()
	for _, s := range conflicts {
		err := del()
		apiErr(t, err, "DeleteConflict", 409)
		if !strings.Contains(message(err), s.message) {
			t.Fatalf("message %q, want %q", message(err), s.message)
		}
		must(t, s.resolve())
	}
}
