package iam_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
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

// TestGroupEdgeCases: validation, paging of members and groups, renames,
// and every conflict of DeleteGroup.
func TestGroupEdgeCases(t *testing.T) {
	e, c := newEnv(t)
	for _, u := range []string{"carl", "Anna", "bert"} {
		_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
	}

	t.Run("method=CreateGroup/case=validation", func(t *testing.T) {
		wantErrors(t, "ValidationError", 400,
			call{"bad-name", op(c.CreateGroup, &iam.CreateGroupInput{GroupName: aws.String("bad name")})},
			call{"name-too-long", op(c.CreateGroup, &iam.CreateGroupInput{GroupName: aws.String(strings.Repeat("g", 129))})},
			call{"bad-path", op(c.CreateGroup, &iam.CreateGroupInput{GroupName: aws.String("g"), Path: aws.String("x")})},
		)
	})
	t.Run("method=GetGroup/case=members-in-pages", func(t *testing.T) {
		out, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Team")})
		must(t, err)
		if *out.Group.Path != "/" || *out.Group.Arn != "arn:aws:iam::"+e.AccountID+":group/Team" {
			t.Fatalf("group: %+v", out.Group)
		}
		empty, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("team")})
		must(t, err)
		if *empty.Group.GroupName != "Team" || len(empty.Users) != 0 || empty.IsTruncated || empty.Marker != nil {
			t.Fatalf("empty group: %+v", empty)
		}
		for _, u := range []string{"carl", "anna", "BERT"} {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("team"), UserName: aws.String(u)})
			must(t, err)
		}
		wantPages(t, "GetGroup", "[[Anna bert] [carl]]", func(m *string) (*iam.GetGroupOutput, error) {
			return c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team"), MaxItems: aws.Int32(2), Marker: m})
		}, func(out *iam.GetGroupOutput) []string {
			if *out.Group.GroupName != "Team" {
				t.Fatalf("group: %+v", out.Group)
			}
			var names []string
			for _, u := range out.Users {
				names = append(names, *u.UserName)
			}
			return names
		})
		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.GetGroup, &iam.GetGroupInput{GroupName: aws.String("Team"), Marker: aws.String("nope")})},
			call{"max-items-0", op(c.GetGroup, &iam.GetGroupInput{GroupName: aws.String("Team"), MaxItems: aws.Int32(0)})},
		)
	})
	t.Run("method=ListGroups/case=prefix-pages", func(t *testing.T) {
		for _, g := range []struct{ name, path string }{{"ops", "/eng/"}, {"Dev", "/eng/"}, {"qa", "/eng/test/"}, {"sales", "/biz/"}} {
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g.name), Path: aws.String(g.path)})
			must(t, err)
		}
		for _, tc := range []struct {
			what   string
			prefix *string
			want   string
		}{
			{"/eng/", aws.String("/eng/"), "[[Dev ops] [qa]]"},
			{"all", nil, "[[Team sales] [Dev ops] [qa]]"},
		} {
			wantPages(t, tc.what, tc.want, func(m *string) (*iam.ListGroupsOutput, error) {
				return c.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: tc.prefix, MaxItems: aws.Int32(2), Marker: m})
			}, func(out *iam.ListGroupsOutput) []string { return groupNames(out.Groups) })
		}
		wantErrors(t, "ValidationError", 400,
			call{"bad-marker", op(c.ListGroups, &iam.ListGroupsInput{Marker: aws.String("~~")})},
			call{"max-items-1001", op(c.ListGroups, &iam.ListGroupsInput{MaxItems: aws.Int32(1001)})},
			call{"prefix-without-slash", op(c.ListGroups, &iam.ListGroupsInput{PathPrefix: aws.String("eng")})},
		)
	})
	t.Run("method=ListGroupsForUser/case=pages", func(t *testing.T) {
		for _, g := range []string{"ops", "dev", "QA"} {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("anna")})
			must(t, err)
		}
		wantPages(t, "ListGroupsForUser", "[[Dev ops qa] [Team]]", func(m *string) (*iam.ListGroupsForUserOutput, error) {
			return c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("ANNA"), MaxItems: aws.Int32(3), Marker: m})
		}, func(out *iam.ListGroupsForUserOutput) []string {
			for _, g := range out.Groups {
				if g.Arn == nil || g.GroupId == nil || g.Path == nil {
					t.Fatalf("group: %+v", g)
				}
			}
			return groupNames(out.Groups)
		})
		_, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("anna"), Marker: aws.String("IzEw")})
		apiErr(t, err, "ValidationError", 400)
	})
	t.Run("method=UpdateGroup/case=path-and-validation", func(t *testing.T) {
		_, err := c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("qa"), NewPath: aws.String("/eng/quality/")})
		must(t, err)
		g, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("qa")})
		must(t, err)
		if *g.Group.Arn != "arn:aws:iam::"+e.AccountID+":group/eng/quality/qa" || *g.Group.Path != "/eng/quality/" {
			t.Fatalf("group: %+v", g.Group)
		}
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("qa"), NewGroupName: aws.String("Quality")})
		must(t, err)
		fu, _ := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("anna")})
		if !slices.Contains(groupNames(fu.Groups), "Quality") {
			t.Fatalf("membership after rename: %+v", fu.Groups)
		}
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Quality"), NewGroupName: aws.String("bad name")})
		apiErr(t, err, "ValidationError", 400)
		_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("Quality"), NewGroupName: aws.String("OPS")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		if !strings.Contains(message(err), "OPS") {
			t.Fatalf("message: %s", message(err))
		}
	})
	t.Run("method=RemoveUserFromGroup/case=errors", func(t *testing.T) {
		remove := func(group, user string) func() error {
			return op(c.RemoveUserFromGroup, &iam.RemoveUserFromGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
		}
		wantErrors(t, "NoSuchEntity", 404,
			call{"no-group", remove("nope", "anna")},
			call{"no-user", remove("Team", "nobody")},
			call{"not-a-member", remove("sales", "anna")},
		)
		must(t, remove("TEAM", "Carl")())
		g, _ := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("Team")})
		if len(g.Users) != 2 {
			t.Fatalf("members: %+v", g.Users)
		}
	})
	t.Run("method=DeleteGroup/case=every-conflict", func(t *testing.T) {
		arn := createPolicy(t, c, "SalesPolicy")
		_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("sales"), UserName: aws.String("bert")})
		must(t, err)
		_, err = c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("sales"), PolicyName: aws.String("p"), PolicyDocument: aws.String(permDoc)})
		must(t, err)
		_, err = c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("sales"), PolicyArn: &arn})
		must(t, err)
		wantDeleteConflicts(t, op(c.DeleteGroup, &iam.DeleteGroupInput{GroupName: aws.String("Sales")}),
			conflict{"must remove users from group first", op(c.RemoveUserFromGroup, &iam.RemoveUserFromGroupInput{GroupName: aws.String("sales"), UserName: aws.String("bert")})},
			conflict{"must delete policies first", op(c.DeleteGroupPolicy, &iam.DeleteGroupPolicyInput{GroupName: aws.String("sales"), PolicyName: aws.String("p")})},
			conflict{"must detach all policies first", op(c.DetachGroupPolicy, &iam.DetachGroupPolicyInput{GroupName: aws.String("sales"), PolicyArn: &arn})},
		)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("SALES")})
		must(t, err)
		wantErrors(t, "NoSuchEntity", 404,
			call{"GetGroup(deleted)", op(c.GetGroup, &iam.GetGroupInput{GroupName: aws.String("sales")})},
			call{"DeleteGroup(deleted)", op(c.DeleteGroup, &iam.DeleteGroupInput{GroupName: aws.String("sales")})},
		)
		wantCounts(t, c, arn, 0, 0)
		_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("bad name")})
		apiErr(t, err, "ValidationError", 400)
	})
}
