package workmail

// Personal access tokens.
//
// A mailbox user signed in through the identity provider creates a token
// (name, optional scopes) at the sign-in service's token endpoint
// (server.PersonalAccessTokensPath) and sees its secret once:
// "mgp1.<id>.<secret>", a random 128-bit ID and a random 256-bit secret,
// base64url, 71 printable characters. The store keeps the ID, a SHA-256
// hash of the secret, the owner, name, scopes, creation, expiry and last
// use; never the secret, which appears in no log or error message.
// ExpiresTime is the creation time plus the LifetimeInDays in force at
// creation (365 days when the configuration gives none); changing the
// lifetime later does not move the expiry of existing tokens.
//
// A token works, in place of the user's password at sign-in and at the
// introspection endpoint, while all of these hold at the time of use
// (Options.Now): it has not expired; its organization is active and has
// an identity provider configuration whose personal access tokens are
// ACTIVE (INACTIVE suspends every token, and ACTIVE again restores the
// unexpired ones; deleting the configuration deletes them); its user is
// ENABLED. DateLastUsed is written on use at most once a minute per
// token, by one conditional UPDATE.
//
// While tokens are INACTIVE, or there is no configuration, users can
// neither create, list nor delete their tokens. The administrator's API
// (ListPersonalAccessTokens, GetPersonalAccessTokenMetadata,
// DeletePersonalAccessToken) keeps working, so tokens can be audited and
// revoked at any time. GetPersonalAccessTokenMetadata of an unknown token
// is ResourceNotFoundException; DeletePersonalAccessToken of one
// succeeds (the operation is idempotent and models no not-found error).
// ListPersonalAccessTokens of a user unknown in the organization is
// EntityNotFoundException, of a deleted one EntityStateException.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	patIDBytes     = 16
	patSecretBytes = 32
	// defaultPATLifetime applies when the configuration gives no
	// LifetimeInDays.
	defaultPATLifetimeDays = 365
	// patTouchGranularity bounds how often the last use of one token is
	// written.
	patTouchGranularity = time.Minute
	// maxPATsPerUser bounds the tokens one user may hold.
	maxPATsPerUser = 50
)

// newPersonalAccessToken returns the token to hand out, its ID and the
// hash of its secret.
func newPersonalAccessToken() (token, id, hash string) {
	b := make([]byte, patIDBytes+patSecretBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	id, secret := b64.EncodeToString(b[:patIDBytes]), b64.EncodeToString(b[patIDBytes:])
	return introspection.PersonalAccessTokenPrefix + id + "." + secret, id, secretHash(secret)
}

// splitPAT returns the ID and secret of a well-formed token.
func splitPAT(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, introspection.PersonalAccessTokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, ".")
	if !ok || len(id) != b64.EncodedLen(patIDBytes) || len(secret) != b64.EncodedLen(patSecretBytes) {
		return "", "", false
	}
	return id, secret, true
}

func patSummary(t *store.PersonalAccessToken) workmailapi.PersonalAccessTokenSummary {
	return workmailapi.PersonalAccessTokenSummary{
		PersonalAccessTokenId: opt.Ptr(t.ID), UserId: opt.Ptr(t.UserID), Name: opt.Ptr(t.Name),
		DateCreated: tstamp(t.CreatedAt), DateLastUsed: tstamp(t.LastUsedAt), ExpiresTime: tstamp(t.ExpiresAt), Scopes: t.Scopes,
	}
}

func (s *Service) ListPersonalAccessTokens(ctx context.Context, in *workmailapi.ListPersonalAccessTokensRequest) (*workmailapi.ListPersonalAccessTokensResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	userID := ""
	if in.UserId != nil {
		u, err := s.live(ctx, o.ID, *in.UserId, userKind)
		if err != nil {
			return nil, err
		}
		userID = u.ID
	}
	ts, next, err := page(ctx, s, listing("ListPersonalAccessTokens", o.ID, userID), in.NextToken, in.MaxResults, func(p store.Page) ([]store.PersonalAccessToken, error) {
		return s.st.ListPersonalAccessTokens(ctx, o.ID, userID, p)
	}, func(t store.PersonalAccessToken) string { return t.ID })
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListPersonalAccessTokensResponse{PersonalAccessTokenSummaries: apiList(ts, patSummary), NextToken: next}, nil
}

func (s *Service) GetPersonalAccessTokenMetadata(ctx context.Context, in *workmailapi.GetPersonalAccessTokenMetadataRequest) (*workmailapi.GetPersonalAccessTokenMetadataResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	t, err := s.st.GetPersonalAccessToken(ctx, in.PersonalAccessTokenId)
	if errors.Is(err, store.ErrNotFound) || err == nil && t.OrgID != o.ID {
		return nil, workmailapi.NewResourceNotFoundException("The personal access token %s does not exist in organization %s.", in.PersonalAccessTokenId, o.ID)
	}
	if err != nil {
		return nil, err
	}
	x := patSummary(t)
	return &workmailapi.GetPersonalAccessTokenMetadataResponse{PersonalAccessTokenId: x.PersonalAccessTokenId, UserId: x.UserId, Name: x.Name,
		DateCreated: x.DateCreated, DateLastUsed: x.DateLastUsed, ExpiresTime: x.ExpiresTime, Scopes: x.Scopes}, nil
}

func (s *Service) DeletePersonalAccessToken(ctx context.Context, in *workmailapi.DeletePersonalAccessTokenRequest) (*workmailapi.DeletePersonalAccessTokenResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := s.st.DeletePersonalAccessToken(ctx, o.ID, "", in.PersonalAccessTokenId); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &workmailapi.DeletePersonalAccessTokenResponse{}, nil
}

// ---- self-service of signed-in users (mailauth.Service) ----

// patText is the model's pattern for token names and scopes.
var patText = regexp.MustCompile(`^[^\x00-\x1F\x7F<>\\]+$`)

const (
	maxPATNameLen  = 64
	maxPATScopeLen = 256
	maxPATScopes   = 10
)

func checkPATInput(name string, scopes []string) error {
	if len(name) < 1 || len(name) > maxPATNameLen || !patText.MatchString(name) {
		return workmailapi.NewInvalidParameterException("The name must be 1 to %d characters, without control characters, '<', '>' or '\\'.", maxPATNameLen)
	}
	if len(scopes) > maxPATScopes {
		return workmailapi.NewInvalidParameterException("A token has at most %d scopes.", maxPATScopes)
	}
	for _, sc := range scopes {
		if len(sc) < 1 || len(sc) > maxPATScopeLen || !patText.MatchString(sc) {
			return workmailapi.NewInvalidParameterException("A scope must be 1 to %d characters, without control characters, '<', '>' or '\\'.", maxPATScopeLen)
		}
	}
	return nil
}

func patLifetime(c *store.IdentityProviderConfig) time.Duration {
	days := c.PATLifetimeDays
	if days <= 0 {
		days = defaultPATLifetimeDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// patsActive reads the configuration of an organization and reports
// whether its personal access tokens are ACTIVE.
func (s *Service) patsActive(ctx context.Context, orgID string) (bool, error) {
	c, err := s.st.GetIdentityProviderConfig(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.PATStatus == store.PATActive, nil
}

// selfService checks that who signed in with an ID token and that the
// organization's tokens are ACTIVE.
func (s *Service) selfService(ctx context.Context, who *mailauth.Identity) error {
	if who == nil || who.Method != mailauth.MethodIDToken {
		return mailauth.ErrSignInFailed
	}
	ok, err := s.patsActive(ctx, who.OrganizationID)
	if err != nil {
		return err
	}
	if !ok {
		return mailauth.ErrPersonalAccessTokensInactive
	}
	return nil
}

// CreatePersonalAccessToken implements mailauth.Service.
func (s *Service) CreatePersonalAccessToken(ctx context.Context, who *mailauth.Identity, name string, scopes []string) (*mailauth.NewToken, error) {
	if err := s.selfService(ctx, who); err != nil {
		return nil, err
	}
	if err := checkPATInput(name, scopes); err != nil {
		return nil, err
	}
	if len(scopes) == 0 {
		scopes = nil
	}
	held, err := s.st.ListPersonalAccessTokens(ctx, who.OrganizationID, who.UserID, store.Page{Limit: maxPATsPerUser})
	if err != nil {
		return nil, err
	}
	if len(held) >= maxPATsPerUser {
		return nil, workmailapi.NewLimitExceededException("A user holds at most %d personal access tokens.", maxPATsPerUser)
	}
	token, id, hash := newPersonalAccessToken()
	t := store.PersonalAccessToken{ID: id, OrgID: who.OrganizationID, UserID: who.UserID, Name: name, Scopes: scopes, SecretHash: hash, CreatedAt: s.now()}
	err = s.st.CreatePersonalAccessToken(ctx, t, func(c *store.IdentityProviderConfig, t *store.PersonalAccessToken) error {
		if c.PATStatus != store.PATActive {
			return mailauth.ErrPersonalAccessTokensInactive
		}
		t.ExpiresAt = t.CreatedAt.Add(patLifetime(c))
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, mailauth.ErrPersonalAccessTokensInactive
	case errors.Is(err, store.ErrOrganizationDeleted):
		return nil, mailauth.ErrSignInFailed
	case err != nil:
		return nil, err
	}
	stored, err := s.st.GetPersonalAccessToken(ctx, id)
	if err != nil {
		return nil, err
	}
	return &mailauth.NewToken{PersonalAccessTokenID: id, Token: token, Name: name, Scopes: scopes, DateCreated: stored.CreatedAt, ExpiresTime: stored.ExpiresAt}, nil
}

// ListOwnPersonalAccessTokens implements mailauth.Service.
func (s *Service) ListOwnPersonalAccessTokens(ctx context.Context, who *mailauth.Identity) ([]mailauth.TokenSummary, error) {
	if err := s.selfService(ctx, who); err != nil {
		return nil, err
	}
	out := []mailauth.TokenSummary{}
	p := store.Page{Limit: 100}
	for {
		ts, err := s.st.ListPersonalAccessTokens(ctx, who.OrganizationID, who.UserID, p)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			x := mailauth.TokenSummary{PersonalAccessTokenID: t.ID, Name: t.Name, Scopes: t.Scopes, DateCreated: t.CreatedAt, ExpiresTime: t.ExpiresAt}
			x.DateLastUsed = tstamp(t.LastUsedAt)
			out = append(out, x)
		}
		if len(ts) < p.Limit {
			return out, nil
		}
		p.After = ts[len(ts)-1].ID
	}
}

// DeleteOwnPersonalAccessToken implements mailauth.Service.
func (s *Service) DeleteOwnPersonalAccessToken(ctx context.Context, who *mailauth.Identity, id string) error {
	if err := s.selfService(ctx, who); err != nil {
		return err
	}
	err := s.st.DeletePersonalAccessToken(ctx, who.OrganizationID, who.UserID, id)
	if errors.Is(err, store.ErrNotFound) {
		return mailauth.ErrNotFound
	}
	return err
}

// ---- verification ----

// usablePAT is a personal access token that works now, with its
// organization and user.
type usablePAT struct {
	tok  *store.PersonalAccessToken
	org  *store.Organization
	user *store.Entity
}

// verifyPAT returns the token if it works now (nil if not). Callers
// record its use with touchPAT once they have accepted it for the caller
// at hand, so that a refused or foreign caller leaves no trace on it.
func (s *Service) verifyPAT(ctx context.Context, token string) (_ *usablePAT, err error) {
	check := tokenCheck{kind: metrics.TokenPersonalAccessToken}
	defer func() { check.done(err) }()
	fail := func(o metrics.TokenOutcome) (*usablePAT, error) {
		check.outcome = o
		return nil, nil
	}
	id, secret, ok := splitPAT(token)
	if !ok {
		return fail(metrics.TokenMalformed)
	}
	t, err := s.st.GetPersonalAccessToken(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fail(metrics.TokenUnknown)
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(t.SecretHash), []byte(secretHash(secret))) != 1 {
		return fail(metrics.TokenMismatch)
	}
	if !s.now().Before(t.ExpiresAt) {
		return fail(metrics.TokenExpired)
	}
	o, err := s.st.GetOrganization(ctx, t.OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return fail(metrics.TokenInactive)
	}
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return fail(metrics.TokenInactive)
	}
	if ok, err := s.patsActive(ctx, o.ID); err != nil || !ok {
		check.outcome = metrics.TokenInactive
		return nil, err
	}
	u, err := s.st.GetEntity(ctx, o.ID, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return fail(metrics.TokenInactive)
	}
	if err != nil {
		return nil, err
	}
	if u.Type != store.EntityUser || u.State != store.EntityEnabled {
		return fail(metrics.TokenInactive)
	}
	check.outcome = metrics.TokenActive
	return &usablePAT{tok: t, org: o, user: u}, nil
}

// touchPAT records the token's use, at most once per patTouchGranularity.
func (s *Service) touchPAT(ctx context.Context, p *usablePAT) {
	now := s.now()
	if now.Sub(p.tok.LastUsedAt) >= patTouchGranularity {
		// A failure to record the use is not the caller's problem.
		_ = s.st.TouchPersonalAccessToken(ctx, p.tok.ID, now)
		p.tok.LastUsedAt = now
	}
}

// IntrospectPersonalAccessToken implements
// introspection.PersonalAccessTokenIntrospector: the token is active
// while it works for sign-in, and belongs to an organization of the
// caller's account and Region. Given a mailbox, mailbox_allowed says
// whether it is the token's own.
func (s *Service) IntrospectPersonalAccessToken(ctx context.Context, token, mailbox string, authorize func(resourceARN string) error) (*introspection.Result, error) {
	inactive := &introspection.Result{}
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.verifyPAT(ctx, token)
	if err != nil || p == nil {
		return inactive, err
	}
	if !s.sees(sc, p.org) {
		return inactive, nil
	}
	if err := authorize(sc.orgARN(p.org.ID)); err != nil {
		return nil, err
	}
	s.touchPAT(ctx, p)
	username := p.user.Email
	if username == "" {
		username = p.user.Name
	}
	res := &introspection.Result{Active: true, TokenKind: introspection.KindPersonalAccessToken, Exp: p.tok.ExpiresAt.Unix(), Iat: p.tok.CreatedAt.Unix(),
		Sub: p.user.ID, Username: username, UserID: p.user.ID, OrganizationID: p.org.ID, PersonalAccessTokenID: p.tok.ID,
		Scope: strings.Join(p.tok.Scopes, " ")}
	if mailbox == "" {
		return res, nil
	}
	u, err := s.introspectMailbox(ctx, p.org.ID, mailbox, res)
	if err != nil || u == nil {
		return res, err
	}
	*res.MailboxAllowed = u.ID == p.user.ID
	return res, nil
}
