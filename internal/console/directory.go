package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// usersPerPage is the page size of the users list: one keyset page of
// the store per view, whatever the organization's size.
const usersPerPage = 50

func (h *Handler) routeDirectory() {
	h.mux.HandleFunc("GET "+Prefix+"organizations", h.signedIn(h.organizations))
	h.mux.HandleFunc("POST "+Prefix+"organizations", h.signedIn(h.createOrganization))
	h.mux.HandleFunc("GET "+Prefix+"organizations/{org}/users", h.signedIn(h.users))
	h.mux.HandleFunc("POST "+Prefix+"organizations/{org}/users", h.signedIn(h.createUser))
	// Users and groups are enabled (registered to WorkMail) alike.
	h.mux.HandleFunc("POST "+Prefix+"organizations/{org}/{kind}/{entity}/enable", h.signedIn(h.enableEntity))
	h.mux.HandleFunc("POST "+Prefix+"organizations/{org}/{kind}/{entity}/disable", h.signedIn(h.disableEntity))
	h.routeGroups()
}

// organizations lists a page of organizations, with the form to create one.
func (h *Handler) organizations(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showOrganizations(w, c, http.StatusOK, nil, nil)
}

type orgsData struct {
	Orgs []workmailapi.OrganizationSummary
	Next string
}

func (h *Handler) showOrganizations(w http.ResponseWriter, c *ctx, status int, f *form, top *failure) {
	p := c.page("Organizations", "organizations")
	p.Form, p.Failure = f, top
	p.allow(c, "workmail", &workmailapi.CreateOrganizationRequest{}, "CreateOrganization")
	out, err := call[workmailapi.ListOrganizationsResponse](c, "workmail", "ListOrganizations",
		&workmailapi.ListOrganizationsRequest{NextToken: opt.NonEmpty(c.r.URL.Query().Get("next")), MaxResults: opt.Ptr(int32(50))})
	if !h.loaded(p, &status, err) {
		h.render(w, status, "organizations", p)
		return
	}
	p.Data = orgsData{Orgs: out.OrganizationSummaries, Next: opt.Deref(out.NextToken)}
	h.render(w, status, "organizations", p)
}

func (h *Handler) createOrganization(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "create", "alias")
	_, err := call[workmailapi.CreateOrganizationResponse](c, "workmail", "CreateOrganization",
		&workmailapi.CreateOrganizationRequest{Alias: f.Values["alias"]})
	if err != nil {
		top, status := h.fail(err, f, "alias")
		h.showOrganizations(w, c, status, f, top)
		return
	}
	http.Redirect(w, r, Prefix+"organizations?done=org-created", http.StatusSeeOther)
}

type usersData struct {
	Users []workmailapi.User
	Listing
}

// Listing is the search and paging of a directory list (users, groups).
type Listing struct {
	Kind, Query, NextURL, First string
	HasPrevious                 bool
}

// listingOf starts the Listing of kind the request asks for: the search
// and the page it is on.
func listingOf(c *ctx, kind string) Listing {
	q := c.r.URL.Query()
	l := Listing{Kind: kind, Query: strings.TrimSpace(q.Get("q")), HasPrevious: q.Get("next") != ""}
	l.First = l.base(c) + "?" + url.Values{"q": {l.Query}}.Encode()
	return l
}

func (l *Listing) base(c *ctx) string {
	return Prefix + "organizations/" + url.PathEscape(c.r.PathValue("org")) + "/" + l.Kind
}

// follow notes the token of the next page, if any.
func (l *Listing) follow(c *ctx, next *string) {
	if n := opt.Deref(next); n != "" {
		l.NextURL = l.base(c) + "?" + url.Values{"q": {l.Query}, "next": {n}}.Encode()
	}
}

// users shows one page of the organization's users, filtered by a name
// prefix: one ListUsers call (the store's keyset page), never the whole
// directory.
func (h *Handler) users(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showUsers(w, c, http.StatusOK, nil, nil)
}

func (h *Handler) showUsers(w http.ResponseWriter, c *ctx, status int, f *form, top *failure) {
	org := c.r.PathValue("org")
	q := c.r.URL.Query()
	p := c.page("Users", "users")
	p.Org, p.Form, p.Failure = org, f, top
	p.allow(c, "workmail", &workmailapi.CreateUserRequest{OrganizationId: org}, "CreateUser", "RegisterToWorkMail", "DeregisterFromWorkMail")
	d := usersData{Listing: listingOf(c, "users")}
	in := &workmailapi.ListUsersRequest{OrganizationId: org, NextToken: opt.NonEmpty(q.Get("next")), MaxResults: opt.Ptr(int32(usersPerPage))}
	if d.Query != "" {
		in.Filters = &workmailapi.ListUsersFilters{UsernamePrefix: &d.Query}
	}
	out, err := call[workmailapi.ListUsersResponse](c, "workmail", "ListUsers", in)
	if h.loaded(p, &status, err) {
		d.Users = out.Users
		d.follow(c, out.NextToken)
	}
	p.Data = d
	h.render(w, status, "users", p)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "create", "name", "displayName")
	// The password is taken as typed, and never shown again.
	in := &workmailapi.CreateUserRequest{OrganizationId: r.PathValue("org"), Name: f.Values["name"], DisplayName: f.Values["displayName"],
		Password: opt.NonEmpty(r.PostFormValue("password"))}
	if _, err := call[workmailapi.CreateUserResponse](c, "workmail", "CreateUser", in); err != nil {
		top, status := h.fail(err, f, "name", "displayName", "password")
		h.showUsers(w, c, status, f, top)
		return
	}
	h.backToList(w, r, "user-created", "users")
}

// listPage shows the list of users or groups again, with a form and
// its errors; nil for another kind.
func (h *Handler) listPage(kind string) func(http.ResponseWriter, *ctx, int, *form, *failure) {
	return map[string]func(http.ResponseWriter, *ctx, int, *form, *failure){"users": h.showUsers, "groups": h.showGroups}[kind]
}

// enableEntity registers the user or group to WorkMail with the email
// given.
func (h *Handler) enableEntity(w http.ResponseWriter, r *http.Request, c *ctx) {
	show := h.listPage(r.PathValue("kind"))
	if show == nil {
		http.NotFound(w, r)
		return
	}
	f := formOf(r, "enable-"+r.PathValue("entity"), "email")
	in := &workmailapi.RegisterToWorkMailRequest{OrganizationId: r.PathValue("org"), EntityId: r.PathValue("entity"), Email: f.Values["email"]}
	if _, err := call[workmailapi.RegisterToWorkMailResponse](c, "workmail", "RegisterToWorkMail", in); err != nil {
		top, status := h.fail(err, f, "email")
		show(w, c, status, f, top)
		return
	}
	h.backToList(w, r, "enabled")
}

func (h *Handler) disableEntity(w http.ResponseWriter, r *http.Request, c *ctx) {
	show := h.listPage(r.PathValue("kind"))
	if show == nil {
		http.NotFound(w, r)
		return
	}
	in := &workmailapi.DeregisterFromWorkMailRequest{OrganizationId: r.PathValue("org"), EntityId: r.PathValue("entity")}
	if _, err := call[workmailapi.DeregisterFromWorkMailResponse](c, "workmail", "DeregisterFromWorkMail", in); err != nil {
		top, status := h.fail(err, nil)
		show(w, c, status, nil, top)
		return
	}
	h.backToList(w, r, "disabled")
}

// backToList returns to the list the form was posted from: the kind of
// the path, or kind.
func (h *Handler) backToList(w http.ResponseWriter, r *http.Request, done string, kind ...string) {
	k := r.PathValue("kind")
	if len(kind) > 0 {
		k = kind[0]
	}
	q := url.Values{"done": {done}}
	if s := r.PostFormValue("q"); s != "" {
		q.Set("q", s)
	}
	http.Redirect(w, r, Prefix+"organizations/"+url.PathEscape(r.PathValue("org"))+"/"+k+"?"+q.Encode(), http.StatusSeeOther)
}

// formOf reads the named fields of a posted form, trimmed.
func formOf(r *http.Request, name string, fields ...string) *form {
	f := &form{Name: name, Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f
}
