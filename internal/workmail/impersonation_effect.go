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
	var allows, denies []*store.ImpersonationRule
	for i := range role.Rules {
		r := &role.Rules[i]
		if !ruleMatches(r, userID) {
			continue
		}
		if r.Effect == effectDeny {
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
