package console

import (
	"net/http"
	"net/url"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// Mobile device access rules decide which devices may synchronize
// (ActiveSync); their tester says what a device would be told.

func (h *Handler) routeMobile() {
	base := Prefix + "organizations/{org}/mobile-device-rules"
	h.mux.HandleFunc("GET "+base, h.signedIn(h.mobileRules))
	h.mux.HandleFunc("POST "+base, h.signedIn(h.createMobileRule))
	h.mux.HandleFunc("POST "+base+"/delete", h.signedIn(h.deleteMobileRule))
	h.mux.HandleFunc("POST "+base+"/effect", h.signedIn(h.testMobileAccess))
}

type mobileData struct {
	Rules  []workmailapi.MobileDeviceAccessRule
	Effect *workmailapi.GetMobileDeviceAccessEffectResponse
}

// mobileRuleFields are the rule form's fields, named after the members.
var mobileRuleFields = []string{"name", "effect", "description", "deviceTypes", "notDeviceTypes", "deviceModels", "notDeviceModels",
	"deviceOperatingSystems", "notDeviceOperatingSystems", "deviceUserAgents", "notDeviceUserAgents"}

func (h *Handler) mobileRules(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showMobileRules(w, c, http.StatusOK, nil, nil, nil)
}

func (h *Handler) showMobileRules(w http.ResponseWriter, c *ctx, status int, f *form, top *failure, effect *workmailapi.GetMobileDeviceAccessEffectResponse) {
	p := c.page("Mobile device access rules", "mobile")
	p.Org, p.Form, p.Failure = c.r.PathValue("org"), f, top
	p.allow(c, "workmail", &workmailapi.CreateMobileDeviceAccessRuleRequest{OrganizationId: p.Org},
		"CreateMobileDeviceAccessRule", "DeleteMobileDeviceAccessRule", "GetMobileDeviceAccessEffect")
	d := mobileData{Effect: effect}
	out, err := call[workmailapi.ListMobileDeviceAccessRulesResponse](c, "workmail", "ListMobileDeviceAccessRules",
		&workmailapi.ListMobileDeviceAccessRulesRequest{OrganizationId: p.Org})
	if h.loaded(p, &status, err) {
		d.Rules = out.Rules
	}
	p.Data = d
	h.render(w, status, "mobile_rules", p)
}

func (h *Handler) createMobileRule(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "rule", mobileRuleFields...)
	v := f.Values
	in := &workmailapi.CreateMobileDeviceAccessRuleRequest{OrganizationId: r.PathValue("org"), Name: v["name"],
		Effect: workmailapi.MobileDeviceAccessRuleEffect(v["effect"]), Description: opt.NonEmpty(v["description"]),
		DeviceTypes: list(v["deviceTypes"]), NotDeviceTypes: list(v["notDeviceTypes"]),
		DeviceModels: list(v["deviceModels"]), NotDeviceModels: list(v["notDeviceModels"]),
		DeviceOperatingSystems: list(v["deviceOperatingSystems"]), NotDeviceOperatingSystems: list(v["notDeviceOperatingSystems"]),
		DeviceUserAgents: list(v["deviceUserAgents"]), NotDeviceUserAgents: list(v["notDeviceUserAgents"])}
	if _, err := call[workmailapi.CreateMobileDeviceAccessRuleResponse](c, "workmail", "CreateMobileDeviceAccessRule", in); err != nil {
		top, status := h.failAt(err, f, "name", mobileRuleFields...)
		h.showMobileRules(w, c, status, f, top, nil)
		return
	}
	h.backToMobile(w, r, "rule-saved")
}

func (h *Handler) deleteMobileRule(w http.ResponseWriter, r *http.Request, c *ctx) {
	in := &workmailapi.DeleteMobileDeviceAccessRuleRequest{OrganizationId: r.PathValue("org"), MobileDeviceAccessRuleId: r.PostFormValue("id")}
	if _, err := call[workmailapi.DeleteMobileDeviceAccessRuleResponse](c, "workmail", "DeleteMobileDeviceAccessRule", in); err != nil {
		top, status := h.fail(err, nil)
		h.showMobileRules(w, c, status, nil, top, nil)
		return
	}
	h.backToMobile(w, r, "rule-deleted")
}

// testMobileAccess asks GetMobileDeviceAccessEffect for a device.
func (h *Handler) testMobileAccess(w http.ResponseWriter, r *http.Request, c *ctx) {
	fields := []string{"deviceType", "deviceModel", "deviceOperatingSystem", "deviceUserAgent"}
	f := formOf(r, "effect", fields...)
	v := f.Values
	in := &workmailapi.GetMobileDeviceAccessEffectRequest{OrganizationId: r.PathValue("org"), DeviceType: opt.NonEmpty(v["deviceType"]),
		DeviceModel: opt.NonEmpty(v["deviceModel"]), DeviceOperatingSystem: opt.NonEmpty(v["deviceOperatingSystem"]), DeviceUserAgent: opt.NonEmpty(v["deviceUserAgent"])}
	out, err := call[workmailapi.GetMobileDeviceAccessEffectResponse](c, "workmail", "GetMobileDeviceAccessEffect", in)
	if err != nil {
		top, status := h.failAt(err, f, "deviceType", fields...)
		h.showMobileRules(w, c, status, f, top, nil)
		return
	}
	h.showMobileRules(w, c, http.StatusOK, f, nil, out)
}

func (h *Handler) backToMobile(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, Prefix+"organizations/"+url.PathEscape(r.PathValue("org"))+"/mobile-device-rules?done="+done, http.StatusSeeOther)
}
