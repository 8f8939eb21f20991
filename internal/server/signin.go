package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/mailauth"
)

// SignInPath is the mailbox sign-in endpoint, for mailbox users (a web
// mail front) and for mail front ends (IMAP, SMTP, EWS) checking the
// credentials their clients present. It is not signed with SigV4: the
// credentials are the mailbox user's.
//
// POST application/x-www-form-urlencoded fields:
//
//	organization_id   required
//	username          the user ID, an address or the user name; required with a password
//	password          the directory password, or a personal access token (mgp1.…)
//	id_token          instead of password: an ID token of the organization's identity provider
//
// 200 answers the identity (organization_id, user_id, username, email,
// method, and for a personal access token its ID and scopes). Every
// refusal, throttling included, is the same 401 invalid_grant; a
// malformed request is 400 invalid_request; an identity provider that
// cannot be reached is 503 temporarily_unavailable. Which credentials
// work depends on the organization's identity provider configuration
// (see the workmail package).
const SignInPath = ControlPrefix + "v1/signin"

// PersonalAccessTokensPath is where a mailbox user signed in through the
// identity provider manages personal access tokens, authenticated by
// "Authorization: Bearer <ID token>" and the organization_id field (form
// or query):
//
//	POST    name, scope (repeatable)     → 200 the token, its secret shown this once
//	GET                                  → 200 {"personal_access_tokens":[…]}
//	DELETE  personal_access_token_id     → 204; 404 not_found when it is not the user's
//
// A failed sign-in is 401 invalid_token; while the organization's
// personal access tokens are INACTIVE (or it has no identity provider
// configuration), 403 access_denied.
const PersonalAccessTokensPath = ControlPrefix + "v1/personal-access-tokens"

const maxSignInBody = 32 << 10

// signInFailed is the one answer to every refused sign-in.
func signInFailed(w http.ResponseWriter) int {
	return oauthError(w, http.StatusUnauthorized, "invalid_grant", "Sign-in failed.")
}

// signInForm reads a form from the query and, for POST and DELETE, the
// body.
func signInForm(w http.ResponseWriter, r *http.Request) (url.Values, int) {
	form := r.URL.Query()
	if r.Method == http.MethodGet {
		return form, 0
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSignInBody))
	if err != nil {
		return nil, oauthError(w, http.StatusRequestEntityTooLarge, "invalid_request", "The request body is too large.")
	}
	if len(body) == 0 {
		return form, 0
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != formContentType {
		return nil, oauthError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be "+formContentType+".")
	}
	bf, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, oauthError(w, http.StatusBadRequest, "invalid_request", "The body is not a valid form.")
	}
	for k, v := range bf {
		form[k] = append(form[k], v...)
	}
	return form, 0
}

func signInJSON(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
	return status
}

// signInError answers what the sign-in service returned; internal errors
// are logged (they carry no credentials) and hidden.
func (s *Server) signInError(w http.ResponseWriter, r *http.Request, err error) int {
	switch {
	case errors.Is(err, mailauth.ErrSignInFailed):
		return signInFailed(w)
	case errors.Is(err, mailauth.ErrProviderUnavailable):
		return oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "The identity provider cannot be reached. Please retry.")
	case errors.Is(err, mailauth.ErrPersonalAccessTokensInactive):
		return oauthError(w, http.StatusForbidden, "access_denied", "Personal access tokens are not active for this organization.")
	case errors.Is(err, mailauth.ErrNotFound):
		return oauthError(w, http.StatusNotFound, "not_found", "No such personal access token.")
	}
	if ae, ok := apierror.As(err); ok && ae.HTTPStatus() < 500 {
		return oauthError(w, http.StatusBadRequest, "invalid_request", ae.ErrorMessage())
	}
	s.log.Error("sign-in: internal error", "request_id", w.Header().Get("x-amzn-RequestId"), "path", r.URL.Path, "error", err)
	return oauthError(w, http.StatusInternalServerError, "server_error", "Internal error.")
}

// serveSignIn runs SignInPath.
func (s *Server) serveSignIn(w http.ResponseWriter, r *http.Request) int {
	svc, ok := s.cfg.WorkMail.(mailauth.Service)
	if !ok {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
	}
	form, status := signInForm(w, r)
	if status != 0 {
		return status
	}
	req := mailauth.SignInRequest{OrganizationID: form.Get("organization_id"), Username: form.Get("username"),
		Password: form.Get("password"), IDToken: form.Get("id_token"), SourceIP: sourceIP(r)}
	switch {
	case req.OrganizationID == "":
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The organization_id parameter is required.")
	case (req.Password == "") == (req.IDToken == ""):
		return oauthError(w, http.StatusBadRequest, "invalid_request", "Give either password or id_token.")
	case req.Password != "" && req.Username == "" && !strings.HasPrefix(req.Password, "mgp1."):
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The username parameter is required with a password.")
	}
	who, err := svc.SignIn(r.Context(), req)
	s.signInDecided(req, err)
	s.auditSignIn(r, req, who, err)
	if err != nil {
		return s.signInError(w, r, err)
	}
	return signInJSON(w, http.StatusOK, who)
}

// servePersonalAccessTokens runs PersonalAccessTokensPath.
func (s *Server) servePersonalAccessTokens(w http.ResponseWriter, r *http.Request) int {
	svc, ok := s.cfg.WorkMail.(mailauth.Service)
	if !ok {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodDelete:
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		return oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "Use GET, POST or DELETE.")
	}
	form, status := signInForm(w, r)
	if status != 0 {
		return status
	}
	idToken, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(idToken) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mailgate"`)
		return oauthError(w, http.StatusUnauthorized, "invalid_token", "An ID token is required as a Bearer token.")
	}
	if form.Get("organization_id") == "" {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The organization_id parameter is required.")
	}
	req := mailauth.SignInRequest{OrganizationID: form.Get("organization_id"), IDToken: strings.TrimSpace(idToken), SourceIP: sourceIP(r)}
	who, err := svc.SignIn(r.Context(), req)
	s.signInDecided(req, err)
	s.auditSignIn(r, req, who, err)
	if errors.Is(err, mailauth.ErrSignInFailed) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mailgate", error="invalid_token"`)
		return oauthError(w, http.StatusUnauthorized, "invalid_token", "Sign-in failed.")
	}
	if err != nil {
		return s.signInError(w, r, err)
	}
	switch r.Method {
	case http.MethodPost:
		var tok *mailauth.NewToken
		err := s.mailboxUserCall(r, "CreatePersonalAccessToken", who, map[string]any{"name": form.Get("name"), "scopes": form["scope"]},
			func(ctx context.Context) (map[string]any, error) {
				var err error
				tok, err = svc.CreatePersonalAccessToken(ctx, who, form.Get("name"), form["scope"])
				if err != nil {
					return nil, err
				}
				return map[string]any{"personalAccessTokenId": tok.PersonalAccessTokenID, "name": tok.Name}, nil
			})
		if err != nil {
			return s.signInError(w, r, err)
		}
		return signInJSON(w, http.StatusOK, tok)
	case http.MethodGet:
		var list []mailauth.TokenSummary
		err := s.mailboxUserCall(r, "ListPersonalAccessTokens", who, nil, func(ctx context.Context) (map[string]any, error) {
			var err error
			list, err = svc.ListOwnPersonalAccessTokens(ctx, who)
			return nil, err
		})
		if err != nil {
			return s.signInError(w, r, err)
		}
		return signInJSON(w, http.StatusOK, map[string]any{"personal_access_tokens": list})
	default:
		id := form.Get("personal_access_token_id")
		if id == "" {
			return oauthError(w, http.StatusBadRequest, "invalid_request", "The personal_access_token_id parameter is required.")
		}
		err := s.mailboxUserCall(r, "DeletePersonalAccessToken", who, map[string]any{"personalAccessTokenId": id}, func(ctx context.Context) (map[string]any, error) {
			return nil, svc.DeleteOwnPersonalAccessToken(ctx, who, id)
		})
		if err != nil {
			return s.signInError(w, r, err)
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent
	}
}
