package workmail

import (
	"context"
	"errors"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// addressErr maps the errors of giving an entity an address.
func addressErr(err error, orgID, address string) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return workmailapi.NewEmailAddressInUseException("The email address %s is already in use in organization %s.", address, orgID)
	case errors.Is(err, store.ErrNoMailDomain):
		return workmailapi.NewMailDomainNotFoundException("The domain %s is not registered in organization %s.", domainOf(address), orgID)
	}
	return writeErr(err, orgID)
}

// RegisterToWorkMail enables a user, group or resource with a primary
// address. Registering an enabled entity again with the address it has
// changes nothing; with another address it is refused.
func (s *Service) RegisterToWorkMail(ctx context.Context, in *workmailapi.RegisterToWorkMailRequest) (*workmailapi.RegisterToWorkMailResponse, error) {
	o, e, err := s.liveEntity(ctx, in.OrganizationId, in.EntityId)
	if err != nil {
		return nil, err
	}
	if err := s.usableDomain(ctx, o.ID, in.Email); err != nil {
		return nil, err
	}
	now := s.now()
	_, err = s.st.UpdateEntity(ctx, o.ID, e.ID, func(e *store.Entity) error {
		switch e.State {
		case store.EntityDeleted:
			return deletedErr(e)
		case store.EntityEnabled:
			if strings.EqualFold(e.Email, in.Email) {
				return nil
			}
			return workmailapi.NewEntityAlreadyRegisteredException("The %s %s is already registered with the address %s.", nounOf(e), e.ID, e.Email)
		}
		e.State, e.Email = store.EntityEnabled, in.Email
		e.EnabledAt, e.MailboxProvisionedAt = now, now
		return nil
	})
	if err != nil {
		return nil, addressErr(err, o.ID, in.Email)
	}
	return &workmailapi.RegisterToWorkMailResponse{}, nil
}

// DeregisterFromWorkMail disables an entity; it loses its addresses (the
// primary one and its aliases), which become free for others. A disabled
// entity stays as it is.
func (s *Service) DeregisterFromWorkMail(ctx context.Context, in *workmailapi.DeregisterFromWorkMailRequest) (*workmailapi.DeregisterFromWorkMailResponse, error) {
	now := s.now()
	err := s.updateEntity(ctx, in.OrganizationId, in.EntityId, nil, nil, func(e *store.Entity) error {
		if e.State == store.EntityDisabled {
			return nil
		}
		e.State = store.EntityDisabled
		e.DisabledAt, e.MailboxDeprovisionedAt = now, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.DeregisterFromWorkMailResponse{}, nil
}

func (s *Service) DescribeEntity(ctx context.Context, in *workmailapi.DescribeEntityRequest) (*workmailapi.DescribeEntityResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	e, err := s.st.GetEntityByEmail(ctx, o.ID, in.Email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewEntityNotFoundException("No entity of organization %s has the address %s.", o.ID, in.Email)
	}
	if err != nil {
		return nil, err
	}
	return &workmailapi.DescribeEntityResponse{EntityId: &e.ID, Name: &e.Name, Type: opt.Ptr(workmailapi.EntityType(e.Type))}, nil
}

// UpdatePrimaryEmailAddress promotes an address to primary: an alias of
// the entity swaps places with the primary address, a new address pushes
// the primary one into the aliases.
func (s *Service) UpdatePrimaryEmailAddress(ctx context.Context, in *workmailapi.UpdatePrimaryEmailAddressRequest) (*workmailapi.UpdatePrimaryEmailAddressResponse, error) {
	err := s.changeAddresses(ctx, in.OrganizationId, in.EntityId, in.Email, func(e *store.Entity) error {
		if strings.EqualFold(e.Email, in.Email) {
			e.Email = in.Email
			return nil
		}
		aliases := []string{e.Email}
		for _, a := range e.Aliases {
			if !strings.EqualFold(a, in.Email) {
				aliases = append(aliases, a)
			}
		}
		e.Email, e.Aliases = in.Email, aliases
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.UpdatePrimaryEmailAddressResponse{}, nil
}
