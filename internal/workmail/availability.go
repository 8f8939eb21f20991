package workmail

// Availability configurations: where WorkMail looks up the free/busy
// information of another domain's users.
//
// An organization keeps one configuration per domain (DomainName, lower
// case without a trailing dot), with exactly one provider: an Exchange
// Web Services endpoint with a user name and password, or a Lambda
// function ("The request must contain exactly one provider definition,
// either EwsProvider or LambdaProvider",
// https://docs.aws.amazon.com/workmail/latest/APIReference/API_CreateAvailabilityConfiguration.html).
//
//   - CreateAvailabilityConfiguration of a domain that has a
//     configuration answers NameAvailabilityException, unless it is a
//     retry: the same ClientToken and provider as the request that
//     created it. An organization has at most 100 configurations
//     (LimitExceededException), a limit mailgate chooses.
//   - UpdateAvailabilityConfiguration replaces the provider of a domain
//     (ResourceNotFoundException for a domain without one).
//   - DeleteAvailabilityConfiguration of a domain without one succeeds.
//   - ListAvailabilityConfigurations pages in domain order, EWS providers
//     without their password, as the model's RedactedEwsAvailabilityProvider
//     has it.
//
// The EWS password is not kept. No operation returns it, and only an
// availability lookup would use it, which mailgate does not make: it
// reaches neither EWS servers nor AWS Lambda. A secret it does not keep
// cannot leak from its database, a backup or a log. When mailgate serves
// free/busy lookups, administrators will set the password again with
// UpdateAvailabilityConfiguration.
//
// TestAvailabilityConfiguration would log in to the EWS endpoint or
// invoke the Lambda function
// (https://docs.aws.amazon.com/workmail/latest/APIReference/API_TestAvailabilityConfiguration.html).
// mailgate cannot, so after checking the request (ResourceNotFoundException
// for a DomainName without a configuration) it answers
// InvalidParameterException saying so. TestPassed false with a
// FailureReason would claim that the provider failed a test that was
// never run.

import (
	"context"
	"time"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const maxAvailabilityConfigsPerOrg = 100

// availabilityProvider is a provider without its secret; it compares
// with ==.
type availabilityProvider struct {
	Type        workmailapi.AvailabilityProviderType
	EwsEndpoint string `json:",omitempty"`
	EwsUsername string `json:",omitempty"`
	LambdaArn   string `json:",omitempty"`
}

// availabilityConfig is the configuration of one domain, keyed by it.
type availabilityConfig struct {
	Domain      string
	Provider    availabilityProvider
	ClientToken string `json:",omitempty"`
	Created     time.Time
	Modified    time.Time
}

var availabilityConfigs = records.Of[availabilityConfig](records.Org, store.RecordAvailabilityConfig).Max(maxAvailabilityConfigsPerOrg, func() error {
	return workmailapi.NewLimitExceededException("An organization can have at most %d availability configurations.", maxAvailabilityConfigsPerOrg)
})

// availabilityDomain checks and normalizes a DomainName.
func availabilityDomain(name string) (string, error) {
	d := normalizeDomain(name)
	if !wellFormedDomain(d) {
		return "", workmailapi.NewInvalidParameterException("Invalid DomainName %q: it must be a domain name of at least two labels.", name)
	}
	return d, nil
}

// checkProvider checks the provider definitions of a request: exactly
// one, well formed. The model checks the Lambda ARN's whole shape.
func checkProvider(ews *workmailapi.EwsAvailabilityProvider, lambda *workmailapi.LambdaAvailabilityProvider) (availabilityProvider, error) {
	switch {
	case (ews == nil) == (lambda == nil):
		return availabilityProvider{}, workmailapi.NewInvalidParameterException("The request must contain exactly one provider definition, either EwsProvider or LambdaProvider.")
	case lambda != nil:
		return availabilityProvider{Type: workmailapi.AvailabilityProviderTypeLambda, LambdaArn: lambda.LambdaArn}, nil
	}
	if err := checkEndpointURL("EwsProvider.EwsEndpoint", ews.EwsEndpoint); err != nil {
		return availabilityProvider{}, err
	}
	return availabilityProvider{Type: workmailapi.AvailabilityProviderTypeEws, EwsEndpoint: ews.EwsEndpoint, EwsUsername: ews.EwsUsername}, nil
}

func noAvailabilityConfig(orgID, domain string) error {
	return workmailapi.NewResourceNotFoundException("Organization %s has no availability configuration for %s.", orgID, domain)
}

func (s *Service) CreateAvailabilityConfiguration(ctx context.Context, in *workmailapi.CreateAvailabilityConfigurationRequest) (*workmailapi.CreateAvailabilityConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	d, err := availabilityDomain(in.DomainName)
	if err != nil {
		return nil, err
	}
	p, err := checkProvider(in.EwsProvider, in.LambdaProvider)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := availabilityConfig{Domain: d, Provider: p, ClientToken: opt.Deref(in.ClientToken), Created: now, Modified: now}
	_, err = availabilityConfigs.Put(ctx, s.st, o.ID, d, func(cur *availabilityConfig) (*availabilityConfig, error) {
		switch {
		case cur == nil:
			return &c, nil
		case c.ClientToken != "" && cur.ClientToken == c.ClientToken && cur.Provider == c.Provider:
			return nil, nil // a retry of the request that created it
		}
		return nil, workmailapi.NewNameAvailabilityException("Organization %s already has an availability configuration for %s.", o.ID, d)
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.CreateAvailabilityConfigurationResponse{}, nil
}

func (s *Service) UpdateAvailabilityConfiguration(ctx context.Context, in *workmailapi.UpdateAvailabilityConfigurationRequest) (*workmailapi.UpdateAvailabilityConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	p, err := checkProvider(in.EwsProvider, in.LambdaProvider)
	if err != nil {
		return nil, err
	}
	d := normalizeDomain(in.DomainName)
	_, err = availabilityConfigs.Put(ctx, s.st, o.ID, d, func(cur *availabilityConfig) (*availabilityConfig, error) {
		if cur == nil {
			return nil, noAvailabilityConfig(o.ID, d)
		}
		next := *cur
		next.Provider, next.Modified = p, s.now()
		return &next, nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateAvailabilityConfigurationResponse{}, nil
}

func (s *Service) DeleteAvailabilityConfiguration(ctx context.Context, in *workmailapi.DeleteAvailabilityConfigurationRequest) (*workmailapi.DeleteAvailabilityConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if _, err := availabilityConfigs.Remove(ctx, s.st, o.ID, normalizeDomain(in.DomainName)); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteAvailabilityConfigurationResponse{}, nil
}

func (s *Service) ListAvailabilityConfigurations(ctx context.Context, in *workmailapi.ListAvailabilityConfigurationsRequest) (*workmailapi.ListAvailabilityConfigurationsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	lst := listing("ListAvailabilityConfigurations", o.ID)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	cs, err := availabilityConfigs.Page(ctx, s.st, o.ID, "", p)
	if err != nil {
		return nil, err
	}
	cs, next, err := finishPage(ctx, s, lst, cs, limit, func(c records.Keyed[availabilityConfig]) string { return c.Key })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListAvailabilityConfigurationsResponse{AvailabilityConfigurations: []workmailapi.AvailabilityConfiguration{}, NextToken: next}
	for _, kc := range cs {
		c := kc.Value
		ac := workmailapi.AvailabilityConfiguration{DomainName: opt.Ptr(c.Domain), ProviderType: opt.Ptr(c.Provider.Type),
			DateCreated: tstamp(c.Created), DateModified: tstamp(c.Modified)}
		if c.Provider.Type == workmailapi.AvailabilityProviderTypeLambda {
			ac.LambdaProvider = &workmailapi.LambdaAvailabilityProvider{LambdaArn: c.Provider.LambdaArn}
		} else {
			ac.EwsProvider = &workmailapi.RedactedEwsAvailabilityProvider{EwsEndpoint: opt.Ptr(c.Provider.EwsEndpoint), EwsUsername: opt.Ptr(c.Provider.EwsUsername)}
		}
		out.AvailabilityConfigurations = append(out.AvailabilityConfigurations, ac)
	}
	return out, nil
}

// TestAvailabilityConfiguration checks the request and answers that
// mailgate cannot run the test.
func (s *Service) TestAvailabilityConfiguration(ctx context.Context, in *workmailapi.TestAvailabilityConfigurationRequest) (*workmailapi.TestAvailabilityConfigurationResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	var p availabilityProvider
	switch {
	case in.DomainName == nil:
		if p, err = checkProvider(in.EwsProvider, in.LambdaProvider); err != nil {
			return nil, err
		}
	case in.EwsProvider != nil || in.LambdaProvider != nil:
		return nil, workmailapi.NewInvalidParameterException("The request must contain either one provider definition (EwsProvider or LambdaProvider) or the DomainName, not both.")
	default:
		d := normalizeDomain(*in.DomainName)
		c, ok, err := availabilityConfigs.Get(ctx, s.st, o.ID, d)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, noAvailabilityConfig(o.ID, d)
		}
		p = c.Provider
	}
	target := "the EWS endpoint " + p.EwsEndpoint
	if p.Type == workmailapi.AvailabilityProviderTypeLambda {
		target = "AWS Lambda (" + p.LambdaArn + ")"
	}
	return nil, workmailapi.NewInvalidParameterException("mailgate does not reach %s: availability providers cannot be tested on this server, so nothing was tested.", target)
}
