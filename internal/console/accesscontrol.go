package console

import (
	"net/http"
	"net/url"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func (h *Handler) routeAccessControl() {
	base := Prefix + "organizations/{org}/access-control"
	h.mux.HandleFunc("GET "+base, h.signedIn(h.accessControl))
	h.mux.HandleFunc("POST "+base, h.signedIn(h.putAccessControlRule))
	h.mux.HandleFunc("POST "+base+"/delete", h.signedIn(h.deleteAccessControlRule))
	h.mux.HandleFunc("POST "+base+"/effect", h.signedIn(h.testAccessControl))
}

type accessData struct {
	Rules  []workmailapi.AccessControlRule
	Effect *workmailapi.GetAccessControlEffectResponse
}

// ruleFields are the fields of the rule form, named after the members.
var ruleFields = []string{"name", "effect", "description", "actions", "notActions", "ipRanges", "notIpRanges",
	"userIds", "notUserIds", "impersonationRoleIds", "notImpersonationRoleIds"}

func (h *Handler) accessControl(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showAccessControl(w, c, http.StatusOK, nil, nil, nil)
}

func (h *Handler) showAccessControl(w http.ResponseWriter, c *ctx, status int, f *form, top *failure, effect *workmailapi.GetAccessControlEffectResponse) {
	p := c.page("Access control rules", "access")
	p.Org, p.Form, p.Failure = c.r.PathValue("org"), f, top
	p.allow(c, "workmail", &workmailapi.PutAccessControlRuleRequest{OrganizationId: p.Org}, "PutAccessControlRule", "DeleteAccessControlRule", "GetAccessControlEffect")
	d := accessData{Effect: effect}
	out, err := call[workmailapi.ListAccessControlRulesResponse](c, "workmail", "ListAccessControlRules",
		&workmailapi.ListAccessControlRulesRequest{OrganizationId: p.Org})
	if h.loaded(p, &status, err) {
		d.Rules = out.Rules
	}
	p.Data = d
	h.render(w, status, "access_control", p)
}

func (h *Handler) putAccessControlRule(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "rule", ruleFields...)
	v := f.Values
	in := &workmailapi.PutAccessControlRuleRequest{OrganizationId: r.PathValue("org"), Name: v["name"],
		Effect: workmailapi.AccessControlRuleEffect(v["effect"]), Description: v["description"],
		Actions: list(v["actions"]), NotActions: list(v["notActions"]), IpRanges: list(v["ipRanges"]), NotIpRanges: list(v["notIpRanges"]),
		UserIds: list(v["userIds"]), NotUserIds: list(v["notUserIds"]),
		ImpersonationRoleIds: list(v["impersonationRoleIds"]), NotImpersonationRoleIds: list(v["notImpersonationRoleIds"])}
	if _, err := call[workmailapi.PutAccessControlRuleResponse](c, "workmail", "PutAccessControlRule", in); err != nil {
		top, status := h.failAt(err, f, "name", ruleFields...)
		h.showAccessControl(w, c, status, f, top, nil)
		return
	}
	h.backToAccess(w, r, "rule-saved")
}

func (h *Handler) deleteAccessControlRule(w http.ResponseWriter, r *http.Request, c *ctx) {
	in := &workmailapi.DeleteAccessControlRuleRequest{OrganizationId: r.PathValue("org"), Name: r.PostFormValue("name")}
	if _, err := call[workmailapi.DeleteAccessControlRuleResponse](c, "workmail", "DeleteAccessControlRule", in); err != nil {
		top, status := h.fail(err, nil)
		h.showAccessControl(w, c, status, nil, top, nil)
		return
	}
	h.backToAccess(w, r, "rule-deleted")
}

// testAccessControl asks GetAccessControlEffect for a user or an
// impersonation role, an action and a source address.
func (h *Handler) testAccessControl(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "effect", "ipAddress", "action", "userId", "impersonationRoleId")
	v := f.Values
	in := &workmailapi.GetAccessControlEffectRequest{OrganizationId: r.PathValue("org"), IpAddress: v["ipAddress"], Action: v["action"],
		UserId: opt.NonEmpty(v["userId"]), ImpersonationRoleId: opt.NonEmpty(v["impersonationRoleId"])}
	out, err := call[workmailapi.GetAccessControlEffectResponse](c, "workmail", "GetAccessControlEffect", in)
	if err != nil {
		top, status := h.failAt(err, f, "userId", "ipAddress", "action", "userId", "impersonationRoleId")
		h.showAccessControl(w, c, status, f, top, nil)
		return
	}
	h.showAccessControl(w, c, http.StatusOK, f, nil, out)
}

func (h *Handler) backToAccess(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, Prefix+"organizations/"+url.PathEscape(r.PathValue("org"))+"/access-control?done="+done, http.StatusSeeOther)
}
