package workmail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

func (s *Service) CreateOrganization(ctx context.Context, in *workmailapi.CreateOrganizationRequest) (*workmailapi.CreateOrganizationResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	interop := opt.Deref(in.EnableInteroperability)
	dirID := opt.Deref(in.DirectoryId)
	if interop && dirID == "" {
		return nil, workmailapi.NewInvalidParameterException("EnableInteroperability requires the DirectoryId of an AD Connector directory.")
	}
	now := s.now()
	test := strings.ToLower(in.Alias) + testDomainSuffix
	domains := []store.MailDomain{{
		Name: test, IsTest: true, OwnershipStatus: verified, DkimStatus: verified, CreatedAt: now,
	}}
	seen := map[string]bool{test: true}
	for _, d := range in.Domains {
		name, err := customDomain(d.DomainName)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, workmailapi.NewInvalidParameterException("The domain %s is listed more than once.", name)
		}
		seen[name] = true
		domains = append(domains, store.MailDomain{
			Name: name, HostedZoneID: opt.Deref(d.HostedZoneId), OwnershipStatus: verified, DkimStatus: verified,
			VerificationToken: newVerificationToken(), CreatedAt: now,
		})
	}
	dirType := directoryTypeWorkMail
	if dirID != "" {
		dirType = directoryTypeExternal
	}
	o := store.Organization{
		ID: newOrgID(), AccountID: sc.account, Region: sc.region, Alias: in.Alias, State: store.OrganizationActive,
		DirectoryID: dirID, DirectoryType: dirType, DefaultMailDomain: test, KMSKeyARN: opt.Deref(in.KmsKeyArn),
		InteroperabilityEnabled: interop, ClientToken: opt.Deref(in.ClientToken), RequestHash: createRequestHash(in),
		CreatedAt: now, CompletedAt: now,
	}
	var got *store.Organization
	var replayed bool
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		var err error
		if got, replayed, err = s.st.CreateOrganization(ctx, o, domains, maxOrganizationsPerRegion); err != nil || replayed {
			return err
		}
		return s.seedMobileDeviceAccessRules(ctx, got.ID)
	})
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce) && ce.Key == store.KeyAlias:
		return nil, workmailapi.NewNameAvailabilityException("The organization alias %s is not available.", in.Alias)
	case errors.As(err, &ce) && ce.Key == store.KeyDirectory:
		return nil, workmailapi.NewDirectoryInUseException("The directory %s is already used by another organization.", dirID)
	case errors.As(err, &ce) && ce.Key == store.KeyDomain:
		return nil, workmailapi.NewInvalidParameterException("The domain %s is already registered with another organization.", ce.Value)
	case errors.Is(err, store.ErrLimitExceeded):
		return nil, workmailapi.NewLimitExceededException("An account can have at most %d organizations per Region.", maxOrganizationsPerRegion)
	case err != nil:
		return nil, err
	}
	if replayed && got.RequestHash != o.RequestHash {
		return nil, workmailapi.NewInvalidParameterException("The client token %s was already used with different parameters.", o.ClientToken)
	}
	return &workmailapi.CreateOrganizationResponse{OrganizationId: &got.ID}, nil
}

// requestHash fingerprints what a create request asks for (c, a copy
// without its client token), so that a replayed client token can be told
// from a reused one.
func requestHash(c any) string {
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// createRequestHash fingerprints a CreateOrganization request.
func createRequestHash(in *workmailapi.CreateOrganizationRequest) string {
	c := *in
	c.ClientToken = nil
	return requestHash(c)
}

func (s *Service) DescribeOrganization(ctx context.Context, in *workmailapi.DescribeOrganizationRequest) (*workmailapi.DescribeOrganizationResponse, error) {
	o, sc, err := s.visibleOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeOrganizationResponse{
		OrganizationId:          &o.ID,
		Alias:                   &o.Alias,
		State:                   &o.State,
		DirectoryId:             opt.NonEmpty(o.DirectoryID),
		DirectoryType:           &o.DirectoryType,
		DefaultMailDomain:       opt.NonEmpty(o.DefaultMailDomain),
		CompletedDate:           tstamp(o.CompletedAt),
		ARN:                     opt.Ptr(sc.orgARN(o.ID)),
		InteroperabilityEnabled: opt.Ptr(o.InteroperabilityEnabled),
	}, nil
}

func (s *Service) ListOrganizations(ctx context.Context, in *workmailapi.ListOrganizationsRequest) (*workmailapi.ListOrganizationsResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	orgs, next, err := page(ctx, s, listing("ListOrganizations", sc.account, sc.region), in.NextToken, in.MaxResults, func(p store.Page) ([]store.Organization, error) {
		return s.st.ListOrganizations(ctx, sc.account, sc.region, s.deletedSince(), p)
	}, func(o store.Organization) string { return o.ID })
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListOrganizationsResponse{OrganizationSummaries: apiList(orgs, func(o *store.Organization) workmailapi.OrganizationSummary {
		return workmailapi.OrganizationSummary{
			OrganizationId:    opt.Ptr(o.ID),
			Alias:             opt.Ptr(o.Alias),
			DefaultMailDomain: opt.NonEmpty(o.DefaultMailDomain),
			State:             opt.Ptr(o.State),
		}
	}), NextToken: next}, nil
}

// DeleteOrganization deletes at once: the organization is Deleted when the
// call returns. Deleting it again answers OrganizationStateException,
// except for a retry carrying the same client token.
func (s *Service) DeleteOrganization(ctx context.Context, in *workmailapi.DeleteOrganizationRequest) (*workmailapi.DeleteOrganizationResponse, error) {
	o, _, err := s.visibleOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	token := opt.Deref(in.ClientToken)
	force := opt.Deref(in.ForceDelete)
	// DeleteDirectory needs no action: mailgate's directory goes with the
	// organization. DeleteIdentityCenterApplication removes the
	// application the organization's identity provider configuration
	// names, in the same transaction, unless another organization still
	// uses it.
	var del *store.Organization
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		var appARN string
		if opt.Deref(in.DeleteIdentityCenterApplication) {
			if c, err := s.st.GetIdentityProviderConfig(ctx, o.ID); err == nil {
				appARN = c.ApplicationARN
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		var err error
		del, err = s.st.DeleteOrganization(ctx, o.ID, s.now(), func(o *store.Organization, enabledUsers int) error {
			if o.State == store.OrganizationDeleted {
				if token != "" && token == o.DeleteToken {
					return nil
				}
				return workmailapi.NewOrganizationStateException("The organization %s is already deleted.", o.ID)
			}
			if enabledUsers > 0 && !force {
				return workmailapi.NewOrganizationStateException("The organization %s has %d enabled users. Deregister them first, or set ForceDelete.", o.ID, enabledUsers)
			}
			o.DeleteToken = token
			return nil
		})
		if err != nil || appARN == "" {
			return err
		}
		if err := s.st.DeleteIdentityCenterApplication(ctx, appARN); err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrInUse) {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.DeleteOrganizationResponse{OrganizationId: &del.ID, State: &del.State}, nil
}
