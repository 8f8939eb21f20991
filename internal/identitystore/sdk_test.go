package identitystore_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/mailgate/mailgate/internal/testenv"
)

var resourceID = regexp.MustCompile(`^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

type fixture struct {
	e     *testenv.Env
	c     *identitystore.Client
	ctx   context.Context
	store string
}

func newFixture(t *testing.T) *fixture {
	e := testenv.New(t)
	f := &fixture{e: e, c: e.IdentityStore(), ctx: context.Background()}
	out, err := e.SSOAdmin().CreateInstance(f.ctx, &ssoadmin.CreateInstanceInput{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.SSOAdmin().DescribeInstance(f.ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: out.InstanceArn})
	if err != nil {
		t.Fatal(err)
	}
	f.store = aws.ToString(d.IdentityStoreId)
	return f
}

func (f *fixture) user(t *testing.T, name string) string {
	t.Helper()
	out, err := f.c.CreateUser(f.ctx, &identitystore.CreateUserInput{IdentityStoreId: &f.store, UserName: &name, DisplayName: aws.String(name + " Doe"),
		Name: &types.Name{GivenName: aws.String(name), FamilyName: aws.String("Doe")}, Emails: []types.Email{{Value: aws.String(name + "@example.com"), Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if !resourceID.MatchString(aws.ToString(out.UserId)) || aws.ToString(out.IdentityStoreId) != f.store {
		t.Fatalf("%+v", out)
	}
	return aws.ToString(out.UserId)
}

func (f *fixture) group(t *testing.T, name string) string {
	t.Helper()
	out, err := f.c.CreateGroup(f.ctx, &identitystore.CreateGroupInput{IdentityStoreId: &f.store, DisplayName: &name, Description: aws.String("the " + name)})
	if err != nil {
		t.Fatal(err)
	}
	if !resourceID.MatchString(aws.ToString(out.GroupId)) {
		t.Fatalf("%+v", out)
	}
	return aws.ToString(out.GroupId)
}

func TestUsers(t *testing.T) {
	f := newFixture(t)
	alice := f.user(t, "alice")
	f.user(t, "bob")
	f.user(t, "carol")

	t.Run("method=CreateUser/case=duplicate-user-name", func(t *testing.T) {
		_, err := f.c.CreateUser(f.ctx, &identitystore.CreateUserInput{IdentityStoreId: &f.store, UserName: aws.String("ALICE"), DisplayName: aws.String("x")})
		testenv.APIError(t, err, "ConflictException", 400)
	})
	t.Run("method=CreateUser/case=reserved-or-missing", func(t *testing.T) {
		for _, in := range []identitystore.CreateUserInput{
			{IdentityStoreId: &f.store, UserName: aws.String("Administrator"), DisplayName: aws.String("x")},
			{IdentityStoreId: &f.store, DisplayName: aws.String("x")},
			{IdentityStoreId: &f.store, UserName: aws.String("dave")},
		} {
			_, err := f.c.CreateUser(f.ctx, &in)
			testenv.APIError(t, err, "ValidationException", 400)
		}
	})
	t.Run("method=CreateUser/case=unknown-store", func(t *testing.T) {
		_, err := f.c.CreateUser(f.ctx, &identitystore.CreateUserInput{IdentityStoreId: aws.String("d-0000000000"), UserName: aws.String("x"), DisplayName: aws.String("x")})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
	t.Run("method=DescribeUser", func(t *testing.T) {
		u, err := f.c.DescribeUser(f.ctx, &identitystore.DescribeUserInput{IdentityStoreId: &f.store, UserId: &alice})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(u.UserName) != "alice" || aws.ToString(u.DisplayName) != "alice Doe" || aws.ToString(u.Name.GivenName) != "alice" ||
			len(u.Emails) != 1 || aws.ToString(u.Emails[0].Value) != "alice@example.com" || u.UserStatus != types.UserStatusEnabled || u.CreatedAt == nil {
			t.Fatalf("%+v", u)
		}
		_, err = f.c.DescribeUser(f.ctx, &identitystore.DescribeUserInput{IdentityStoreId: &f.store, UserId: aws.String("0123456789-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
	t.Run("method=ListUsers/case=pages", func(t *testing.T) {
		var names []string
		p := identitystore.NewListUsersPaginator(f.c, &identitystore.ListUsersInput{IdentityStoreId: &f.store, MaxResults: aws.Int32(2)})
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.UserName))
			}
		}
		if len(names) != 3 || pages != 2 {
			t.Fatalf("%d pages: %v", pages, names)
		}
	})
	t.Run("method=ListUsers/case=filter-user-name", func(t *testing.T) {
		out, err := f.c.ListUsers(f.ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store,
			Filters: []types.Filter{{AttributePath: aws.String("UserName"), AttributeValue: aws.String("alice")}}})
		if err != nil || len(out.Users) != 1 || aws.ToString(out.Users[0].UserId) != alice {
			t.Fatalf("%+v %v", out, err)
		}
		out, err = f.c.ListUsers(f.ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store,
			Filters: []types.Filter{{AttributePath: aws.String("UserName"), AttributeValue: aws.String("nobody")}}})
		if err != nil || len(out.Users) != 0 {
			t.Fatalf("%+v %v", out, err)
		}
		_, err = f.c.ListUsers(f.ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store,
			Filters: []types.Filter{{AttributePath: aws.String("Title"), AttributeValue: aws.String("x")}}})
		testenv.APIError(t, err, "ValidationException", 400)
	})
	t.Run("method=GetUserId/case=external-id", func(t *testing.T) {
		_, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store,
			AlternateIdentifier: &types.AlternateIdentifierMemberExternalId{Value: types.ExternalId{Issuer: aws.String("scim"), Id: aws.String("1")}}})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
	t.Run("method=UpdateUser/case=remove-attribute", func(t *testing.T) {
		if _, err := f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice,
			Operations: []types.AttributeOperation{{AttributePath: aws.String("name.givenName")}}}); err != nil {
			t.Fatal(err)
		}
		u, err := f.c.DescribeUser(f.ctx, &identitystore.DescribeUserInput{IdentityStoreId: &f.store, UserId: &alice})
		if err != nil || u.Name == nil || u.Name.GivenName != nil || aws.ToString(u.Name.FamilyName) != "Doe" {
			t.Fatalf("%+v %v", u, err)
		}
		_, err = f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice,
			Operations: []types.AttributeOperation{{AttributePath: aws.String("userName")}}})
		testenv.APIError(t, err, "ValidationException", 400)
		_, err = f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice,
			Operations: []types.AttributeOperation{{AttributePath: aws.String("shoeSize")}}})
		testenv.APIError(t, err, "ValidationException", 400)
	})
	t.Run("method=DeleteUser", func(t *testing.T) {
		if _, err := f.c.DeleteUser(f.ctx, &identitystore.DeleteUserInput{IdentityStoreId: &f.store, UserId: &alice}); err != nil {
			t.Fatal(err)
		}
		_, err := f.c.DeleteUser(f.ctx, &identitystore.DeleteUserInput{IdentityStoreId: &f.store, UserId: &alice})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		// The name is free again.
		f.user(t, "alice")
	})
}

func TestGroupsAndMemberships(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.user(t, "alice"), f.user(t, "bob")
	admins, staff := f.group(t, "admins"), f.group(t, "staff")

	t.Run("method=CreateGroup/case=duplicate-display-name", func(t *testing.T) {
		_, err := f.c.CreateGroup(f.ctx, &identitystore.CreateGroupInput{IdentityStoreId: &f.store, DisplayName: aws.String("Admins")})
		testenv.APIError(t, err, "ConflictException", 400)
		_, err = f.c.CreateGroup(f.ctx, &identitystore.CreateGroupInput{IdentityStoreId: &f.store, DisplayName: aws.String("AWSAdministrators")})
		testenv.APIError(t, err, "ValidationException", 400)
	})
	t.Run("method=DescribeGroup", func(t *testing.T) {
		g, err := f.c.DescribeGroup(f.ctx, &identitystore.DescribeGroupInput{IdentityStoreId: &f.store, GroupId: &admins})
		if err != nil || aws.ToString(g.DisplayName) != "admins" || aws.ToString(g.Description) != "the admins" {
			t.Fatalf("%+v %v", g, err)
		}
	})
	t.Run("method=ListGroups", func(t *testing.T) {
		out, err := f.c.ListGroups(f.ctx, &identitystore.ListGroupsInput{IdentityStoreId: &f.store})
		if err != nil || len(out.Groups) != 2 || out.NextToken != nil {
			t.Fatalf("%+v %v", out, err)
		}
		out, err = f.c.ListGroups(f.ctx, &identitystore.ListGroupsInput{IdentityStoreId: &f.store,
			Filters: []types.Filter{{AttributePath: aws.String("DisplayName"), AttributeValue: aws.String("staff")}}})
		if err != nil || len(out.Groups) != 1 || aws.ToString(out.Groups[0].GroupId) != staff {
			t.Fatalf("%+v %v", out, err)
		}
	})
	var membership string
	t.Run("method=CreateGroupMembership", func(t *testing.T) {
		out, err := f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		if err != nil {
			t.Fatal(err)
		}
		membership = aws.ToString(out.MembershipId)
		_, err = f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		testenv.APIError(t, err, "ConflictException", 400)
		_, err = f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: "0123456789-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
		if _, err := f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &staff,
			MemberId: &types.MemberIdMemberUserId{Value: alice}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &staff,
			MemberId: &types.MemberIdMemberUserId{Value: bob}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("method=DescribeGroupMembership", func(t *testing.T) {
		m, err := f.c.DescribeGroupMembership(f.ctx, &identitystore.DescribeGroupMembershipInput{IdentityStoreId: &f.store, MembershipId: &membership})
		if err != nil || aws.ToString(m.GroupId) != admins || m.MemberId.(*types.MemberIdMemberUserId).Value != alice {
			t.Fatalf("%+v %v", m, err)
		}
	})
	t.Run("method=GetGroupMembershipId", func(t *testing.T) {
		out, err := f.c.GetGroupMembershipId(f.ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		if err != nil || aws.ToString(out.MembershipId) != membership {
			t.Fatalf("%+v %v", out, err)
		}
		_, err = f.c.GetGroupMembershipId(f.ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: bob}})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
	t.Run("method=IsMemberInGroups", func(t *testing.T) {
		out, err := f.c.IsMemberInGroups(f.ctx, &identitystore.IsMemberInGroupsInput{IdentityStoreId: &f.store,
			MemberId: &types.MemberIdMemberUserId{Value: bob}, GroupIds: []string{admins, staff}})
		if err != nil || len(out.Results) != 2 || out.Results[0].MembershipExists || !out.Results[1].MembershipExists {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=ListGroupMemberships", func(t *testing.T) {
		out, err := f.c.ListGroupMemberships(f.ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: &f.store, GroupId: &staff, MaxResults: aws.Int32(1)})
		if err != nil || len(out.GroupMemberships) != 1 || out.NextToken == nil {
			t.Fatalf("%+v %v", out, err)
		}
		out, err = f.c.ListGroupMemberships(f.ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: &f.store, GroupId: &staff, NextToken: out.NextToken})
		if err != nil || len(out.GroupMemberships) != 1 || out.NextToken != nil {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=ListGroupMembershipsForMember", func(t *testing.T) {
		out, err := f.c.ListGroupMembershipsForMember(f.ctx, &identitystore.ListGroupMembershipsForMemberInput{IdentityStoreId: &f.store,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		if err != nil || len(out.GroupMemberships) != 2 {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=UpdateGroup", func(t *testing.T) {
		if _, err := f.c.UpdateGroup(f.ctx, &identitystore.UpdateGroupInput{IdentityStoreId: &f.store, GroupId: &admins,
			Operations: []types.AttributeOperation{{AttributePath: aws.String("description")}}}); err != nil {
			t.Fatal(err)
		}
		g, err := f.c.DescribeGroup(f.ctx, &identitystore.DescribeGroupInput{IdentityStoreId: &f.store, GroupId: &admins})
		if err != nil || g.Description != nil {
			t.Fatalf("%+v %v", g, err)
		}
	})
	t.Run("method=DeleteGroupMembership", func(t *testing.T) {
		if _, err := f.c.DeleteGroupMembership(f.ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: &f.store, MembershipId: &membership}); err != nil {
			t.Fatal(err)
		}
		_, err := f.c.DeleteGroupMembership(f.ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: &f.store, MembershipId: &membership})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
	t.Run("method=DeleteUser/case=memberships-go", func(t *testing.T) {
		if _, err := f.c.DeleteUser(f.ctx, &identitystore.DeleteUserInput{IdentityStoreId: &f.store, UserId: &bob}); err != nil {
			t.Fatal(err)
		}
		out, err := f.c.ListGroupMemberships(f.ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: &f.store, GroupId: &staff})
		if err != nil || len(out.GroupMemberships) != 1 {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=DeleteGroup", func(t *testing.T) {
		if _, err := f.c.DeleteGroup(f.ctx, &identitystore.DeleteGroupInput{IdentityStoreId: &f.store, GroupId: &staff}); err != nil {
			t.Fatal(err)
		}
		out, err := f.c.ListGroupMembershipsForMember(f.ctx, &identitystore.ListGroupMembershipsForMemberInput{IdentityStoreId: &f.store,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		if err != nil || len(out.GroupMemberships) != 0 {
			t.Fatalf("%+v %v", out, err)
		}
		_, err = f.c.DescribeGroup(f.ctx, &identitystore.DescribeGroupInput{IdentityStoreId: &f.store, GroupId: &staff})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
}

func TestIdentityStoreGoesWithItsInstance(t *testing.T) {
	f := newFixture(t)
	f.user(t, "alice")
	l, err := f.e.SSOAdmin().ListInstances(f.ctx, &ssoadmin.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.SSOAdmin().DeleteInstance(f.ctx, &ssoadmin.DeleteInstanceInput{InstanceArn: l.Instances[0].InstanceArn}); err != nil {
		t.Fatal(err)
	}
	_, err = f.c.ListUsers(f.ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store})
	testenv.APIError(t, err, "ResourceNotFoundException", 400)
}

func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	ctx, c := f.ctx, f.e.IAM()
	client := func(name, policy string) *identitystore.Client {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &name}); err != nil {
			t.Fatal(err)
		}
		if policy != "" {
			if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &name, PolicyName: aws.String("p"), PolicyDocument: &policy}); err != nil {
				t.Fatal(err)
			}
		}
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
		if err != nil {
			t.Fatal(err)
		}
		return identitystore.NewFromConfig(f.e.AWSConfigFor(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	}
	storeARN := "arn:aws:identitystore::" + f.e.AccountID + ":identitystore/" + f.store
	reader := client("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"identitystore:ListUsers","Resource":"`+storeARN+`"}]}`)
	if _, err := reader.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store}); err != nil {
		t.Fatal(err)
	}
	_, err := reader.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: &f.store, UserName: aws.String("x"), DisplayName: aws.String("x")})
	testenv.APIError(t, err, "AccessDeniedException", 400)
	other := client("other", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"identitystore:*","Resource":"arn:aws:identitystore::`+f.e.AccountID+`:identitystore/d-0000000000"}]}`)
	_, err = other.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: &f.store})
	testenv.APIError(t, err, "AccessDeniedException", 400)
}
