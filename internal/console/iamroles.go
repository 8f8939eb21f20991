package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// A role's settings: its trust policy, maximum session duration and
// permissions boundary, each written by its own operation when it
// changed, and each refusal shown next to its field.

func (h *Handler) routeRoleSettings() {
	h.mux.HandleFunc("POST "+Prefix+"iam/roles/{name}/settings", h.signedIn(h.saveRoleSettings))
}

// roleSettingFields are the settings form's fields.
var roleSettingFields = []string{"trust", "maxSessionDuration", "boundary"}

func (h *Handler) saveRoleSettings(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "settings", roleSettingFields...)
	// Browsers send a textarea's line breaks as CRLF.
	f.Values["trust"] = strings.ReplaceAll(f.Values["trust"], "\r\n", "\n")
	cur, err := h.loadPrincipal(c)
	if err != nil {
		top, status := h.fail(err, nil)
		h.showPrincipal(w, c, status, f, top, nil)
		return
	}
	name := cur.Name
	for _, step := range []struct {
		field   string
		changed bool
		run     func() error
	}{
		{"trust", f.Values["trust"] != cur.Trust, func() error {
			return invoke(c, "iam", "UpdateAssumeRolePolicy", &iamapi.UpdateAssumeRolePolicyRequest{RoleName: name, PolicyDocument: f.Values["trust"]})
		}},
		{"maxSessionDuration", f.Values["maxSessionDuration"] != strconv.Itoa(int(cur.MaxSessionDuration)), func() error {
			n, err := strconv.Atoi(f.Values["maxSessionDuration"])
			if err != nil {
				f.Errors["maxSessionDuration"] = "Enter a number of seconds, from 3600 to 43200."
				return errShown
			}
			return invoke(c, "iam", "UpdateRole", &iamapi.UpdateRoleRequest{RoleName: name, MaxSessionDuration: opt.Ptr(int32(n))})
		}},
		{"boundary", f.Values["boundary"] != cur.Boundary, func() error {
			if f.Values["boundary"] == "" {
				return invoke(c, "iam", "DeleteRolePermissionsBoundary", &iamapi.DeleteRolePermissionsBoundaryRequest{RoleName: name})
			}
			return invoke(c, "iam", "PutRolePermissionsBoundary", &iamapi.PutRolePermissionsBoundaryRequest{RoleName: name, PermissionsBoundary: f.Values["boundary"]})
		}},
	} {
		if !step.changed {
			continue
		}
		if err := step.run(); err != nil {
			var top *failure
			status := http.StatusBadRequest
			if err != errShown {
				top, status = h.failAt(err, f, step.field, step.field)
			}
			h.showPrincipal(w, c, status, f, top, nil)
			return
		}
	}
	http.Redirect(w, r, Prefix+"iam/roles/"+url.PathEscape(name)+"?done=role-settings-saved", http.StatusSeeOther)
}

// errShown: the form already says what is wrong.
var errShown = &shownError{}

type shownError struct{}

func (*shownError) Error() string { return "shown next to the field" }

// invoke runs an operation whose answer the page does not need.
func invoke(c *ctx, service, operation string, in any) error {
	_, err := call[struct{}](c, service, operation, in)
	return err
}

// SettingValue is what the settings form shows for a field: what was
// submitted, when it was, or the role's.
func (d *principalData) SettingValue(f *form, field string) string {
	if f.Is("settings") {
		return f.Value(field)
	}
	switch field {
	case "trust":
		return d.Trust
	case "maxSessionDuration":
		return strconv.Itoa(int(d.MaxSessionDuration))
	}
	return d.Boundary
}
