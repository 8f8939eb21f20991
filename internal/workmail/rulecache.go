package workmail

import (
	"context"
	"sync"

	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// The access decisions (AccessControlEffect, MobileDeviceAccessEffect and
// the Get*Effect operations) need their organization's rules on every
// request. Reading and decoding them every time made an effect cost
// several DescribeUsers once an organization had many rules
// (docs/performance.md), so the rules are cached per organization, and
// validated on every request by one small read: their generation, an
// organization record (kind store.RecordRulesGeneration, keyed by the
// rules' record kind) that every write of the rules replaces in the same
// transaction (putRule, removeRule). A rule written through any replica
// therefore counts at once everywhere. Rules without a generation (never
// written through these functions) are read from the store every time.

// rulesGeneration identifies one state of a kind of rules.
type rulesGeneration struct {
	ID string
}

var rulesGenerations = records.Of[rulesGeneration](records.Org, store.RecordRulesGeneration)

// putRule writes a rule record through k, of the store kind kind, and
// starts a new generation of the organization's rules of that kind, in
// one transaction.
func putRule[T any](ctx context.Context, s *Service, k records.Kind[T], kind, orgID, key string, fn func(cur *T) (*T, error)) (*T, error) {
	var out *T
	err := s.st.InTx(ctx, func(ctx context.Context) error {
		var err error
		if out, err = k.Put(ctx, s.st, orgID, key, fn); err != nil {
			return err
		}
		return s.newRulesGeneration(ctx, orgID, kind)
	})
	return out, err
}

// removeRule is putRule for a deletion.
func removeRule[T any](ctx context.Context, s *Service, k records.Kind[T], kind, orgID, key string) (bool, error) {
	var ok bool
	err := s.st.InTx(ctx, func(ctx context.Context) error {
		var err error
		if ok, err = k.Remove(ctx, s.st, orgID, key); err != nil {
			return err
		}
		return s.newRulesGeneration(ctx, orgID, kind)
	})
	return ok, err
}

func (s *Service) newRulesGeneration(ctx context.Context, orgID, kind string) error {
	g := &rulesGeneration{ID: newEntityID()}
	_, err := rulesGenerations.Put(ctx, s.st, orgID, kind, func(*rulesGeneration) (*rulesGeneration, error) { return g, nil })
	return err
}

// ruleCache holds one kind of rules per organization, with the
// generation they were read at. Cached values are shared between
// requests: callers must not modify them.
type ruleCache[T any] struct {
	kind string
	m    sync.Map // organization ID → *cachedRules[T]
}

type cachedRules[T any] struct {
	gen   string
	rules T
}

// get returns an organization's rules: the cached ones while their
// generation is current, else what load reads (cached when the rules
// have a generation).
func (c *ruleCache[T]) get(ctx context.Context, s *Service, orgID string, load func() (T, error)) (T, error) {
	g, ok, err := rulesGenerations.Get(ctx, s.st, orgID, c.kind)
	if err != nil {
		var zero T
		return zero, err
	}
	if ok {
		if v, hit := c.m.Load(orgID); hit && v.(*cachedRules[T]).gen == g.ID {
			return v.(*cachedRules[T]).rules, nil
		}
	}
	// Read after the generation: rules newer than it are cached under it
	// at worst, and replaced at the next generation.
	rules, err := load()
	if err == nil && ok {
		c.m.Store(orgID, &cachedRules[T]{gen: g.ID, rules: rules})
	}
	return rules, err
}

// ruleCaches are a service's cached rules.
type ruleCaches struct {
	access ruleCache[*accessRuleSet]
	mobile ruleCache[[]mobileRule]
}

func newRuleCaches() *ruleCaches {
	return &ruleCaches{access: ruleCache[*accessRuleSet]{kind: store.RecordAccessControlRule},
		mobile: ruleCache[[]mobileRule]{kind: store.RecordMobileDeviceAccessRule}}
}

// cachedAccessRules returns an organization's access control rule
// record; nil when it has none (the default rule).
func (s *Service) cachedAccessRules(ctx context.Context, orgID string) (*accessRuleSet, error) {
	return s.rules.access.get(ctx, s, orgID, func() (*accessRuleSet, error) {
		set, _, err := accessRuleSets.Get(ctx, s.st, orgID, accessRulesKey)
		return set, err
	})
}

// cachedMobileRules returns an organization's mobile device access rules.
func (s *Service) cachedMobileRules(ctx context.Context, orgID string) ([]mobileRule, error) {
	return s.rules.mobile.get(ctx, s, orgID, func() ([]mobileRule, error) {
		return mobileRules.All(ctx, s.st, orgID, "")
	})
}
