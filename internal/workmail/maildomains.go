package workmail

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// normalizeDomain lowercases a domain name and drops a trailing dot.
func normalizeDomain(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), ".")
}

// wellFormedDomain reports whether a normalized domain is a DNS name of
// at least two labels.
func wellFormedDomain(d string) bool {
	labels := strings.Split(d, ".")
	ok := len(labels) >= 2 && len(d) <= 253
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			ok = false
		}
	}
	return ok
}

// customDomain checks a domain a caller registers: a well-formed DNS name
// outside the awsapps.com namespace of the test domains.
func customDomain(name string) (string, error) {
	d := normalizeDomain(name)
	if !wellFormedDomain(d) {
		return "", workmailapi.NewInvalidParameterException("%s is not a valid domain name.", name)
	}
	if d == testDomainSuffix[1:] || strings.HasSuffix(d, testDomainSuffix) {
		return "", workmailapi.NewInvalidParameterException("Domains under %s are reserved for test domains.", testDomainSuffix[1:])
	}
	return d, nil
}

// newVerificationToken mimics the SES domain verification token.
func newVerificationToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// RegisterMailDomain registers a domain, which is VERIFIED at once:
// mailgate has no DNS to check. Registering a domain the organization
// already has succeeds without change.
func (s *Service) RegisterMailDomain(ctx context.Context, in *workmailapi.RegisterMailDomainRequest) (*workmailapi.RegisterMailDomainResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	name, err := customDomain(in.DomainName)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.GetMailDomain(ctx, o.ID, name); err == nil {
		return &workmailapi.RegisterMailDomainResponse{}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	err = s.st.AddMailDomain(ctx, store.MailDomain{
		OrgID: o.ID, Name: name, OwnershipStatus: verified, DkimStatus: verified,
		VerificationToken: newVerificationToken(), ClientToken: opt.Deref(in.ClientToken), CreatedAt: s.now(),
	}, maxMailDomainsPerOrg)
	if errors.Is(err, store.ErrConflict) {
		// A concurrent registration in this organization is a success too.
		if d, gerr := s.st.GetMailDomain(ctx, o.ID, name); gerr == nil && d.OrgID == o.ID {
			err = nil
		}
	}
	if err != nil {
		return nil, domainErr(err, o.ID, name)
	}
	return &workmailapi.RegisterMailDomainResponse{}, nil
}

// domainErr maps the store's errors of registering and deregistering a
// mail domain.
func domainErr(err error, orgID, name string) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return workmailapi.NewMailDomainInUseException("The domain %s is registered with another organization of this account.", name)
	case errors.Is(err, store.ErrLimitExceeded):
		return workmailapi.NewLimitExceededException("An organization can have at most %d mail domains.", maxMailDomainsPerOrg)
	case errors.Is(err, store.ErrInUse):
		return workmailapi.NewMailDomainInUseException("The domain %s is in use by email addresses of organization %s. Remove them first.", name, orgID)
	}
	return writeErr(err, orgID)
}

// DeregisterMailDomain removes a domain; a domain the organization does
// not have is already gone, so that succeeds.
func (s *Service) DeregisterMailDomain(ctx context.Context, in *workmailapi.DeregisterMailDomainRequest) (*workmailapi.DeregisterMailDomainResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	name := normalizeDomain(in.DomainName)
	d, err := s.st.GetMailDomain(ctx, o.ID, name)
	if errors.Is(err, store.ErrNotFound) {
		return &workmailapi.DeregisterMailDomainResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	if d.IsTest {
		return nil, workmailapi.NewInvalidParameterException("The test domain %s cannot be deregistered.", name)
	}
	if o.DefaultMailDomain == name {
		return nil, workmailapi.NewMailDomainInUseException("The domain %s is the default mail domain of organization %s. Make another domain the default first.", name, o.ID)
	}
	// A domain removed meanwhile is gone all the same.
	if err := s.st.DeleteMailDomain(ctx, o.ID, name); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, domainErr(err, o.ID, name)
	}
	return &workmailapi.DeregisterMailDomainResponse{}, nil
}

func (s *Service) ListMailDomains(ctx context.Context, in *workmailapi.ListMailDomainsRequest) (*workmailapi.ListMailDomainsResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	ds, next, err := page(ctx, s, listing("ListMailDomains", o.ID), in.NextToken, in.MaxResults, func(p store.Page) ([]store.MailDomain, error) {
		return s.st.ListMailDomains(ctx, o.ID, p)
	}, func(d store.MailDomain) string { return d.Name })
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListMailDomainsResponse{MailDomains: apiList(ds, func(d *store.MailDomain) workmailapi.MailDomainSummary {
		return workmailapi.MailDomainSummary{DomainName: opt.Ptr(d.Name), DefaultDomain: opt.Ptr(d.Name == o.DefaultMailDomain)}
	}), NextToken: next}, nil
}

func (s *Service) GetMailDomain(ctx context.Context, in *workmailapi.GetMailDomainRequest) (*workmailapi.GetMailDomainResponse, error) {
	o, d, err := s.orgDomain(ctx, in.OrganizationId, in.DomainName)
	if err != nil {
		return nil, err
	}
	out := &workmailapi.GetMailDomainResponse{
		Records:                     []workmailapi.DnsRecord{},
		IsTestDomain:                opt.Ptr(d.IsTest),
		IsDefault:                   opt.Ptr(d.Name == o.DefaultMailDomain),
		OwnershipVerificationStatus: opt.Ptr(workmailapi.DnsRecordVerificationStatus(d.OwnershipStatus)),
		DkimVerificationStatus:      opt.Ptr(workmailapi.DnsRecordVerificationStatus(d.DkimStatus)),
	}
	if !d.IsTest {
		out.Records = s.dnsRecords(d)
	}
	return out, nil
}

// dnsRecords recommends the records that route a domain's mail to this
// server and publish a sender policy for it. mailgate does not sign with
// DKIM (yet), so no DKIM records are listed.
func (s *Service) dnsRecords(d *store.MailDomain) []workmailapi.DnsRecord {
	host := strings.TrimSuffix(s.opts.MailHost, ".") + "."
	rec := func(typ, name, value string) workmailapi.DnsRecord {
		return workmailapi.DnsRecord{Type: opt.Ptr(typ), Hostname: opt.Ptr(name), Value: opt.Ptr(value)}
	}
	return []workmailapi.DnsRecord{
		rec("TXT", "_amazonses."+d.Name+".", d.VerificationToken),
		rec("MX", d.Name+".", "10 "+host),
		rec("CNAME", "autodiscover."+d.Name+".", host),
		rec("TXT", d.Name+".", "v=spf1 mx ~all"),
		rec("TXT", "_dmarc."+d.Name+".", "v=DMARC1;p=quarantine;pct=100;fo=1"),
	}
}

// mailDomain loads a domain of the organization.
func (s *Service) mailDomain(ctx context.Context, orgID, name string) (*store.MailDomain, error) {
	d, err := s.st.GetMailDomain(ctx, orgID, normalizeDomain(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewMailDomainNotFoundException("The domain %s is not registered in organization %s.", name, orgID)
	}
	return d, err
}

// orgDomain starts an operation on a mail domain: the active
// organization, then the domain.
func (s *Service) orgDomain(ctx context.Context, orgID, name string) (*store.Organization, *store.MailDomain, error) {
	return inOrg(ctx, s, orgID, func(orgID string) (*store.MailDomain, error) {
		return s.mailDomain(ctx, orgID, name)
	})
}

// usableDomain checks that the domain of an address is one addresses may
// use: registered and verified.
func (s *Service) usableDomain(ctx context.Context, orgID, address string) error {
	d, err := s.mailDomain(ctx, orgID, domainOf(address))
	if err != nil {
		return err
	}
	return usable(d)
}

// usable refuses a domain that is not verified.
func usable(d *store.MailDomain) error {
	if d.OwnershipStatus != verified {
		return workmailapi.NewMailDomainStateException("The domain %s is not verified yet.", d.Name)
	}
	return nil
}

func (s *Service) UpdateDefaultMailDomain(ctx context.Context, in *workmailapi.UpdateDefaultMailDomainRequest) (*workmailapi.UpdateDefaultMailDomainResponse, error) {
	o, d, err := s.orgDomain(ctx, in.OrganizationId, in.DomainName)
	if err != nil {
		return nil, err
	}
	if err := usable(d); err != nil {
		return nil, err
	}
	_, err = s.st.UpdateOrganization(ctx, o.ID, func(o *store.Organization) error {
		o.DefaultMailDomain = d.Name
		return nil
	})
	if errors.Is(err, store.ErrNoMailDomain) {
		return nil, workmailapi.NewMailDomainNotFoundException("The domain %s is not registered in organization %s.", d.Name, o.ID)
	}
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateDefaultMailDomainResponse{}, nil
}
