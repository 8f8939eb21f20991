package workmail

// Mobile device access rules: CreateMobileDeviceAccessRule,
// UpdateMobileDeviceAccessRule, ListMobileDeviceAccessRules,
// DeleteMobileDeviceAccessRule. How rules match is in mobile_match.go.
//
//   - Every new organization starts with one rule, DefaultAllowAll: ALLOW
//     with no conditions, as "by default, each Amazon WorkMail organization
//     uses a rule that grants mailbox access to any devices"
//     (https://docs.aws.amazon.com/workmail/latest/adminguide/manage-mobile-access.html).
//     It is an ordinary rule: updating or deleting it is how an
//     administrator restricts devices, and with no rules at all every
//     device is blocked. (Organizations created before mailgate had mobile
//     device rules have none.)
//   - An organization holds at most 10 rules (LimitExceededException):
//     ListMobileDeviceAccessRules has no paging and the model caps its
//     Rules at 10
//     (https://docs.aws.amazon.com/workmail/latest/APIReference/API_ListMobileDeviceAccessRules.html).
//   - Rule IDs are lowercase UUIDs; rules list in ID order.
//   - A ClientToken replayed with the same input returns the same rule and
//     writes nothing, also at the quota; the same token with other input
//     answers InvalidParameterException. The rule's ID is derived from the
//     organization and the token, so the store's key makes the check
//     atomic; a token whose rule was deleted creates it anew.
//   - UpdateMobileDeviceAccessRule replaces name, description, effect and
//     conditions as a whole; an unknown rule answers
//     EntityNotFoundException, the only not-found error its model lists.
//   - DeleteMobileDeviceAccessRule of an unknown or deleted rule succeeds,
//     as the API reference says
//     (https://docs.aws.amazon.com/workmail/latest/APIReference/API_DeleteMobileDeviceAccessRule.html).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/store"
)

const (
	// maxMobileDeviceAccessRules is the rules of one organization: the
	// model's limit on ListMobileDeviceAccessRules, which does not page.
	maxMobileDeviceAccessRules = 10
	// defaultMobileRuleName names the rule every organization starts with.
	defaultMobileRuleName = "DefaultAllowAll"
)

// mobileRule is a stored mobile device access rule, keyed by its ID.
type mobileRule struct {
	ID          string
	Name        string
	Description string `json:",omitempty"`
	Effect      string
	mobileConditions
	// ClientToken and RequestHash are those of the creating request.
	ClientToken string `json:",omitempty"`
	RequestHash string `json:",omitempty"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

var mobileRules = records.Of[mobileRule](records.Org, store.RecordMobileDeviceAccessRule).Max(maxMobileDeviceAccessRules, orgQuotaErr(maxMobileDeviceAccessRules, "mobile device access rules"))

// orgQuotaErr is the limitErr of a kind of records that an organization
// holds at most max of.
func orgQuotaErr(max int, what string) func() error {
	return func() error {
		return workmailapi.NewLimitExceededException("An organization can have at most %d %s.", max, what)
	}
}

// mobileRuleIDSpace derives rule IDs from client tokens.
var mobileRuleIDSpace = uuid.MustParse("6f1d7c2e-3b5a-4f0e-9a41-2c8d5e7b9f30")

// mobileRuleID is the ID of a new rule: random, or derived from the
// organization and the client token, so that a replay finds its rule.
func mobileRuleID(orgID, clientToken string) string {
	if clientToken == "" {
		return newEntityID()
	}
	return uuid.NewSHA1(mobileRuleIDSpace, []byte(orgID+"\x00"+clientToken)).String()
}

// seedMobileDeviceAccessRules gives a new organization its default rule.
func (s *Service) seedMobileDeviceAccessRules(ctx context.Context, orgID string) error {
	now := s.now()
	r := &mobileRule{ID: newEntityID(), Name: defaultMobileRuleName, Description: "Allows every mobile device.",
		Effect: effectAllow, CreatedAt: now, UpdatedAt: now}
	_, err := putRule(ctx, s, mobileRules, store.RecordMobileDeviceAccessRule, orgID, r.ID, func(*mobileRule) (*mobileRule, error) { return r, nil })
	return err
}

func (s *Service) CreateMobileDeviceAccessRule(ctx context.Context, in *workmailapi.CreateMobileDeviceAccessRuleRequest) (*workmailapi.CreateMobileDeviceAccessRuleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	token := opt.Deref(in.ClientToken)
	unsigned := *in
	unsigned.ClientToken = nil
	b, err := json.Marshal(unsigned)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	r := &mobileRule{ID: mobileRuleID(o.ID, token), Name: in.Name, Description: opt.Deref(in.Description), Effect: string(in.Effect),
		mobileConditions: mobileConditions{in.DeviceTypes, in.NotDeviceTypes, in.DeviceModels, in.NotDeviceModels,
			in.DeviceOperatingSystems, in.NotDeviceOperatingSystems, in.DeviceUserAgents, in.NotDeviceUserAgents},
		ClientToken: token, RequestHash: hex.EncodeToString(sum[:]), CreatedAt: now, UpdatedAt: now}
	got, err := putRule(ctx, s, mobileRules, store.RecordMobileDeviceAccessRule, o.ID, r.ID, func(cur *mobileRule) (*mobileRule, error) {
		switch {
		case cur == nil:
			return r, nil
		case token != "" && cur.ClientToken == token && cur.RequestHash == r.RequestHash:
			return nil, nil // a replay: the rule stays as it is
		}
		return nil, workmailapi.NewInvalidParameterException("The client token %s was already used with different parameters.", token)
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.CreateMobileDeviceAccessRuleResponse{MobileDeviceAccessRuleId: &got.ID}, nil
}

func (s *Service) UpdateMobileDeviceAccessRule(ctx context.Context, in *workmailapi.UpdateMobileDeviceAccessRuleRequest) (*workmailapi.UpdateMobileDeviceAccessRuleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	_, err = putRule(ctx, s, mobileRules, store.RecordMobileDeviceAccessRule, o.ID, in.MobileDeviceAccessRuleId, func(cur *mobileRule) (*mobileRule, error) {
		if cur == nil {
			return nil, workmailapi.NewEntityNotFoundException("The mobile device access rule %s does not exist in organization %s.", in.MobileDeviceAccessRuleId, o.ID)
		}
		next := *cur
		next.Name, next.Description, next.Effect, next.UpdatedAt = in.Name, opt.Deref(in.Description), string(in.Effect), now
		next.mobileConditions = mobileConditions{in.DeviceTypes, in.NotDeviceTypes, in.DeviceModels, in.NotDeviceModels,
			in.DeviceOperatingSystems, in.NotDeviceOperatingSystems, in.DeviceUserAgents, in.NotDeviceUserAgents}
		return &next, nil
	})
	if err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.UpdateMobileDeviceAccessRuleResponse{}, nil
}

func (s *Service) ListMobileDeviceAccessRules(ctx context.Context, in *workmailapi.ListMobileDeviceAccessRulesRequest) (*workmailapi.ListMobileDeviceAccessRulesResponse, error) {
	_, rules, err := s.orgMobileRules(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	out := &workmailapi.ListMobileDeviceAccessRulesResponse{Rules: make([]workmailapi.MobileDeviceAccessRule, 0, len(rules))}
	for _, r := range rules {
		out.Rules = append(out.Rules, workmailapi.MobileDeviceAccessRule{
			MobileDeviceAccessRuleId:  opt.Ptr(r.ID),
			Name:                      opt.Ptr(r.Name),
			Description:               opt.NonEmpty(r.Description),
			Effect:                    opt.Ptr(workmailapi.MobileDeviceAccessRuleEffect(r.Effect)),
			DeviceTypes:               r.DeviceTypes,
			NotDeviceTypes:            r.NotDeviceTypes,
			DeviceModels:              r.DeviceModels,
			NotDeviceModels:           r.NotDeviceModels,
			DeviceOperatingSystems:    r.DeviceOperatingSystems,
			NotDeviceOperatingSystems: r.NotDeviceOperatingSystems,
			DeviceUserAgents:          r.DeviceUserAgents,
			NotDeviceUserAgents:       r.NotDeviceUserAgents,
			DateCreated:               tstamp(r.CreatedAt),
			DateModified:              tstamp(r.UpdatedAt),
		})
	}
	return out, nil
}

// orgMobileRules returns an active organization and its rules.
func (s *Service) orgMobileRules(ctx context.Context, orgID string) (*store.Organization, []mobileRule, error) {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	rules, err := s.cachedMobileRules(ctx, o.ID)
	return o, rules, err
}

// DeleteMobileDeviceAccessRule deletes a rule; an unknown one is no error.
func (s *Service) DeleteMobileDeviceAccessRule(ctx context.Context, in *workmailapi.DeleteMobileDeviceAccessRuleRequest) (*workmailapi.DeleteMobileDeviceAccessRuleResponse, error) {
	o, err := s.activeOrg(ctx, in.OrganizationId)
	if err != nil {
		return nil, err
	}
	if _, err := removeRule(ctx, s, mobileRules, store.RecordMobileDeviceAccessRule, o.ID, in.MobileDeviceAccessRuleId); err != nil {
		return nil, writeErr(err, o.ID)
	}
	return &workmailapi.DeleteMobileDeviceAccessRuleResponse{}, nil
}
