package workmail

// Resource delegates: the users and groups that answer a resource's
// booking requests on its behalf ("Resource delegates automatically
// receive copies of all booking requests and have full access to the
// resource calendar",
// https://docs.aws.amazon.com/workmail/latest/adminguide/edit_resource.html).
//
// AssociateDelegateToResource and DisassociateDelegateFromResource take
// the resource and the delegate by ID, address or name. A delegate is a
// user or a group; a resource as delegate answers
// InvalidParameterException. A deleted resource or delegate answers
// EntityStateException; associating a delegate again succeeds;
// disassociating an entity that is not a delegate answers
// EntityNotFoundException, as DisassociateMemberFromGroup does for a
// non-member. Removing the last delegate of a resource that does not
// accept requests automatically is allowed (the model gives the
// disassociation no InvalidConfigurationException); the resource then
// waits for a delegate or for automatic replies to be turned back on.
//
// Deleting a resource, user or group ends its delegations (deleteEntity):
// a deleted user cannot answer a booking request, and keeping it listed
// would hide that a resource has nobody left to answer.
//
// Storage: each delegation is one organization record (kind
// store.RecordResourceDelegate) written twice in one transaction, under
// "r/<resource ID>/<delegate ID>" for ListResourceDelegates (which pages
// by delegate ID) and under "d/<delegate ID>/<resource ID>" to find a
// deleted delegate's delegations without scanning the organization.

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// delegation is one delegate of one resource.
type delegation struct {
	Resource     string
	Delegate     string
	DelegateType string // store.EntityUser or store.EntityGroup
}

var delegations = records.Of[delegation](records.Org, store.RecordResourceDelegate)

func delegateKey(resource, delegate string) string   { return "r/" + resource + "/" + delegate }
func delegationKey(delegate, resource string) string { return "d/" + delegate + "/" + resource }

// keys are the two records of a delegation.
func (d delegation) keys() []string {
	return []string{delegateKey(d.Resource, d.Delegate), delegationKey(d.Delegate, d.Resource)}
}

// resourceAndDelegate starts a delegation change: the active
// organization, the resource and the user or group.
func (s *Service) resourceAndDelegate(ctx context.Context, orgID, resourceID, entityID string) (*store.Organization, *store.Entity, *store.Entity, error) {
	o, r, err := s.liveEntity(ctx, orgID, resourceID, resourceKind)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := s.entity(ctx, o.ID, entityID)
	if err != nil {
		return nil, nil, nil, err
	}
	if d.Type == store.EntityResource {
		return nil, nil, nil, workmailapi.NewInvalidParameterException("EntityId: %s is a resource; delegates are users and groups.", d.ID)
	}
	return o, r, d, nil
}

// AssociateDelegateToResource makes a user or group a delegate of a
// resource.
func (s *Service) AssociateDelegateToResource(ctx context.Context, in *workmailapi.AssociateDelegateToResourceRequest) (*workmailapi.AssociateDelegateToResourceResponse, error) {
	o, r, d, err := s.resourceAndDelegate(ctx, in.OrganizationId, in.ResourceId, in.EntityId)
	if err != nil {
		return nil, err
	}
	if d.State == store.EntityDeleted {
		return nil, deletedErr(d)
	}
	del := &delegation{Resource: r.ID, Delegate: d.ID, DelegateType: d.Type}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		for _, key := range del.keys() {
			if _, err := delegations.Put(ctx, s.st, o.ID, key, func(*delegation) (*delegation, error) { return del, nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.AssociateDelegateToResourceResponse{}, nil
}

func (s *Service) DisassociateDelegateFromResource(ctx context.Context, in *workmailapi.DisassociateDelegateFromResourceRequest) (*workmailapi.DisassociateDelegateFromResourceResponse, error) {
	o, r, d, err := s.resourceAndDelegate(ctx, in.OrganizationId, in.ResourceId, in.EntityId)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		removed := false
		for _, key := range (delegation{Resource: r.ID, Delegate: d.ID}).keys() {
			ok, err := delegations.Remove(ctx, s.st, o.ID, key)
			if err != nil {
				return err
			}
			removed = removed || ok
		}
		if !removed {
			return workmailapi.NewEntityNotFoundException("The %s %s is not a delegate of the resource %s.", nounOf(d), d.ID, r.ID)
		}
		return nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DisassociateDelegateFromResourceResponse{}, nil
}

// ListResourceDelegates pages through a resource's delegates by ID.
func (s *Service) ListResourceDelegates(ctx context.Context, in *workmailapi.ListResourceDelegatesRequest) (*workmailapi.ListResourceDelegatesResponse, error) {
	o, r, err := s.liveEntity(ctx, in.OrganizationId, in.ResourceId, resourceKind)
	if err != nil {
		return nil, err
	}
	ds, next, err := page(ctx, s, listing("ListResourceDelegates", o.ID, r.ID), in.NextToken, in.MaxResults, func(p store.Page) ([]records.Keyed[delegation], error) {
		return delegations.Page(ctx, s.st, o.ID, delegateKey(r.ID, ""), p)
	}, func(d records.Keyed[delegation]) string { return d.Key })
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListResourceDelegatesResponse{Delegates: apiList(ds, func(d *records.Keyed[delegation]) workmailapi.Delegate {
		return workmailapi.Delegate{Id: d.Value.Delegate, Type: workmailapi.MemberType(d.Value.DelegateType)}
	}), NextToken: next}, nil
}

// hasDelegates reports whether a resource has at least one delegate.
func (s *Service) hasDelegates(ctx context.Context, orgID, resourceID string) (bool, error) {
	ds, err := delegations.Page(ctx, s.st, orgID, delegateKey(resourceID, ""), store.Page{Limit: 1})
	return len(ds) > 0, err
}

// dropDelegations ends every delegation an entity is part of, as the
// resource or as the delegate, in the caller's transaction.
func (s *Service) dropDelegations(ctx context.Context, orgID, entityID string) error {
	for _, prefix := range []string{delegateKey(entityID, ""), delegationKey(entityID, "")} {
		ds, err := delegations.All(ctx, s.st, orgID, prefix)
		if err != nil {
			return err
		}
		for _, d := range ds {
			for _, key := range d.keys() {
				if _, err := delegations.Remove(ctx, s.st, orgID, key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
