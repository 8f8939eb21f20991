package iam_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestUsers(t *testing.T) {
	e, c := newEnv(t)

	t.Run("method=CreateUser/case=ok", func(t *testing.T) {
		out, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Alice"), Path: aws.String("/staff/"),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), Tags: []types.Tag{{Key: aws.String("dept"), Value: aws.String("it")}}})
		must(t, err)
		u := out.User
		if *u.Arn != "arn:aws:iam::"+e.AccountID+":user/staff/Alice" || !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(*u.UserId) ||
			u.PermissionsBoundary == nil || len(u.Tags) != 1 {
			t.Fatalf("user: %+v", u)
		}
	})
	t.Run("method=CreateUser/case=duplicate-name-ignoring-case", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/Nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=GetUser/case=named-caller-and-missing", func(t *testing.T) {
		out, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ALICE")})
		must(t, err)
		if *out.User.UserName != "Alice" || len(out.User.Tags) != 1 {
			t.Fatalf("user: %+v", out.User)
		}
		root, err := c.GetUser(ctx, &iam.GetUserInput{})
		must(t, err)
		if *root.User.Arn != "arn:aws:iam::"+e.AccountID+":root" || *root.User.UserId != e.AccountID {
			t.Fatalf("root: %+v", root.User)
		}
		_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateUser/case=rename-and-path", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")})
		must(t, err)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("ALICE")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("Robert"), NewPath: aws.String("/x/")})
		must(t, err)
		out, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("robert")})
		must(t, err)
		if *out.User.Arn != "arn:aws:iam::"+e.AccountID+":user/x/Robert" {
			t.Fatalf("renamed: %+v", out.User)
		}
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("y")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=TagUser/case=tags-and-boundary", func(t *testing.T) {
		_, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("Robert"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		must(t, err)
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Robert")})
		must(t, err)
		if len(tags.Tags) != 1 {
			t.Fatalf("tags: %+v", tags.Tags)
		}
		_, err = c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("Robert"), TagKeys: []string{"a"}})
		must(t, err)
		_, err = c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("nobody"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("nobody"), TagKeys: []string{"a"}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("Robert"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")})
		must(t, err)
		out, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Robert")})
		if out.User.PermissionsBoundary == nil || *out.User.PermissionsBoundary.PermissionsBoundaryArn != "arn:aws:iam::aws:policy/IAMFullAccess" {
			t.Fatalf("boundary: %+v", out.User.PermissionsBoundary)
		}
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("Robert"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/None")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("Robert")})
		must(t, err)
		_, err = c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListUsers/case=pages-and-prefix", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d", i))})
			must(t, err)
		}
		var names []string
		pg := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			must(t, err)
			for _, u := range out.Users {
				names = append(names, *u.UserName)
				if u.Tags != nil || u.PermissionsBoundary != nil {
					t.Fatalf("ListUsers returns members AWS leaves out: %+v", u)
				}
			}
		}
		if fmt.Sprint(names) != "[u0 u1 u2 u3 u4 Alice Robert]" {
			t.Fatalf("users: %v", names)
		}
		out, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/staff/")})
		must(t, err)
		if len(out.Users) != 1 {
			t.Fatalf("prefix: %+v", out.Users)
		}
	})
}

// TestUserEdgeCases: validation, paging, what a rename carries along,
// every conflict of DeleteUser, boundaries and tags of users.
func TestUserEdgeCases(t *testing.T) {
	e, c := newEnv(t)

	t.Run("method=CreateUser/case=validation-and-invalid-input", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"bad-name", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String("bad name")})},
			call{"name-too-long", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String(strings.Repeat("u", 65))})},
			call{"bad-path", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String("u"), Path: aws.String("nopath")})},
			call{"too-many-tags", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String("u"), Tags: manyTags(51, "t")})},
		)
		wantErrors(t, "InvalidInput", 400,
			call{"reserved-tag-prefix", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{tag("aws:k", "v")}})},
			call{"bad-boundary-arn", op(c.CreateUser, &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String("not-an-arn-but-long-enough")})},
		)
		_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListUsers/case=prefix-pages", func(t *testing.T) {
		for _, u := range []struct{ name, path string }{{"cc", "/cov/"}, {"ca", "/cov/"}, {"CB", "/cov/"}, {"dd", "/cov/sub/"}, {"root-level", "/"}} {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.name), Path: aws.String(u.path)})
			must(t, err)
		}
		userNames := func(out *iam.ListUsersOutput) []string {
			var names []string
			for _, u := range out.Users {
				names = append(names, *u.UserName)
				if u.Arn == nil || u.UserId == nil || u.CreateDate == nil || u.Path == nil {
					t.Fatalf("user: %+v", u)
				}
			}
			return names
		}
		for _, tc := range []struct {
			what   string
			prefix *string
			max    int32
			want   string
		}{
			{"/cov/", aws.String("/cov/"), 2, "[[ca CB] [cc dd]]"},
			{"/cov/sub/", aws.String("/cov/sub/"), 2, "[[dd]]"},
			{"all", nil, 1, "[[root-level] [ca] [CB] [cc] [dd]]"},
		} {
			wantPages(t, tc.what, tc.want, func(m *string) (*iam.ListUsersOutput, error) {
				return c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: tc.prefix, MaxItems: aws.Int32(tc.max), Marker: m})
			}, userNames)
		}
		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.ListUsers, &iam.ListUsersInput{Marker: aws.String("***")})},
			call{"max-items-1001", op(c.ListUsers, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})},
			call{"prefix-without-slash", op(c.ListUsers, &iam.ListUsersInput{PathPrefix: aws.String("cov/")})},
		)
	})
	t.Run("method=UpdateUser/case=rename-carries-keys-groups-policies", func(t *testing.T) {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kim")})
		must(t, err)
		key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kim")})
		must(t, err)
		_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Kims")})
		must(t, err)
		_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Kims"), UserName: aws.String("kim")})
		must(t, err)
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("kim"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("kim"), Tags: []types.Tag{tag("k", "v")}})
		must(t, err)

		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("KIM"), NewUserName: aws.String("Kimberly"), NewPath: aws.String("/new/")})
		must(t, err)
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetUser(old name)", op(c.GetUser, &iam.GetUserInput{UserName: aws.String("kim")})},
			call{"ListAccessKeys(old name)", op(c.ListAccessKeys, &iam.ListAccessKeysInput{UserName: aws.String("kim")})},
		)
		keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("kimberly")})
		must(t, err)
		if len(keys.AccessKeyMetadata) != 1 || *keys.AccessKeyMetadata[0].AccessKeyId != *key.AccessKey.AccessKeyId || *keys.AccessKeyMetadata[0].UserName != "Kimberly" {
			t.Fatalf("keys after rename: %+v", keys.AccessKeyMetadata)
		}
		id, err := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		if *id.Arn != "arn:aws:iam::"+e.AccountID+":user/new/Kimberly" {
			t.Fatalf("caller after rename: %s", *id.Arn)
		}
		g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Kims")})
		must(t, err)
		if len(g.Users) != 1 || *g.Users[0].UserName != "Kimberly" || *g.Users[0].Arn != "arn:aws:iam::"+e.AccountID+":user/new/Kimberly" {
			t.Fatalf("members after rename: %+v", g.Users)
		}
		pols, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("Kimberly")})
		must(t, err)
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Kimberly")})
		must(t, err)
		if len(pols.PolicyNames) != 1 || len(tags.Tags) != 1 {
			t.Fatalf("policies %v, tags %v after rename", pols.PolicyNames, tags.Tags)
		}
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewPath: aws.String("nopath")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewUserName: aws.String("CA")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Kimberly"), NewUserName: aws.String("KIMBERLY")})
		must(t, err) // a change of case only
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kimberly")})
		if *u.User.UserName != "KIMBERLY" {
			t.Fatalf("case change: %+v", u.User)
		}
	})
	t.Run("method=DeleteUser/case=every-conflict", func(t *testing.T) {
		name := aws.String("KIMBERLY")
		arn := createPolicy(t, c, "KimsPolicy")
		_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: name, PolicyArn: &arn})
		must(t, err)
		_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: name, PermissionsBoundary: &arn})
		must(t, err)
		keys, _ := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: name})
		wantDeleteConflicts(t, op(c.DeleteUser, &iam.DeleteUserInput{UserName: name}),
			conflict{"must delete access keys first", op(c.DeleteAccessKey, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId})},
			conflict{"must remove users from group first", op(c.RemoveUserFromGroup, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Kims"), UserName: name})},
			conflict{"must delete policies first", op(c.DeleteUserPolicy, &iam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String("p")})},
			conflict{"must detach all policies first", op(c.DetachUserPolicy, &iam.DetachUserPolicyInput{UserName: name, PolicyArn: &arn})},
		)
		wantCounts(t, c, arn, 0, 1)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("kimberly")}) // tags and a boundary do not hold it
		must(t, err)
		wantCounts(t, c, arn, 0, 0)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Kimberly")})
		must(t, err)
		tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Kimberly")})
		must(t, err)
		g, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("Kimberly")})
		must(t, err)
		if len(tags.Tags) != 0 || len(g.Groups) != 0 {
			t.Fatalf("the new user inherits: tags %v, groups %v", tags.Tags, g.Groups)
		}
	})
	t.Run("method=PutUserPermissionsBoundary/case=counts-and-errors", func(t *testing.T) {
		arn := createPolicy(t, c, "UserBoundary")
		readOnly := "arn:aws:iam::aws:policy/ReadOnlyAccess"
		boundary := func(user, arn string) *iam.PutUserPermissionsBoundaryInput {
			return &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(user), PermissionsBoundary: aws.String(arn)}
		}
		for _, u := range []string{"ca", "CB"} {
			_, err := c.PutUserPermissionsBoundary(ctx, boundary(u, arn))
			must(t, err)
		}
		_, err := c.PutUserPermissionsBoundary(ctx, boundary("ca", arn))
		must(t, err) // again: still one use
		wantCounts(t, c, arn, 0, 2)
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ca")})
		if b := u.User.PermissionsBoundary; b == nil || *b.PermissionsBoundaryArn != arn || b.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
			t.Fatalf("boundary: %+v", b)
		}
		wantErrors(t, "NoSuchEntity", 404,
			call{"no-user", op(c.PutUserPermissionsBoundary, boundary("nobody", arn))},
			call{"no-policy", op(c.PutUserPermissionsBoundary, boundary("ca", "arn:aws:iam::"+e.AccountID+":policy/none"))},
		)
		_, err = c.PutUserPermissionsBoundary(ctx, boundary("ca", "not-an-arn-but-long-enough"))
		apiErr(t, err, "InvalidInput", 400)
		// Replacing a boundary moves its use.
		_, err = c.PutUserPermissionsBoundary(ctx, boundary("CB", readOnly))
		must(t, err)
		wantCounts(t, c, arn, 0, 1)
		wantCounts(t, c, readOnly, 0, 1)
		_, err = c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("CA")})
		must(t, err)
		wantCounts(t, c, arn, 0, 0)
		u, _ = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ca")})
		if u.User.PermissionsBoundary != nil {
			t.Fatalf("boundary after delete: %+v", u.User.PermissionsBoundary)
		}
	})
	t.Run("method=TagUser/case=pages-limits-errors", func(t *testing.T) {
		_, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("z", "1"), tag("y", "2"), tag("x", "3")}})
		must(t, err)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("Y", "two")}})
		must(t, err)
		list := func(m *string) (*iam.ListUserTagsOutput, error) {
			return c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("DD"), MaxItems: aws.Int32(2), Marker: m})
		}
		pairs := func(out *iam.ListUserTagsOutput) []string { return tagPairs(out.Tags) }
		wantPages(t, "ListUserTags", "[[x=3 Y=two] [z=1]]", list, pairs)
		_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("dd"), Tags: manyTags(48, "t")})
		apiErr(t, err, "LimitExceeded", 409)
		wantPages(t, "after refused tags", "[[x=3 Y=two] [z=1]]", list, pairs)
		wantErrors(t, "InvalidInput", 400,
			call{"keys-equal-ignoring-case", op(c.TagUser, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("q", "1"), tag("Q", "1")}})},
			call{"reserved-prefix", op(c.TagUser, &iam.TagUserInput{UserName: aws.String("dd"), Tags: []types.Tag{tag("aws:q", "1")}})},
		)
		_, err = c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("dd"), TagKeys: []string{"X", "Z"}})
		must(t, err)
		wantPages(t, "after untag", "[[Y=two]]", list, pairs)
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dd")})
		if len(u.User.Tags) != 1 {
			t.Fatalf("GetUser tags: %+v", u.User.Tags)
		}
		_, err = c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("dd"), Marker: aws.String("IzI")})
		apiErr(t, err, "ValidationError", 400)
	})
}
