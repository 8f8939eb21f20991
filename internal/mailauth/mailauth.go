// Package mailauth holds what mailbox sign-in needs beyond the directory:
// verification of OpenID Connect ID tokens from the identity provider an
// operator configures, a limiter for failed attempts, and the contract
// between the server's sign-in endpoints and the WorkMail service that
// decides them, so neither depends on the other.
//
// An "Identity Center instance" of the WorkMail API is, in mailgate, a
// standard OpenID Connect provider the operator names (issuer URL, client
// ID, expected audience) under an instance ARN. Its ID tokens are
// verified by signature against the keys the issuer publishes (found
// through its discovery document, refreshed when an unknown key ID
// appears), by issuer, by audience and by expiry; their subject (or
// another claim the operator names) is the IdentityProviderUserId of a
// mailbox user.
package mailauth

import (
	"context"
	"errors"
	"time"
)

// Sign-in methods.
const (
	MethodPassword            = "password"
	MethodIDToken             = "id_token"
	MethodPersonalAccessToken = "personal_access_token"
)

// ErrSignInFailed is every refused sign-in: wrong or unknown credentials,
// a method the organization's mode forbids, a disabled or deleted user,
// and throttling all look the same to the caller.
var ErrSignInFailed = errors.New("sign-in failed")

// ErrPersonalAccessTokensInactive refuses the personal access token
// self-service of a signed-in user while the organization's personal
// access tokens are INACTIVE or it has no identity provider configuration.
var ErrPersonalAccessTokensInactive = errors.New("personal access tokens are not active for this organization")

// ErrNotFound answers a user who deletes a token that is not theirs.
var ErrNotFound = errors.New("not found")

// SignInRequest is one sign-in attempt. Exactly one of Password and
// IDToken is set; a personal access token is given as the Password.
type SignInRequest struct {
	OrganizationID string
	// Username is any identifier of the user (user ID, address or name);
	// required with a password, optional with an ID token or a personal
	// access token (when given, it must name the token's user).
	Username string
	Password string
	IDToken  string
	// SourceIP is the caller's address, for rate limiting.
	SourceIP string
}

// Identity is a signed-in mailbox user.
type Identity struct {
	OrganizationID string `json:"organization_id"`
	UserID         string `json:"user_id"`
	Name           string `json:"username"`
	Email          string `json:"email,omitempty"`
	Method         string `json:"method"`
	// Set for a personal access token.
	PersonalAccessTokenID string   `json:"personal_access_token_id,omitempty"`
	Scopes                []string `json:"scopes,omitempty"`
}

// NewToken is a personal access token as its user sees it once.
type NewToken struct {
	PersonalAccessTokenID string    `json:"personal_access_token_id"`
	Token                 string    `json:"token"`
	Name                  string    `json:"name"`
	Scopes                []string  `json:"scopes,omitempty"`
	DateCreated           time.Time `json:"date_created"`
	ExpiresTime           time.Time `json:"expires_time"`
}

// TokenSummary describes a personal access token without its secret.
type TokenSummary struct {
	PersonalAccessTokenID string     `json:"personal_access_token_id"`
	Name                  string     `json:"name"`
	Scopes                []string   `json:"scopes,omitempty"`
	DateCreated           time.Time  `json:"date_created"`
	DateLastUsed          *time.Time `json:"date_last_used,omitempty"`
	ExpiresTime           time.Time  `json:"expires_time"`
}

// Service decides sign-ins and serves the personal access tokens of
// signed-in users; the WorkMail service implements it.
type Service interface {
	// SignIn returns the identity, ErrSignInFailed, or an internal error.
	SignIn(ctx context.Context, req SignInRequest) (*Identity, error)
	// The token operations take an identity signed in with an ID token.
	CreatePersonalAccessToken(ctx context.Context, who *Identity, name string, scopes []string) (*NewToken, error)
	ListOwnPersonalAccessTokens(ctx context.Context, who *Identity) ([]TokenSummary, error)
	DeleteOwnPersonalAccessToken(ctx context.Context, who *Identity, id string) error
}
