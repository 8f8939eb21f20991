package main

import (
	"flag"
	"log/slog"
	"time"

	"github.com/mailgate/mailgate/internal/mailauth"
	"github.com/mailgate/mailgate/internal/workmail"
)

// idpFlags configure the OpenID Connect provider that stands for an
// Identity Center instance, and mailbox sign-in.
type idpFlags struct {
	oidcIssuer, oidcClientID, oidcAudience string
	oidcInstanceARN, oidcIdentityStoreID   string
	oidcUserClaim                          string
	signInMaxFailuresPerUser               int
	signInMaxFailuresPerAddress            int
	signInFailureWindow                    time.Duration

	provider *mailauth.ProviderConfig // set by check
}

func (f *idpFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.oidcIssuer, "oidc-issuer", "", "OpenID Connect issuer URL standing for an Identity Center instance (empty: none)")
	fs.StringVar(&f.oidcClientID, "oidc-client-id", "", "mailgate's client ID at the OIDC provider (ID tokens naming another authorized party are refused)")
	fs.StringVar(&f.oidcAudience, "oidc-audience", "", "audience ID tokens must carry (default: the client ID)")
	fs.StringVar(&f.oidcInstanceARN, "oidc-instance-arn", "", "Identity Center instance ARN the provider stands for (default: derived from the issuer URL)")
	fs.StringVar(&f.oidcIdentityStoreID, "oidc-identity-store-id", "", "identity store ID reported as IdentityProviderIdentityStoreId (default: derived from the instance ARN)")
	fs.StringVar(&f.oidcUserClaim, "oidc-user-claim", "sub", "ID token claim holding a user's IdentityProviderUserId")
	fs.IntVar(&f.signInMaxFailuresPerUser, "signin-max-failures-per-user", workmail.DefaultMaxFailuresPerUser, "failed mailbox sign-ins per user before throttling (-1: no limit)")
	fs.IntVar(&f.signInMaxFailuresPerAddress, "signin-max-failures-per-address", workmail.DefaultMaxFailuresPerAddress, "failed mailbox sign-ins per source address before throttling (-1: no limit)")
	fs.DurationVar(&f.signInFailureWindow, "signin-failure-window", workmail.DefaultFailureWindow, "time a throttled user or address takes to regain every attempt")
}

// check validates the provider flags.
func (f *idpFlags) check() error {
	if f.oidcIssuer == "" {
		return nil
	}
	c, err := mailauth.ProviderConfig{InstanceARN: f.oidcInstanceARN, IdentityStoreID: f.oidcIdentityStoreID, Issuer: f.oidcIssuer,
		ClientID: f.oidcClientID, Audience: f.oidcAudience, UserClaim: f.oidcUserClaim}.WithDefaults()
	if err != nil {
		return err
	}
	f.provider = &c
	return nil
}

func (f *idpFlags) providers() []mailauth.ProviderConfig {
	if f.provider == nil {
		return nil
	}
	return []mailauth.ProviderConfig{*f.provider}
}

func (f *idpFlags) signIn(logger *slog.Logger) workmail.SignInOptions {
	return workmail.SignInOptions{MaxFailuresPerUser: f.signInMaxFailuresPerUser, MaxFailuresPerAddress: f.signInMaxFailuresPerAddress,
		FailureWindow: f.signInFailureWindow, Logger: logger}
}
