package console

import (
	"net/http"
	"net/url"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

func (h *Handler) routeGroups() {
	base := Prefix + "organizations/{org}/groups"
	h.mux.HandleFunc("GET "+base, h.signedIn(h.groups))
	h.mux.HandleFunc("POST "+base, h.signedIn(h.createGroup))
	h.mux.HandleFunc("GET "+base+"/{group}", h.signedIn(h.group))
	h.mux.HandleFunc("POST "+base+"/{group}/members", h.signedIn(h.addMember))
	h.mux.HandleFunc("POST "+base+"/{group}/members/remove", h.signedIn(h.removeMember))
}

type groupsData struct {
	Groups []workmailapi.Group
	Listing
}

func (h *Handler) groups(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showGroups(w, c, http.StatusOK, nil, nil)
}

// showGroups shows one page of groups, filtered by a name prefix.
func (h *Handler) showGroups(w http.ResponseWriter, c *ctx, status int, f *form, top *failure) {
	org, q := c.r.PathValue("org"), c.r.URL.Query()
	p := c.page("Groups", "groups")
	p.Org, p.Form, p.Failure = org, f, top
	p.allow(c, "workmail", &workmailapi.CreateGroupRequest{OrganizationId: org}, "CreateGroup", "RegisterToWorkMail", "DeregisterFromWorkMail")
	d := groupsData{Listing: listingOf(c, "groups")}
	in := &workmailapi.ListGroupsRequest{OrganizationId: org, NextToken: opt.NonEmpty(q.Get("next")), MaxResults: opt.Ptr(int32(usersPerPage))}
	if d.Query != "" {
		in.Filters = &workmailapi.ListGroupsFilters{NamePrefix: &d.Query}
	}
	out, err := call[workmailapi.ListGroupsResponse](c, "workmail", "ListGroups", in)
	if h.loaded(p, &status, err) {
		d.Groups = out.Groups
		d.follow(c, out.NextToken)
	}
	p.Data = d
	h.render(w, status, "groups", p)
}

func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "create", "name")
	if _, err := call[workmailapi.CreateGroupResponse](c, "workmail", "CreateGroup", &workmailapi.CreateGroupRequest{OrganizationId: r.PathValue("org"), Name: f.Values["name"]}); err != nil {
		top, status := h.failAt(err, f, "name", "name")
		h.showGroups(w, c, status, f, top)
		return
	}
	h.backToList(w, r, "group-created", "groups")
}

type groupData struct {
	Group   *workmailapi.DescribeGroupResponse
	Members []workmailapi.Member
	Next    string
}

func (h *Handler) group(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showGroup(w, c, http.StatusOK, nil, nil)
}

// showGroup shows a group and a page of its members.
func (h *Handler) showGroup(w http.ResponseWriter, c *ctx, status int, f *form, top *failure) {
	org, id := c.r.PathValue("org"), c.r.PathValue("group")
	p := c.page("Group", "groups")
	p.Org, p.Form, p.Failure = org, f, top
	p.allow(c, "workmail", &workmailapi.AssociateMemberToGroupRequest{OrganizationId: org, GroupId: id}, "AssociateMemberToGroup", "DisassociateMemberFromGroup")
	d := groupData{}
	g, err := call[workmailapi.DescribeGroupResponse](c, "workmail", "DescribeGroup", &workmailapi.DescribeGroupRequest{OrganizationId: org, GroupId: id})
	var members *workmailapi.ListGroupMembersResponse
	if err == nil {
		d.Group = g
		p.Title = "Group " + opt.Deref(g.Name)
		members, err = call[workmailapi.ListGroupMembersResponse](c, "workmail", "ListGroupMembers",
			&workmailapi.ListGroupMembersRequest{OrganizationId: org, GroupId: id, NextToken: opt.NonEmpty(c.r.URL.Query().Get("next")), MaxResults: opt.Ptr(int32(usersPerPage))})
	}
	if h.loaded(p, &status, err) {
		d.Members, d.Next = members.Members, opt.Deref(members.NextToken)
	}
	p.Data = d
	h.render(w, status, "group", p)
}

// addMember adds a user or group, named by name, email or ID.
func (h *Handler) addMember(w http.ResponseWriter, r *http.Request, c *ctx) {
	f := formOf(r, "member", "memberId")
	in := &workmailapi.AssociateMemberToGroupRequest{OrganizationId: r.PathValue("org"), GroupId: r.PathValue("group"), MemberId: f.Values["memberId"]}
	if _, err := call[workmailapi.AssociateMemberToGroupResponse](c, "workmail", "AssociateMemberToGroup", in); err != nil {
		top, status := h.failAt(err, f, "memberId", "memberId")
		h.showGroup(w, c, status, f, top)
		return
	}
	h.backToGroup(w, r, "member-added")
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, c *ctx) {
	in := &workmailapi.DisassociateMemberFromGroupRequest{OrganizationId: r.PathValue("org"), GroupId: r.PathValue("group"), MemberId: r.PostFormValue("memberId")}
	if _, err := call[workmailapi.DisassociateMemberFromGroupResponse](c, "workmail", "DisassociateMemberFromGroup", in); err != nil {
		top, status := h.fail(err, nil)
		h.showGroup(w, c, status, nil, top)
		return
	}
	h.backToGroup(w, r, "member-removed")
}

func (h *Handler) backToGroup(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, Prefix+"organizations/"+url.PathEscape(r.PathValue("org"))+"/groups/"+url.PathEscape(r.PathValue("group"))+"?done="+done, http.StatusSeeOther)
}
