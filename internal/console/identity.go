package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/opt"
)

// The identity provider page: the organization's configuration (read
// here; written through the API), and the administrator's view of the
// personal access tokens, which it can revoke.

func (h *Handler) routeIdentity() {
	base := Prefix + "organizations/{org}/identity-provider"
	h.mux.HandleFunc("GET "+base, h.signedIn(h.identityProvider))
	h.mux.HandleFunc("POST "+base+"/tokens/delete", h.signedIn(h.deleteToken))
}

type identityData struct {
	Config *workmailapi.DescribeIdentityProviderConfigurationResponse
	// NotConfigured is the service's word when there is no configuration.
	NotConfigured string
	Tokens        []workmailapi.PersonalAccessTokenSummary
	User, NextURL string
}

func (h *Handler) identityProvider(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.showIdentity(w, c, http.StatusOK, nil)
}

func (h *Handler) showIdentity(w http.ResponseWriter, c *ctx, status int, top *failure) {
	org, q := c.r.PathValue("org"), c.r.URL.Query()
	p := c.page("Identity provider and personal access tokens", "identity")
	p.Org, p.Failure = org, top
	p.allow(c, "workmail", &workmailapi.DeletePersonalAccessTokenRequest{OrganizationId: org}, "DeletePersonalAccessToken")
	d := &identityData{User: strings.TrimSpace(q.Get("user"))}
	cfg, err := call[workmailapi.DescribeIdentityProviderConfigurationResponse](c, "workmail", "DescribeIdentityProviderConfiguration",
		&workmailapi.DescribeIdentityProviderConfigurationRequest{OrganizationId: org})
	if err != nil {
		// No configuration is a state to show, not a failure.
		fl, st := h.fail(err, nil)
		if fl == nil || fl.Denied || st >= 500 {
			p.Failure, status = fl, st
		} else {
			d.NotConfigured = fl.Message
		}
	} else {
		d.Config = cfg
	}
	tokens, err := call[workmailapi.ListPersonalAccessTokensResponse](c, "workmail", "ListPersonalAccessTokens",
		&workmailapi.ListPersonalAccessTokensRequest{OrganizationId: org, UserId: opt.NonEmpty(d.User), NextToken: opt.NonEmpty(q.Get("next"))})
	if h.loaded(p, &status, err) {
		d.Tokens = tokens.PersonalAccessTokenSummaries
		if n := opt.Deref(tokens.NextToken); n != "" {
			d.NextURL = "?" + url.Values{"user": {d.User}, "next": {n}}.Encode()
		}
	}
	p.Data = d
	h.render(w, status, "identity", p)
}

// deleteToken revokes a personal access token.
func (h *Handler) deleteToken(w http.ResponseWriter, r *http.Request, c *ctx) {
	in := &workmailapi.DeletePersonalAccessTokenRequest{OrganizationId: r.PathValue("org"), PersonalAccessTokenId: r.PostFormValue("id")}
	if _, err := call[workmailapi.DeletePersonalAccessTokenResponse](c, "workmail", "DeletePersonalAccessToken", in); err != nil {
		top, status := h.fail(err, nil)
		h.showIdentity(w, c, status, top)
		return
	}
	http.Redirect(w, r, Prefix+"organizations/"+url.PathEscape(r.PathValue("org"))+"/identity-provider?done=token-revoked", http.StatusSeeOther)
}
