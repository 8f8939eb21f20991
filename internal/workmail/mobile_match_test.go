package workmail

import (
	"reflect"
	"testing"
)

// The devices of the administration guide's examples
// (https://docs.aws.amazon.com/workmail/latest/adminguide/manage-mobile-access.html).
var (
	// The device of the guide's get-mobile-device-access-effect example.
	docIPhone = Device{Type: "iPhone", Model: "iPhone10C1", OperatingSystem: "iOS 14.2.1 16F203", UserAgent: "iOS/14.2 (18B92) exchangesyncd/1.0"}
	// An Android device made of the guide's example properties.
	docAndroid = Device{Type: "Android", Model: "HTCOneX", OperatingSystem: "Android 8.1.0", UserAgent: "Android-Mail/7.7.16.163886392.release"}
	docIPad    = Device{Type: "iPad", Model: "iPad5C1", OperatingSystem: "iOS 12.3.1 16F203"}
	// A client that reports nothing ("Dealing with empty fields").
	docSilent = Device{}
)

func withOS(d Device, os string) Device { d.OperatingSystem = os; return d }

func mrule(id, effect string, c mobileConditions) mobileRule {
	return mobileRule{ID: id, Name: "name-" + id, Effect: effect, mobileConditions: c}
}

// TestMobileDeviceAccessDocExamples decides the administration guide's
// examples of mobile device access rules and overrides, without a store.
func TestMobileDeviceAccessDocExamples(t *testing.T) {
	allowAll := mrule("default", effectAllow, mobileConditions{}) // the organization's default rule
	blockAndroid := mrule("BlockAllAndroid", effectDeny, mobileConditions{DeviceTypes: []string{"android"}})
	allowIOS143 := mrule("AllowLatestiOS", effectAllow, mobileConditions{DeviceOperatingSystems: []string{"iOS 14.3"}})
	allowIOS144 := mrule("AllowLatestiOS", effectAllow, mobileConditions{DeviceOperatingSystems: []string{"iOS 14.4"}})
	appleOrNone := mrule("apple", effectAllow, mobileConditions{DeviceTypes: []string{"iphone", "ipad", "$NONE"}})
	notAndroid := mrule("not-android", effectAllow, mobileConditions{NotDeviceTypes: []string{"android"}})
	denyAll := mrule("DefaultDenyAll", effectDeny, mobileConditions{})
	allowOverride := &mobileOverride{UserID: "u", DeviceID: "6APMEKPHCP2ND42VIJ4BR8ECDO", Effect: effectAllow}
	denyOverride := &mobileOverride{UserID: "u", DeviceID: "6APMEKPHCP2ND42VIJ4BR8ECDO", Effect: effectDeny}

	type want struct {
		effect   string
		matched  []string
		override bool
	}
	cases := []struct {
		name     string
		rules    []mobileRule
		override *mobileOverride
		device   Device
		want     want
	}{
		// "By default, each Amazon WorkMail organization uses a rule that
		// grants mailbox access to any devices."
		{"default rule allows the iPhone", []mobileRule{allowAll}, nil, docIPhone, want{effectAllow, []string{"default"}, false}},
		{"default rule allows a silent client", []mobileRule{allowAll}, nil, docSilent, want{effectAllow, []string{"default"}, false}},
		// "If you delete all the mobile device access rules for an
		// organization, Amazon WorkMail blocks all mobile device access."
		{"no rules blocks", nil, nil, docIPhone, want{effectDeny, nil, false}},
		// BlockAllAndroid: --effect DENY --device-types "android", beside
		// the default rule. "DENY rules take precedence over ALLOW rules."
		{"BlockAllAndroid blocks Android (prefix ignores case)", []mobileRule{allowAll, blockAndroid}, nil, docAndroid, want{effectDeny, []string{"BlockAllAndroid"}, false}},
		{"BlockAllAndroid leaves the iPhone to the default rule", []mobileRule{allowAll, blockAndroid}, nil, docIPhone, want{effectAllow, []string{"default"}, false}},
		{"BlockAllAndroid does not match a device without a type", []mobileRule{allowAll, blockAndroid}, nil, docSilent, want{effectAllow, []string{"default"}, false}},
		// AllowLatestiOS: --effect ALLOW --device-operating-systems
		// "iOS 14.3", the default rule removed. Conditions are prefixes.
		{"AllowLatestiOS allows iOS 14.3", []mobileRule{allowIOS143}, nil, withOS(docIPhone, "iOS 14.3"), want{effectAllow, []string{"AllowLatestiOS"}, false}},
		{"AllowLatestiOS allows iOS 14.3.1 by prefix", []mobileRule{allowIOS143}, nil, withOS(docIPhone, "iOS 14.3.1 18D61"), want{effectAllow, []string{"AllowLatestiOS"}, false}},
		{"AllowLatestiOS ignores case", []mobileRule{allowIOS143}, nil, withOS(docIPhone, "IOS 14.3.1"), want{effectAllow, []string{"AllowLatestiOS"}, false}},
		{"AllowLatestiOS blocks iOS 14.2.1: no rule applies", []mobileRule{allowIOS143}, nil, docIPhone, want{effectDeny, nil, false}},
		{"AllowLatestiOS blocks Android", []mobileRule{allowIOS143}, nil, docAndroid, want{effectDeny, nil, false}},
		{"a prefix is not a suffix or infix", []mobileRule{allowIOS143}, nil, withOS(docIPhone, "Apple iOS 14.3"), want{effectDeny, nil, false}},
		{"no wildcards: * is a character", []mobileRule{mrule("star", effectAllow, mobileConditions{DeviceOperatingSystems: []string{"iOS*"}})}, nil,
			docIPhone, want{effectDeny, nil, false}},
		// The update example: AllowLatestiOS now names "iOS 14.4".
		{"updated AllowLatestiOS allows iOS 14.4.2", []mobileRule{allowIOS144}, nil, withOS(docIPhone, "iOS 14.4.2"), want{effectAllow, []string{"AllowLatestiOS"}, false}},
		{"updated AllowLatestiOS blocks iOS 14.3", []mobileRule{allowIOS144}, nil, withOS(docIPhone, "iOS 14.3"), want{effectDeny, nil, false}},
		// Dealing with empty fields: DeviceTypes=["iphone", "ipad", "$NONE"]
		// "will match devices that report a device type of "iphone" or
		// "ipad", or do not report a device type at all".
		{"$NONE list matches iPhone", []mobileRule{appleOrNone}, nil, docIPhone, want{effectAllow, []string{"apple"}, false}},
		{"$NONE list matches iPad", []mobileRule{appleOrNone}, nil, docIPad, want{effectAllow, []string{"apple"}, false}},
		{"$NONE list matches no device type", []mobileRule{appleOrNone}, nil, docSilent, want{effectAllow, []string{"apple"}, false}},
		{"$NONE list does not match Android", []mobileRule{appleOrNone}, nil, docAndroid, want{effectDeny, nil, false}},
		{"$NONE matches only the empty value", []mobileRule{mrule("none", effectAllow, mobileConditions{DeviceTypes: []string{"$NONE"}})}, nil,
			Device{Type: "$NONE-ish"}, want{effectDeny, nil, false}},
		// NotDeviceTypes=["android"] "will match devices that report a
		// device type other than "android." However, the rule will not
		// match devices that do not report a device type at all."
		{"NotDeviceTypes matches iPhone", []mobileRule{notAndroid}, nil, docIPhone, want{effectAllow, []string{"not-android"}, false}},
		{"NotDeviceTypes does not match Android", []mobileRule{notAndroid}, nil, docAndroid, want{effectDeny, nil, false}},
		{"NotDeviceTypes does not match no device type", []mobileRule{notAndroid}, nil, docSilent, want{effectDeny, nil, false}},
		{"NotDeviceUserAgents does not match no user agent", []mobileRule{mrule("ua", effectAllow, mobileConditions{NotDeviceUserAgents: []string{"Android-Mail"}})}, nil,
			docIPad, want{effectDeny, nil, false}},
		{"Not list with $NONE matches any reported value", []mobileRule{mrule("reported", effectAllow, mobileConditions{NotDeviceModels: []string{"$NONE"}})}, nil,
			docIPad, want{effectAllow, []string{"reported"}, false}},
		// "A rule applies to an access request only if all of the
		// conditions of the rule match properties of the user's mobile
		// device."
		{"all conditions must match", []mobileRule{mrule("old-iphones", effectDeny, mobileConditions{DeviceTypes: []string{"iPhone"}, DeviceOperatingSystems: []string{"iOS 12"}}), allowAll},
			nil, docIPhone, want{effectAllow, []string{"default"}, false}},
		{"all conditions match", []mobileRule{mrule("old-iphones", effectDeny, mobileConditions{DeviceTypes: []string{"iPhone"}, DeviceOperatingSystems: []string{"iOS 14"}}), allowAll},
			nil, docIPhone, want{effectDeny, []string{"old-iphones"}, false}},
		{"a list and its Not list on one property", []mobileRule{mrule("ios-not-14", effectAllow, mobileConditions{DeviceOperatingSystems: []string{"iOS"}, NotDeviceOperatingSystems: []string{"iOS 14"}})},
			nil, docIPad, want{effectAllow, []string{"ios-not-14"}, false}},
		{"a list and its Not list on one property, excluded", []mobileRule{mrule("ios-not-14", effectAllow, mobileConditions{DeviceOperatingSystems: []string{"iOS"}, NotDeviceOperatingSystems: []string{"iOS 14"}})},
			nil, docIPhone, want{effectDeny, nil, false}},
		// MatchedRules are the rules that produced the effect.
		{"every matching DENY rule is listed, no ALLOW", []mobileRule{allowAll, blockAndroid, denyAll, notAndroid}, nil, docAndroid,
			want{effectDeny, []string{"BlockAllAndroid", "DefaultDenyAll"}, false}},
		{"every matching ALLOW rule is listed", []mobileRule{allowAll, blockAndroid, appleOrNone, notAndroid}, nil, docIPhone,
			want{effectAllow, []string{"default", "apple", "not-android"}, false}},
		// Overrides (https://docs.aws.amazon.com/workmail/latest/adminguide/mobile-overrides.html):
		// "if an access rule normally denies access, an access override
		// allows that user and device"; with the MDM guide's DefaultDenyAll.
		{"ALLOW override beats DefaultDenyAll", []mobileRule{denyAll}, allowOverride, docIPhone, want{effectAllow, nil, true}},
		{"ALLOW override beats BlockAllAndroid", []mobileRule{allowAll, blockAndroid}, allowOverride, docAndroid, want{effectAllow, nil, true}},
		// "Conversely, if an access rule normally allows access, you can
		// create an override that prevents the user and device".
		{"DENY override beats the default rule", []mobileRule{allowAll}, denyOverride, docIPhone, want{effectDeny, nil, true}},
		{"override with no rules", nil, allowOverride, docSilent, want{effectAllow, nil, true}},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			got := decideMobileAccess(c.rules, c.override, c.device)
			var ids []string
			for _, m := range got.MatchedRules {
				if m.Name != "name-"+m.ID {
					t.Fatalf("matched rule %+v without its name", m)
				}
				ids = append(ids, m.ID)
			}
			if got.Effect != c.want.effect || !reflect.DeepEqual(ids, c.want.matched) || got.Override != c.want.override {
				t.Fatalf("got %s %v override=%v, want %s %v override=%v", got.Effect, ids, got.Override, c.want.effect, c.want.matched, c.want.override)
			}
		})
	}
}
