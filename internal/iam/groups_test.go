package iam_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

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
