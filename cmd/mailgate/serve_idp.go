package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strings"
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
	// issuers bind OpenID Connect issuers to Identity Center instances
	// (--identity-center-issuer, repeatable).
	issuers issuerBindings

	provider *mailauth.ProviderConfig // set by check
}

// issuerBindings is the value of --identity-center-issuer: each binding
// INSTANCE_ARN=ISSUER_URL[,client-id=ID][,audience=AUD][,user-claim=CLAIM].
// One value may hold several, separated by spaces (the environment twin
// is set once).
type issuerBindings []mailauth.ProviderConfig

func (b *issuerBindings) String() string {
	var out []string
	for _, c := range *b {
		out = append(out, c.InstanceARN+"="+c.Issuer)
	}
	return strings.Join(out, " ")
}

func (b *issuerBindings) Set(v string) error {
	for _, one := range strings.Fields(v) {
		c, err := parseIssuerBinding(one)
		if err != nil {
			return err
		}
		for _, have := range *b {
			if have.InstanceARN == c.InstanceARN {
				return fmt.Errorf("the instance %s is bound to an issuer twice", c.InstanceARN)
			}
		}
		*b = append(*b, c)
	}
	return nil
}

func parseIssuerBinding(v string) (mailauth.ProviderConfig, error) {
	arn, rest, ok := strings.Cut(v, "=")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return mailauth.ProviderConfig{}, fmt.Errorf("%q: want INSTANCE_ARN=ISSUER_URL[,client-id=ID][,audience=AUD][,user-claim=CLAIM]", v)
	}
	parts := strings.Split(rest, ",")
	c := mailauth.ProviderConfig{InstanceARN: arn, Issuer: parts[0]}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(p, "=")
		switch k {
		case "client-id":
			c.ClientID = val
		case "audience":
			c.Audience = val
		case "user-claim":
			c.UserClaim = val
		default:
			return c, fmt.Errorf("%q: unknown option %q (client-id, audience, user-claim)", v, k)
		}
	}
	return c.WithDefaults()
}

func (f *idpFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.oidcIssuer, "oidc-issuer", "", "OpenID Connect issuer URL standing for an Identity Center instance (empty: none)")
	fs.StringVar(&f.oidcClientID, "oidc-client-id", "", "mailgate's client ID at the OIDC provider (ID tokens naming another authorized party are refused)")
	fs.StringVar(&f.oidcAudience, "oidc-audience", "", "audience ID tokens must carry (default: the client ID)")
	fs.StringVar(&f.oidcInstanceARN, "oidc-instance-arn", "", "Identity Center instance ARN the provider stands for (default: derived from the issuer URL)")
	fs.StringVar(&f.oidcIdentityStoreID, "oidc-identity-store-id", "", "identity store ID reported as IdentityProviderIdentityStoreId (default: derived from the instance ARN)")
	fs.StringVar(&f.oidcUserClaim, "oidc-user-claim", "sub", "ID token claim holding a user's IdentityProviderUserId")
	fs.Var(&f.issuers, "identity-center-issuer", "INSTANCE_ARN=ISSUER_URL[,client-id=ID][,audience=AUD][,user-claim=CLAIM]: the OpenID Connect issuer that signs in the users of an Identity Center instance (repeatable; several separated by spaces)")
	fs.IntVar(&f.signInMaxFailuresPerUser, "signin-max-failures-per-user", workmail.DefaultMaxFailuresPerUser, "failed mailbox sign-ins per user before throttling (-1: no limit)")
	fs.IntVar(&f.signInMaxFailuresPerAddress, "signin-max-failures-per-address", workmail.DefaultMaxFailuresPerAddress, "failed mailbox sign-ins per source address before throttling (-1: no limit)")
	fs.DurationVar(&f.signInFailureWindow, "signin-failure-window", workmail.DefaultFailureWindow, "time a throttled user or address takes to regain every attempt")
}

// check validates the provider flags.
func (f *idpFlags) check() error {
	for _, c := range f.issuers {
		if c.InstanceARN == f.oidcInstanceARN && f.oidcIssuer != "" {
			return fmt.Errorf("the instance %s has an issuer from --oidc-issuer and from --identity-center-issuer", c.InstanceARN)
		}
	}
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
	out := append([]mailauth.ProviderConfig(nil), f.issuers...)
	if f.provider != nil {
		out = append(out, *f.provider)
	}
	return out
}

func (f *idpFlags) signIn(logger *slog.Logger) workmail.SignInOptions {
	return workmail.SignInOptions{MaxFailuresPerUser: f.signInMaxFailuresPerUser, MaxFailuresPerAddress: f.signInMaxFailuresPerAddress,
		FailureWindow: f.signInFailureWindow, Logger: logger}
}
