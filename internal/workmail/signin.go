package workmail

// Mailbox sign-in.
//
// SignIn (mailauth.Service; the HTTP endpoint is server.SignInPath)
// accepts, for a user of an active organization:
//
//   - the directory password, only while the organization has no
//     identity provider configuration or its mode is
//     IDENTITY_PROVIDER_AND_DIRECTORY;
//   - an ID token of the organization's provider (a configuration is
//     needed): verified by signature, issuer, audience and expiry, its
//     user claim must equal the IdentityProviderUserId of exactly one
//     user of the organization;
//   - a personal access token given as the password, only while the
//     organization's personal access tokens are ACTIVE.
//
// Only ENABLED users sign in. Every refusal is mailauth.ErrSignInFailed:
// wrong credentials, unknown users, a forbidden method and throttling
// look the same, and a refused password costs the same argon2id
// computation whatever the reason.
//
// Rate limiting (SignInOptions): each failure takes one attempt from the
// user's bucket (MaxFailuresPerUser, default 5) and from the source
// address's (MaxFailuresPerAddress, default 50); a bucket refills over
// FailureWindow (15 minutes). While either is empty, attempts are refused
// without checking the credentials, and do not count. A successful
// sign-in refills the user's bucket. ID token failures count against the
// address only (the user is not known before the token verifies). The
// buckets live in memory, per replica: behind a load balancer the limits
// apply per replica.

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/store"
)

// SignInOptions tunes mailbox sign-in.
type SignInOptions struct {
	// MaxFailuresPerUser and MaxFailuresPerAddress are the failed
	// attempts a user, and a source address, may make in a row before
	// being throttled (defaults 5 and 50; negative: no limit).
	MaxFailuresPerUser    int
	MaxFailuresPerAddress int
	// FailureWindow is the time an empty bucket takes to refill (15
	// minutes by default).
	FailureWindow time.Duration
	// HTTPClient fetches the identity providers' discovery documents and
	// keys (default: a client with a 10 s timeout).
	HTTPClient *http.Client
	// Logger receives warnings about unreachable identity providers
	// (default: discarded). Nothing secret is ever logged.
	Logger *slog.Logger
}

const (
	DefaultMaxFailuresPerUser    = 5
	DefaultMaxFailuresPerAddress = 50
	DefaultFailureWindow         = 15 * time.Minute
)

func (o SignInOptions) withDefaults() SignInOptions {
	if o.MaxFailuresPerUser == 0 {
		o.MaxFailuresPerUser = DefaultMaxFailuresPerUser
	}
	if o.MaxFailuresPerAddress == 0 {
		o.MaxFailuresPerAddress = DefaultMaxFailuresPerAddress
	}
	if o.FailureWindow <= 0 {
		o.FailureWindow = DefaultFailureWindow
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

var _ mailauth.Service = (*Service)(nil)

// SignIn implements mailauth.Service.
func (s *Service) SignIn(ctx context.Context, req mailauth.SignInRequest) (*mailauth.Identity, error) {
	addrKey := "addr:" + req.SourceIP
	if req.IDToken != "" {
		if !s.idp.perAddress.Allow(addrKey) {
			return nil, mailauth.ErrSignInFailed
		}
		who, err := s.signInIDToken(ctx, req)
		if errors.Is(err, mailauth.ErrSignInFailed) {
			s.idp.perAddress.Fail(addrKey)
		}
		return who, err
	}

	// Password or personal access token: the user is named, and its
	// bucket is keyed by its ID whatever identifier names it.
	o, err := s.st.GetOrganization(ctx, req.OrganizationID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err == nil && o.State != store.OrganizationActive {
		o = nil
	}
	var u *store.Entity
	userKey := "user:" + req.OrganizationID + "/" + strings.ToLower(req.Username)
	if o != nil && req.Username != "" {
		u, err = s.st.ResolveEntity(ctx, o.ID, req.Username)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if u != nil {
			userKey = "user:" + o.ID + "/" + u.ID
		}
	}
	isPAT := introspection.IsPersonalAccessToken(req.Password)
	if !s.idp.perAddress.Allow(addrKey) || (req.Username != "" && !s.idp.perUser.Allow(userKey)) {
		if !isPAT {
			_, _ = verifyHash(dummyHash, req.Password)
		}
		return nil, mailauth.ErrSignInFailed
	}
	var who *mailauth.Identity
	if isPAT {
		who, err = s.signInPAT(ctx, req, o, u)
	} else {
		who, err = s.signInPassword(ctx, req, o, u)
	}
	switch {
	case errors.Is(err, mailauth.ErrSignInFailed):
		s.idp.perAddress.Fail(addrKey)
		if req.Username != "" {
			s.idp.perUser.Fail(userKey)
		}
	case err == nil:
		s.idp.perUser.Reset(userKey)
	}
	return who, err
}

func identityOf(o *store.Organization, u *store.Entity, method string) *mailauth.Identity {
	return &mailauth.Identity{OrganizationID: o.ID, UserID: u.ID, Name: u.Name, Email: u.Email, Method: method}
}

func enabledUser(u *store.Entity) bool {
	return u != nil && u.Type == store.EntityUser && u.State == store.EntityEnabled
}

func (s *Service) signInPassword(ctx context.Context, req mailauth.SignInRequest, o *store.Organization, u *store.Entity) (*mailauth.Identity, error) {
	hash := ""
	if o != nil && enabledUser(u) {
		directoryAllowed := true
		c, err := s.st.GetIdentityProviderConfig(ctx, o.ID)
		switch {
		case err == nil:
			directoryAllowed = c.AuthenticationMode == store.AuthIdentityProviderAndDirectory
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		if directoryAllowed {
			hash = u.PasswordHash
		}
	}
	if hash == "" {
		_, _ = verifyHash(dummyHash, req.Password)
		return nil, mailauth.ErrSignInFailed
	}
	ok, err := verifyHash(hash, req.Password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, mailauth.ErrSignInFailed
	}
	return identityOf(o, u, mailauth.MethodPassword), nil
}

func (s *Service) signInPAT(ctx context.Context, req mailauth.SignInRequest, o *store.Organization, u *store.Entity) (*mailauth.Identity, error) {
	if o == nil || (req.Username != "" && u == nil) {
		return nil, mailauth.ErrSignInFailed
	}
	p, err := s.verifyPAT(ctx, req.Password)
	if err != nil {
		return nil, err
	}
	if p == nil || p.org.ID != o.ID || (u != nil && u.ID != p.user.ID) {
		return nil, mailauth.ErrSignInFailed
	}
	s.touchPAT(ctx, p)
	who := identityOf(p.org, p.user, mailauth.MethodPersonalAccessToken)
	who.PersonalAccessTokenID, who.Scopes = p.tok.ID, p.tok.Scopes
	return who, nil
}

func (s *Service) signInIDToken(ctx context.Context, req mailauth.SignInRequest) (*mailauth.Identity, error) {
	o, err := s.st.GetOrganization(ctx, req.OrganizationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, mailauth.ErrSignInFailed
	}
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, mailauth.ErrSignInFailed
	}
	c, err := s.st.GetIdentityProviderConfig(ctx, o.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, mailauth.ErrSignInFailed
	}
	if err != nil {
		return nil, err
	}
	v := s.instance(c.InstanceARN)
	if v == nil {
		// Configured once, then removed from the server's flags.
		return nil, mailauth.ErrSignInFailed
	}
	subject, err := v.Verify(ctx, req.IDToken)
	if errors.Is(err, mailauth.ErrProviderUnavailable) {
		s.opts.SignIn.Logger.Warn("identity provider unavailable", "instance_arn", c.InstanceARN, "issuer", v.Config().Issuer)
		return nil, err
	}
	if err != nil {
		return nil, mailauth.ErrSignInFailed
	}
	users, err := s.st.FindUsersByIdentityProviderUserID(ctx, o.ID, subject)
	if err != nil {
		return nil, err
	}
	var match *store.Entity
	for i := range users {
		if enabledUser(&users[i]) {
			if match != nil {
				// Two users claim the same identity: neither signs in.
				return nil, mailauth.ErrSignInFailed
			}
			match = &users[i]
		}
	}
	if match == nil {
		return nil, mailauth.ErrSignInFailed
	}
	if req.Username != "" {
		u, err := s.st.ResolveEntity(ctx, o.ID, req.Username)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if u == nil || u.ID != match.ID {
			return nil, mailauth.ErrSignInFailed
		}
	}
	return identityOf(o, match, mailauth.MethodIDToken), nil
}
