package identitystore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/mailgate/mailgate/internal/testenv"
)

func unique(path string, value any) *types.AlternateIdentifierMemberUniqueAttribute {
	return &types.AlternateIdentifierMemberUniqueAttribute{Value: types.UniqueAttribute{AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value)}}
}

func set(path string, value any) types.AttributeOperation {
	return types.AttributeOperation{AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value)}
}

func TestGetIDByUniqueAttribute(t *testing.T) {
	f := newFixture(t)
	alice, admins := f.user(t, "alice"), f.group(t, "admins")
	f.user(t, "bob")

	t.Run("method=GetUserId/case=user-name", func(t *testing.T) {
		out, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("userName", "ALICE")})
		if err != nil || aws.ToString(out.UserId) != alice {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=GetUserId/case=email", func(t *testing.T) {
		out, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("emails.value", "alice@example.com")})
		if err != nil || aws.ToString(out.UserId) != alice {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=GetUserId/case=no-match", func(t *testing.T) {
		_, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("userName", "nobody")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypeUser {
			t.Fatalf("%v", err)
		}
	})
	t.Run("method=GetUserId/case=not-unique-or-not-string", func(t *testing.T) {
		for _, ai := range []types.AlternateIdentifier{unique("displayName", "alice Doe"), unique("userName", 42), unique("userName", map[string]any{"v": "alice"})} {
			_, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: ai})
			testenv.APIError(t, err, "ValidationException", 400)
		}
	})
	t.Run("method=GetGroupId/case=display-name", func(t *testing.T) {
		out, err := f.c.GetGroupId(f.ctx, &identitystore.GetGroupIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("displayName", "Admins")})
		if err != nil || aws.ToString(out.GroupId) != admins {
			t.Fatalf("%+v %v", out, err)
		}
		_, err = f.c.GetGroupId(f.ctx, &identitystore.GetGroupIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("description", "the admins")})
		testenv.APIError(t, err, "ValidationException", 400)
	})
}

func TestUpdateSetsValues(t *testing.T) {
	f := newFixture(t)
	alice, admins := f.user(t, "alice"), f.group(t, "admins")
	describe := func(t *testing.T) *identitystore.DescribeUserOutput {
		t.Helper()
		u, err := f.c.DescribeUser(f.ctx, &identitystore.DescribeUserInput{IdentityStoreId: &f.store, UserId: &alice})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	t.Run("method=UpdateUser/case=strings", func(t *testing.T) {
		if _, err := f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice, Operations: []types.AttributeOperation{
			set("displayName", "Alice D."), set("name.givenName", "Alicia"), set("title", "Engineer"), set("userName", "alicia"),
		}}); err != nil {
			t.Fatal(err)
		}
		u := describe(t)
		if aws.ToString(u.DisplayName) != "Alice D." || aws.ToString(u.Name.GivenName) != "Alicia" || aws.ToString(u.Name.FamilyName) != "Doe" ||
			aws.ToString(u.Title) != "Engineer" || aws.ToString(u.UserName) != "alicia" {
			t.Fatalf("%+v", u)
		}
		// The new name is the one GetUserId finds.
		out, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("userName", "alicia")})
		if err != nil || aws.ToString(out.UserId) != alice {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=UpdateUser/case=emails-and-name", func(t *testing.T) {
		if _, err := f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice, Operations: []types.AttributeOperation{
			set("emails", []map[string]any{{"Value": "a@home.example", "Type": "home", "Primary": true}}),
			set("phoneNumbers", []map[string]any{{"Value": "+1 555 0100", "Type": "work"}}),
			set("name", map[string]any{"FamilyName": "Smith", "GivenName": "Alicia"}),
		}}); err != nil {
			t.Fatal(err)
		}
		u := describe(t)
		if len(u.Emails) != 1 || aws.ToString(u.Emails[0].Value) != "a@home.example" || !u.Emails[0].Primary || aws.ToString(u.Emails[0].Type) != "home" ||
			len(u.PhoneNumbers) != 1 || aws.ToString(u.PhoneNumbers[0].Value) != "+1 555 0100" || aws.ToString(u.Name.FamilyName) != "Smith" {
			t.Fatalf("%+v", u)
		}
		out, err := f.c.GetUserId(f.ctx, &identitystore.GetUserIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("emails.value", "A@HOME.example")})
		if err != nil || aws.ToString(out.UserId) != alice {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("method=UpdateUser/case=refused", func(t *testing.T) {
		for _, op := range []types.AttributeOperation{
			set("emails[0].value", "x@example.com"), // AWS takes multi-valued attributes whole
			set("displayName", 7),
			set("emails", "x@example.com"),
			set("displayName", ""),
			set("title", strings.Repeat("x", 2000)), // longer than the model allows
			set("emails", []map[string]any{{"Value": "a@example.com"}, {"Value": "b@example.com"}}), // the model allows one
		} {
			_, err := f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice, Operations: []types.AttributeOperation{op}})
			testenv.APIError(t, err, "ValidationException", 400)
		}
		if u := describe(t); aws.ToString(u.DisplayName) != "Alice D." || len(u.Emails) != 1 {
			t.Fatalf("%+v", u)
		}
	})
	t.Run("method=UpdateUser/case=duplicate-user-name", func(t *testing.T) {
		f.user(t, "bob")
		_, err := f.c.UpdateUser(f.ctx, &identitystore.UpdateUserInput{IdentityStoreId: &f.store, UserId: &alice, Operations: []types.AttributeOperation{set("userName", "Bob")}})
		var ce *types.ConflictException
		if !errors.As(err, &ce) || ce.Reason != types.ConflictExceptionReasonUniquenessConstraintViolation {
			t.Fatalf("%v", err)
		}
	})
	t.Run("method=UpdateGroup/case=display-name", func(t *testing.T) {
		if _, err := f.c.UpdateGroup(f.ctx, &identitystore.UpdateGroupInput{IdentityStoreId: &f.store, GroupId: &admins,
			Operations: []types.AttributeOperation{set("displayName", "Operators"), set("description", "They operate.")}}); err != nil {
			t.Fatal(err)
		}
		g, err := f.c.DescribeGroup(f.ctx, &identitystore.DescribeGroupInput{IdentityStoreId: &f.store, GroupId: &admins})
		if err != nil || aws.ToString(g.DisplayName) != "Operators" || aws.ToString(g.Description) != "They operate." {
			t.Fatalf("%+v %v", g, err)
		}
		out, err := f.c.GetGroupId(f.ctx, &identitystore.GetGroupIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("displayName", "operators")})
		if err != nil || aws.ToString(out.GroupId) != admins {
			t.Fatalf("%+v %v", out, err)
		}
		_, err = f.c.GetGroupId(f.ctx, &identitystore.GetGroupIdInput{IdentityStoreId: &f.store, AlternateIdentifier: unique("displayName", "admins")})
		testenv.APIError(t, err, "ResourceNotFoundException", 400)
	})
}

func TestTypedErrors(t *testing.T) {
	f := newFixture(t)
	alice, admins := f.user(t, "alice"), f.group(t, "admins")

	t.Run("case=conflict-reason", func(t *testing.T) {
		_, err := f.c.CreateUser(f.ctx, &identitystore.CreateUserInput{IdentityStoreId: &f.store, UserName: aws.String("Alice"), DisplayName: aws.String("x")})
		var ce *types.ConflictException
		if !errors.As(err, &ce) || ce.Reason != types.ConflictExceptionReasonUniquenessConstraintViolation || aws.ToString(ce.Message) == "" {
			t.Fatalf("%v", err)
		}
		if _, err := f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: alice}}); err != nil {
			t.Fatal(err)
		}
		_, err = f.c.CreateGroupMembership(f.ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: &f.store, GroupId: &admins,
			MemberId: &types.MemberIdMemberUserId{Value: alice}})
		if !errors.As(err, &ce) || ce.Reason != types.ConflictExceptionReasonUniquenessConstraintViolation {
			t.Fatalf("%v", err)
		}
	})
	t.Run("case=not-found-resource", func(t *testing.T) {
		missing := "0123456789-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
		for _, c := range []struct {
			call func() error
			typ  types.ResourceType
			id   string
		}{
			{func() error {
				_, err := f.c.DescribeUser(f.ctx, &identitystore.DescribeUserInput{IdentityStoreId: &f.store, UserId: &missing})
				return err
			}, types.ResourceTypeUser, missing},
			{func() error {
				_, err := f.c.DescribeGroup(f.ctx, &identitystore.DescribeGroupInput{IdentityStoreId: &f.store, GroupId: &missing})
				return err
			}, types.ResourceTypeGroup, missing},
			{func() error {
				_, err := f.c.DescribeGroupMembership(f.ctx, &identitystore.DescribeGroupMembershipInput{IdentityStoreId: &f.store, MembershipId: &missing})
				return err
			}, types.ResourceTypeGroupMembership, missing},
			{func() error {
				_, err := f.c.ListUsers(f.ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String("d-0000000000")})
				return err
			}, types.ResourceTypeIdentityStore, "d-0000000000"},
		} {
			var nf *types.ResourceNotFoundException
			if err := c.call(); !errors.As(err, &nf) || nf.ResourceType != c.typ || aws.ToString(nf.ResourceId) != c.id {
				t.Errorf("want %s %s, got %v (%+v)", c.typ, c.id, err, nf)
			}
		}
	})
}
