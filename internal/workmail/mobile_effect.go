package workmail

// Deciding mobile device access (the rules are in mobile_match.go):
// GetMobileDeviceAccessEffect simulates the rules for device properties
// alone, as its model takes no user or device ID, so overrides play no
// part there; MobileDeviceAccessEffect is the decision a mail front end
// asks for a real connection, override first.

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

func (s *Service) GetMobileDeviceAccessEffect(ctx context.Context, in *workmailapi.GetMobileDeviceAccessEffectRequest) (*workmailapi.GetMobileDeviceAccessEffectResponse, error) {
	_, rules, err := s.orgMobileRules(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	d := decideMobileAccess(rules, nil, Device{Type: opt.Deref(in.DeviceType), Model: opt.Deref(in.DeviceModel),
		OperatingSystem: opt.Deref(in.DeviceOperatingSystem), UserAgent: opt.Deref(in.DeviceUserAgent)})
	out := &workmailapi.GetMobileDeviceAccessEffectResponse{
		Effect:       opt.Ptr(workmailapi.MobileDeviceAccessRuleEffect(d.Effect)),
		MatchedRules: make([]workmailapi.MobileDeviceAccessMatchedRule, 0, len(d.MatchedRules)),
	}
	for _, m := range d.MatchedRules {
		out.MatchedRules = append(out.MatchedRules, workmailapi.MobileDeviceAccessMatchedRule{MobileDeviceAccessRuleId: opt.Ptr(m.ID), Name: opt.Ptr(m.Name)})
	}
	return out, nil
}

// MobileDeviceAccessEffect decides whether a device may reach a user's
// mailbox over Exchange ActiveSync: the user's override for the device
// when there is one, else the organization's mobile device access rules
// on the properties the device reports. userID may be the user's ID,
// address or name; with userID or deviceID empty no override applies.
//
// It is for the mail front end, which has no AWS caller: the organization
// is found by ID alone. Errors: OrganizationNotFoundException,
// OrganizationStateException (deleted organization),
// EntityNotFoundException (no such user), EntityStateException (deleted
// user), or a store error; a caller denies access on any error.
func (s *Service) MobileDeviceAccessEffect(ctx context.Context, orgID string, dev Device, userID, deviceID string) (*MobileDeviceAccess, error) {
	o, err := s.st.GetOrganization(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, workmailapi.NewOrganizationNotFoundException("The organization %s does not exist.", orgID)
	}
	if err != nil {
		return nil, err
	}
	if o.State != store.OrganizationActive {
		return nil, orgStateErr(o.ID)
	}
	if userID != "" && deviceID != "" {
		u, err := s.entity(ctx, o.ID, userID, userKind)
		if err != nil {
			return nil, err
		}
		if u.State == store.EntityDeleted {
			return nil, deletedErr(u)
		}
		ov, ok, err := mobileOverrides.Get(ctx, s.st, o.ID, overrideKey(u.ID, deviceID))
		if err != nil {
			return nil, err
		}
		if ok {
			d := decideMobileAccess(nil, ov, dev)
			return &d, nil
		}
	}
	rules, err := s.cachedMobileRules(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	d := decideMobileAccess(rules, nil, dev)
	return &d, nil
}
