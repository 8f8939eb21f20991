package workmail

// Impersonation roles.
//
// A role holds up to ten rules; each rule has an ID chosen by the caller
// (unique within the role), an Effect and TargetUsers and/or
// NotTargetUsers. Target entries may be a user ID, an address or a user
// name; they are resolved against the directory when the role is written
// and stored as user IDs, so rules compare users by identity:
//
//   - Unknown users, and groups or resources, answer
//     EntityNotFoundException; deleted users EntityStateException.
//     Disabled users are accepted: a role may be prepared before its
//     users are registered.
//   - GetImpersonationRole returns the user IDs, whatever form was written.
//   - A user whose address changes stays matched by the rules that name
//     them; a user who later takes a freed address or name is not matched.
//   - Deleting a user changes no rule: the rule keeps the ID of the
//     deleted user (which nobody else can ever hold), so it matches
//     nobody new, GetImpersonationRole still shows it, and an update that
//     still names it is refused with EntityStateException until the
//     administrator removes it. Nothing is rewritten behind the
//     administrator's back.
//
// Effect (GetImpersonationRoleEffect, and token introspection): a rule
// matches a user listed in its TargetUsers, or a user absent from its
// NotTargetUsers (with both lists, either suffices); a rule with neither
// list matches every user of the organization, as the administration
// guide says of a rule "with no conditions"
// (https://docs.aws.amazon.com/workmail/latest/adminguide/managing-impersonation-roles.html).
// Any matching DENY
// rule makes the effect DENY and MatchedRules lists the matching DENY
// rules; otherwise any matching ALLOW rule makes it ALLOW and
// MatchedRules lists the matching ALLOW rules; no match is DENY with no
// MatchedRules. The target is resolved to one user first (ID, address or
// name give the same answer); a deleted target answers
// EntityStateException. The check costs a fixed number of indexed reads
// (organization, role, target) whatever the size of the directory.
//
// UpdateImpersonationRole replaces name, type, description and rules as a
// whole and revokes every token issued for the role (see
// impersonation_token.go). DeleteImpersonationRole of an unknown role
// succeeds (the model lists no not-found error for it). Roles per
// organization are limited (ImpersonationOptions.MaxRolesPerOrg, 20 by
// default; LimitExceededException), and ListImpersonationRoles returns
// at most 20 roles per page, the model's list limit.

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	// DefaultMaxImpersonationRoles is the default number of roles an
	// organization may hold.
	DefaultMaxImpersonationRoles = 20
	// DefaultImpersonationTokenTTL is how long a token from
	// AssumeImpersonationRole lasts: the 15 minutes of WorkMail.
	DefaultImpersonationTokenTTL = 15 * time.Minute
	// maxRolesPerPage is the model's limit on ImpersonationRoleList.
	maxRolesPerPage = 20
)

// ImpersonationOptions configures impersonation roles and tokens.
type ImpersonationOptions struct {
	// MaxRolesPerOrg limits the roles of one organization (default 20).
	MaxRolesPerOrg int
	// TokenTTL is the lifetime of an impersonation token (default 15
	// minutes); it is reported in whole seconds as ExpiresIn.
	TokenTTL time.Duration
}

func (o ImpersonationOptions) withDefaults() ImpersonationOptions {
	if o.MaxRolesPerOrg <= 0 {
		o.MaxRolesPerOrg = DefaultMaxImpersonationRoles
	}
	if o.TokenTTL < time.Second {
		o.TokenTTL = DefaultImpersonationTokenTTL
	}
	return o
}

func (s *Service) impersonationOptions() ImpersonationOptions { return s.opts.Impersonation }

// checkRules enforces what the model cannot state: rule IDs unique within
// the role. A rule without target lists is valid: it applies to everyone.
func checkRules(rules []workmailapi.ImpersonationRule) error {
	seen := make(map[string]bool, len(rules))
	for _, r := range rules {
		if seen[r.ImpersonationRuleId] {
			return workmailapi.NewInvalidParameterException("The rule ID %s is used more than once.", r.ImpersonationRuleId)
		}
		seen[r.ImpersonationRuleId] = true
	}
	return nil
}

// resolveRules turns the rules of a request into stored rules, each target
// resolved to a user ID (duplicates dropped, order kept). It must run in
// the transaction that writes the role, so that a user deleted meanwhile
// cannot slip in.
func (s *Service) resolveRules(ctx context.Context, orgID string, in []workmailapi.ImpersonationRule) ([]store.ImpersonationRule, error) {
	known := map[string]string{} // identifier → user ID
	resolve := func(list []string) ([]string, error) {
		var ids []string
		for _, ident := range list {
			id, ok := known[ident]
			if !ok {
				u, err := s.entity(ctx, orgID, ident, userKind)
				if err != nil {
					return nil, err
				}
				if u.State == store.EntityDeleted {
					return nil, workmailapi.NewEntityStateException("The user %s is deleted and cannot be a target of an impersonation rule.", u.ID)
				}
				id, known[ident] = u.ID, u.ID
			}
			if !contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids, nil
	}
	out := make([]store.ImpersonationRule, 0, len(in))
	for _, r := range in {
		targets, err := resolve(r.TargetUsers)
		if err != nil {
			return nil, err
		}
		others, err := resolve(r.NotTargetUsers)
		if err != nil {
			return nil, err
		}
		out = append(out, store.ImpersonationRule{ID: r.ImpersonationRuleId, Name: opt.Deref(r.Name), Description: opt.Deref(r.Description),
			Effect: string(r.Effect), TargetUsers: targets, NotTargetUsers: others})
	}
	return out, nil
}

func roleNotFound(orgID, id string) error {
	return workmailapi.NewResourceNotFoundException("The impersonation role %s does not exist in organization %s.", id, orgID)
}

// roleWriteErr maps the store errors of writing a role.
func (s *Service) roleWriteErr(err error, orgID, id string) error {
	switch {
	case errors.Is(err, store.ErrLimitExceeded):
		return workmailapi.NewLimitExceededException("An organization can have at most %d impersonation roles.", s.impersonationOptions().MaxRolesPerOrg)
	case errors.Is(err, store.ErrNotFound):
		return roleNotFound(orgID, id)
	}
	return writeErr(err, orgID)
}

// roleRequestHash fingerprints a create request without its client token.
func roleRequestHash(in *workmailapi.CreateImpersonationRoleRequest) string {
	c := *in
	c.ClientToken = nil
	return requestHash(c)
}

func (s *Service) CreateImpersonationRole(ctx context.Context, in *workmailapi.CreateImpersonationRoleRequest) (*workmailapi.CreateImpersonationRoleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := checkRules(in.Rules); err != nil {
		return nil, err
	}
	now := s.now()
	r := store.ImpersonationRole{OrgID: o.ID, ID: newEntityID(), Name: in.Name, Type: string(in.Type), Description: opt.Deref(in.Description),
		ClientToken: opt.Deref(in.ClientToken), RequestHash: roleRequestHash(in), CreatedAt: now, UpdatedAt: now}
	var got *store.ImpersonationRole
	var replayed bool
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		var err error
		if r.Rules, err = s.resolveRules(ctx, o.ID, in.Rules); err != nil {
			return err
		}
		got, replayed, err = s.st.CreateImpersonationRole(ctx, r, s.impersonationOptions().MaxRolesPerOrg)
		return err
	})
	if err != nil {
		return nil, s.roleWriteErr(err, o.ID, r.ID)
	}
	if replayed && got.RequestHash != r.RequestHash {
		return nil, workmailapi.NewInvalidParameterException("The client token %s was already used with different parameters.", r.ClientToken)
	}
	return &workmailapi.CreateImpersonationRoleResponse{ImpersonationRoleId: &got.ID}, nil
}

// role loads a role of an active organization.
func (s *Service) role(ctx context.Context, orgID, id string) (*store.Organization, *store.ImpersonationRole, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.st.GetImpersonationRole(ctx, o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, roleNotFound(o.ID, id)
	}
	if err != nil {
		return nil, nil, err
	}
	return o, r, nil
}

func apiRules(rules []store.ImpersonationRule) []workmailapi.ImpersonationRule {
	out := make([]workmailapi.ImpersonationRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, workmailapi.ImpersonationRule{ImpersonationRuleId: r.ID, Name: opt.NonEmpty(r.Name), Description: opt.NonEmpty(r.Description),
			Effect: workmailapi.AccessEffect(r.Effect), TargetUsers: r.TargetUsers, NotTargetUsers: r.NotTargetUsers})
	}
	return out
}

func (s *Service) GetImpersonationRole(ctx context.Context, in *workmailapi.GetImpersonationRoleRequest) (*workmailapi.GetImpersonationRoleResponse, error) {
	_, r, err := s.role(ctx, in.OrganizationId, in.ImpersonationRoleId)
	if err != nil {
		return nil, err
	}
	return &workmailapi.GetImpersonationRoleResponse{
		ImpersonationRoleId: &r.ID,
		Name:                &r.Name,
		Type:                opt.Ptr(workmailapi.ImpersonationRoleType(r.Type)),
		Description:         opt.NonEmpty(r.Description),
		Rules:               apiRules(r.Rules),
		DateCreated:         tstamp(r.CreatedAt),
		DateModified:        tstamp(r.UpdatedAt),
	}, nil
}

func (s *Service) ListImpersonationRoles(ctx context.Context, in *workmailapi.ListImpersonationRolesRequest) (*workmailapi.ListImpersonationRolesResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	max := int32(maxRolesPerPage)
	if in.MaxResults != nil && *in.MaxResults > 0 && *in.MaxResults < max {
		max = *in.MaxResults
	}
	roles, next, err := page(ctx, s, listing("ListImpersonationRoles", o.ID), in.NextToken, &max, func(p store.Page) ([]store.ImpersonationRole, error) {
		return s.st.ListImpersonationRoles(ctx, o.ID, p)
	}, func(r store.ImpersonationRole) string { return r.ID })
	if err != nil {
		return nil, err
	}
	return &workmailapi.ListImpersonationRolesResponse{Roles: apiList(roles, func(r *store.ImpersonationRole) workmailapi.ImpersonationRole {
		return workmailapi.ImpersonationRole{
			ImpersonationRoleId: opt.Ptr(r.ID),
			Name:                opt.Ptr(r.Name),
			Type:                opt.Ptr(workmailapi.ImpersonationRoleType(r.Type)),
			DateCreated:         tstamp(r.CreatedAt),
			DateModified:        tstamp(r.UpdatedAt),
		}
	}), NextToken: next}, nil
}

// UpdateImpersonationRole replaces the role as a whole; every token issued
// for it stops working.
func (s *Service) UpdateImpersonationRole(ctx context.Context, in *workmailapi.UpdateImpersonationRoleRequest) (*workmailapi.UpdateImpersonationRoleResponse, error) {
	o, _, err := s.role(ctx, in.OrganizationId, in.ImpersonationRoleId)
	if err != nil {
		return nil, err
	}
	if err := checkRules(in.Rules); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		rules, err := s.resolveRules(ctx, o.ID, in.Rules)
		if err != nil {
			return err
		}
		_, err = s.st.UpdateImpersonationRole(ctx, o.ID, in.ImpersonationRoleId, func(r *store.ImpersonationRole) error {
			r.Name, r.Type, r.Description, r.Rules, r.UpdatedAt = in.Name, string(in.Type), opt.Deref(in.Description), rules, now
			return nil
		})
		return err
	})
	if err != nil {
		return nil, s.roleWriteErr(err, o.ID, in.ImpersonationRoleId)
	}
	return &workmailapi.UpdateImpersonationRoleResponse{}, nil
}

// DeleteImpersonationRole deletes a role and revokes its tokens. Deleting
// a role that does not exist succeeds.
func (s *Service) DeleteImpersonationRole(ctx context.Context, in *workmailapi.DeleteImpersonationRoleRequest) (*workmailapi.DeleteImpersonationRoleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if err := s.st.DeleteImpersonationRole(ctx, o.ID, in.ImpersonationRoleId); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &workmailapi.DeleteImpersonationRoleResponse{}, nil
}
