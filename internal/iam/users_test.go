package iam_test

import (
	"fmt"
	"regexp"
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

func TestGroups(t *testing.T) {
	e, c := newEnv(t)
	for _, u := range []string{"ann", "ben"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
	}
	t.Run("method=CreateGroup/case=ok-and-duplicate", func(t *testing.T) {
		out, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Devs"), Path: aws.String("/eng/")})
		must(t, err)
		if *out.Group.Arn != "arn:aws:iam::"+e.AccountID+":group/eng/Devs" || !regexp.MustCompile(`^AGPA[A-Z2-7]{17}$`).MatchString(*out.Group.GroupId) {
			t.Fatalf("group: %+v", out.Group)
		}
		_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("DEVS")})
		apiErr(t, err, "EntityAlreadyExists", 409)
	})
	t.Run("method=AddUserToGroup/case=members", func(t *testing.T) {
		for _, u := range []string{"ann", "BEN", "ann"} {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String(u)})
			must(t, err)
		}
		_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("nope"), UserName: aws.String("ann")})
		apiErr(t, err, "NoSuchEntity", 404)
		g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Devs"), MaxItems: aws.Int32(1)})
		must(t, err)
		if *g.Group.GroupName != "Devs" || len(g.Users) != 1 || !g.IsTruncated || *g.Users[0].UserName != "ann" {
			t.Fatalf("GetGroup: %+v", g)
		}
		g2, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Devs"), Marker: g.Marker})
		must(t, err)
		if len(g2.Users) != 1 || g2.IsTruncated || *g2.Users[0].UserName != "ben" {
			t.Fatalf("GetGroup page 2: %+v", g2)
		}
		fu, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ann")})
		must(t, err)
		if len(fu.Groups) != 1 || *fu.Groups[0].GroupName != "Devs" {
			t.Fatalf("ListGroupsForUser: %+v", fu.Groups)
		}
		_, err = c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ben")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("Devs")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=AddUserToGroup/case=quota", func(t *testing.T) {
		for i := 0; i < 10; i++ {
			name := fmt.Sprintf("g%d", i)
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: &name})
			must(t, err)
			_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: &name, UserName: aws.String("ann")})
			if i < 9 {
				must(t, err)
			} else {
				apiErr(t, err, "LimitExceeded", 409)
			}
		}
	})
	t.Run("method=UpdateGroup/case=rename", func(t *testing.T) {
		_, err := c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Devs"), NewGroupName: aws.String("G0")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Devs"), NewGroupName: aws.String("Engineers"), NewPath: aws.String("/")})
		must(t, err)
		fu, _ := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ben")})
		if len(fu.Groups) != 1 || *fu.Groups[0].Arn != "arn:aws:iam::"+e.AccountID+":group/Engineers" {
			t.Fatalf("after rename: %+v", fu.Groups)
		}
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Devs"), NewPath: aws.String("/")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListGroups/case=pages", func(t *testing.T) {
		n := 0
		pg := iam.NewListGroupsPaginator(c, &iam.ListGroupsInput{MaxItems: aws.Int32(4)})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			must(t, err)
			n += len(out.Groups)
		}
		if n != 11 {
			t.Fatalf("groups: %d", n)
		}
	})
	t.Run("method=RemoveUserFromGroup/case=then-delete", func(t *testing.T) {
		for _, u := range []string{"ann", "ben"} {
			_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Engineers"), UserName: aws.String(u)})
			must(t, err)
		}
		_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("Engineers"), UserName: aws.String("ann")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("engineers")})
		must(t, err)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ben")})
		must(t, err)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ben")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("engineers")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

func TestAccessKeys(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Dev"), Path: aws.String("/eng/")})
	must(t, err)
	var key *types.AccessKey

	t.Run("method=CreateAccessKey/case=authenticates-at-once", func(t *testing.T) {
		out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
		must(t, err)
		key = out.AccessKey
		if *key.UserName != "Dev" || key.Status != types.StatusTypeActive || len(*key.SecretAccessKey) != 40 || !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(*key.AccessKeyId) {
			t.Fatalf("key: %+v", key)
		}
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		id, err := user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		u, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Dev")})
		if *id.Arn != "arn:aws:iam::"+e.AccountID+":user/eng/Dev" || *id.UserId != *u.User.UserId || *id.Account != e.AccountID {
			t.Fatalf("caller: %+v", id)
		}
		// The user's own client: GetUser and ListAccessKeys without a name
		// are about the caller (allowed by an identity policy: a user
		// without one may call nothing).
		_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Dev"), PolicyName: aws.String("self"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"*"}}`)})
		must(t, err)
		ic := iam.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		me, err := ic.GetUser(ctx, &iam.GetUserInput{})
		must(t, err)
		if *me.User.UserName != "Dev" {
			t.Fatalf("GetUser as the user: %+v", me.User)
		}
		mine, err := ic.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(mine.AccessKeyMetadata) != 1 || *mine.AccessKeyMetadata[0].AccessKeyId != *key.AccessKeyId {
			t.Fatalf("ListAccessKeys as the user: %+v", mine.AccessKeyMetadata)
		}
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId})
		must(t, err)
		if *last.UserName != "Dev" || last.AccessKeyLastUsed.LastUsedDate == nil || *last.AccessKeyLastUsed.ServiceName != "sts" || *last.AccessKeyLastUsed.Region != "us-east-1" {
			t.Fatalf("last used: %+v", last.AccessKeyLastUsed)
		}
	})
	t.Run("method=CreateAccessKey/case=quota-and-missing-user", func(t *testing.T) {
		_, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Dev")})
		must(t, err)
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Dev")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		list, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("Dev"), MaxItems: aws.Int32(1)})
		must(t, err)
		if len(list.AccessKeyMetadata) != 1 || !list.IsTruncated || list.AccessKeyMetadata[0].Status != types.StatusTypeActive {
			t.Fatalf("list: %+v", list)
		}
		_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("Dev")})
		apiErr(t, err, "DeleteConflict", 409)
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateAccessKey/case=inactive-stops-at-once", func(t *testing.T) {
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeInactive})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeActive})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		must(t, err)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: key.AccessKeyId, Status: types.StatusTypeInactive}) // the root's keys: not this one
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId, Status: types.StatusTypeExpired})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=DeleteAccessKey/case=stops-at-once", func(t *testing.T) {
		user := sts.NewFromConfig(e.AWSConfigFor(*key.AccessKeyId, *key.SecretAccessKey, ""))
		_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId})
		must(t, err)
		_, err = user.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiErr(t, err, "InvalidClientTokenId", 403)
		_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("Dev"), AccessKeyId: key.AccessKeyId})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=ListAccessKeys/case=root", func(t *testing.T) {
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		must(t, err)
		if len(out.AccessKeyMetadata) != 1 || *out.AccessKeyMetadata[0].AccessKeyId != e.AccessKey {
			t.Fatalf("root keys: %+v", out.AccessKeyMetadata)
		}
		last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(e.AccessKey)})
		must(t, err)
		if *last.AccessKeyLastUsed.ServiceName != "iam" {
			t.Fatalf("root key last used: %+v", last.AccessKeyLastUsed)
		}
	})
}
