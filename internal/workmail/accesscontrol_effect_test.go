package workmail

import (
	"net/netip"
	"reflect"
	"testing"
)

// The cases come from the documentation: the administrator guide's
// account of the default rule and of an organization without rules
// (https://docs.aws.amazon.com/workmail/latest/adminguide/access-rules.html),
// the AWS CLI examples of put-access-control-rule, list-access-control-rules
// and get-access-control-effect ("myRule" denies one user; the effect for
// that user from 192.0.2.0 over WindowsOutlook is DENY by myRule), the
// guide's three criteria (protocols, IPv4 CIDR ranges, users), each
// included or excluded, and its advice to limit impersonation roles with
// access control rules
// (https://docs.aws.amazon.com/workmail/latest/adminguide/managing-impersonation-roles.html).
func TestAccessControlEffectTable(t *testing.T) {
	const (
		exampleUser = "S-1-1-11-1111111111-2222222222-3333333333-3333" // the CLI examples' user
		otherUser   = "S-1-1-11-4444444444-5555555555-6666666666-6666"
		role        = "5b8a3f3e-0000-4000-8000-000000000001"
		otherRole   = "5b8a3f3e-0000-4000-8000-000000000002"
	)
	myRule := accessRule{Name: "myRule", Effect: effectDeny, Description: "my rule", UserIDs: []string{exampleUser}}
	// The guide's criteria, one rule each.
	denyIMAP := accessRule{Name: "no-imap", Effect: effectDeny, Actions: []string{AccessActionIMAP}}
	onlyOffice := accessRule{Name: "office-only", Effect: effectDeny, NotIPRanges: []string{"198.51.100.0/24", "203.0.113.16/28"}}
	allowOffice := accessRule{Name: "office", Effect: effectAllow, IPRanges: []string{"198.51.100.0/24"}}
	webmailOnly := accessRule{Name: "webmail-only", Effect: effectDeny, NotActions: []string{AccessActionWebMail}, UserIDs: []string{otherUser}}
	notExample := accessRule{Name: "not-example", Effect: effectAllow, NotUserIDs: []string{exampleUser}}
	// Impersonation: the role may use EWS from the office only.
	roleFromOffice := accessRule{Name: "role-office", Effect: effectDeny, RoleIDs: []string{role}, NotIPRanges: []string{"198.51.100.0/24"}}
	notRole := accessRule{Name: "not-role", Effect: effectDeny, NotRoleIDs: []string{role}, Actions: []string{AccessActionEWS}}

	ip := netip.MustParseAddr
	req := func(action, addr, user, role string) AccessRequest {
		return AccessRequest{Action: action, IP: ip(addr), UserID: user, ImpersonationRoleID: role}
	}
	fresh := []accessRule{defaultAccessRule()}
	withMyRule := []accessRule{defaultAccessRule(), myRule}

	cases := []struct {
		name    string
		rules   []accessRule
		req     AccessRequest
		effect  string
		matched []string
	}{
		// The default rule allows every user, protocol and address.
		{"default/imap", fresh, req(AccessActionIMAP, "192.0.2.10", exampleUser, ""), effectAllow, []string{"default"}},
		{"default/webmail", fresh, req(AccessActionWebMail, "203.0.113.7", otherUser, ""), effectAllow, []string{"default"}},
		{"default/impersonation", fresh, req(AccessActionEWS, "203.0.113.7", "", role), effectAllow, []string{"default"}},
		// Without rules WorkMail blocks all access.
		{"none/imap", nil, req(AccessActionIMAP, "192.0.2.10", exampleUser, ""), effectDeny, nil},
		{"none/impersonation", nil, req(AccessActionEWS, "192.0.2.10", "", role), effectDeny, nil},
		// The CLI example: myRule denies its user, DENY wins over default.
		{"cli-example/user", withMyRule, req(AccessActionWindowsOutlook, "192.0.2.0", exampleUser, ""), effectDeny, []string{"myRule"}},
		{"cli-example/other-user", withMyRule, req(AccessActionWindowsOutlook, "192.0.2.0", otherUser, ""), effectAllow, []string{"default"}},
		{"cli-example/role-alone", withMyRule, req(AccessActionEWS, "192.0.2.0", "", role), effectAllow, []string{"default"}},
		{"cli-example/only-myRule", []accessRule{myRule}, req(AccessActionIMAP, "192.0.2.0", otherUser, ""), effectDeny, nil},
		// Protocols, included.
		{"protocol/denied", []accessRule{defaultAccessRule(), denyIMAP}, req(AccessActionIMAP, "192.0.2.1", otherUser, ""), effectDeny, []string{"no-imap"}},
		{"protocol/other", []accessRule{defaultAccessRule(), denyIMAP}, req(AccessActionSMTP, "192.0.2.1", otherUser, ""), effectAllow, []string{"default"}},
		// Protocols, excluded, and users, included: the user may use webmail only.
		{"protocol-not/webmail", []accessRule{defaultAccessRule(), webmailOnly}, req(AccessActionWebMail, "192.0.2.1", otherUser, ""), effectAllow, []string{"default"}},
		{"protocol-not/activesync", []accessRule{defaultAccessRule(), webmailOnly}, req(AccessActionActiveSync, "192.0.2.1", otherUser, ""), effectDeny, []string{"webmail-only"}},
		{"protocol-not/another-user", []accessRule{defaultAccessRule(), webmailOnly}, req(AccessActionActiveSync, "192.0.2.1", exampleUser, ""), effectAllow, []string{"default"}},
		// Addresses, excluded: nothing from outside the office ranges.
		{"ip-not/inside", []accessRule{defaultAccessRule(), onlyOffice}, req(AccessActionEWS, "198.51.100.77", exampleUser, ""), effectAllow, []string{"default"}},
		{"ip-not/second-range", []accessRule{defaultAccessRule(), onlyOffice}, req(AccessActionEWS, "203.0.113.31", exampleUser, ""), effectAllow, []string{"default"}},
		{"ip-not/outside-range-edge", []accessRule{defaultAccessRule(), onlyOffice}, req(AccessActionEWS, "203.0.113.32", exampleUser, ""), effectDeny, []string{"office-only"}},
		{"ip-not/mapped-ipv6", []accessRule{defaultAccessRule(), onlyOffice}, AccessRequest{Action: AccessActionIMAP, IP: ip("::ffff:198.51.100.1"), UserID: exampleUser}, effectAllow, []string{"default"}},
		{"ip-not/ipv6", []accessRule{defaultAccessRule(), onlyOffice}, AccessRequest{Action: AccessActionIMAP, IP: ip("2001:db8::1"), UserID: exampleUser}, effectDeny, []string{"office-only"}},
		// Addresses, included: the default rule replaced by an office rule.
		{"ip/inside", []accessRule{allowOffice}, req(AccessActionIMAP, "198.51.100.254", exampleUser, ""), effectAllow, []string{"office"}},
		{"ip/outside", []accessRule{allowOffice}, req(AccessActionIMAP, "198.51.101.1", exampleUser, ""), effectDeny, nil},
		// Users, excluded.
		{"user-not/other", []accessRule{notExample}, req(AccessActionIMAP, "192.0.2.1", otherUser, ""), effectAllow, []string{"not-example"}},
		{"user-not/listed", []accessRule{notExample}, req(AccessActionIMAP, "192.0.2.1", exampleUser, ""), effectDeny, nil},
		// Several matching rules of the deciding effect are all named.
		{"matched/all-allows", []accessRule{defaultAccessRule(), allowOffice, notExample}, req(AccessActionIMAP, "198.51.100.9", otherUser, ""), effectAllow, []string{"default", "office", "not-example"}},
		{"matched/all-denies", []accessRule{defaultAccessRule(), denyIMAP, onlyOffice, allowOffice}, req(AccessActionIMAP, "192.0.2.9", otherUser, ""), effectDeny, []string{"no-imap", "office-only"}},
		// Impersonation roles, included and excluded.
		{"role/outside-office", []accessRule{defaultAccessRule(), roleFromOffice}, req(AccessActionEWS, "192.0.2.1", "", role), effectDeny, []string{"role-office"}},
		{"role/inside-office", []accessRule{defaultAccessRule(), roleFromOffice}, req(AccessActionEWS, "198.51.100.1", "", role), effectAllow, []string{"default"}},
		{"role/other-role", []accessRule{defaultAccessRule(), roleFromOffice}, req(AccessActionEWS, "192.0.2.1", "", otherRole), effectAllow, []string{"default"}},
		{"role/user-not-a-role", []accessRule{defaultAccessRule(), roleFromOffice}, req(AccessActionEWS, "192.0.2.1", exampleUser, ""), effectAllow, []string{"default"}},
		{"role-not/other-role", []accessRule{defaultAccessRule(), notRole}, req(AccessActionEWS, "192.0.2.1", "", otherRole), effectDeny, []string{"not-role"}},
		{"role-not/the-role", []accessRule{defaultAccessRule(), notRole}, req(AccessActionEWS, "192.0.2.1", "", role), effectAllow, []string{"default"}},
		{"role-not/plain-user", []accessRule{defaultAccessRule(), notRole}, req(AccessActionEWS, "192.0.2.1", exampleUser, ""), effectDeny, []string{"not-role"}},
		// Both lists of one dimension must hold.
		{"both-lists/in-and-not-excluded", []accessRule{{Name: "r", Effect: effectAllow, IPRanges: []string{"10.0.0.0/8"}, NotIPRanges: []string{"10.1.0.0/16"}}},
			req(AccessActionIMAP, "10.2.0.1", otherUser, ""), effectAllow, []string{"r"}},
		{"both-lists/in-but-excluded", []accessRule{{Name: "r", Effect: effectAllow, IPRanges: []string{"10.0.0.0/8"}, NotIPRanges: []string{"10.1.0.0/16"}}},
			req(AccessActionIMAP, "10.1.0.1", otherUser, ""), effectDeny, nil},
		// A range written with host bits matches its network.
		{"range/host-bits", []accessRule{{Name: "r", Effect: effectAllow, IPRanges: []string{"10.1.2.3/8"}}}, req(AccessActionIMAP, "10.200.0.1", otherUser, ""), effectAllow, []string{"r"}},
	}
	for _, c := range cases {
		t.Run("method=evaluateAccess/case="+c.name, func(t *testing.T) {
			effect, matched := evaluateAccess(c.rules, c.req)
			if effect != c.effect || !reflect.DeepEqual(matched, c.matched) {
				t.Fatalf("got %s %v, want %s %v", effect, matched, c.effect, c.matched)
			}
		})
	}
}
