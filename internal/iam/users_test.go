package iam_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
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
