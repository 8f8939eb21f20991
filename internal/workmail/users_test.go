package workmail

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	out, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "Jane.Doe", DisplayName: "Jane Doe",
		FirstName: opt.Ptr("Jane"), LastName: opt.Ptr("Doe"), HiddenFromGlobalAddressList: opt.Ptr(true), Password: opt.Ptr("Correct-Horse-9")})
	if err != nil {
		t.Fatal(err)
	}
	if !uuidPattern.MatchString(*out.UserId) {
		t.Fatalf("user ID %q", *out.UserId)
	}
	u := f.describeUser(org, "jane.doe") // by name, ignoring case
	if *u.UserId != *out.UserId || *u.Name != "Jane.Doe" || *u.DisplayName != "Jane Doe" || *u.State != "DISABLED" ||
		*u.UserRole != "USER" || *u.FirstName != "Jane" || *u.LastName != "Doe" || !*u.HiddenFromGlobalAddressList ||
		u.Email != nil || u.EnabledDate != nil {
		t.Fatalf("DescribeUser: %+v", u)
	}

	_, err = f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "JANE.DOE", DisplayName: "x"})
	wantCode(t, err, "NameAvailabilityException")
	_, err = f.s.CreateGroup(f.ctx, &workmailapi.CreateGroupRequest{OrganizationId: org, Name: "jane.doe"})
	wantCode(t, err, "NameAvailabilityException")
	_, err = f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "Administrator", DisplayName: "x"})
	wantCode(t, err, "ReservedNameException")
	_, err = f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "sys", DisplayName: "x", Role: opt.Ptr(workmailapi.UserRoleSystemUser)})
	wantCode(t, err, "InvalidParameterException")
	r, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "remote", DisplayName: "x", Role: opt.Ptr(workmailapi.UserRoleRemoteUser)})
	if err != nil || *f.describeUser(org, *r.UserId).UserRole != "REMOTE_USER" {
		t.Fatalf("remote user: %v", err)
	}
	_, err = f.s.DescribeUser(f.ctx, &workmailapi.DescribeUserRequest{OrganizationId: org, UserId: "nobody"})
	wantCode(t, err, "EntityNotFoundException")
}

func TestPasswords(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	for _, weak := range []string{"Sh0rt!", "alllowercase1", "NoDigitsOrMarks", "Janet-Secret-1"} {
		_, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "janet", DisplayName: "x", Password: opt.Ptr(weak)})
		wantCode(t, err, "InvalidPasswordException")
		if strings.Contains(err.Error(), weak) {
			t.Fatalf("the error echoes the password: %v", err)
		}
	}
	id := f.user(org, "janet") // password Sup3r-secret!

	// Only a hash is stored.
	e, err := f.db.GetEntity(context.Background(), org, id)
	if err != nil || !strings.HasPrefix(e.PasswordHash, "$argon2id$") || strings.Contains(e.PasswordHash, "Sup3r") {
		t.Fatalf("stored password: %q %v", e.PasswordHash, err)
	}
	check := func(ident, pw string, want bool) {
		t.Helper()
		ok, err := f.s.VerifyPassword(context.Background(), org, ident, pw)
		if err != nil || ok != want {
			t.Fatalf("VerifyPassword(%s, %s) = %v %v, want %v", ident, pw, ok, err, want)
		}
	}
	check(id, "Sup3r-secret!", false) // disabled users cannot sign in
	f.register(org, id, "janet@corp.example")
	check(id, "Sup3r-secret!", true)
	check("JANET@corp.example", "Sup3r-secret!", true)
	check(id, "sup3r-secret!", false)
	check("nobody", "Sup3r-secret!", false)

	_, err = f.s.ResetPassword(f.ctx, &workmailapi.ResetPasswordRequest{OrganizationId: org, UserId: id, Password: "weak"})
	wantCode(t, err, "InvalidPasswordException")
	if _, err := f.s.ResetPassword(f.ctx, &workmailapi.ResetPasswordRequest{OrganizationId: org, UserId: "janet", Password: "N3w pass phrase"}); err != nil {
		t.Fatal(err)
	}
	check(id, "Sup3r-secret!", false)
	check(id, "N3w pass phrase", true)

	g := f.group(org, "team")
	_, err = f.s.ResetPassword(f.ctx, &workmailapi.ResetPasswordRequest{OrganizationId: org, UserId: g, Password: "N3w pass phrase"})
	wantCode(t, err, "EntityNotFoundException")
}

func TestRegisterAndDeregisterUser(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	jane, john := f.user(org, "jane"), f.user(org, "john")

	_, err := f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: org, EntityId: jane, Email: "jane@elsewhere.example"})
	wantCode(t, err, "MailDomainNotFoundException")

	before := f.clock.Now()
	f.register(org, jane, "Jane@corp.example")
	u := f.describeUser(org, "JANE@CORP.EXAMPLE") // by address, ignoring case
	if *u.State != "ENABLED" || *u.Email != "Jane@corp.example" || u.EnabledDate == nil || u.EnabledDate.Before(before) || u.MailboxProvisionedDate == nil {
		t.Fatalf("registered user: %+v", u)
	}
	f.register(org, jane, "jane@corp.example") // again with its address: no change
	_, err = f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: org, EntityId: jane, Email: "j@corp.example"})
	wantCode(t, err, "EntityAlreadyRegisteredException")

	_, err = f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: org, EntityId: john, Email: "JANE@corp.example"})
	wantCode(t, err, "EmailAddressInUseException")
	if u := f.describeUser(org, john); *u.State != "DISABLED" || u.Email != nil {
		t.Fatalf("refused registration changed the user: %+v", u)
	}
	// The test domain is a verified domain too.
	f.register(org, john, "john@corp.awsapps.com")

	if _, err := f.s.DeregisterFromWorkMail(f.ctx, &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: org, EntityId: "jane@corp.example"}); err != nil {
		t.Fatal(err)
	}
	u = f.describeUser(org, jane)
	if *u.State != "DISABLED" || u.Email != nil || u.DisabledDate == nil || u.MailboxDeprovisionedDate == nil {
		t.Fatalf("deregistered user: %+v", u)
	}
	if _, err := f.s.DeregisterFromWorkMail(f.ctx, &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: org, EntityId: jane}); err != nil {
		t.Fatalf("deregistering twice: %v", err)
	}
	// Its address is free again.
	other := f.user(org, "other")
	f.register(org, other, "jane@corp.example")
}

func TestUpdateUser(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp")
	id, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "jane", DisplayName: "Jane", FirstName: opt.Ptr("Jane"), LastName: opt.Ptr("Doe")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.s.UpdateUser(f.ctx, &workmailapi.UpdateUserRequest{OrganizationId: org, UserId: "jane",
		DisplayName: opt.Ptr("Jane D."), LastName: opt.Ptr(""), City: opt.Ptr("Lyon"), JobTitle: opt.Ptr("CTO"), HiddenFromGlobalAddressList: opt.Ptr(true),
		Role: opt.Ptr(workmailapi.UserRoleRemoteUser), IdentityProviderUserId: opt.Ptr("12345678-1234-1234-1234-123456789012")})
	if err != nil {
		t.Fatal(err)
	}
	u := f.describeUser(org, *id.UserId)
	if *u.DisplayName != "Jane D." || u.LastName != nil || *u.FirstName != "Jane" || *u.City != "Lyon" || *u.JobTitle != "CTO" ||
		!*u.HiddenFromGlobalAddressList || *u.UserRole != "REMOTE_USER" || *u.IdentityProviderUserId != "12345678-1234-1234-1234-123456789012" {
		t.Fatalf("updated user: %+v", u)
	}
	_, err = f.s.UpdateUser(f.ctx, &workmailapi.UpdateUserRequest{OrganizationId: org, UserId: "jane", Role: opt.Ptr(workmailapi.UserRoleResource)})
	wantCode(t, err, "InvalidParameterException")
	_, err = f.s.UpdateUser(f.ctx, &workmailapi.UpdateUserRequest{OrganizationId: org, UserId: "nobody", City: opt.Ptr("x")})
	wantCode(t, err, "EntityNotFoundException")

	if _, err := f.s.DeleteUser(f.ctx, &workmailapi.DeleteUserRequest{OrganizationId: org, UserId: *id.UserId}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.UpdateUser(f.ctx, &workmailapi.UpdateUserRequest{OrganizationId: org, UserId: *id.UserId, City: opt.Ptr("x")})
	wantCode(t, err, "EntityStateException")
}

func TestDeleteUser(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	id := f.user(org, "jane")
	g := f.group(org, "team")
	if _, err := f.s.AssociateMemberToGroup(f.ctx, &workmailapi.AssociateMemberToGroupRequest{OrganizationId: org, GroupId: g, MemberId: id}); err != nil {
		t.Fatal(err)
	}
	f.register(org, id, "jane@corp.example")

	_, err := f.s.DeleteUser(f.ctx, &workmailapi.DeleteUserRequest{OrganizationId: org, UserId: id})
	wantCode(t, err, "EntityStateException")
	if _, err := f.s.DeregisterFromWorkMail(f.ctx, &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: org, EntityId: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DeleteUser(f.ctx, &workmailapi.DeleteUserRequest{OrganizationId: org, UserId: "jane"}); err != nil {
		t.Fatal(err)
	}
	// A tombstone: resolvable by ID, its name free, its memberships gone.
	u := f.describeUser(org, id)
	if *u.State != "DELETED" || *u.Name != "jane" || u.Email != nil {
		t.Fatalf("deleted user: %+v", u)
	}
	_, err = f.s.DescribeUser(f.ctx, &workmailapi.DescribeUserRequest{OrganizationId: org, UserId: "jane"})
	wantCode(t, err, "EntityNotFoundException")
	m, _ := f.s.ListGroupMembers(f.ctx, &workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: g})
	if len(m.Members) != 0 {
		t.Fatalf("deleted user still a member: %+v", m.Members)
	}
	_, err = f.s.RegisterToWorkMail(f.ctx, &workmailapi.RegisterToWorkMailRequest{OrganizationId: org, EntityId: id, Email: "jane@corp.example"})
	wantCode(t, err, "EntityStateException")
	_, err = f.s.ResetPassword(f.ctx, &workmailapi.ResetPasswordRequest{OrganizationId: org, UserId: id, Password: "N3w pass phrase"})
	wantCode(t, err, "EntityStateException")
	again := f.user(org, "jane")
	if again == id {
		t.Fatal("a new user reused the ID")
	}
	// Deleting is idempotent.
	for _, ident := range []string{id, "ghost", "00000000-0000-0000-0000-000000000000"} {
		if _, err := f.s.DeleteUser(f.ctx, &workmailapi.DeleteUserRequest{OrganizationId: org, UserId: ident}); err != nil {
			t.Fatalf("DeleteUser(%s): %v", ident, err)
		}
	}
}

func TestListUsers(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp", "corp.example")
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, f.user(org, fmt.Sprintf("user%d", i)))
	}
	f.group(org, "users-group")
	f.register(org, ids[0], "first@corp.example")
	if _, err := f.s.DeleteUser(f.ctx, &workmailapi.DeleteUserRequest{OrganizationId: org, UserId: ids[4]}); err != nil {
		t.Fatal(err)
	}

	list := func(filters *workmailapi.ListUsersFilters) []workmailapi.User {
		t.Helper()
		var all []workmailapi.User
		var token *string
		for {
			out, err := f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org, Filters: filters, MaxResults: opt.Ptr(int32(2)), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.Users...)
			if token = out.NextToken; token == nil {
				return all
			}
		}
	}
	if all := list(nil); len(all) != 5 {
		t.Fatalf("%d users", len(all))
	}
	cases := []struct {
		f    workmailapi.ListUsersFilters
		want int
	}{
		{workmailapi.ListUsersFilters{UsernamePrefix: opt.Ptr("USER")}, 5},
		{workmailapi.ListUsersFilters{UsernamePrefix: opt.Ptr("user1")}, 1},
		{workmailapi.ListUsersFilters{State: opt.Ptr(workmailapi.EntityStateEnabled)}, 1},
		{workmailapi.ListUsersFilters{State: opt.Ptr(workmailapi.EntityStateDeleted)}, 1},
		{workmailapi.ListUsersFilters{PrimaryEmailPrefix: opt.Ptr("first")}, 1},
		{workmailapi.ListUsersFilters{DisplayNamePrefix: opt.Ptr("user")}, 5},
	}
	for _, c := range cases {
		if got := list(&c.f); len(got) != c.want {
			t.Errorf("filter %+v: %d users, want %d", c.f, len(got), c.want)
		}
	}
	_, err := f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org,
		Filters: &workmailapi.ListUsersFilters{UsernamePrefix: opt.Ptr("u"), State: opt.Ptr(workmailapi.EntityStateEnabled)}})
	wantCode(t, err, "InvalidParameterException")

	first, err := f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org, MaxResults: opt.Ptr(int32(1))})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %+v %v", first, err)
	}
	// A token is bound to its listing and cannot be forged.
	for _, bad := range []string{"garbage!!", "AAAA", *first.NextToken + "x", strings.ToUpper(*first.NextToken)} {
		_, err := f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org, NextToken: opt.Ptr(bad)})
		wantCode(t, err, "InvalidParameterException")
	}
	_, err = f.s.ListGroups(f.ctx, &workmailapi.ListGroupsRequest{OrganizationId: org, NextToken: first.NextToken})
	wantCode(t, err, "InvalidParameterException")
	_, err = f.s.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org, NextToken: first.NextToken,
		Filters: &workmailapi.ListUsersFilters{UsernamePrefix: opt.Ptr("user")}})
	wantCode(t, err, "InvalidParameterException")
	// Tokens survive a restart: the key lives in the store.
	s2 := New(f.db, Options{Now: f.clock.Now})
	if _, err := s2.ListUsers(f.ctx, &workmailapi.ListUsersRequest{OrganizationId: org, NextToken: first.NextToken}); err != nil {
		t.Fatalf("token after restart: %v", err)
	}
}

func TestConcurrentCreateUserSameName(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, clash := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.CreateUser(f.ctx, &workmailapi.CreateUserRequest{OrganizationId: org, Name: "same", DisplayName: "x"})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else if e, isAPI := asAPI(err); isAPI && e == "NameAvailabilityException" {
				clash++
			} else {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || clash != 11 {
		t.Fatalf("%d created, %d clashes", ok, clash)
	}
}
