package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// The IAM pages read: roles, users and customer managed policies, each
// principal with its policies and the policy simulator, which explains
// each decision by the statements that made it.

func (h *Handler) routeIAM() {
	h.mux.HandleFunc("GET "+Prefix+"iam/roles", h.signedIn(h.iamRoles))
	h.mux.HandleFunc("GET "+Prefix+"iam/roles/{name}", h.signedIn(h.iamPrincipal))
	h.mux.HandleFunc("POST "+Prefix+"iam/roles/{name}/simulate", h.signedIn(h.simulate))
	h.mux.HandleFunc("GET "+Prefix+"iam/users", h.signedIn(h.iamUsers))
	h.mux.HandleFunc("GET "+Prefix+"iam/users/{name}", h.signedIn(h.iamPrincipal))
	h.mux.HandleFunc("POST "+Prefix+"iam/users/{name}/simulate", h.signedIn(h.simulate))
	h.mux.HandleFunc("GET "+Prefix+"iam/policies", h.signedIn(h.iamPolicies))
	h.mux.HandleFunc("GET "+Prefix+"iam/policy", h.signedIn(h.iamPolicy))
	h.routeRoleSettings()
}

// iamPageSize is the page of the IAM lists (MaxItems).
const iamPageSize = 100

type iamListData struct {
	Roles    []iamapi.Role
	Users    []iamapi.User
	Policies []iamapi.Policy
	Marker   string
}

func (h *Handler) iamRoles(w http.ResponseWriter, r *http.Request, c *ctx) {
	out, err := call[iamapi.ListRolesResponse](c, "iam", "ListRoles", &iamapi.ListRolesRequest{Marker: marker(r), MaxItems: opt.Ptr(int32(iamPageSize))})
	h.showIAMList(w, c, "IAM roles", "iam-roles", err, func(d *iamListData) { d.Roles, d.Marker = out.Roles, opt.Deref(out.Marker) })
}

func (h *Handler) iamUsers(w http.ResponseWriter, r *http.Request, c *ctx) {
	out, err := call[iamapi.ListUsersResponse](c, "iam", "ListUsers", &iamapi.ListUsersRequest{Marker: marker(r), MaxItems: opt.Ptr(int32(iamPageSize))})
	h.showIAMList(w, c, "IAM users", "iam-users", err, func(d *iamListData) { d.Users, d.Marker = out.Users, opt.Deref(out.Marker) })
}

func (h *Handler) iamPolicies(w http.ResponseWriter, r *http.Request, c *ctx) {
	out, err := call[iamapi.ListPoliciesResponse](c, "iam", "ListPolicies", &iamapi.ListPoliciesRequest{Scope: opt.Ptr(iamapi.PolicyScopeTypeLocal),
		Marker: marker(r), MaxItems: opt.Ptr(int32(iamPageSize))})
	h.showIAMList(w, c, "IAM policies", "iam-policies", err, func(d *iamListData) { d.Policies, d.Marker = out.Policies, opt.Deref(out.Marker) })
}

// showIAMList renders a list page; fill runs only when the call worked.
func (h *Handler) showIAMList(w http.ResponseWriter, c *ctx, title, section string, err error, fill func(*iamListData)) {
	p := c.page(title, section)
	status := http.StatusOK
	d := &iamListData{}
	if err != nil {
		p.Failure, status = h.fail(err, nil)
	} else {
		fill(d)
	}
	p.Data = d
	h.render(w, status, "iam_list", p)
}

func marker(r *http.Request) *string { return opt.NonEmpty(r.URL.Query().Get("marker")) }

// principalData is a role or a user with its policies, and the last
// simulation.
type principalData struct {
	Kind, Name, Arn, Path string
	Trust, Boundary       string
	MaxSessionDuration    int32
	Attached              []iamapi.AttachedPolicy
	Inline                []string
	Results               []iamapi.EvaluationResult
}

func (h *Handler) iamPrincipal(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showPrincipal(w, c, http.StatusOK, nil, nil, nil)
}

func (h *Handler) showPrincipal(w http.ResponseWriter, c *ctx, status int, f *form, top *failure, results []iamapi.EvaluationResult) {
	d, err := h.loadPrincipal(c)
	p := c.page("", "iam-"+d.Kind+"s")
	p.Form, p.Failure = f, top
	p.allow(c, "iam", &iamapi.SimulatePrincipalPolicyRequest{PolicySourceArn: d.Arn}, "SimulatePrincipalPolicy")
	if d.Kind == "role" {
		p.allow(c, "iam", &iamapi.UpdateRoleRequest{RoleName: d.Name}, "UpdateAssumeRolePolicy", "UpdateRole", "PutRolePermissionsBoundary")
	}
	h.loaded(p, &status, err)
	p.Title = map[string]string{"role": "IAM role ", "user": "IAM user "}[d.Kind] + d.Name
	d.Results = results
	p.Data = d
	h.render(w, status, "iam_principal", p)
}

// loadPrincipal reads the role or user of the path with its policies.
func (h *Handler) loadPrincipal(c *ctx) (*principalData, error) {
	name := c.r.PathValue("name")
	if strings.HasPrefix(c.r.URL.Path, Prefix+"iam/roles/") {
		d := &principalData{Kind: "role", Name: name}
		role, err := call[iamapi.GetRoleResponse](c, "iam", "GetRole", &iamapi.GetRoleRequest{RoleName: name})
		if err != nil {
			return d, err
		}
		rl := opt.Deref(role.Role)
		d.Arn, d.Path, d.Trust, d.MaxSessionDuration = rl.Arn, rl.Path, document(opt.Deref(rl.AssumeRolePolicyDocument)), opt.Deref(rl.MaxSessionDuration)
		if b := rl.PermissionsBoundary; b != nil {
			d.Boundary = opt.Deref(b.PermissionsBoundaryArn)
		}
		attached, err := call[iamapi.ListAttachedRolePoliciesResponse](c, "iam", "ListAttachedRolePolicies", &iamapi.ListAttachedRolePoliciesRequest{RoleName: name})
		if err != nil {
			return d, err
		}
		inline, err := call[iamapi.ListRolePoliciesResponse](c, "iam", "ListRolePolicies", &iamapi.ListRolePoliciesRequest{RoleName: name})
		if err != nil {
			return d, err
		}
		d.Attached, d.Inline = attached.AttachedPolicies, inline.PolicyNames
		return d, nil
	}
	d := &principalData{Kind: "user", Name: name}
	user, err := call[iamapi.GetUserResponse](c, "iam", "GetUser", &iamapi.GetUserRequest{UserName: &name})
	if err != nil {
		return d, err
	}
	u := opt.Deref(user.User)
	d.Arn, d.Path = u.Arn, u.Path
	if b := u.PermissionsBoundary; b != nil {
		d.Boundary = opt.Deref(b.PermissionsBoundaryArn)
	}
	attached, err := call[iamapi.ListAttachedUserPoliciesResponse](c, "iam", "ListAttachedUserPolicies", &iamapi.ListAttachedUserPoliciesRequest{UserName: name})
	if err != nil {
		return d, err
	}
	inline, err := call[iamapi.ListUserPoliciesResponse](c, "iam", "ListUserPolicies", &iamapi.ListUserPoliciesRequest{UserName: name})
	if err != nil {
		return d, err
	}
	d.Attached, d.Inline = attached.AttachedPolicies, inline.PolicyNames
	return d, nil
}

// simulate runs the policy simulator for the principal
// (SimulatePrincipalPolicy): one result per action and resource, with the
// statements that decided it and the context keys it lacked.
func (h *Handler) simulate(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "simulate", "actionNames", "resourceArns", "policySourceArn")
	in := &iamapi.SimulatePrincipalPolicyRequest{PolicySourceArn: f.Values["policySourceArn"], ActionNames: list(f.Values["actionNames"]),
		ResourceArns: list(f.Values["resourceArns"])}
	if in.ActionNames == nil {
		f.Errors["actionNames"] = "Enter at least one action, such as workmail:ListUsers."
		h.showPrincipal(w, c, http.StatusBadRequest, f, nil, nil)
		return
	}
	out, err := call[iamapi.SimulatePolicyResponse](c, "iam", "SimulatePrincipalPolicy", in)
	if err != nil {
		top, status := h.failAt(err, f, "actionNames", "actionNames", "resourceArns")
		h.showPrincipal(w, c, status, f, top, nil)
		return
	}
	h.showPrincipal(w, c, http.StatusOK, f, nil, out.EvaluationResults)
}

type policyData struct {
	Policy   *iamapi.Policy
	Document string
	Version  string
}

// iamPolicy shows a managed policy and its default version's document.
func (h *Handler) iamPolicy(w http.ResponseWriter, r *http.Request, c *ctx) {
	arn := r.URL.Query().Get("arn")
	p := c.page("IAM policy", "iam-policies")
	status := http.StatusOK
	pol, err := call[iamapi.GetPolicyResponse](c, "iam", "GetPolicy", &iamapi.GetPolicyRequest{PolicyArn: arn})
	if err == nil {
		d := &policyData{Policy: pol.Policy, Version: opt.Deref(opt.Deref(pol.Policy).DefaultVersionId)}
		p.Title = "IAM policy " + opt.Deref(opt.Deref(pol.Policy).PolicyName)
		var v *iamapi.GetPolicyVersionResponse
		if v, err = call[iamapi.GetPolicyVersionResponse](c, "iam", "GetPolicyVersion", &iamapi.GetPolicyVersionRequest{PolicyArn: arn, VersionId: d.Version}); err == nil {
			d.Document = document(opt.Deref(opt.Deref(v.PolicyVersion).Document))
		}
		p.Data = d
	}
	if err != nil {
		p.Failure, status = h.fail(err, nil)
	}
	h.render(w, status, "iam_policy", p)
}

// document is a policy document as IAM returns it (URL-encoded JSON),
// decoded and indented for reading.
func document(encoded string) string {
	doc, err := url.QueryUnescape(encoded)
	if err != nil {
		doc = encoded
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(doc), "", "  ") != nil {
		return doc
	}
	return b.String()
}

// policyURL links a managed policy's page.
func policyURL(arn string) string { return Prefix + "iam/policy?" + url.Values{"arn": {arn}}.Encode() }
