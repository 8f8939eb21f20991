package workmail

// Identity provider configuration.
//
// An "IAM Identity Center instance" is either one created through
// sso-admin (CreateInstance; UseIdentityCenter tells the service about
// them), with its identity store, or an OpenID Connect provider the
// operator configures (Options.IdentityProviders; `mailgate serve
// --oidc-issuer ... --oidc-instance-arn`). Sign-in with ID tokens needs
// the provider: an instance created through sso-admin signs its users in
// with the issuer the server's configuration binds to its ARN
// (`--identity-center-issuer`). When the organization's configuration
// names an instance created through sso-admin, a user's
// IdentityProviderUserId must be the UserId of a user of its identity
// store.
//
// CreateIdentityCenterApplication registers a WorkMail application in
// a configured instance for the caller's account and Region and returns
// arn:aws:sso::<account>:application/<instance id>/apl-<16 characters>.
// An unknown instance is InvalidParameterException (the only error its
// model lists). The same ClientToken with the same input returns the same
// application; with other input, InvalidParameterException.
// DeleteIdentityCenterApplication deletes it; deleting an unknown
// application succeeds (the operation is idempotent and models no
// not-found error); while the configuration of an active organization
// uses it, OrganizationStateException.
//
// PutIdentityProviderConfiguration replaces the organization's whole
// configuration. The instance must be configured here
// (ResourceNotFoundException otherwise) and the application must be one
// created here for the same account and Region (ResourceNotFoundException)
// in that instance (InvalidParameterException). DescribeIdentityProviderConfiguration
// answers ResourceNotFoundException when there is none.
// DeleteIdentityProviderConfiguration removes it, with every personal
// access token of the organization, and succeeds when there is none.
//
// The configuration decides mailbox sign-in (signin.go) and personal
// access tokens (pat.go). DescribeUser and ListUsers report, for a user
// with an IdentityProviderUserId in an organization with a
// configuration, the identity store ID of its instance as
// IdentityProviderIdentityStoreId.

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// idpState is what the service keeps about identity providers: one
// verifier per configured instance, and the sign-in limiters.
type idpState struct {
	byInstance map[string]*mailauth.OIDCVerifier
	center     IdentityCenter // nil: only the configured providers
	perUser    *mailauth.Limiter
	perAddress *mailauth.Limiter
}

// initIdentityProviders checks the configured providers and builds their
// verifiers. A configuration that does not pass
// mailauth.ProviderConfig.WithDefaults is a programming error (mailgate
// serve checks its flags first): New panics.
func (s *Service) initIdentityProviders() {
	s.idp.byInstance = map[string]*mailauth.OIDCVerifier{}
	for _, p := range s.opts.IdentityProviders {
		c, err := p.WithDefaults()
		if err != nil {
			panic("workmail: identity provider: " + err.Error())
		}
		s.idp.byInstance[c.InstanceARN] = mailauth.NewOIDCVerifier(c, s.opts.SignIn.HTTPClient, s.opts.Now)
	}
	o := s.opts.SignIn.withDefaults()
	s.opts.SignIn = o
	s.idp.perUser = mailauth.NewLimiter(o.MaxFailuresPerUser, o.FailureWindow, s.opts.Now)
	s.idp.perAddress = mailauth.NewLimiter(o.MaxFailuresPerAddress, o.FailureWindow, s.opts.Now)
}

// instance returns the verifier of a configured instance, or nil.
func (s *Service) instance(arn string) *mailauth.OIDCVerifier { return s.idp.byInstance[arn] }

// IdentityCenter answers for the Identity Center instances created
// through sso-admin and their identity stores.
type IdentityCenter interface {
	// IdentityStoreID returns the identity store of the account's
	// instance arn in the Region, "" when there is no such instance.
	// create lets the test mode create the instance on first use.
	IdentityStoreID(ctx context.Context, account, region, arn string, create bool) (string, error)
	// HasUser reports whether the account's identity store holds userID.
	HasUser(ctx context.Context, account, identityStoreID, userID string) (bool, error)
}

// UseIdentityCenter makes the instances ic knows usable, besides the
// configured providers. Call it before the service serves.
func (s *Service) UseIdentityCenter(ic IdentityCenter) { s.idp.center = ic }

// identityStore returns the identity store of an instance of the
// caller's account and Region: created through sso-admin, or configured.
// "" when there is no such instance.
func (s *Service) identityStore(ctx context.Context, sc scope, arn string) (id string, created bool, err error) {
	if arnPartition(arn) != sc.partition {
		return "", false, nil
	}
	// An instance created through sso-admin has its own identity store,
	// even with a provider configured for it; a provider configured alone
	// is not shadowed by the test mode's instances on first use.
	v := s.instance(arn)
	if s.idp.center != nil {
		id, err := s.idp.center.IdentityStoreID(ctx, sc.account, sc.region, arn, v == nil)
		if err != nil || id != "" {
			return id, true, err
		}
	}
	if v != nil {
		return v.Config().IdentityStoreID, false, nil
	}
	return "", false, nil
}

// checkIdentityProviderUserID refuses, for an organization whose
// configuration names an instance created through sso-admin, an
// IdentityProviderUserId that is not a user of the instance's identity
// store.
func (s *Service) checkIdentityProviderUserID(ctx context.Context, orgID string, userID *string) error {
	if userID == nil || *userID == "" {
		return nil
	}
	o, sc, err := s.visibleOrg(ctx, orgID)
	if err != nil {
		return nil // the operation answers for the organization itself
	}
	c, err := s.st.GetIdentityProviderConfig(ctx, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	storeID, created, err := s.identityStore(ctx, sc, c.InstanceARN)
	if err != nil || !created {
		return err
	}
	ok, err := s.idp.center.HasUser(ctx, sc.account, storeID, *userID)
	if err == nil && !ok {
		return workmailapi.NewInvalidParameterException("The IdentityProviderUserId %s is not a user of the identity store %s.", *userID, storeID)
	}
	return err
}

func appRequestHash(in *workmailapi.CreateIdentityCenterApplicationRequest) string {
	c := *in
	c.ClientToken = nil
	return requestHash(c)
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomAlnum(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// arnPartition returns the partition of an ARN.
func arnPartition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

func (s *Service) CreateIdentityCenterApplication(ctx context.Context, in *workmailapi.CreateIdentityCenterApplicationRequest) (*workmailapi.CreateIdentityCenterApplicationResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if storeID, _, err := s.identityStore(ctx, sc, in.InstanceArn); err != nil {
		return nil, err
	} else if storeID == "" {
		return nil, workmailapi.NewInvalidParameterException("The Identity Center instance %s does not exist.", in.InstanceArn)
	}
	instanceID := in.InstanceArn[strings.LastIndexByte(in.InstanceArn, '/')+1:]
	a := store.IdentityCenterApplication{
		ARN:       "arn:" + sc.partition + ":sso::" + sc.account + ":application/" + instanceID + "/apl-" + randomAlnum(16),
		AccountID: sc.account, Region: sc.region, InstanceARN: in.InstanceArn, Name: in.Name,
		ClientToken: opt.Deref(in.ClientToken), RequestHash: appRequestHash(in), CreatedAt: s.now(),
	}
	got, replayed, err := s.st.CreateIdentityCenterApplication(ctx, a)
	if err != nil {
		return nil, err
	}
	if replayed && got.RequestHash != a.RequestHash {
		return nil, workmailapi.NewInvalidParameterException("The client token %s was already used with different parameters.", a.ClientToken)
	}
	return &workmailapi.CreateIdentityCenterApplicationResponse{ApplicationArn: &got.ARN}, nil
}

// application returns an application of the caller's account and Region.
func (s *Service) application(ctx context.Context, sc scope, arn string) (*store.IdentityCenterApplication, error) {
	a, err := s.st.GetIdentityCenterApplication(ctx, arn)
	if errors.Is(err, store.ErrNotFound) || err == nil && (a.AccountID != sc.account || a.Region != sc.region) {
		return nil, store.ErrNotFound
	}
	return a, err
}

func (s *Service) DeleteIdentityCenterApplication(ctx context.Context, in *workmailapi.DeleteIdentityCenterApplicationRequest) (*workmailapi.DeleteIdentityCenterApplicationResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.application(ctx, sc, in.ApplicationArn); errors.Is(err, store.ErrNotFound) {
		return &workmailapi.DeleteIdentityCenterApplicationResponse{}, nil
	} else if err != nil {
		return nil, err
	}
	err = s.st.DeleteIdentityCenterApplication(ctx, in.ApplicationArn)
	switch {
	case errors.Is(err, store.ErrInUse):
		return nil, workmailapi.NewOrganizationStateException("The application %s is used by the identity provider configuration of an organization.", in.ApplicationArn)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return &workmailapi.DeleteIdentityCenterApplicationResponse{}, nil
}

const (
	minPATLifetimeDays = 1
	maxPATLifetimeDays = 3653
)

func (s *Service) PutIdentityProviderConfiguration(ctx context.Context, in *workmailapi.PutIdentityProviderConfigurationRequest) (*workmailapi.PutIdentityProviderConfigurationResponse, error) {
	o, sc, err := s.visibleOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, orgStateErr(o.ID)
	}
	if in.IdentityCenterConfiguration == nil || in.PersonalAccessTokenConfiguration == nil {
		return nil, workmailapi.NewInvalidParameterException("IdentityCenterConfiguration and PersonalAccessTokenConfiguration are required.")
	}
	ic, pc := in.IdentityCenterConfiguration, in.PersonalAccessTokenConfiguration
	c := store.IdentityProviderConfig{OrgID: o.ID, AuthenticationMode: string(in.AuthenticationMode), InstanceARN: ic.InstanceArn,
		ApplicationARN: ic.ApplicationArn, PATStatus: string(pc.Status), UpdatedAt: s.now()}
	switch c.AuthenticationMode {
	case store.AuthIdentityProviderOnly, store.AuthIdentityProviderAndDirectory:
	default:
		return nil, workmailapi.NewInvalidParameterException("AuthenticationMode must be IDENTITY_PROVIDER_ONLY or IDENTITY_PROVIDER_AND_DIRECTORY.")
	}
	switch c.PATStatus {
	case store.PATActive, store.PATInactive:
	default:
		return nil, workmailapi.NewInvalidParameterException("PersonalAccessTokenConfiguration.Status must be ACTIVE or INACTIVE.")
	}
	if pc.LifetimeInDays != nil {
		if d := *pc.LifetimeInDays; d < minPATLifetimeDays || d > maxPATLifetimeDays {
			return nil, workmailapi.NewInvalidParameterException("PersonalAccessTokenConfiguration.LifetimeInDays must be between %d and %d.", minPATLifetimeDays, maxPATLifetimeDays)
		}
		c.PATLifetimeDays = int(*pc.LifetimeInDays)
	}
	if storeID, _, err := s.identityStore(ctx, sc, ic.InstanceArn); err != nil {
		return nil, err
	} else if storeID == "" {
		return nil, workmailapi.NewResourceNotFoundException("The Identity Center instance %s does not exist.", ic.InstanceArn)
	}
	a, err := s.application(ctx, sc, ic.ApplicationArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewResourceNotFoundException("The Identity Center application %s does not exist.", ic.ApplicationArn)
	}
	if err != nil {
		return nil, err
	}
	if a.InstanceARN != ic.InstanceArn {
		return nil, workmailapi.NewInvalidParameterException("The application %s does not belong to the Identity Center instance %s.", ic.ApplicationArn, ic.InstanceArn)
	}
	err = s.st.PutIdentityProviderConfig(ctx, c)
	if errors.Is(err, store.ErrOrganizationDeleted) {
		return nil, orgStateErr(o.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		// The application was deleted since we read it.
		return nil, workmailapi.NewResourceNotFoundException("The Identity Center application %s does not exist.", ic.ApplicationArn)
	}
	if err != nil {
		return nil, err
	}
	return &workmailapi.PutIdentityProviderConfigurationResponse{}, nil
}

func (s *Service) DescribeIdentityProviderConfiguration(ctx context.Context, in *workmailapi.DescribeIdentityProviderConfigurationRequest) (*workmailapi.DescribeIdentityProviderConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	c, err := s.st.GetIdentityProviderConfig(ctx, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewResourceNotFoundException("The organization %s has no identity provider configuration.", o.ID)
	}
	if err != nil {
		return nil, err
	}
	out := &workmailapi.DescribeIdentityProviderConfigurationResponse{
		AuthenticationMode:               opt.Ptr(workmailapi.IdentityProviderAuthenticationMode(c.AuthenticationMode)),
		IdentityCenterConfiguration:      &workmailapi.IdentityCenterConfiguration{InstanceArn: c.InstanceARN, ApplicationArn: c.ApplicationARN},
		PersonalAccessTokenConfiguration: &workmailapi.PersonalAccessTokenConfiguration{Status: workmailapi.PersonalAccessTokenConfigurationStatus(c.PATStatus)},
	}
	if c.PATLifetimeDays > 0 {
		out.PersonalAccessTokenConfiguration.LifetimeInDays = opt.Ptr(int32(c.PATLifetimeDays))
	}
	return out, nil
}

func (s *Service) DeleteIdentityProviderConfiguration(ctx context.Context, in *workmailapi.DeleteIdentityProviderConfigurationRequest) (*workmailapi.DeleteIdentityProviderConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := s.st.DeleteIdentityProviderConfig(ctx, o.ID); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteIdentityProviderConfigurationResponse{}, nil
}

// identityStoreIDs returns a function that reports the identity store ID
// of users of an organization: that of the instance its configuration
// names, for users with an IdentityProviderUserId. The configuration is
// read once, and only when a user needs it.
func (s *Service) identityStoreIDs(ctx context.Context, orgID string) func(u *store.Entity) string {
	read, storeID := false, ""
	return func(u *store.Entity) string {
		if u.IdentityProviderIdentityStoreID != "" || u.IdentityProviderUserID == "" {
			return u.IdentityProviderIdentityStoreID
		}
		if !read {
			read = true
			c, err := s.st.GetIdentityProviderConfig(ctx, orgID)
			if sc, serr := scopeOf(ctx); err == nil && serr == nil {
				storeID, _, _ = s.identityStore(ctx, sc, c.InstanceARN)
			}
		}
		return storeID
	}
}
