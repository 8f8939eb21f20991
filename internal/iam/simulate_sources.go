package iam

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// sourceNamer returns how the simulator names the policies of an entity
// in MatchedStatements' SourcePolicyId: a managed policy by its name, an
// inline policy as <kind>_<owner>_<policy> (user_alice_Read,
// group_admins_Read, role_app_Read), as AWS's responses name them.
func (s *Service) sourceNamer(ctx context.Context, e *store.IAMEntity) (func(policy.Source) string, error) {
	groupsWith, err := s.groupInlinePolicies(ctx, e)
	if err != nil {
		return nil, err
	}
	return func(src policy.Source) string {
		switch src.Type {
		case "aws-managed", "user-managed":
			return src.ID[strings.LastIndexByte(src.ID, '/')+1:]
		case store.IAMUser, store.IAMRole:
			return src.Type + "_" + e.Name + "_" + src.ID
		case store.IAMGroup:
			owner := e.Name
			if gs := groupsWith[src.ID]; e.Kind == store.IAMUser && len(gs) > 0 {
				owner = gs[0]
			}
			return "group_" + owner + "_" + src.ID
		}
		return src.ID
	}, nil
}

// groupInlinePolicies maps the inline policy names of a user's groups to
// the groups (by name) that hold them.
func (s *Service) groupInlinePolicies(ctx context.Context, e *store.IAMEntity) (map[string][]string, error) {
	out := map[string][]string{}
	if e.Kind != store.IAMUser {
		return out, nil
	}
	groups, err := s.st.ListIAMUserGroups(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		ps, err := s.st.ListInlinePolicies(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.Name] = append(out[p.Name], g.Name)
		}
	}
	return out, nil
}
