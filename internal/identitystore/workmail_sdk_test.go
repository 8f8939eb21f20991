package identitystore_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	wmtypes "github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/testenv"
)

// TestWorkMailUsesTheIdentityStore: an instance from CreateInstance is a
// WorkMail identity provider, and its identity store decides which
// IdentityProviderUserId a mailbox user may carry.
func TestWorkMailUsesTheIdentityStore(t *testing.T) {
	f := newFixture(t)
	alice := f.user(t, "alice")
	wm := f.e.WorkMail()
	l, err := f.e.SSOAdmin().ListInstances(f.ctx, &ssoadmin.ListInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	instance := l.Instances[0].InstanceArn
	org, err := wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("idstore-" + f.store[2:])})
	if err != nil {
		t.Fatal(err)
	}
	u, err := wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("alice"), DisplayName: aws.String("Alice"),
		IdentityProviderUserId: aws.String("0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")})
	if err != nil {
		t.Fatal("before any configuration, any ID is accepted:", err)
	}
	app, err := wm.CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("wm"), InstanceArn: instance})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wm.PutIdentityProviderConfiguration(f.ctx, &workmail.PutIdentityProviderConfigurationInput{OrganizationId: org.OrganizationId,
		AuthenticationMode:               wmtypes.IdentityProviderAuthenticationModeIdentityProviderAndDirectory,
		IdentityCenterConfiguration:      &wmtypes.IdentityCenterConfiguration{InstanceArn: instance, ApplicationArn: app.ApplicationArn},
		PersonalAccessTokenConfiguration: &wmtypes.PersonalAccessTokenConfiguration{Status: wmtypes.PersonalAccessTokenConfigurationStatusInactive}}); err != nil {
		t.Fatal(err)
	}
	_, err = wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: org.OrganizationId, UserId: u.UserId,
		IdentityProviderUserId: aws.String("0123456789-aaaaaaaa-bbbb-4ccc-8ddd-ffffffffffff")})
	testenv.APIError(t, err, "InvalidParameterException", 400)
	_, err = wm.CreateUser(f.ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("bob"), DisplayName: aws.String("Bob"),
		IdentityProviderUserId: aws.String("0123456789-aaaaaaaa-bbbb-4ccc-8ddd-ffffffffffff")})
	testenv.APIError(t, err, "InvalidParameterException", 400)
	if _, err := wm.UpdateUser(f.ctx, &workmail.UpdateUserInput{OrganizationId: org.OrganizationId, UserId: u.UserId, IdentityProviderUserId: &alice}); err != nil {
		t.Fatal(err)
	}
	d, err := wm.DescribeUser(f.ctx, &workmail.DescribeUserInput{OrganizationId: org.OrganizationId, UserId: u.UserId})
	if err != nil || aws.ToString(d.IdentityProviderUserId) != alice || aws.ToString(d.IdentityProviderIdentityStoreId) != f.store {
		t.Fatalf("%+v %v", d, err)
	}
	// An instance of another Region is not this Region's.
	_, err = wm.CreateIdentityCenterApplication(f.ctx, &workmail.CreateIdentityCenterApplicationInput{Name: aws.String("wm"), InstanceArn: instance},
		func(o *workmail.Options) { o.Region = "eu-west-1" })
	testenv.APIError(t, err, "InvalidParameterException", 400)
}
