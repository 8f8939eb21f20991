package workmail

// Mobile device access overrides: PutMobileDeviceAccessOverride,
// GetMobileDeviceAccessOverride, ListMobileDeviceAccessOverrides,
// DeleteMobileDeviceAccessOverride. An override sets the effect for one
// user and one device, whatever the rules say
// (https://docs.aws.amazon.com/workmail/latest/adminguide/mobile-overrides.html).
//
//   - The user may be named by ID, address or name (ignoring case); it is
//     resolved to its ID, which GetMobileDeviceAccessOverride and the
//     listing return. Unknown users, and groups or resources, answer
//     EntityNotFoundException; PutMobileDeviceAccessOverride refuses a
//     deleted user with EntityStateException. Disabled users are accepted,
//     as for impersonation rules.
//   - DeviceId is case-insensitive, as the API reference says: "ABC" and
//     "abc" are one override, which reports the DeviceId as last written.
//   - Put creates or replaces the override (effect and description;
//     DateCreated stays). Get of a missing override answers
//     ResourceNotFoundException; Delete of a missing one succeeds, as the
//     API reference says
//     (https://docs.aws.amazon.com/workmail/latest/APIReference/API_DeleteMobileDeviceAccessOverride.html).
//   - The listing filters by user, by device, or both, in order of user ID
//     and device ID.
//   - An organization holds at most maxMobileDeviceOverrides overrides
//     (a mailgate bound; AWS documents none): beyond it Put answers
//     LimitExceededException, which its model does not list.

import (
	"context"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// maxMobileDeviceOverrides bounds the overrides of one organization.
const maxMobileDeviceOverrides = 10000

// mobileOverride is a stored override, keyed by overrideKey.
type mobileOverride struct {
	UserID      string
	DeviceID    string
	Effect      string
	Description string `json:",omitempty"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

var mobileOverrides = records.Of[mobileOverride](records.Org, store.RecordMobileDeviceOverride).Max(maxMobileDeviceOverrides, orgQuotaErr(maxMobileDeviceOverrides, "mobile device access overrides"))

// overrideKey is "<user ID>/<device ID in lower case>": user IDs hold no
// "/", so "<user ID>/" is the prefix of one user's overrides.
func overrideKey(userID, deviceID string) string {
	return userID + "/" + strings.ToLower(deviceID)
}

func (s *Service) PutMobileDeviceAccessOverride(ctx context.Context, in *workmailapi.PutMobileDeviceAccessOverrideRequest) (*workmailapi.PutMobileDeviceAccessOverrideResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	// The user is resolved in the transaction that writes, so that a user
	// deleted meanwhile cannot slip in.
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		u, err := s.entity(ctx, o.ID, in.UserId, userKind)
		if err != nil {
			return err
		}
		if u.State == store.EntityDeleted {
			return deletedErr(u)
		}
		_, err = mobileOverrides.Put(ctx, s.st, o.ID, overrideKey(u.ID, in.DeviceId), func(cur *mobileOverride) (*mobileOverride, error) {
			next := &mobileOverride{UserID: u.ID, DeviceID: in.DeviceId, Effect: string(in.Effect), Description: opt.Deref(in.Description),
				CreatedAt: now, UpdatedAt: now}
			if cur != nil {
				next.CreatedAt = cur.CreatedAt
			}
			return next, nil
		})
		return err
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.PutMobileDeviceAccessOverrideResponse{}, nil
}

// overrideUser resolves the user of an override request in an active
// organization; deleted users are found by ID.
func (s *Service) overrideUser(ctx context.Context, orgID, userID string) (*store.Organization, *store.Entity, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.entity(ctx, o.ID, userID, userKind)
	if err != nil {
		return nil, nil, err
	}
	return o, u, nil
}

func (s *Service) GetMobileDeviceAccessOverride(ctx context.Context, in *workmailapi.GetMobileDeviceAccessOverrideRequest) (*workmailapi.GetMobileDeviceAccessOverrideResponse, error) {
	o, u, err := s.overrideUser(ctx, in.OrganizationId, in.UserId)
	if err != nil {
		return nil, err
	}
	ov, ok, err := mobileOverrides.Get(ctx, s.st, o.ID, overrideKey(u.ID, in.DeviceId))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, workmailapi.NewResourceNotFoundException("The user %s has no mobile device access override for the device %s.", u.ID, in.DeviceId)
	}
	// The response has the fields of a listed override.
	out := workmailapi.GetMobileDeviceAccessOverrideResponse(apiOverride(ov))
	return &out, nil
}

func apiOverride(ov *mobileOverride) workmailapi.MobileDeviceAccessOverride {
	return workmailapi.MobileDeviceAccessOverride{
		UserId:       opt.Ptr(ov.UserID),
		DeviceId:     opt.Ptr(ov.DeviceID),
		Effect:       opt.Ptr(workmailapi.MobileDeviceAccessRuleEffect(ov.Effect)),
		Description:  opt.NonEmpty(ov.Description),
		DateCreated:  tstamp(ov.CreatedAt),
		DateModified: tstamp(ov.UpdatedAt),
	}
}

func (s *Service) ListMobileDeviceAccessOverrides(ctx context.Context, in *workmailapi.ListMobileDeviceAccessOverridesRequest) (*workmailapi.ListMobileDeviceAccessOverridesResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if in.UserId != nil {
		u, err := s.entity(ctx, o.ID, *in.UserId, userKind)
		if err != nil {
			return nil, err
		}
		prefix = u.ID + "/"
	}
	suffix := ""
	if in.DeviceId != nil {
		suffix = "/" + strings.ToLower(*in.DeviceId)
	}
	lst := listing("ListMobileDeviceAccessOverrides", o.ID, prefix, suffix)
	p, limit, err := s.startPage(ctx, lst, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	// A device filter is applied to the records of the prefix: read
	// store pages until one listing page (and one more entry) is found.
	var found []records.Keyed[mobileOverride]
	for len(found) < p.Limit {
		page, err := mobileOverrides.Page(ctx, s.st, o.ID, prefix, p)
		if err != nil {
			return nil, err
		}
		for _, k := range page {
			if strings.HasSuffix(k.Key, suffix) {
				found = append(found, k)
			}
		}
		if len(page) < p.Limit {
			break
		}
		p.After = page[len(page)-1].Key
	}
	found, next, err := finishPage(ctx, s, lst, found, limit, func(k records.Keyed[mobileOverride]) string { return k.Key })
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListMobileDeviceAccessOverridesResponse{Overrides: make([]workmailapi.MobileDeviceAccessOverride, 0, len(found)), NextToken: next}
	for i := range found {
		out.Overrides = append(out.Overrides, apiOverride(&found[i].Value))
	}
	return out, nil
}

// DeleteMobileDeviceAccessOverride deletes an override; a missing one is
// no error, an unknown user is.
func (s *Service) DeleteMobileDeviceAccessOverride(ctx context.Context, in *workmailapi.DeleteMobileDeviceAccessOverrideRequest) (*workmailapi.DeleteMobileDeviceAccessOverrideResponse, error) {
	o, u, err := s.overrideUser(ctx, in.OrganizationId, in.UserId)
	if err != nil {
		return nil, err
	}
	if _, err := mobileOverrides.Remove(ctx, s.st, o.ID, overrideKey(u.ID, in.DeviceId)); err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DeleteMobileDeviceAccessOverrideResponse{}, nil
}
