package workmail_test

// Mobile device access rules, overrides and effects through the official
// AWS SDK for Go v2, on the impersonation tests' server (settable clock,
// an organization with four registered users).

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"

	"github.com/mailgate/mailgate/internal/apierror"
	wmsvc "github.com/mailgate/mailgate/internal/workmail"
)

// The device of the administration guide's get-mobile-device-access-effect
// example, and an Android device made of its example properties.
var (
	sdkIPhone  = workmail.GetMobileDeviceAccessEffectInput{DeviceType: aws.String("iPhone"), DeviceModel: aws.String("iPhone10C1"), DeviceOperatingSystem: aws.String("iOS 14.2.1 16F203"), DeviceUserAgent: aws.String("iOS/14.2 (18B92) exchangesyncd/1.0")}
	sdkAndroid = workmail.GetMobileDeviceAccessEffectInput{DeviceType: aws.String("Android"), DeviceModel: aws.String("HTCOneX"), DeviceOperatingSystem: aws.String("Android 8.1.0"), DeviceUserAgent: aws.String("Android-Mail/7.7.16.163886392.release")}
)

// newOrg creates another organization of the fixture's account.
func (f *impFx) newOrg(t *testing.T) string {
	t.Helper()
	out, err := f.wm.CreateOrganization(f.ctx, &workmail.CreateOrganizationInput{Alias: aws.String("mob-" + impRnd())})
	impMust(t, err)
	return *out.OrganizationId
}

// deletedOrg creates an organization and deletes it.
func (f *impFx) deletedOrg(t *testing.T) string {
	t.Helper()
	org := f.newOrg(t)
	_, err := f.wm.DeleteOrganization(f.ctx, &workmail.DeleteOrganizationInput{OrganizationId: &org, DeleteDirectory: true})
	impMust(t, err)
	return org
}

// deletedUser creates a user of the fixture's organization and deletes it.
func (f *impFx) deletedUser(t *testing.T, name string) string {
	t.Helper()
	id := f.user(t, name)
	_, err := f.wm.DeregisterFromWorkMail(f.ctx, &workmail.DeregisterFromWorkMailInput{OrganizationId: &f.org, EntityId: &id})
	impMust(t, err)
	_, err = f.wm.DeleteUser(f.ctx, &workmail.DeleteUserInput{OrganizationId: &f.org, UserId: &id})
	impMust(t, err)
	return id
}

func (f *impFx) mobileRules(t *testing.T, org string) []types.MobileDeviceAccessRule {
	t.Helper()
	out, err := f.wm.ListMobileDeviceAccessRules(f.ctx, &workmail.ListMobileDeviceAccessRulesInput{OrganizationId: &org})
	impMust(t, err)
	return out.Rules
}

// mobileEffect simulates a device (a copy of one of the sdk devices, or
// nil for a device that reports nothing) in org; it returns the effect
// and the matched rules as "ID name" pairs.
func (f *impFx) mobileEffect(t *testing.T, org string, dev *workmail.GetMobileDeviceAccessEffectInput) (types.MobileDeviceAccessRuleEffect, []string) {
	t.Helper()
	in := workmail.GetMobileDeviceAccessEffectInput{}
	if dev != nil {
		in = *dev
	}
	in.OrganizationId = &org
	out, err := f.wm.GetMobileDeviceAccessEffect(f.ctx, &in)
	impMust(t, err)
	matched := []string{}
	for _, m := range out.MatchedRules {
		matched = append(matched, *m.MobileDeviceAccessRuleId+" "+*m.Name)
	}
	return out.Effect, matched
}

func (f *impFx) createMobileRule(t *testing.T, in workmail.CreateMobileDeviceAccessRuleInput) string {
	t.Helper()
	out, err := f.wm.CreateMobileDeviceAccessRule(f.ctx, &in)
	impMust(t, err)
	return *out.MobileDeviceAccessRuleId
}

func TestMobileDeviceAccessRules(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	allow, deny := types.MobileDeviceAccessRuleEffectAllow, types.MobileDeviceAccessRuleEffectDeny

	t.Run("method=ListMobileDeviceAccessRules/case=a new organization allows every device", func(t *testing.T) {
		org := f.newOrg(t)
		rules := f.mobileRules(t, org)
		if len(rules) != 1 {
			t.Fatalf("rules of a new organization: %+v", rules)
		}
		r := rules[0]
		if *r.Name != "DefaultAllowAll" || r.Effect != allow || r.DeviceTypes != nil || r.NotDeviceTypes != nil || r.DeviceModels != nil ||
			r.NotDeviceModels != nil || r.DeviceOperatingSystems != nil || r.NotDeviceOperatingSystems != nil || r.DeviceUserAgents != nil ||
			r.NotDeviceUserAgents != nil || !r.DateCreated.Equal(f.clk.Now()) || !r.DateModified.Equal(f.clk.Now()) {
			t.Fatalf("default rule: %+v", r)
		}
		for _, dev := range []*workmail.GetMobileDeviceAccessEffectInput{&sdkIPhone, &sdkAndroid, nil} {
			effect, matched := f.mobileEffect(t, org, dev)
			if effect != allow || !reflect.DeepEqual(matched, []string{*r.MobileDeviceAccessRuleId + " DefaultAllowAll"}) {
				t.Fatalf("%+v: %s %v", dev, effect, matched)
			}
		}
	})

	t.Run("method=CreateMobileDeviceAccessRule/case=every field", func(t *testing.T) {
		org := f.newOrg(t)
		in := workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("Everything"), Description: aws.String("all lists"),
			Effect: deny, DeviceTypes: []string{"iPhone", "$NONE"}, NotDeviceTypes: []string{"iPad"}, DeviceModels: []string{"iPhone1"},
			NotDeviceModels: []string{"iPhone11"}, DeviceOperatingSystems: []string{"iOS 1"}, NotDeviceOperatingSystems: []string{"iOS 12"},
			DeviceUserAgents: []string{"iOS/"}, NotDeviceUserAgents: []string{"iOS/13", "iOS/12"}}
		id := f.createMobileRule(t, in)
		var got *types.MobileDeviceAccessRule
		for _, r := range f.mobileRules(t, org) {
			if *r.MobileDeviceAccessRuleId == id {
				got = &r
			}
		}
		if got == nil || *got.Name != "Everything" || *got.Description != "all lists" || got.Effect != deny ||
			!reflect.DeepEqual(got.DeviceTypes, in.DeviceTypes) || !reflect.DeepEqual(got.NotDeviceTypes, in.NotDeviceTypes) ||
			!reflect.DeepEqual(got.DeviceModels, in.DeviceModels) || !reflect.DeepEqual(got.NotDeviceModels, in.NotDeviceModels) ||
			!reflect.DeepEqual(got.DeviceOperatingSystems, in.DeviceOperatingSystems) || !reflect.DeepEqual(got.NotDeviceOperatingSystems, in.NotDeviceOperatingSystems) ||
			!reflect.DeepEqual(got.DeviceUserAgents, in.DeviceUserAgents) || !reflect.DeepEqual(got.NotDeviceUserAgents, in.NotDeviceUserAgents) ||
			!got.DateCreated.Equal(f.clk.Now()) || !got.DateModified.Equal(f.clk.Now()) {
			t.Fatalf("created rule: %+v", got)
		}
		// The guide's iPhone matches every condition: the DENY rule wins.
		effect, matched := f.mobileEffect(t, org, &sdkIPhone)
		if effect != deny || !reflect.DeepEqual(matched, []string{id + " Everything"}) {
			t.Fatalf("iPhone: %s %v", effect, matched)
		}
	})

	t.Run("method=UpdateMobileDeviceAccessRule/case=replaces everything", func(t *testing.T) {
		org := f.newOrg(t)
		created := f.clk.Now()
		id := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("AllowLatestiOS"),
			Description: aws.String("old"), Effect: allow, DeviceOperatingSystems: []string{"iOS 14.3"}, NotDeviceTypes: []string{"iPad"}})
		f.clk.Advance(time.Hour)
		// The guide's update example: the rule now names iOS 14.4.
		_, err := f.wm.UpdateMobileDeviceAccessRule(f.ctx, &workmail.UpdateMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: &id,
			Name: aws.String("AllowLatestiOS"), Effect: deny, DeviceOperatingSystems: []string{"iOS 14.4"}})
		impMust(t, err)
		var got *types.MobileDeviceAccessRule
		for _, r := range f.mobileRules(t, org) {
			if *r.MobileDeviceAccessRuleId == id {
				got = &r
			}
		}
		if got == nil || *got.Name != "AllowLatestiOS" || got.Description != nil || got.Effect != deny || got.NotDeviceTypes != nil ||
			!reflect.DeepEqual(got.DeviceOperatingSystems, []string{"iOS 14.4"}) || !got.DateCreated.Equal(created) || !got.DateModified.Equal(f.clk.Now()) {
			t.Fatalf("updated rule: %+v", got)
		}
	})

	t.Run("method=CreateMobileDeviceAccessRule/case=client token", func(t *testing.T) {
		org := f.newOrg(t)
		in := workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("idem"), Effect: deny, DeviceTypes: []string{"android"},
			ClientToken: aws.String("tok-" + impRnd())}
		a := f.createMobileRule(t, in)
		b := f.createMobileRule(t, in)
		if a != b || len(f.mobileRules(t, org)) != 2 {
			t.Fatalf("a replayed client token made a second rule: %s %s", a, b)
		}
		// The same token in another organization is another request.
		other := f.newOrg(t)
		in.OrganizationId = &other
		if c := f.createMobileRule(t, in); c == a {
			t.Fatal("a client token of another organization replayed its rule")
		}
		in.OrganizationId, in.Name = &org, aws.String("other")
		_, err := f.wm.CreateMobileDeviceAccessRule(f.ctx, &in)
		apiErr(t, err, "InvalidParameterException", 400)
	})

	t.Run("method=CreateMobileDeviceAccessRule/case=ten rules per organization", func(t *testing.T) {
		org := f.newOrg(t) // holds the default rule
		token := workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("tokened"), Effect: allow, ClientToken: aws.String("t-" + impRnd())}
		f.createMobileRule(t, token)
		var last string
		for i := 2; i < 10; i++ {
			last = f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("r"), Effect: allow})
		}
		_, err := f.wm.CreateMobileDeviceAccessRule(f.ctx, &workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("11th"), Effect: allow})
		apiErr(t, err, "LimitExceededException", 400)
		// A replay at the quota still answers its rule.
		f.createMobileRule(t, token)
		_, err = f.wm.DeleteMobileDeviceAccessRule(f.ctx, &workmail.DeleteMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: &last})
		impMust(t, err)
		f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("10th again"), Effect: allow})
		if n := len(f.mobileRules(t, org)); n != 10 {
			t.Fatalf("%d rules", n)
		}
	})

	t.Run("method=DeleteMobileDeviceAccessRule/case=idempotent, and no rules blocks every device", func(t *testing.T) {
		org := f.newOrg(t)
		id := *f.mobileRules(t, org)[0].MobileDeviceAccessRuleId
		for _, rule := range []string{id, id, "never-existed"} {
			_, err := f.wm.DeleteMobileDeviceAccessRule(f.ctx, &workmail.DeleteMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: aws.String(rule)})
			impMust(t, err)
		}
		if rules := f.mobileRules(t, org); len(rules) != 0 {
			t.Fatalf("rules after deleting: %+v", rules)
		}
		// "If you delete all the mobile device access rules for an
		// organization, Amazon WorkMail blocks all mobile device access."
		for _, dev := range []*workmail.GetMobileDeviceAccessEffectInput{&sdkIPhone, &sdkAndroid, nil} {
			if effect, matched := f.mobileEffect(t, org, dev); effect != deny || len(matched) != 0 {
				t.Fatalf("%+v with no rules: %s %v", dev, effect, matched)
			}
		}
	})

	t.Run("method=GetMobileDeviceAccessEffect/case=the guide's examples", func(t *testing.T) {
		org := f.newOrg(t)
		def := *f.mobileRules(t, org)[0].MobileDeviceAccessRuleId + " DefaultAllowAll"
		// BlockAllAndroid beside the default rule.
		block := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("BlockAllAndroid"), Effect: deny,
			DeviceTypes: []string{"android"}})
		check := func(dev *workmail.GetMobileDeviceAccessEffectInput, effect types.MobileDeviceAccessRuleEffect, matched ...string) {
			t.Helper()
			if matched == nil {
				matched = []string{}
			}
			if gotEffect, gotMatched := f.mobileEffect(t, org, dev); gotEffect != effect || !reflect.DeepEqual(gotMatched, matched) {
				t.Fatalf("%+v: got %s %v, want %s %v", dev, gotEffect, gotMatched, effect, matched)
			}
		}
		check(&sdkAndroid, deny, block+" BlockAllAndroid")
		check(&sdkIPhone, allow, def)
		check(nil, allow, def)
		// AllowLatestiOS, the default rule removed: prefixes, ignoring case.
		_, err := f.wm.DeleteMobileDeviceAccessRule(f.ctx, &workmail.DeleteMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: aws.String(strings.Fields(def)[0])})
		impMust(t, err)
		latest := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("AllowLatestiOS"), Effect: allow,
			DeviceOperatingSystems: []string{"iOS 14.3"}})
		ios := func(os string) *workmail.GetMobileDeviceAccessEffectInput {
			d := sdkIPhone
			d.DeviceOperatingSystem = aws.String(os)
			return &d
		}
		check(ios("iOS 14.3.1 18D61"), allow, latest+" AllowLatestiOS")
		check(ios("IOS 14.3"), allow, latest+" AllowLatestiOS")
		check(&sdkIPhone, deny)
		check(&sdkAndroid, deny, block+" BlockAllAndroid")
		// Dealing with empty fields.
		none := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("AppleOrNone"), Effect: allow,
			DeviceTypes: []string{"iphone", "ipad", "$NONE"}})
		check(nil, allow, none+" AppleOrNone")
		check(&sdkIPhone, allow, none+" AppleOrNone")
		notAndroid := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("NotAndroid"), Effect: deny,
			NotDeviceTypes: []string{"android"}})
		check(nil, allow, none+" AppleOrNone")
		check(&sdkIPhone, deny, notAndroid+" NotAndroid")
	})
}

func TestMobileDeviceAccessOverrides(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	alice, bob := f.users["alice"], f.users["bob"]
	aliceMail := "alice@" + f.domain
	allow, deny := types.MobileDeviceAccessRuleEffectAllow, types.MobileDeviceAccessRuleEffectDeny
	put := func(user, device string, effect types.MobileDeviceAccessRuleEffect, description *string) {
		t.Helper()
		_, err := f.wm.PutMobileDeviceAccessOverride(f.ctx, &workmail.PutMobileDeviceAccessOverrideInput{OrganizationId: &f.org, UserId: &user,
			DeviceId: &device, Effect: effect, Description: description})
		impMust(t, err)
	}
	get := func(user, device string) (*workmail.GetMobileDeviceAccessOverrideOutput, error) {
		return f.wm.GetMobileDeviceAccessOverride(f.ctx, &workmail.GetMobileDeviceAccessOverrideInput{OrganizationId: &f.org, UserId: &user, DeviceId: &device})
	}
	list := func(user, device *string) []string {
		t.Helper()
		var out []string
		var token *string
		for {
			page, err := f.wm.ListMobileDeviceAccessOverrides(f.ctx, &workmail.ListMobileDeviceAccessOverridesInput{OrganizationId: &f.org, UserId: user,
				DeviceId: device, MaxResults: aws.Int32(2), NextToken: token})
			impMust(t, err)
			if len(page.Overrides) > 2 {
				t.Fatalf("page of %d", len(page.Overrides))
			}
			for _, o := range page.Overrides {
				if o.DateCreated == nil || o.DateModified == nil {
					t.Fatalf("listed override without dates: %+v", o)
				}
				out = append(out, *o.UserId+" "+*o.DeviceId+" "+string(o.Effect))
			}
			if token = page.NextToken; token == nil {
				return out
			}
		}
	}

	t.Run("method=PutMobileDeviceAccessOverride/case=any user identifier, stored by ID", func(t *testing.T) {
		put(aliceMail, "6APMEKPHCP2ND42VIJ4BR8ECDO", deny, aws.String("lost phone"))
		for _, user := range []string{alice, "alice", strings.ToUpper(aliceMail)} {
			for _, device := range []string{"6APMEKPHCP2ND42VIJ4BR8ECDO", "6apmekphcp2nd42vij4br8ecdo"} {
				got, err := get(user, device)
				impMust(t, err)
				if *got.UserId != alice || *got.DeviceId != "6APMEKPHCP2ND42VIJ4BR8ECDO" || got.Effect != deny || *got.Description != "lost phone" ||
					!got.DateCreated.Equal(f.clk.Now()) || !got.DateModified.Equal(f.clk.Now()) {
					t.Fatalf("GetMobileDeviceAccessOverride %s %s: %+v", user, device, got)
				}
			}
		}
	})

	t.Run("method=PutMobileDeviceAccessOverride/case=replaces the override of the device", func(t *testing.T) {
		created := f.clk.Now()
		put("bob", "PHONE1", deny, aws.String("pending"))
		f.clk.Advance(time.Minute)
		put(bob, "phone1", allow, nil) // DeviceId ignores case
		got, err := get("bob", "Phone1")
		impMust(t, err)
		if *got.UserId != bob || *got.DeviceId != "phone1" || got.Effect != allow || got.Description != nil ||
			!got.DateCreated.Equal(created) || !got.DateModified.Equal(f.clk.Now()) {
			t.Fatalf("after the second put: %+v", got)
		}
	})

	t.Run("method=ListMobileDeviceAccessOverrides/case=filters and pages", func(t *testing.T) {
		put("alice", "TABLET", allow, nil)
		put("alice", "PHONE1", allow, nil)
		put("carol", "phone1", deny, nil)
		put("dave", "PHONE12", deny, nil) // a device ID that phone1 prefixes
		all := list(nil, nil)
		if len(all) != 6 {
			t.Fatalf("all overrides: %v", all)
		}
		byAlice := list(aws.String("alice"), nil)
		want := []string{alice + " 6APMEKPHCP2ND42VIJ4BR8ECDO DENY", alice + " PHONE1 ALLOW", alice + " TABLET ALLOW"}
		if !reflect.DeepEqual(byAlice, want) {
			t.Fatalf("alice's overrides: %v, want %v", byAlice, want)
		}
		byDevice := list(nil, aws.String("Phone1"))
		if len(byDevice) != 3 || !strings.Contains(strings.Join(byDevice, ","), f.users["carol"]+" phone1 DENY") {
			t.Fatalf("overrides of phone1: %v", byDevice)
		}
		if both := list(aws.String(aliceMail), aws.String("phone1")); !reflect.DeepEqual(both, []string{alice + " PHONE1 ALLOW"}) {
			t.Fatalf("alice's phone1: %v", both)
		}
		if none := list(aws.String("dave"), aws.String("tablet")); len(none) != 0 {
			t.Fatalf("dave's tablet: %v", none)
		}
		// A token belongs to its listing.
		page, err := f.wm.ListMobileDeviceAccessOverrides(f.ctx, &workmail.ListMobileDeviceAccessOverridesInput{OrganizationId: &f.org, MaxResults: aws.Int32(1)})
		impMust(t, err)
		_, err = f.wm.ListMobileDeviceAccessOverrides(f.ctx, &workmail.ListMobileDeviceAccessOverridesInput{OrganizationId: &f.org, UserId: aws.String("alice"),
			NextToken: page.NextToken})
		apiErr(t, err, "InvalidParameterException", 400)
	})

	t.Run("method=DeleteMobileDeviceAccessOverride/case=idempotent", func(t *testing.T) {
		put("dave", "GONE", deny, nil)
		for i := 0; i < 2; i++ {
			_, err := f.wm.DeleteMobileDeviceAccessOverride(f.ctx, &workmail.DeleteMobileDeviceAccessOverrideInput{OrganizationId: &f.org,
				UserId: aws.String("DAVE@" + strings.ToUpper(f.domain)), DeviceId: aws.String("gone")})
			impMust(t, err)
		}
		_, err := get("dave", "GONE")
		apiErr(t, err, "ResourceNotFoundException", 400)
	})
}

// TestMobileDeviceAccessEffectForMailFrontEnd: the decision the mail front
// end asks for, override first, on what the SDK wrote.
func TestMobileDeviceAccessEffectForMailFrontEnd(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	org := f.org
	iphone := wmsvc.Device{Type: "iPhone", Model: "iPhone10C1", OperatingSystem: "iOS 14.2.1 16F203", UserAgent: "iOS/14.2 (18B92) exchangesyncd/1.0"}
	android := wmsvc.Device{Type: "Android", OperatingSystem: "Android 8.1.0"}
	def := f.mobileRules(t, org)[0]
	block := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("BlockAllAndroid"),
		Effect: types.MobileDeviceAccessRuleEffectDeny, DeviceTypes: []string{"android"}})
	_, err := f.wm.PutMobileDeviceAccessOverride(f.ctx, &workmail.PutMobileDeviceAccessOverrideInput{OrganizationId: &org, UserId: aws.String("alice"),
		DeviceId: aws.String("ANDROID1"), Effect: types.MobileDeviceAccessRuleEffectAllow})
	impMust(t, err)
	_, err = f.wm.PutMobileDeviceAccessOverride(f.ctx, &workmail.PutMobileDeviceAccessOverrideInput{OrganizationId: &org, UserId: aws.String("alice"),
		DeviceId: aws.String("IPHONE1"), Effect: types.MobileDeviceAccessRuleEffectDeny})
	impMust(t, err)

	cases := []struct {
		name           string
		dev            wmsvc.Device
		user, deviceID string
		want           wmsvc.MobileDeviceAccess
	}{
		{"rules without user", android, "", "", wmsvc.MobileDeviceAccess{Effect: "DENY", MatchedRules: []wmsvc.MatchedRule{{ID: block, Name: "BlockAllAndroid"}}}},
		{"ALLOW override of a blocked device", android, f.users["alice"], "android1", wmsvc.MobileDeviceAccess{Effect: "ALLOW", Override: true}},
		{"the override is the user's", android, "bob", "ANDROID1", wmsvc.MobileDeviceAccess{Effect: "DENY", MatchedRules: []wmsvc.MatchedRule{{ID: block, Name: "BlockAllAndroid"}}}},
		{"the override is the device's", android, "alice", "ANDROID2", wmsvc.MobileDeviceAccess{Effect: "DENY", MatchedRules: []wmsvc.MatchedRule{{ID: block, Name: "BlockAllAndroid"}}}},
		{"DENY override of an allowed device", iphone, "alice@" + f.domain, "iphone1", wmsvc.MobileDeviceAccess{Effect: "DENY", Override: true}},
		{"the default rule", iphone, "alice", "IPHONE2", wmsvc.MobileDeviceAccess{Effect: "ALLOW", MatchedRules: []wmsvc.MatchedRule{{ID: *def.MobileDeviceAccessRuleId, Name: "DefaultAllowAll"}}}},
	}
	for _, c := range cases {
		t.Run("case="+c.name, func(t *testing.T) {
			got, err := f.svc.MobileDeviceAccessEffect(f.ctx, org, c.dev, c.user, c.deviceID)
			impMust(t, err)
			if !reflect.DeepEqual(*got, c.want) {
				t.Fatalf("got %+v, want %+v", *got, c.want)
			}
		})
	}

	t.Run("case=errors", func(t *testing.T) {
		deleted, gone := f.deletedOrg(t), f.deletedUser(t, "gone")
		for _, c := range []struct{ org, user, code string }{
			{"m-" + strings.Repeat("0", 31) + "1", "alice", "OrganizationNotFoundException"},
			{deleted, "alice", "OrganizationStateException"},
			{org, "nobody", "EntityNotFoundException"},
			{org, gone, "EntityStateException"},
		} {
			got, err := f.svc.MobileDeviceAccessEffect(f.ctx, c.org, iphone, c.user, "IPHONE2")
			if e, ok := apierror.As(err); !ok || e.ErrorCode() != c.code || got != nil {
				t.Fatalf("%s %s: got %+v, %v; want %s", c.org, c.user, got, err, c.code)
			}
		}
	})
}

func TestMobileDeviceAccessErrors(t *testing.T) {
	t.Parallel()
	f := newImpFx(t, impOpts{})
	rule := f.createMobileRule(t, workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &f.org, Name: aws.String("r"),
		Effect: types.MobileDeviceAccessRuleEffectAllow})
	group, err := f.wm.CreateGroup(f.ctx, &workmail.CreateGroupInput{OrganizationId: &f.org, Name: aws.String("staff")})
	impMust(t, err)
	gone, deleted := f.deletedUser(t, "gone"), f.deletedOrg(t)
	unknown := "m-" + strings.Repeat("0", 31) + "1"
	allow := types.MobileDeviceAccessRuleEffectAllow

	create := func(org string, mod func(*workmail.CreateMobileDeviceAccessRuleInput)) func() error {
		return func() error {
			in := &workmail.CreateMobileDeviceAccessRuleInput{OrganizationId: &org, Name: aws.String("x"), Effect: allow}
			if mod != nil {
				mod(in)
			}
			_, err := f.wm.CreateMobileDeviceAccessRule(f.ctx, in)
			return err
		}
	}
	update := func(org, id string) func() error {
		return func() error {
			_, err := f.wm.UpdateMobileDeviceAccessRule(f.ctx, &workmail.UpdateMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: &id,
				Name: aws.String("x"), Effect: allow})
			return err
		}
	}
	listRules := func(org string) func() error {
		return func() error {
			_, err := f.wm.ListMobileDeviceAccessRules(f.ctx, &workmail.ListMobileDeviceAccessRulesInput{OrganizationId: &org})
			return err
		}
	}
	deleteRule := func(org, id string) func() error {
		return func() error {
			_, err := f.wm.DeleteMobileDeviceAccessRule(f.ctx, &workmail.DeleteMobileDeviceAccessRuleInput{OrganizationId: &org, MobileDeviceAccessRuleId: &id})
			return err
		}
	}
	effect := func(org string, dev *string) func() error {
		return func() error {
			_, err := f.wm.GetMobileDeviceAccessEffect(f.ctx, &workmail.GetMobileDeviceAccessEffectInput{OrganizationId: &org, DeviceType: dev})
			return err
		}
	}
	put := func(org, user, device string, effect types.MobileDeviceAccessRuleEffect) func() error {
		return func() error {
			_, err := f.wm.PutMobileDeviceAccessOverride(f.ctx, &workmail.PutMobileDeviceAccessOverrideInput{OrganizationId: &org, UserId: &user,
				DeviceId: &device, Effect: effect})
			return err
		}
	}
	get := func(org, user, device string) func() error {
		return func() error {
			_, err := f.wm.GetMobileDeviceAccessOverride(f.ctx, &workmail.GetMobileDeviceAccessOverrideInput{OrganizationId: &org, UserId: &user, DeviceId: &device})
			return err
		}
	}
	listOverrides := func(org string, user *string, max *int32) func() error {
		return func() error {
			_, err := f.wm.ListMobileDeviceAccessOverrides(f.ctx, &workmail.ListMobileDeviceAccessOverridesInput{OrganizationId: &org, UserId: user, MaxResults: max})
			return err
		}
	}
	deleteOverride := func(org, user, device string) func() error {
		return func() error {
			_, err := f.wm.DeleteMobileDeviceAccessOverride(f.ctx, &workmail.DeleteMobileDeviceAccessOverrideInput{OrganizationId: &org, UserId: &user, DeviceId: &device})
			return err
		}
	}

	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"CreateMobileDeviceAccessRule/bad organization ID", create("m-NOTVALID", nil), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/bad effect", create(f.org, func(in *workmail.CreateMobileDeviceAccessRuleInput) { in.Effect = "MAYBE" }), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/11 device types", create(f.org, func(in *workmail.CreateMobileDeviceAccessRuleInput) {
			in.DeviceTypes = strings.Split("a b c d e f g h i j k", " ")
		}), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/empty user agent list", create(f.org, func(in *workmail.CreateMobileDeviceAccessRuleInput) { in.NotDeviceUserAgents = []string{} }), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/device model beyond Latin-1", create(f.org, func(in *workmail.CreateMobileDeviceAccessRuleInput) { in.DeviceModels = []string{"Ω"} }), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/name too long", create(f.org, func(in *workmail.CreateMobileDeviceAccessRuleInput) { in.Name = aws.String(strings.Repeat("n", 65)) }), "InvalidParameterException"},
		{"CreateMobileDeviceAccessRule/unknown organization", create(unknown, nil), "OrganizationNotFoundException"},
		{"CreateMobileDeviceAccessRule/deleted organization", create(deleted, nil), "OrganizationStateException"},
		{"UpdateMobileDeviceAccessRule/bad rule ID", update(f.org, "no spaces"), "InvalidParameterException"},
		{"UpdateMobileDeviceAccessRule/unknown rule", update(f.org, "nope"), "EntityNotFoundException"},
		{"UpdateMobileDeviceAccessRule/unknown organization", update(unknown, rule), "OrganizationNotFoundException"},
		{"UpdateMobileDeviceAccessRule/deleted organization", update(deleted, rule), "OrganizationStateException"},
		{"ListMobileDeviceAccessRules/bad organization ID", listRules("org-1"), "InvalidParameterException"},
		{"ListMobileDeviceAccessRules/unknown organization", listRules(unknown), "OrganizationNotFoundException"},
		{"ListMobileDeviceAccessRules/deleted organization", listRules(deleted), "OrganizationStateException"},
		{"DeleteMobileDeviceAccessRule/bad rule ID", deleteRule(f.org, "a/b"), "InvalidParameterException"},
		{"DeleteMobileDeviceAccessRule/unknown organization", deleteRule(unknown, rule), "OrganizationNotFoundException"},
		{"DeleteMobileDeviceAccessRule/deleted organization", deleteRule(deleted, rule), "OrganizationStateException"},
		{"GetMobileDeviceAccessEffect/device type too long", effect(f.org, aws.String(strings.Repeat("x", 257))), "InvalidParameterException"},
		{"GetMobileDeviceAccessEffect/unknown organization", effect(unknown, nil), "OrganizationNotFoundException"},
		{"GetMobileDeviceAccessEffect/deleted organization", effect(deleted, nil), "OrganizationStateException"},
		{"PutMobileDeviceAccessOverride/bad device ID", put(f.org, "alice", "not-alnum", allow), "InvalidParameterException"},
		{"PutMobileDeviceAccessOverride/device ID too long", put(f.org, "alice", strings.Repeat("A", 33), allow), "InvalidParameterException"},
		{"PutMobileDeviceAccessOverride/bad effect", put(f.org, "alice", "D1", "MAYBE"), "InvalidParameterException"},
		{"PutMobileDeviceAccessOverride/unknown organization", put(unknown, "alice", "D1", allow), "OrganizationNotFoundException"},
		{"PutMobileDeviceAccessOverride/deleted organization", put(deleted, "alice", "D1", allow), "OrganizationStateException"},
		{"PutMobileDeviceAccessOverride/unknown user", put(f.org, "nobody", "D1", allow), "EntityNotFoundException"},
		{"PutMobileDeviceAccessOverride/group", put(f.org, *group.GroupId, "D1", allow), "EntityNotFoundException"},
		{"PutMobileDeviceAccessOverride/deleted user", put(f.org, gone, "D1", allow), "EntityStateException"},
		{"GetMobileDeviceAccessOverride/bad device ID", get(f.org, "alice", "a b"), "InvalidParameterException"},
		{"GetMobileDeviceAccessOverride/unknown organization", get(unknown, "alice", "D1"), "OrganizationNotFoundException"},
		{"GetMobileDeviceAccessOverride/deleted organization", get(deleted, "alice", "D1"), "OrganizationStateException"},
		{"GetMobileDeviceAccessOverride/unknown user", get(f.org, "nobody", "D1"), "EntityNotFoundException"},
		{"GetMobileDeviceAccessOverride/no override", get(f.org, "alice", "D1"), "ResourceNotFoundException"},
		{"ListMobileDeviceAccessOverrides/MaxResults over 100", listOverrides(f.org, nil, aws.Int32(101)), "InvalidParameterException"},
		{"ListMobileDeviceAccessOverrides/unknown organization", listOverrides(unknown, nil, nil), "OrganizationNotFoundException"},
		{"ListMobileDeviceAccessOverrides/deleted organization", listOverrides(deleted, nil, nil), "OrganizationStateException"},
		{"ListMobileDeviceAccessOverrides/unknown user", listOverrides(f.org, aws.String("nobody@"+f.domain), nil), "EntityNotFoundException"},
		{"DeleteMobileDeviceAccessOverride/bad user identifier", deleteOverride(f.org, "a b", "D1"), "InvalidParameterException"},
		{"DeleteMobileDeviceAccessOverride/unknown organization", deleteOverride(unknown, "alice", "D1"), "OrganizationNotFoundException"},
		{"DeleteMobileDeviceAccessOverride/deleted organization", deleteOverride(deleted, "alice", "D1"), "OrganizationStateException"},
		{"DeleteMobileDeviceAccessOverride/unknown user", deleteOverride(f.org, "nobody", "D1"), "EntityNotFoundException"},
	}
	for _, c := range cases {
		method, name, _ := strings.Cut(c.name, "/")
		t.Run("method="+method+"/case="+name, func(t *testing.T) { apiErr(t, c.call(), c.code, 400) })
	}
}
