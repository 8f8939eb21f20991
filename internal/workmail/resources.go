package workmail

// Resources: rooms and equipment that people book by inviting them to a
// meeting. They are directory entities (entitykind.go) with IDs of the
// form r-<32 hex digits>: registration, addresses, DescribeEntity and
// mailbox permissions on them work as for users and groups.
//
// Booking options decide how a resource answers invitations. A new
// resource accepts requests and declines conflicting ones, as the console
// creates them. "At least one delegate must be associated to the resource
// to disable automatic replies from the resource"
// (https://docs.aws.amazon.com/workmail/latest/APIReference/API_BookingOptions.html):
// UpdateResource refuses AutoAcceptRequests false on a resource without
// delegates (InvalidConfigurationException). The options are an
// organization record (kind store.RecordResourceBookingOptions) under the
// resource's ID, written by the first UpdateResource that sets them.
// UpdateResource replaces them whole: "The dataset in the request should
// be the one expected when performing another DescribeResource call"
// (https://docs.aws.amazon.com/workmail/latest/APIReference/API_UpdateResource.html).

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// bookingOptions are a resource's booking options.
type bookingOptions struct {
	AutoAcceptRequests             bool
	AutoDeclineRecurringRequests   bool
	AutoDeclineConflictingRequests bool
}

// defaultBooking are the options of a new resource.
var defaultBooking = bookingOptions{AutoAcceptRequests: true, AutoDeclineConflictingRequests: true}

var bookings = records.Of[bookingOptions](records.Org, store.RecordResourceBookingOptions)

func newResourceID() string { return "r-" + strings.ReplaceAll(uuid.NewString(), "-", "") }

// resourceMembers answers a resource's type as Type, and its description.
func resourceMembers(e *store.Entity, m map[string]any) {
	m["Type"] = e.ResourceType
	if e.Description != "" {
		m["Description"] = e.Description
	}
}

// retireResource refuses to delete an enabled resource, as DeleteUser
// does for users: it is deregistered first.
func retireResource(r *store.Entity, _ time.Time) error {
	if r.State == store.EntityEnabled {
		return workmailapi.NewEntityStateException("The resource %s is enabled. Deregister it from WorkMail before deleting it.", r.ID)
	}
	return nil
}

func (s *Service) CreateResource(ctx context.Context, in *workmailapi.CreateResourceRequest) (*workmailapi.CreateResourceResponse, error) {
	id, err := s.createEntity(ctx, resourceKind, in.OrganizationId, in.Name, nil, func(_ *store.Organization, e *store.Entity) error {
		e.ResourceType, e.Description = string(in.Type), opt.Deref(in.Description)
		e.Hidden = opt.Deref(in.HiddenFromGlobalAddressList)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.CreateResourceResponse{ResourceId: &id}, nil
}

func (s *Service) DescribeResource(ctx context.Context, in *workmailapi.DescribeResourceRequest) (*workmailapi.DescribeResourceResponse, error) {
	o, r, err := s.orgEntity(ctx, in.OrganizationId, in.ResourceId, resourceKind)
	if err != nil {
		return nil, err
	}
	b, err := s.booking(ctx, o.ID, r.ID)
	if err != nil {
		return nil, err
	}
	out := describe[workmailapi.DescribeResourceResponse](r, "ResourceId")
	out.BookingOptions = &workmailapi.BookingOptions{AutoAcceptRequests: opt.Ptr(b.AutoAcceptRequests),
		AutoDeclineRecurringRequests: opt.Ptr(b.AutoDeclineRecurringRequests), AutoDeclineConflictingRequests: opt.Ptr(b.AutoDeclineConflictingRequests)}
	return out, nil
}

// booking returns a resource's booking options.
func (s *Service) booking(ctx context.Context, orgID, resourceID string) (bookingOptions, error) {
	b, ok, err := bookings.Get(ctx, s.st, orgID, resourceID)
	if err != nil || !ok {
		return defaultBooking, err
	}
	return *b, nil
}

func (s *Service) ListResources(ctx context.Context, in *workmailapi.ListResourcesRequest) (*workmailapi.ListResourcesResponse, error) {
	_, es, next, err := s.listEntities(ctx, resourceKind, in.OrganizationId, in.NextToken, in.MaxResults, func(f *store.EntityFilter) ([]string, error) {
		x := opt.Deref(in.Filters)
		return nameEmailStateFilter(f, x.NamePrefix, x.PrimaryEmailPrefix, x.State)
	})
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListResourcesResponse{Resources: apiList(es, func(r *store.Entity) workmailapi.Resource {
		return *describe[workmailapi.Resource](r, "Id")
	}), NextToken: next}, nil
}

// UpdateResource changes the members the request sets, booking options
// included, in one transaction.
func (s *Service) UpdateResource(ctx context.Context, in *workmailapi.UpdateResourceRequest) (*workmailapi.UpdateResourceResponse, error) {
	check := func() error {
		if in.Name == nil {
			return nil
		}
		return checkName(*in.Name)
	}
	err := s.st.InTx(ctx, func(ctx context.Context) error {
		var r *store.Entity
		err := s.updateEntity(ctx, in.OrganizationId, in.ResourceId, resourceKind, check, func(e *store.Entity) error {
			r = e
			if in.Name != nil {
				e.Name = *in.Name
			}
			if in.Type != nil {
				e.ResourceType = string(*in.Type)
			}
			if in.Description != nil {
				e.Description = *in.Description
			}
			if in.HiddenFromGlobalAddressList != nil {
				e.Hidden = *in.HiddenFromGlobalAddressList
			}
			return nil
		})
		if err != nil || in.BookingOptions == nil {
			return err
		}
		return s.updateBooking(ctx, r, in.BookingOptions)
	})
	if err != nil {
		return nil, writeErr(err, in.OrganizationId)
	}
	return &workmailapi.UpdateResourceResponse{}, nil
}

// updateBooking replaces a resource's booking options with a request's,
// refusing to turn automatic replies off while nobody is delegated to
// answer. A member left out is false: the model's members are plain
// Booleans, which the SDKs leave out when false.
func (s *Service) updateBooking(ctx context.Context, r *store.Entity, in *workmailapi.BookingOptions) error {
	b := bookingOptions{AutoAcceptRequests: opt.Deref(in.AutoAcceptRequests),
		AutoDeclineRecurringRequests: opt.Deref(in.AutoDeclineRecurringRequests), AutoDeclineConflictingRequests: opt.Deref(in.AutoDeclineConflictingRequests)}
	if !b.AutoAcceptRequests {
		has, err := s.hasDelegates(ctx, r.OrgID, r.ID)
		if err != nil {
			return err
		}
		if !has {
			return workmailapi.NewInvalidConfigurationException("BookingOptions: the resource %s cannot stop accepting requests automatically without a delegate to answer them; associate a delegate first.", r.ID)
		}
	}
	_, err := bookings.Put(ctx, s.st, r.OrgID, r.ID, func(*bookingOptions) (*bookingOptions, error) { return &b, nil })
	return err
}

// DeleteResource deletes a disabled resource, leaving a DELETED
// tombstone; its delegates go with it. It succeeds for resources that do
// not exist or are already deleted.
func (s *Service) DeleteResource(ctx context.Context, in *workmailapi.DeleteResourceRequest) (*workmailapi.DeleteResourceResponse, error) {
	if err := s.deleteEntity(ctx, in.OrganizationId, in.ResourceId, resourceKind); err != nil {
		return nil, err
	}
	return &workmailapi.DeleteResourceResponse{}, nil
}
