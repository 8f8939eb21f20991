package workmail

// Access control rules: PutAccessControlRule, ListAccessControlRules,
// DeleteAccessControlRule and GetAccessControlEffect. They decide which
// requests reach an organization's mailboxes by protocol (Action), client
// address, user and impersonation role; the mail front end asks
// AccessControlEffect (accesscontrol_effect.go) for every connection.
//
// As the WorkMail administrator guide describes them
// (https://docs.aws.amazon.com/workmail/latest/adminguide/access-rules.html):
//
//   - Every organization starts with one rule that allows everything. As
//     AWS shows it, it is named "default", described "Default WorkMail
//     Rule", has no conditions and is dated 0 (the Unix epoch); see the
//     list-access-control-rules example of the AWS CLI
//     (https://docs.aws.amazon.com/cli/latest/reference/workmail/list-access-control-rules.html).
//     It is an ordinary rule: it can be replaced or deleted.
//   - A matching DENY rule wins over any matching ALLOW rule; when no rule
//     matches, access is denied, so an organization without rules lets
//     nobody in.
//   - PutAccessControlRule with the name of an existing rule replaces it
//     (keeping its DateCreated); the API reference says so
//     (https://docs.aws.amazon.com/workmail/latest/APIReference/API_PutAccessControlRule.html).
//     DeleteAccessControlRule of an unknown rule succeeds, as its page says
//     (https://docs.aws.amazon.com/workmail/latest/APIReference/API_DeleteAccessControlRule.html).
//   - An organization holds at most 10 rules (LimitExceededException): the
//     model's AccessControlRulesList holds at most 10, and
//     ListAccessControlRules, which does not page, returns them all.
//
// Storage: the rules of an organization are one organization record
// (kind store.RecordAccessControlRule, key "rules") holding the list in
// the order the rules were created. An organization that never wrote one
// has the default rule; the first Put or Delete writes the list with it,
// so a deleted default rule stays deleted. One record keeps the quota,
// the upsert by name and the evaluation to one read or one transaction.
//
// Rule members are resolved when the rule is written:
//
//   - UserIds and NotUserIds take a user ID, an address or a user name
//     (ResolveEntity) and are stored and returned as user IDs; an unknown
//     user, or a group, answers EntityNotFoundException, a deleted user
//     InvalidParameterException (the model lists no EntityStateException).
//   - ImpersonationRoleIds and NotImpersonationRoleIds must name roles of
//     the organization (ResourceNotFoundException).
//   - Actions and NotActions must be access protocol actions
//     (accessActions), IpRanges and NotIpRanges IPv4 CIDR ranges
//     (InvalidParameterException). Duplicates are dropped, order kept.
//
// A rule whose user or role is deleted later keeps the ID, which nobody
// else can hold: the rule matches nobody new, and nothing is rewritten
// behind the administrator's back.

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	// maxAccessControlRules is the rule quota of an organization: the
	// model's AccessControlRulesList holds at most 10 rules.
	maxAccessControlRules = 10
	// defaultAccessRuleName and defaultAccessRuleDescription are the
	// default rule as AWS lists it.
	defaultAccessRuleName        = "default"
	defaultAccessRuleDescription = "Default WorkMail Rule"
	// accessRulesKey is the key of the record that holds an
	// organization's rules.
	accessRulesKey = "rules"
)

// Access protocol actions, as access control rules and AccessRequest
// name them.
const (
	AccessActionActiveSync     = "ActiveSync"
	AccessActionAutoDiscover   = "AutoDiscover"
	AccessActionEWS            = "EWS"
	AccessActionIMAP           = "IMAP"
	AccessActionSMTP           = "SMTP"
	AccessActionWindowsOutlook = "WindowsOutlook"
	AccessActionWebMail        = "WebMail"
)

// accessActions are the valid actions, in the order the model lists them.
var accessActions = []string{AccessActionActiveSync, AccessActionAutoDiscover, AccessActionEWS, AccessActionIMAP,
	AccessActionSMTP, AccessActionWindowsOutlook, AccessActionWebMail}

// accessRule is one stored rule. Users and roles are IDs; IP ranges are
// kept as written.
type accessRule struct {
	Name        string
	Effect      string
	Description string
	Actions     []string `json:",omitempty"`
	NotActions  []string `json:",omitempty"`
	IPRanges    []string `json:",omitempty"`
	NotIPRanges []string `json:",omitempty"`
	UserIDs     []string `json:",omitempty"`
	NotUserIDs  []string `json:",omitempty"`
	RoleIDs     []string `json:",omitempty"`
	NotRoleIDs  []string `json:",omitempty"`
	Created     time.Time
	Modified    time.Time
}

// accessRuleSet is the record of an organization's rules.
type accessRuleSet struct {
	Rules []accessRule
}

var accessRuleSets = records.Of[accessRuleSet](records.Org, store.RecordAccessControlRule)

// defaultAccessRule is the rule every organization starts with.
func defaultAccessRule() accessRule {
	epoch := time.Unix(0, 0).UTC()
	return accessRule{Name: defaultAccessRuleName, Effect: effectAllow, Description: defaultAccessRuleDescription,
		Created: epoch, Modified: epoch}
}

// rulesOf returns a copy of the rules a record holds; no record means
// the default rule.
func rulesOf(set *accessRuleSet) []accessRule {
	if set == nil {
		return []accessRule{defaultAccessRule()}
	}
	return slices.Clone(set.Rules)
}

// accessRules reads the rules of an organization, for reading only: one
// indexed read, of their generation once they are cached (rulecache.go).
func (s *Service) accessRules(ctx context.Context, orgID string) ([]accessRule, error) {
	set, err := s.cachedAccessRules(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if set == nil {
		return rulesOf(nil), nil
	}
	return set.Rules, nil // shared with the cache: read only
}

func validAction(a string) bool { return slices.Contains(accessActions, a) }

func errUnknownAction(member, action string) error {
	return workmailapi.NewInvalidParameterException("%s: %s is not an access protocol action; the actions are %s.",
		member, action, strings.Join(accessActions, ", "))
}

// checkActions validates a list of actions; duplicates are dropped.
func checkActions(member string, in []string) ([]string, error) {
	var out []string
	for _, a := range in {
		if !validAction(a) {
			return nil, errUnknownAction(member, a)
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// checkRanges validates a list of IPv4 CIDR ranges; duplicates are
// dropped.
func checkRanges(member string, in []string) ([]string, error) {
	var out []string
	for _, r := range in {
		p, err := netip.ParsePrefix(r)
		if err != nil || !p.Addr().Is4() {
			return nil, workmailapi.NewInvalidParameterException("%s: %s is not an IPv4 CIDR range such as 192.0.2.0/24.", member, r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ruleUsers resolves the users a rule member names to their IDs.
func (s *Service) ruleUsers(ctx context.Context, orgID, member string, in []string) ([]string, error) {
	var out []string
	for _, ident := range in {
		u, err := s.entity(ctx, orgID, ident, userKind)
		var nf *workmailapi.EntityNotFoundException
		if errors.As(err, &nf) {
			return nil, workmailapi.NewEntityNotFoundException("%s: %s", member, nf.Message)
		}
		if err != nil {
			return nil, err
		}
		if u.State == store.EntityDeleted {
			return nil, workmailapi.NewInvalidParameterException("%s: the user %s is deleted.", member, u.ID)
		}
		if !slices.Contains(out, u.ID) {
			out = append(out, u.ID)
		}
	}
	return out, nil
}

// ruleRoles checks that the impersonation roles a rule member names exist.
func (s *Service) ruleRoles(ctx context.Context, orgID, member string, in []string) ([]string, error) {
	var out []string
	for _, id := range in {
		if slices.Contains(out, id) {
			continue
		}
		_, err := s.st.GetImpersonationRole(ctx, orgID, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, workmailapi.NewResourceNotFoundException("%s: the impersonation role %s does not exist in organization %s.", member, id, orgID)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// newAccessRule validates a request and resolves its users and roles. It
// runs in the transaction that writes the rule, so that a user or role
// deleted meanwhile cannot slip in.
func (s *Service) newAccessRule(ctx context.Context, orgID string, in *workmailapi.PutAccessControlRuleRequest, now time.Time) (*accessRule, error) {
	r := &accessRule{Name: in.Name, Effect: string(in.Effect), Description: in.Description, Created: now, Modified: now}
	var err error
	if r.Actions, err = checkActions("Actions", in.Actions); err != nil {
		return nil, err
	}
	if r.NotActions, err = checkActions("NotActions", in.NotActions); err != nil {
		return nil, err
	}
	if r.IPRanges, err = checkRanges("IpRanges", in.IpRanges); err != nil {
		return nil, err
	}
	if r.NotIPRanges, err = checkRanges("NotIpRanges", in.NotIpRanges); err != nil {
		return nil, err
	}
	if r.UserIDs, err = s.ruleUsers(ctx, orgID, "UserIds", in.UserIds); err != nil {
		return nil, err
	}
	if r.NotUserIDs, err = s.ruleUsers(ctx, orgID, "NotUserIds", in.NotUserIds); err != nil {
		return nil, err
	}
	if r.RoleIDs, err = s.ruleRoles(ctx, orgID, "ImpersonationRoleIds", in.ImpersonationRoleIds); err != nil {
		return nil, err
	}
	if r.NotRoleIDs, err = s.ruleRoles(ctx, orgID, "NotImpersonationRoleIds", in.NotImpersonationRoleIds); err != nil {
		return nil, err
	}
	return r, nil
}

// PutAccessControlRule adds a rule, or replaces the rule of the same name.
func (s *Service) PutAccessControlRule(ctx context.Context, in *workmailapi.PutAccessControlRuleRequest) (*workmailapi.PutAccessControlRuleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		r, err := s.newAccessRule(ctx, o.ID, in, now)
		if err != nil {
			return err
		}
		_, err = putRule(ctx, s, accessRuleSets, store.RecordAccessControlRule, o.ID, accessRulesKey, func(cur *accessRuleSet) (*accessRuleSet, error) {
			rules := rulesOf(cur)
			if i := slices.IndexFunc(rules, func(x accessRule) bool { return x.Name == r.Name }); i >= 0 {
				next := *r
				next.Created = rules[i].Created
				rules[i] = next
				return &accessRuleSet{Rules: rules}, nil
			}
			if len(rules) >= maxAccessControlRules {
				return nil, workmailapi.NewLimitExceededException("An organization can have at most %d access control rules.", maxAccessControlRules)
			}
			return &accessRuleSet{Rules: append(rules, *r)}, nil
		})
		return err
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.PutAccessControlRuleResponse{}, nil
}

// ListAccessControlRules returns every rule, in the order they were
// created.
func (s *Service) ListAccessControlRules(ctx context.Context, in *workmailapi.ListAccessControlRulesRequest) (*workmailapi.ListAccessControlRulesResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	rules, err := s.accessRules(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListAccessControlRulesResponse{Rules: make([]workmailapi.AccessControlRule, 0, len(rules))}
	for _, r := range rules {
		out.Rules = append(out.Rules, workmailapi.AccessControlRule{
			Name:                    opt.Ptr(r.Name),
			Effect:                  opt.Ptr(workmailapi.AccessControlRuleEffect(r.Effect)),
			Description:             opt.Ptr(r.Description),
			Actions:                 r.Actions,
			NotActions:              r.NotActions,
			IpRanges:                r.IPRanges,
			NotIpRanges:             r.NotIPRanges,
			UserIds:                 r.UserIDs,
			NotUserIds:              r.NotUserIDs,
			ImpersonationRoleIds:    r.RoleIDs,
			NotImpersonationRoleIds: r.NotRoleIDs,
			DateCreated:             opt.Ptr(r.Created),
			DateModified:            opt.Ptr(r.Modified),
		})
	}
	return out, nil
}

// DeleteAccessControlRule deletes a rule; an unknown rule is no error.
func (s *Service) DeleteAccessControlRule(ctx context.Context, in *workmailapi.DeleteAccessControlRuleRequest) (*workmailapi.DeleteAccessControlRuleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	_, err = putRule(ctx, s, accessRuleSets, store.RecordAccessControlRule, o.ID, accessRulesKey, func(cur *accessRuleSet) (*accessRuleSet, error) {
		rules := rulesOf(cur)
		i := slices.IndexFunc(rules, func(x accessRule) bool { return x.Name == in.Name })
		if i < 0 {
			return nil, nil
		}
		return &accessRuleSet{Rules: slices.Delete(rules, i, i+1)}, nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DeleteAccessControlRuleResponse{}, nil
}
