package workmail

import (
	"context"
	"errors"
	"net/netip"
	"slices"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// AccessRequest is one attempt to reach an organization's mailboxes, as
// the mail front end sees it and access control rules judge it.
type AccessRequest struct {
	// Action is the access protocol: one of the AccessAction constants.
	Action string
	// IP is the client's address. Rules name IPv4 ranges only; an
	// IPv4-mapped IPv6 address counts as its IPv4 address, any other IPv6
	// address is in no range (so only rules without IpRanges match it).
	IP netip.Addr
	// UserID is the ID of the user the request acts as (the signed-in
	// user); "" when there is none.
	UserID string
	// ImpersonationRoleID is the impersonation role the request comes
	// with (EWS only); "" when there is none.
	ImpersonationRoleID string
}

// AccessControlEffect decides whether an organization's access control
// rules let a request in: effect is "ALLOW" or "DENY", and matched names
// the rules that decided it (none when no rule matched, which denies).
// GetAccessControlEffect answers with it, and the mail front end calls it
// for every connection, with the IDs it already holds: it reads the
// organization and its rule record (two indexed reads) and nothing of the
// directory, whatever its size. An organization that does not exist or is
// deleted denies everything; an unknown Action or a missing IP is an
// InvalidParameterException.
func (s *Service) AccessControlEffect(ctx context.Context, orgID string, req AccessRequest) (effect string, matched []string, err error) {
	if !validAction(req.Action) {
		return "", nil, errUnknownAction("Action", req.Action)
	}
	if !req.IP.IsValid() {
		return "", nil, workmailapi.NewInvalidParameterException("IpAddress: the request has no client address.")
	}
	if live, err := s.orgLive(ctx, orgID); err != nil || !live {
		return effectDeny, nil, err
	}
	return s.accessEffect(ctx, orgID, req)
}

// accessEffect is AccessControlEffect on a request checked already, in an
// organization known to be active.
func (s *Service) accessEffect(ctx context.Context, orgID string, req AccessRequest) (effect string, matched []string, err error) {
	rules, err := s.accessRules(ctx, orgID)
	if err != nil {
		return "", nil, err
	}
	effect, matched = evaluateAccess(rules, req)
	return effect, matched, nil
}

// orgLive reports whether an organization exists and is active, for the
// functions the mail front end calls outside AWS authentication (no
// caller account to scope the organization by).
func (s *Service) orgLive(ctx context.Context, orgID string) (bool, error) {
	o, err := s.st.GetOrganization(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return o.State == store.OrganizationActive, nil
}

// evaluateAccess applies rules to one request: any matching DENY rule
// denies, else any matching ALLOW rule allows, else the request is
// denied. It returns the names of the rules that decided, in rule order.
func evaluateAccess(rules []accessRule, req AccessRequest) (effect string, matched []string) {
	effect, deciding := decide(rules, func(r *accessRule) bool { return r.matches(req) }, func(r *accessRule) string { return r.Effect })
	for _, r := range deciding {
		matched = append(matched, r.Name)
	}
	return effect, matched
}

// matches reports whether every condition the rule sets holds for the
// request; a rule without conditions matches everything. Within one
// dimension both lists must hold: the value is in the include list (when
// there is one) and not in the exclude list.
func (r *accessRule) matches(req AccessRequest) bool {
	return holds(r.Actions, r.NotActions, req.Action) &&
		inRanges(r.IPRanges, r.NotIPRanges, req.IP.Unmap()) &&
		holds(r.UserIDs, r.NotUserIDs, req.UserID) &&
		holds(r.RoleIDs, r.NotRoleIDs, req.ImpersonationRoleID)
}

// holds checks a value against an include and an exclude list. An absent
// value ("") is in no list: it fails an include list and passes an
// exclude list, so a rule for "users other than X" also covers a request
// made with an impersonation role alone.
func holds(in, notIn []string, v string) bool {
	if len(in) > 0 && (v == "" || !slices.Contains(in, v)) {
		return false
	}
	return v == "" || !slices.Contains(notIn, v)
}

func inRanges(in, notIn []string, ip netip.Addr) bool {
	if len(in) > 0 && !inAnyRange(in, ip) {
		return false
	}
	return !inAnyRange(notIn, ip)
}

func inAnyRange(ranges []string, ip netip.Addr) bool {
	for _, r := range ranges {
		if p, err := netip.ParsePrefix(r); err == nil && p.Masked().Contains(ip) {
			return true
		}
	}
	return false
}

// GetAccessControlEffect evaluates the rules for an address, an action and
// a user (ID, address or name) or an impersonation role (EWS only), as
// the API reference describes it
// (https://docs.aws.amazon.com/workmail/latest/APIReference/API_GetAccessControlEffect.html).
// With both, the request is taken as the role acting for the user. A
// deleted user named by ID is evaluated like any other: the rules compare
// IDs.
func (s *Service) GetAccessControlEffect(ctx context.Context, in *workmailapi.GetAccessControlEffectRequest) (*workmailapi.GetAccessControlEffectResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if !validAction(in.Action) {
		return nil, errUnknownAction("Action", in.Action)
	}
	ip, err := netip.ParseAddr(in.IpAddress)
	if err != nil || !ip.Is4() {
		return nil, workmailapi.NewInvalidParameterException("IpAddress: %s is not an IPv4 address.", in.IpAddress)
	}
	if in.UserId == nil && in.ImpersonationRoleId == nil {
		return nil, workmailapi.NewInvalidParameterException("Either UserId or ImpersonationRoleId is required.")
	}
	req := AccessRequest{Action: in.Action, IP: ip}
	if in.ImpersonationRoleId != nil {
		if in.Action != AccessActionEWS {
			return nil, workmailapi.NewInvalidParameterException("ImpersonationRoleId: impersonation roles are used only with the action %s, not %s.",
				AccessActionEWS, in.Action)
		}
		if _, err := s.ruleRoles(ctx, o.ID, "ImpersonationRoleId", []string{*in.ImpersonationRoleId}); err != nil {
			return nil, err
		}
		req.ImpersonationRoleID = *in.ImpersonationRoleId
	}
	if in.UserId != nil {
		u, err := s.entity(ctx, o.ID, *in.UserId, userKind)
		if err != nil {
			return nil, err
		}
		req.UserID = u.ID
	}
	effect, matched, err := s.accessEffect(ctx, o.ID, req)
	if err != nil {
		return nil, err
	}
	if matched == nil {
		matched = []string{}
	}
	return &workmailapi.GetAccessControlEffectResponse{Effect: opt.Ptr(workmailapi.AccessControlRuleEffect(effect)), MatchedRules: matched}, nil
}
