package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func (h *Handler) routeImpersonation() {
	base := Prefix + "organizations/{org}/impersonation-roles"
	h.mux.HandleFunc("GET "+base, h.signedIn(h.impersonationRoles))
	h.mux.HandleFunc("POST "+base, h.signedIn(h.createImpersonationRole))
	h.mux.HandleFunc("GET "+base+"/{role}", h.signedIn(h.impersonationRole))
	h.mux.HandleFunc("POST "+base+"/{role}", h.signedIn(h.saveImpersonationRules))
	h.mux.HandleFunc("POST "+base+"/{role}/effect", h.signedIn(h.testImpersonationRole))
}

type rolesData struct {
	Roles []workmailapi.ImpersonationRole
	Next  string
}

func (h *Handler) impersonationRoles(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showImpersonationRoles(w, c, http.StatusOK, nil, nil)
}

func (h *Handler) showImpersonationRoles(w http.ResponseWriter, c *ctx, status int, f *form, top *failure) {
	p := c.page("Impersonation roles", "impersonation")
	p.Org, p.Form, p.Failure = c.r.PathValue("org"), f, top
	p.allow(c, "workmail", &workmailapi.CreateImpersonationRoleRequest{OrganizationId: p.Org}, "CreateImpersonationRole")
	out, err := call[workmailapi.ListImpersonationRolesResponse](c, "workmail", "ListImpersonationRoles",
		&workmailapi.ListImpersonationRolesRequest{OrganizationId: p.Org, NextToken: opt.NonEmpty(c.r.URL.Query().Get("next"))})
	if h.loaded(p, &status, err) {
		p.Data = rolesData{Roles: out.Roles, Next: opt.Deref(out.NextToken)}
	}
	h.render(w, status, "impersonation_roles", p)
}

// createImpersonationRole creates a role with one rule allowing nothing
// yet: its rules are written in the role's editor.
func (h *Handler) createImpersonationRole(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "create", "name", "type", "description")
	in := &workmailapi.CreateImpersonationRoleRequest{OrganizationId: r.PathValue("org"), Name: f.Values["name"],
		Type: workmailapi.ImpersonationRoleType(f.Values["type"]), Description: opt.NonEmpty(f.Values["description"]), Rules: []workmailapi.ImpersonationRule{}}
	out, err := call[workmailapi.CreateImpersonationRoleResponse](c, "workmail", "CreateImpersonationRole", in)
	if err != nil {
		top, status := h.fail(err, f, "name", "type", "description")
		h.showImpersonationRoles(w, c, status, f, top)
		return
	}
	http.Redirect(w, r, roleURL(r.PathValue("org"), opt.Deref(out.ImpersonationRoleId))+"?done=role-created", http.StatusSeeOther)
}

func roleURL(org, role string) string {
	return Prefix + "organizations/" + url.PathEscape(org) + "/impersonation-roles/" + url.PathEscape(role)
}

// roleData is the role, its rules as the editor shows them (one blank
// row to add a rule), and the last effect tested.
type roleData struct {
	Role   *workmailapi.GetImpersonationRoleResponse
	Rules  []ruleRow
	Effect *workmailapi.GetImpersonationRoleEffectResponse
	Target string
}

// ruleRow is one rule in the editor; lists are comma-separated.
type ruleRow struct {
	Index                                              int
	ID, Name, Description, Effect, Targets, NotTargets string
}

func (h *Handler) impersonationRole(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showImpersonationRole(w, c, http.StatusOK, nil, nil, nil)
}

func (h *Handler) showImpersonationRole(w http.ResponseWriter, c *ctx, status int, f *form, top *failure, d *roleData) {
	p := c.page("Impersonation role", "impersonation")
	p.Org, p.Form, p.Failure = c.r.PathValue("org"), f, top
	p.allow(c, "workmail", &workmailapi.UpdateImpersonationRoleRequest{OrganizationId: p.Org, ImpersonationRoleId: c.r.PathValue("role")},
		"UpdateImpersonationRole", "GetImpersonationRoleEffect")
	if d == nil {
		d = &roleData{}
	}
	role, err := call[workmailapi.GetImpersonationRoleResponse](c, "workmail", "GetImpersonationRole",
		&workmailapi.GetImpersonationRoleRequest{OrganizationId: p.Org, ImpersonationRoleId: c.r.PathValue("role")})
	if !h.loaded(p, &status, err) {
		h.render(w, status, "impersonation_role", p)
		return
	}
	d.Role = role
	p.Title = "Impersonation role " + opt.Deref(role.Name)
	if d.Rules == nil {
		for _, ru := range role.Rules {
			d.Rules = append(d.Rules, ruleRow{ID: ru.ImpersonationRuleId, Name: opt.Deref(ru.Name), Description: opt.Deref(ru.Description),
				Effect: string(ru.Effect), Targets: strings.Join(ru.TargetUsers, ", "), NotTargets: strings.Join(ru.NotTargetUsers, ", ")})
		}
		d.Rules = append(d.Rules, ruleRow{Effect: string(workmailapi.AccessEffectAllow)})
	}
	for i := range d.Rules {
		d.Rules[i].Index = i
	}
	p.Data = d
	h.render(w, status, "impersonation_role", p)
}

// saveImpersonationRules replaces the role's rules with the editor's
// rows; a row without an ID is left out (that is how a rule is removed).
func (h *Handler) saveImpersonationRules(w http.ResponseWriter, r *http.Request, c *ctx) {
	org, roleID := r.PathValue("org"), r.PathValue("role")
	rows := rulesOf(r)
	in := &workmailapi.UpdateImpersonationRoleRequest{OrganizationId: org, ImpersonationRoleId: roleID,
		Name: strings.TrimSpace(r.PostFormValue("name")), Type: workmailapi.ImpersonationRoleType(r.PostFormValue("type")),
		Description: opt.NonEmpty(strings.TrimSpace(r.PostFormValue("description"))), Rules: []workmailapi.ImpersonationRule{}}
	for _, row := range rows {
		if row.ID == "" {
			continue
		}
		in.Rules = append(in.Rules, workmailapi.ImpersonationRule{ImpersonationRuleId: row.ID, Name: opt.NonEmpty(row.Name),
			Description: opt.NonEmpty(row.Description), Effect: workmailapi.AccessEffect(row.Effect),
			TargetUsers: list(row.Targets), NotTargetUsers: list(row.NotTargets)})
	}
	if _, err := call[workmailapi.UpdateImpersonationRoleResponse](c, "workmail", "UpdateImpersonationRole", in); err != nil {
		f := &form{Name: "rules", Errors: map[string]string{}}
		top, status := h.failAt(err, f, "rules", "name", "description")
		h.showImpersonationRole(w, c, status, f, top, &roleData{Rules: rows})
		return
	}
	http.Redirect(w, r, roleURL(org, roleID)+"?done=role-saved", http.StatusSeeOther)
}

// rulesOf reads the editor's rows (rule_id.N, rule_name.N, ...).
func rulesOf(r *http.Request) []ruleRow {
	n, _ := strconv.Atoi(r.PostFormValue("rule_count"))
	rows := make([]ruleRow, 0, n)
	for i := 0; i < n && i < 100; i++ {
		v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k + "." + strconv.Itoa(i))) }
		rows = append(rows, ruleRow{ID: v("rule_id"), Name: v("rule_name"), Description: v("rule_description"), Effect: v("rule_effect"),
			Targets: v("rule_targets"), NotTargets: v("rule_not_targets")})
	}
	return rows
}

// list splits a comma-separated field; nil when empty.
func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// testImpersonationRole asks GetImpersonationRoleEffect for a target.
func (h *Handler) testImpersonationRole(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "effect", "targetUser")
	in := &workmailapi.GetImpersonationRoleEffectRequest{OrganizationId: r.PathValue("org"), ImpersonationRoleId: r.PathValue("role"), TargetUser: f.Values["targetUser"]}
	out, err := call[workmailapi.GetImpersonationRoleEffectResponse](c, "workmail", "GetImpersonationRoleEffect", in)
	if err != nil {
		top, status := h.failAt(err, f, "targetUser", "targetUser")
		h.showImpersonationRole(w, c, status, f, top, nil)
		return
	}
	h.showImpersonationRole(w, c, http.StatusOK, f, nil, &roleData{Effect: out, Target: f.Values["targetUser"]})
}
