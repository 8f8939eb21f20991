package workmail

// Mobile device access: how rules and overrides decide, with no store in
// sight (mobile_rules.go and mobile_overrides.go keep them; see
// mobile_effect.go for the operations that decide).
//
// As the administration guide describes it
// (https://docs.aws.amazon.com/workmail/latest/adminguide/manage-mobile-access.html,
// "How mobile device access rules work" and "Dealing with empty fields"):
//
//   - A rule applies to a device only if every condition it has matches;
//     a rule with no conditions applies to every device.
//   - A condition is one of the eight lists (DeviceTypes, NotDeviceTypes,
//     DeviceModels, ...). A positive list matches when any of its entries
//     matches the device's reported property; a Not list matches when the
//     device reports the property and none of the entries matches it.
//   - An entry matches by case-insensitive prefix: "iOS 14.3" matches
//     "ios 14.3.1 18D61" (and, being a prefix, "iOS 14.30"). There are no
//     wildcards: "*" is an ordinary character.
//   - The entry "$NONE" matches a property the device does not report
//     (empty), and only that. Not lists never match an empty property, so
//     NotDeviceTypes ["android"] does not match a device without a type,
//     and NotDeviceTypes ["$NONE"] matches every device that reports one.
//   - Any applicable DENY rule blocks the device; otherwise any applicable
//     ALLOW rule allows it; if no rule applies, the device is blocked.
//     MatchedRules are the rules that decided: the applicable DENY rules,
//     else the applicable ALLOW rules, else none.
//
// An override for a user and device comes before the rules: its effect is
// the answer, whatever the rules say
// (https://docs.aws.amazon.com/workmail/latest/adminguide/mobile-overrides.html).

import "strings"

// noneValue is the condition entry that matches an unreported property.
const noneValue = "$NONE"

// Device is what a mobile device reports of itself during Exchange
// ActiveSync provisioning; "" is a property it does not report.
type Device struct {
	Type            string
	Model           string
	OperatingSystem string
	UserAgent       string
}

// MatchedRule names a mobile device access rule that decided an effect.
type MatchedRule struct {
	ID   string
	Name string
}

// MobileDeviceAccess is the decision on one device of one user.
type MobileDeviceAccess struct {
	// Effect is "ALLOW" or "DENY".
	Effect string
	// Override is set when the user's override for the device decided;
	// MatchedRules is then empty.
	Override bool
	// MatchedRules are the rules that produced Effect: the applicable DENY
	// rules, else the applicable ALLOW rules; none when no rule applies
	// (Effect is then DENY).
	MatchedRules []MatchedRule
}

// mobileConditions are the eight condition lists of a rule, named as in
// the model; an empty list is no condition.
type mobileConditions struct {
	DeviceTypes               []string `json:",omitempty"`
	NotDeviceTypes            []string `json:",omitempty"`
	DeviceModels              []string `json:",omitempty"`
	NotDeviceModels           []string `json:",omitempty"`
	DeviceOperatingSystems    []string `json:",omitempty"`
	NotDeviceOperatingSystems []string `json:",omitempty"`
	DeviceUserAgents          []string `json:",omitempty"`
	NotDeviceUserAgents       []string `json:",omitempty"`
}

// applies reports whether every condition matches the device.
func (c *mobileConditions) applies(d Device) bool {
	return propertyMatches(c.DeviceTypes, c.NotDeviceTypes, d.Type) &&
		propertyMatches(c.DeviceModels, c.NotDeviceModels, d.Model) &&
		propertyMatches(c.DeviceOperatingSystems, c.NotDeviceOperatingSystems, d.OperatingSystem) &&
		propertyMatches(c.DeviceUserAgents, c.NotDeviceUserAgents, d.UserAgent)
}

// propertyMatches checks one property against its positive and Not
// lists; an empty list is no condition.
func propertyMatches(in, notIn []string, value string) bool {
	if len(in) > 0 && !anyEntryMatches(in, value) {
		return false
	}
	if len(notIn) > 0 && (value == "" || anyEntryMatches(notIn, value)) {
		return false
	}
	return true
}

func anyEntryMatches(entries []string, value string) bool {
	for _, e := range entries {
		if entryMatches(e, value) {
			return true
		}
	}
	return false
}

// entryMatches: "$NONE" matches an unreported value; any other entry is a
// case-insensitive prefix of a reported one.
func entryMatches(entry, value string) bool {
	if entry == noneValue {
		return value == ""
	}
	return value != "" && hasPrefixFold(value, entry)
}

// hasPrefixFold is strings.HasPrefix of both lowercased, without building
// the lowercase strings when both are ASCII (what devices report): every
// connection's decision runs it on every entry of every rule.
func hasPrefixFold(s, prefix string) bool {
	if isASCII(s) && isASCII(prefix) {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// decideMobileAccess decides for a device: the override when there is one
// (nil: none), else the rules, in their order.
func decideMobileAccess(rules []mobileRule, override *mobileOverride, d Device) MobileDeviceAccess {
	if override != nil {
		return MobileDeviceAccess{Effect: override.Effect, Override: true}
	}
	var allows, denies []MatchedRule
	for i := range rules {
		r := &rules[i]
		if !r.applies(d) {
			continue
		}
		m := MatchedRule{ID: r.ID, Name: r.Name}
		if r.Effect == effectDeny {
			denies = append(denies, m)
		} else {
			allows = append(allows, m)
		}
	}
	switch {
	case len(denies) > 0:
		return MobileDeviceAccess{Effect: effectDeny, MatchedRules: denies}
	case len(allows) > 0:
		return MobileDeviceAccess{Effect: effectAllow, MatchedRules: allows}
	}
	return MobileDeviceAccess{Effect: effectDeny}
}
