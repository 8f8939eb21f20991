package workmail

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Effects, as the model spells them.
const (
	effectAllow = string(workmailapi.AccessEffectAllow)
	effectDeny  = string(workmailapi.AccessEffectDeny)
)

// ruleMatches reports whether a rule applies to a user: listed in
// TargetUsers, or absent from a non-empty NotTargetUsers. The lists hold
// at most ten IDs each, so a scan beats building a set.
func ruleMatches(r *store.ImpersonationRule, userID string) bool {
	if contains(r.TargetUsers, userID) {
		return true
	}
	return len(r.NotTargetUsers) > 0 && !contains(r.NotTargetUsers, userID)
}

// evaluateRole decides the effect of a role on one user: any matching DENY
// wins, else any matching ALLOW, else DENY. It returns the rules that
// produced the effect (none when nothing matched).
func evaluateRole(role *store.ImpersonationRole, userID string) (effect string, matched []*store.ImpersonationRule) {
	return decide(role.Rules, func(r *store.ImpersonationRule) bool { return ruleMatches(r, userID) },
		func(r *store.ImpersonationRule) string { return r.Effect })
}

// decide is the evaluation impersonation roles and access control rules
// share: any matching DENY rule decides DENY, else any matching ALLOW rule
// decides ALLOW, else the effect is DENY with no rule. It returns the
// rules that decided, in their order.
func decide[R any](rules []R, matches func(*R) bool, effect func(*R) string) (string, []*R) {
	var allows, denies []*R
	for i := range rules {
		r := &rules[i]
		if !matches(r) {
			continue
		}
		if effect(r) == effectDeny {
			denies = append(denies, r)
		} else {
			allows = append(allows, r)
		}
	}
	switch {
	case len(denies) > 0:
		return effectDeny, denies
	case len(allows) > 0:
		return effectAllow, allows
	}
	return effectDeny, nil
}

// targetUser resolves the user a role is evaluated for; deleted users
// answer EntityStateException.
func (s *Service) targetUser(ctx context.Context, orgID, identifier string) (*store.Entity, error) {
	u, err := s.entity(ctx, orgID, identifier, store.EntityUser)
	if err != nil {
		return nil, err
	}
	if u.State == store.EntityDeleted {
		return nil, deletedErr(u)
	}
	return u, nil
}

func (s *Service) GetImpersonationRoleEffect(ctx context.Context, in *workmailapi.GetImpersonationRoleEffectRequest) (*workmailapi.GetImpersonationRoleEffectResponse, error) {
	o, role, err := s.role(ctx, in.OrganizationId, in.ImpersonationRoleId)
	if err != nil {
		return nil, err
	}
	u, err := s.targetUser(ctx, o.ID, in.TargetUser)
	if err != nil {
		return nil, err
	}
	effect, matched := evaluateRole(role, u.ID)
	out := &workmailapi.GetImpersonationRoleEffectResponse{
		Type:         ptr(workmailapi.ImpersonationRoleType(role.Type)),
		Effect:       ptr(workmailapi.AccessEffect(effect)),
		MatchedRules: make([]workmailapi.ImpersonationMatchedRule, 0, len(matched)),
	}
	for _, r := range matched {
		out.MatchedRules = append(out.MatchedRules, workmailapi.ImpersonationMatchedRule{ImpersonationRuleId: ptr(r.ID), Name: str(r.Name)})
	}
	return out, nil
}
