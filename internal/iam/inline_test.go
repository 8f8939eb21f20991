package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestInlinePolicies(t *testing.T) {
	_, c := newEnv(t)
	createRole(t, c, "R")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G")})
	must(t, err)

	t.Run("method=PutRolePolicy/case=roundtrip-url-encoded", func(t *testing.T) {
		doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"workmail:List*\", \"Resource\": \"*\"}\n}"
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Inline"), PolicyDocument: aws.String(doc)})
		must(t, err)
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("INLINE")})
		must(t, err)
		if *out.RoleName != "R" || *out.PolicyName != "Inline" || decode(t, out.PolicyDocument) != doc || strings.ContainsAny(*out.PolicyDocument, " \n+{") {
			t.Fatalf("GetRolePolicy: %+v %q", out, *out.PolicyDocument)
		}
		_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(trustDoc)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("x"), PolicyDocument: aws.String(permDoc)})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=PutRolePolicy/case=aggregate-quota", func(t *testing.T) {
		var actions []string
		for i := 0; i < 250; i++ {
			actions = append(actions, fmt.Sprintf(`"s3:Act%d"`, i))
		}
		doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}}` // ~3k
		for i := 0; i < 3; i++ {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String(fmt.Sprintf("big%d", i)), PolicyDocument: aws.String(doc)})
			must(t, err)
		}
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("big3"), PolicyDocument: aws.String(doc)})
		apiErr(t, err, "LimitExceeded", 409)
		// Replacing one counts the new document instead of the old.
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("BIG2"), PolicyDocument: aws.String(doc)})
		must(t, err)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("big"), PolicyDocument: aws.String(doc)})
		apiErr(t, err, "LimitExceeded", 409)
	})
	t.Run("method=ListRolePolicies/case=pages", func(t *testing.T) {
		out, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(3)})
		must(t, err)
		if fmt.Sprint(out.PolicyNames) != "[big0 big1 big2]" || !out.IsTruncated {
			t.Fatalf("page 1: %+v", out)
		}
		out, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), Marker: out.Marker})
		must(t, err)
		if fmt.Sprint(out.PolicyNames) != "[Inline]" || out.IsTruncated {
			t.Fatalf("page 2: %+v", out)
		}
		_, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("none")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=PutUserPolicy/case=users-and-groups", func(t *testing.T) {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		u, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		must(t, err)
		g, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		must(t, err)
		if decode(t, u.PolicyDocument) != permDoc || decode(t, g.PolicyDocument) != permDoc {
			t.Fatal("documents")
		}
		ul, _ := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U")})
		gl, _ := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("G")})
		if len(ul.PolicyNames) != 1 || len(gl.PolicyNames) != 1 {
			t.Fatal("lists")
		}
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("U")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("G")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		must(t, err)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		must(t, err)
		_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("nope"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("p")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

// TestInlinePolicyEdgeCases: replacement ignoring case, validation, paging
// and the per-principal size quotas of inline policies.
func TestInlinePolicyEdgeCases(t *testing.T) {
	_, c := newEnv(t)
	createRole(t, c, "R")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U")})
	must(t, err)
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G")})
	must(t, err)

	t.Run("method=PutRolePolicy/case=replace-ignoring-case", func(t *testing.T) {
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Main"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("MAIN"), PolicyDocument: aws.String(altDoc)})
		must(t, err)
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("main")})
		must(t, err)
		if decode(t, out.PolicyDocument) != altDoc {
			t.Fatalf("document not replaced: %s", decode(t, out.PolicyDocument))
		}
		l, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
		must(t, err)
		if len(l.PolicyNames) != 1 || l.IsTruncated {
			t.Fatalf("list: %+v", l)
		}
	})
	t.Run("method=PutRolePolicy/case=validation", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"bad-policy-name", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("bad name"), PolicyDocument: aws.String(permDoc)})},
			call{"policy-name-too-long", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String(strings.Repeat("p", 129)), PolicyDocument: aws.String(permDoc)})},
			call{"bad-role-name", op(c.PutRolePolicy, &iam.PutRolePolicyInput{RoleName: aws.String("bad/role"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})},
		)
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
		apiErr(t, err, "MalformedPolicyDocument", 400)
	})
	t.Run("method=DeleteRolePolicy/case=ok-and-missing", func(t *testing.T) {
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetRolePolicy-no-role", op(c.GetRolePolicy, &iam.GetRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})},
			call{"DeleteRolePolicy-no-role", op(c.DeleteRolePolicy, &iam.DeleteRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("Main")})},
		)
		_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("main")})
		must(t, err)
		_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("Main")})
		apiErr(t, err, "NoSuchEntity", 404)
		l, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("R")})
		must(t, err)
		if len(l.PolicyNames) != 0 || l.IsTruncated || l.Marker != nil {
			t.Fatalf("list after delete: %+v", l)
		}
	})
	t.Run("method=ListRolePolicies/case=bad-paging", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.ListRolePolicies, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), Marker: aws.String("@@@")})},
			call{"max-items-1001", op(c.ListRolePolicies, &iam.ListRolePoliciesInput{RoleName: aws.String("R"), MaxItems: aws.Int32(1001)})},
		)
	})
	// The inline policies of users and groups, through one shape.
	type inline struct {
		put func(owner, name, doc string) error
		// get returns the owner's and the policy's names as stored, and
		// the decoded document.
		get func(t *testing.T, owner, name string) (string, string, string)
		// pages lists the owner's policies max a page (see pages).
		pages func(t *testing.T, owner string, max int32) string
		del   func(owner, name string) func() error
	}
	user := inline{
		put: func(owner, name, doc string) error {
			return op(c.PutUserPolicy, &iam.PutUserPolicyInput{UserName: &owner, PolicyName: &name, PolicyDocument: &doc})()
		},
		get: func(t *testing.T, owner, name string) (string, string, string) {
			out, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &owner, PolicyName: &name})
			must(t, err)
			return *out.UserName, *out.PolicyName, decode(t, out.PolicyDocument)
		},
		pages: func(t *testing.T, owner string, max int32) string {
			return pages(t, func(m *string) (*iam.ListUserPoliciesOutput, error) {
				return c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: &owner, MaxItems: &max, Marker: m})
			}, func(out *iam.ListUserPoliciesOutput) []string { return out.PolicyNames })
		},
		del: func(owner, name string) func() error {
			return op(c.DeleteUserPolicy, &iam.DeleteUserPolicyInput{UserName: &owner, PolicyName: &name})
		},
	}
	group := inline{
		put: func(owner, name, doc string) error {
			return op(c.PutGroupPolicy, &iam.PutGroupPolicyInput{GroupName: &owner, PolicyName: &name, PolicyDocument: &doc})()
		},
		get: func(t *testing.T, owner, name string) (string, string, string) {
			out, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: &owner, PolicyName: &name})
			must(t, err)
			return *out.GroupName, *out.PolicyName, decode(t, out.PolicyDocument)
		},
		pages: func(t *testing.T, owner string, max int32) string {
			return pages(t, func(m *string) (*iam.ListGroupPoliciesOutput, error) {
				return c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: &owner, MaxItems: &max, Marker: m})
			}, func(out *iam.ListGroupPoliciesOutput) []string { return out.PolicyNames })
		},
		del: func(owner, name string) func() error {
			return op(c.DeleteGroupPolicy, &iam.DeleteGroupPolicyInput{GroupName: &owner, PolicyName: &name})
		},
	}
	wantInlinePages := func(t *testing.T, k inline, owner string, max int32, want string) {
		t.Helper()
		if got := k.pages(t, owner, max); got != want {
			t.Fatalf("%s's policies: pages %s, want %s", owner, got, want)
		}
	}

	for _, tc := range []struct {
		method    string
		k         inline
		owner     string   // as created; the policies are put under its lower case
		names     []string // put in this order
		max       int32
		want      string // the pages
		get, name string // a policy asked for in another case, and its name as put
		malformed string
	}{
		{"PutUserPolicy", user, "U", []string{"c", "A", "b"}, 2, "[[A b] [c]]", "a", "A", trustDoc},
		{"PutGroupPolicy", group, "G", []string{"g3", "g1", "g2"}, 1, "[[g1] [g2] [g3]]", "G2", "g2", "[]"},
	} {
		t.Run("method="+tc.method+"/case=pages-ignoring-case-and-errors", func(t *testing.T) {
			for _, n := range tc.names {
				must(t, tc.k.put(strings.ToLower(tc.owner), n, permDoc))
			}
			wantInlinePages(t, tc.k, tc.owner, tc.max, tc.want)
			if owner, name, doc := tc.k.get(t, strings.ToLower(tc.owner), tc.get); owner != tc.owner || name != tc.name || doc != permDoc {
				t.Fatalf("get: %s %s %s", owner, name, doc)
			}
			apiErr(t, tc.k.put(tc.owner, "bad", tc.malformed), "MalformedPolicyDocument", 400)
			apiErr(t, tc.k.put("nobody", "p", permDoc), "NoSuchEntity", 404)
		})
	}
	t.Run("method=PutUserPolicy/case=quota-then-delete", func(t *testing.T) {
		apiErr(t, user.put("U", "big", bigActions(1800)), "LimitExceeded", 409) // 2,048 for all of a user's inline policies
		must(t, user.put("U", "big", bigActions(1500)))
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetUserPolicy-no-user", op(c.GetUserPolicy, &iam.GetUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("A")})},
			call{"GetUserPolicy-no-policy", op(c.GetUserPolicy, &iam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("none")})},
			call{"DeleteUserPolicy-no-user", user.del("nobody", "A")},
			call{"DeleteUserPolicy-no-policy", user.del("U", "none")},
		)
		for _, n := range []string{"a", "B", "c", "big"} {
			must(t, user.del("U", n)())
		}
		wantInlinePages(t, user, "U", 2, "[[]]")
		_, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("U"), Marker: aws.String("IzU")}) // "#5": past the end
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=PutGroupPolicy/case=quota-then-delete", func(t *testing.T) {
		must(t, group.put("G", "big1", bigActions(2800))) // 5,120 for a group's: over a user's 2,048
		apiErr(t, group.put("G", "big2", bigActions(2800)), "LimitExceeded", 409)
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetGroupPolicy-refused-policy", op(c.GetGroupPolicy, &iam.GetGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("big2")})},
			call{"DeleteGroupPolicy-no-group", group.del("nope", "g1")},
		)
		must(t, group.del("G", "G1")())
		wantInlinePages(t, group, "G", 1, "[[big1] [g2] [g3]]")
	})
}
