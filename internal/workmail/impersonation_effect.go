package workmail

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

// Effects, as the model spells them.
const (
	effectAllow = string(workmailapi.AccessEffectAllow)
	effectDeny  = string(workmailapi.AccessEffectDeny)
)

// ruleMatches reports whether a rule applies to a user: listed in
// TargetUsers, or absent from a non-empty NotTargetUsers; a rule with
// neither list applies to every user. The lists hold at most ten IDs
// each, so a scan beats building a set.
func ruleMatches(r *store.ImpersonationRule, userID string) bool {
	if len(r.TargetUsers) == 0 && len(r.NotTargetUsers) == 0 {
		return true
	}
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

func (s *Service) GetImpersonationRoleEffect(ctx context.Context, in *workmailapi.GetImpersonationRoleEffectRequest) (*workmailapi.GetImpersonationRoleEffectResponse, error) {
	o, role, err := s.role(ctx, in.OrganizationId, in.ImpersonationRoleId)
	if err != nil {
		return nil, err
	}
	u, err := s.live(ctx, o.ID, in.TargetUser, userKind)
	if err != nil {
		return nil, err
	}
	effect, matched := evaluateRole(role, u.ID)
	out := &workmailapi.GetImpersonationRoleEffectResponse{
		Type:         opt.Ptr(workmailapi.ImpersonationRoleType(role.Type)),
		Effect:       opt.Ptr(workmailapi.AccessEffect(effect)),
		MatchedRules: make([]workmailapi.ImpersonationMatchedRule, 0, len(matched)),
	}
	for _, r := range matched {
		out.MatchedRules = append(out.MatchedRules, workmailapi.ImpersonationMatchedRule{ImpersonationRuleId: opt.Ptr(r.ID), Name: opt.NonEmpty(r.Name)})
	}
	return out, nil
}
