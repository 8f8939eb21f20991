package workmail

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// notRegistered refuses address changes on an entity that is not ENABLED.
func notRegistered(e *store.Entity) error {
	return workmailapi.NewEntityStateException("The %s %s is %s; it must be registered to WorkMail (ENABLED) to change its addresses.", nounOf(e), e.ID, e.State)
}

// CreateAlias adds an alias to a registered (ENABLED) user or group. The
// alias must be in a verified domain of the organization and free there;
// adding an alias the entity already has succeeds.
func (s *Service) CreateAlias(ctx context.Context, in *workmailapi.CreateAliasRequest) (*workmailapi.CreateAliasResponse, error) {
	err := s.changeAddresses(ctx, in.OrganizationId, in.EntityId, in.Alias, func(e *store.Entity) error {
		if strings.EqualFold(e.Email, in.Alias) {
			return workmailapi.NewEmailAddressInUseException("The address %s is the primary address of %s.", in.Alias, e.ID)
		}
		for _, a := range e.Aliases {
			if strings.EqualFold(a, in.Alias) {
				return nil
			}
		}
		if len(e.Aliases) >= maxAliasesPerEntity {
			return workmailapi.NewLimitExceededException("The %s %s already has %d aliases.", nounOf(e), e.ID, maxAliasesPerEntity)
		}
		e.Aliases = append(e.Aliases, in.Alias)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.CreateAliasResponse{}, nil
}

// changeAddresses runs fn on a registered (ENABLED) entity, in one write,
// to give it address, which must be in a usable domain of the
// organization. The state is checked before (for the error) and again in
// the write (against a concurrent deregistration).
func (s *Service) changeAddresses(ctx context.Context, orgID, entityID, address string, fn func(e *store.Entity) error) error {
	o, e, err := s.orgEntity(ctx, orgID, entityID)
	if err != nil {
		return err
	}
	if e.State != store.EntityEnabled {
		return notRegistered(e)
	}
	if err := s.usableDomain(ctx, o.ID, address); err != nil {
		return err
	}
	_, err = s.st.UpdateEntity(ctx, o.ID, e.ID, func(e *store.Entity) error {
		if e.State != store.EntityEnabled {
			return notRegistered(e)
		}
		return fn(e)
	})
	if err != nil {
		return addressErr(err, o.ID, address)
	}
	return nil
}

// DeleteAlias removes an alias; removing one the entity does not have
// succeeds. The primary address is not an alias and cannot be removed.
func (s *Service) DeleteAlias(ctx context.Context, in *workmailapi.DeleteAliasRequest) (*workmailapi.DeleteAliasResponse, error) {
	err := s.updateEntity(ctx, in.OrganizationId, in.EntityId, nil, nil, func(e *store.Entity) error {
		if strings.EqualFold(e.Email, in.Alias) {
			return workmailapi.NewInvalidParameterException("The address %s is the primary address of %s, not an alias.", in.Alias, e.ID)
		}
		kept := e.Aliases[:0]
		for _, a := range e.Aliases {
			if !strings.EqualFold(a, in.Alias) {
				kept = append(kept, a)
			}
		}
		e.Aliases = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.DeleteAliasResponse{}, nil
}

// ListAliases lists the aliases of an entity (not its primary address),
// ordered by lowercase address.
func (s *Service) ListAliases(ctx context.Context, in *workmailapi.ListAliasesRequest) (*workmailapi.ListAliasesResponse, error) {
	o, e, err := s.liveEntity(ctx, in.OrganizationId, in.EntityId)
	if err != nil {
		return nil, err
	}
	// An entity has at most maxAliasesPerEntity aliases: page in memory.
	rest, next, err := page(ctx, s, listing("ListAliases", o.ID, e.ID), in.NextToken, in.MaxResults, func(p store.Page) ([]string, error) {
		var rest []string
		for _, a := range e.Aliases {
			if strings.ToLower(a) > p.After {
				rest = append(rest, a)
			}
		}
		if len(rest) > p.Limit {
			rest = rest[:p.Limit]
		}
		return rest, nil
	}, strings.ToLower)
	if err != nil {
		return nil, err
	}
	if rest == nil {
		rest = []string{}
	}
	return &workmailapi.ListAliasesResponse{Aliases: rest, NextToken: next}, nil
}
