package workmail

import (
	"net/netip"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
)

// A rule written through one replica counts at once on another whose
// cache holds the rules from before.
func TestRuleCacheAcrossReplicas(t *testing.T) {
	f := newFixture(t)
	org := f.org("replicas")
	alice := f.user(org, "alice")
	other := New(f.db, Options{})
	imap := AccessRequest{Action: AccessActionIMAP, IP: netip.MustParseAddr("192.0.2.1"), UserID: alice}
	iphone := Device{Type: "iPhone", Model: "iPhone15,2"}
	wantEffects := func(access, mobile string) {
		t.Helper()
		for range 2 { // the second question is answered from the cache
			if got, _, err := f.s.AccessControlEffect(f.ctx, org, imap); err != nil || got != access {
				t.Fatalf("access control effect %s %v, want %s", got, err, access)
			}
			if got, err := f.s.MobileDeviceAccessEffect(f.ctx, org, iphone, "", ""); err != nil || got.Effect != mobile {
				t.Fatalf("mobile device access effect %+v %v, want %s", got, err, mobile)
			}
		}
	}
	wantEffects(effectAllow, effectAllow)

	if _, err := other.PutAccessControlRule(f.ctx, &workmailapi.PutAccessControlRuleRequest{OrganizationId: org, Name: "no-imap", Effect: "DENY",
		Description: "d", Actions: []string{AccessActionIMAP}}); err != nil {
		t.Fatal(err)
	}
	rule, err := other.CreateMobileDeviceAccessRule(f.ctx, &workmailapi.CreateMobileDeviceAccessRuleRequest{OrganizationId: org, Name: "no-iphone",
		Effect: "DENY", DeviceTypes: []string{"iPhone"}})
	if err != nil {
		t.Fatal(err)
	}
	wantEffects(effectDeny, effectDeny)

	if _, err := other.DeleteAccessControlRule(f.ctx, &workmailapi.DeleteAccessControlRuleRequest{OrganizationId: org, Name: "no-imap"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.UpdateMobileDeviceAccessRule(f.ctx, &workmailapi.UpdateMobileDeviceAccessRuleRequest{OrganizationId: org,
		MobileDeviceAccessRuleId: *rule.MobileDeviceAccessRuleId, Name: "no-android", Effect: "DENY", DeviceTypes: []string{"Android"}}); err != nil {
		t.Fatal(err)
	}
	wantEffects(effectAllow, effectAllow)

	if _, err := other.UpdateMobileDeviceAccessRule(f.ctx, &workmailapi.UpdateMobileDeviceAccessRuleRequest{OrganizationId: org,
		MobileDeviceAccessRuleId: *rule.MobileDeviceAccessRuleId, Name: "no-iphone", Effect: "DENY", DeviceTypes: []string{"iPhone"}}); err != nil {
		t.Fatal(err)
	}
	wantEffects(effectAllow, effectDeny)
	if _, err := other.DeleteMobileDeviceAccessRule(f.ctx, &workmailapi.DeleteMobileDeviceAccessRuleRequest{OrganizationId: org,
		MobileDeviceAccessRuleId: *rule.MobileDeviceAccessRuleId}); err != nil {
		t.Fatal(err)
	}
	wantEffects(effectAllow, effectAllow)
}
