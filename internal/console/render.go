package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/server"
)

// pageFiles are the pages; each is parsed with the layout.
var pageFiles = []string{"signin", "organizations", "users", "impersonation_roles", "impersonation_role", "access_control", "mobile_rules", "groups", "group", "identity",
	"iam_list", "iam_principal", "iam_policy"}

var funcs = template.FuncMap{
	// str shows an optional member: the value, or nothing.
	"str": func(v any) string {
		rv := reflect.ValueOf(v)
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return ""
			}
			rv = rv.Elem()
		}
		if !rv.IsValid() {
			return ""
		}
		return fmt.Sprint(rv.Interface())
	},
	"field":     fieldOf,
	"searchBox": func(p *page, kind string) searchView { return searchView{Org: p.Org, Kind: kind, Query: p.query()} },
	"entityState": func(p *page, kind, id, name, state string) entityStateView {
		return entityStateView{P: p, Kind: kind, ID: id, Name: name, State: state, Query: p.query()}
	},
	"policyURL": policyURL,
	// span names the lines of a matched statement.
	"span": func(st iamapi.Statement) string {
		from, to := opt.Deref(opt.Deref(st.StartPosition).Line), opt.Deref(opt.Deref(st.EndPosition).Line)
		if from == to {
			return fmt.Sprintf("line %d", from)
		}
		return fmt.Sprintf("lines %d–%d", from, to)
	},
	"join": func(v []string) string { return strings.Join(v, ", ") },
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
}

func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, p := range pageFiles {
		pages[p] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+p+".html"))
	}
	return pages
}

// page is what every template gets.
type page struct {
	Title string
	// Section is the navigation entry that is current.
	Section string
	// Principal is the signed-in ARN; CSRF the token forms carry.
	Principal, CSRF string
	Org             string
	Notice          string
	// Failure is an error to show at the top (one without a field).
	Failure *failure
	// Form holds submitted values and their errors, to show a failed
	// form again as it was.
	Form *form
	Data any
	// Can says, by operation, what the principal may do here; a page
	// leaves out the forms of the others.
	Can map[string]bool
}

// failure is an API error as the console shows it.
type failure struct {
	Code, Message string
	// Denied is set for AccessDenied; Explanation is the policy
	// engine's account of it.
	Denied      bool
	Explanation string
}

// form is a submitted form: its values, and the errors by field.
type form struct {
	Name   string // which form on the page
	Values map[string]string
	Errors map[string]string
}

func (f *form) Value(k string) string {
	if f == nil {
		return ""
	}
	return f.Values[k]
}

func (f *form) Error(k string) string {
	if f == nil {
		return ""
	}
	return f.Errors[k]
}

// Is tells whether the form is the one named (several share a page).
func (f *form) Is(name string) bool { return f != nil && f.Name == name }

// render writes a page; a template error is the console's bug, logged.
func (h *Handler) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, p); err != nil {
		h.log.Error("console: rendering a page", "page", name, "error", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageFor starts the page of a signed-in request.
func (c *ctx) page(title, section string) *page {
	return &page{Title: title, Section: section, Principal: c.caller.Arn, CSRF: c.sess.CSRF, Notice: notices[c.r.URL.Query().Get("done")], Can: map[string]bool{}}
}

// allow notes on the page whether the principal may run each operation
// (all of the service, on the same input).
func (p *page) allow(c *ctx, service string, in any, operations ...string) {
	for _, op := range operations {
		p.Can[op] = c.can(service, op, in)
	}
}

// notices are the confirmations a redirect after a change names.
var notices = map[string]string{
	"org-created":         "Organization created.",
	"user-created":        "User created.",
	"enabled":             "User enabled.",
	"disabled":            "User disabled.",
	"role-created":        "Impersonation role created.",
	"group-created":       "Group created.",
	"member-added":        "Member added.",
	"member-removed":      "Member removed.",
	"token-revoked":       "Token revoked.",
	"role-settings-saved": "Role settings saved.",
	"role-saved":          "Rules saved.",
	"rule-saved":          "Rule saved.",
	"rule-deleted":        "Rule deleted.",
}

// fail turns an error of an operation into what the page shows: an
// error that names a member of the form goes next to that field, any
// other at the top (with the engine's explanation for a denial).
// loaded keeps the failure of a read that a page shows, unless the page
// shows another failure already; it reports whether the read succeeded.
func (h *Handler) loaded(p *page, status *int, err error) bool {
	if err == nil {
		return true
	}
	if fl, st := h.fail(err, nil); p.Failure == nil {
		p.Failure, *status = fl, st
	}
	return false
}

func (h *Handler) fail(err error, f *form, fields ...string) (*failure, int) {
	var d *server.Denial
	if errors.As(err, &d) {
		return &failure{Code: d.ErrorCode(), Message: d.ErrorMessage(), Denied: true, Explanation: d.Explanation}, http.StatusForbidden
	}
	e, ok := apierror.As(err)
	if !ok {
		h.log.Error("console: operation failed", "error", err)
		return &failure{Code: "InternalFailure", Message: "The request could not be completed."}, http.StatusInternalServerError
	}
	msg := e.ErrorMessage()
	for _, field := range fields {
		if f != nil && mentions(msg, field) {
			if f.Errors == nil {
				f.Errors = map[string]string{}
			}
			f.Errors[field] = msg
			return nil, e.HTTPStatus()
		}
	}
	return &failure{Code: e.ErrorCode(), Message: msg}, e.HTTPStatus()
}

// failAt is fail for a form whose errors all belong next to it: one that
// names none of the fields goes next to the fallback field. Denials and
// internal failures stay at the top.
func (h *Handler) failAt(err error, f *form, fallback string, fields ...string) (*failure, int) {
	top, status := h.fail(err, f, fields...)
	if top != nil && !top.Denied && status < 500 {
		f.Errors[fallback], top = top.Message, nil
	}
	return top, status
}

// mentions tells whether an API error message is about a member: the
// model's validation names it ('name', 'organizationId'), services by
// their words.
func mentions(msg, member string) bool {
	low := strings.ToLower(msg)
	m := strings.ToLower(member)
	return strings.HasPrefix(low, m+":") || strings.Contains(low, "'"+m+"'") || strings.Contains(low, "'"+m+".") || strings.Contains(low, " "+m+" ")
}

// fieldView is one labelled input with its error beside it.
type fieldView struct {
	ID, Name, Label, Type, Value, Error, Hint string
	Required                                  bool
}

// fieldOf builds the field name of the form formName: its value and error
// when that form is the one submitted. opts: the input type ("text" by
// default), "required", and a hint ("hint:...").
func fieldOf(f *form, formName, name, label string, opts ...string) fieldView {
	v := fieldView{ID: formName + "-" + name, Name: name, Label: label, Type: "text"}
	for _, o := range opts {
		switch {
		case o == "required":
			v.Required = true
		case strings.HasPrefix(o, "hint:"):
			v.Hint = strings.TrimPrefix(o, "hint:")
		default:
			v.Type = o
		}
	}
	if f.Is(formName) {
		v.Value, v.Error = f.Value(name), f.Error(name)
	}
	return v
}

// entityStateView is the enable or disable form of a user or group.
type entityStateView struct {
	P                            *page
	Kind, ID, Name, State, Query string
}

// query is the search the page shows, kept across its forms.
func (p *page) query() string {
	switch d := p.Data.(type) {
	case usersData:
		return d.Query
	case groupsData:
		return d.Query
	}
	return ""
}

// searchView is the search box of a directory list.
type searchView struct{ Org, Kind, Query string }
