package server

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// IntrospectPath is the token introspection endpoint for mail systems
// (RFC 7662): an IMAP or EWS front end that receives an impersonation
// token as "Authorization: Bearer <token>" asks here whether the token is
// active and whether it may act for a mailbox. It answers for personal
// access tokens (mgp1.…) too, which mail clients send in place of a
// password: active, the user they belong to, and whether the mailbox is
// that user's own. One call, one permission, either kind of token.
//
// The request is a POST of application/x-www-form-urlencoded fields
// token (required) and mailbox (optional: a user ID, address or user
// name), signed with SigV4 for the service "workmail" like any other
// call. It is authorized as the action IntrospectAction on the ARN of
// the token's organization, through the same Authorizer as the API. The
// answer is a JSON TokenIntrospection with status 200; a token that is
// malformed, unknown, expired or revoked, or that belongs to an
// organization the caller's account cannot see, answers {"active":false}
// as RFC 7662 prescribes. A request without a token answers 400
// {"error":"invalid_request"}.
const IntrospectPath = ControlPrefix + "v1/impersonation/introspect"

// IntrospectAction is the action the introspection endpoint is authorized as.
const IntrospectAction = "workmail:IntrospectImpersonationToken"

// TokenIntrospection is the answer of the introspection endpoint.
type TokenIntrospection = introspection.Result

// ImpersonationIntrospector answers for impersonation tokens; the
// WorkMail service implements it.
type ImpersonationIntrospector = introspection.Introspector

// maxIntrospectField bounds token (the model allows 256 characters) and
// mailbox (an entity identifier, also 256).
const maxIntrospectField = 256

// serveIntrospect runs the introspection endpoint: authenticate, parse,
// authorize (through the service's callback), answer.
func (s *Server) serveIntrospect(w http.ResponseWriter, r *http.Request) int {
	c := &call{req: &reqctx.Request{ID: w.Header().Get("x-amzn-RequestId"), SourceIP: sourceIP(r), Secure: r.TLS != nil,
		Service: "workmail", Operation: "IntrospectImpersonationToken", Received: s.cfg.Now()}, svc: s.byName["workmail"]}
	ins, ok := s.cfg.WorkMail.(ImpersonationIntrospector)
	if !ok || c.svc == nil {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil {
		return oauthError(w, http.StatusRequestEntityTooLarge, "invalid_request", "The request body is too large.")
	}
	if aerr := s.authenticate(r, body, c); aerr != nil {
		s.writeError(w, c, aerr)
		return c.status
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != formContentType {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be "+formContentType+".")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The body is not a valid form.")
	}
	token, mailbox := form.Get("token"), form.Get("mailbox")
	if token == "" {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The token parameter is required.")
	}
	if len(mailbox) > maxIntrospectField {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "The mailbox parameter is too long.")
	}
	res := &TokenIntrospection{}
	if len(token) <= maxIntrospectField {
		c.req.Action = IntrospectAction
		ctx := reqctx.With(r.Context(), c.req)
		authorize := func(resource string) error {
			c.req.Resource = resource
			return s.cfg.Authorizer.Authorize(ctx, c.req, &api.Target{Resources: []string{resource}})
		}
		if pi, ok := s.cfg.WorkMail.(introspection.PersonalAccessTokenIntrospector); ok && introspection.IsPersonalAccessToken(token) {
			res, err = pi.IntrospectPersonalAccessToken(ctx, token, mailbox, authorize)
		} else {
			res, err = ins.IntrospectImpersonationToken(ctx, token, mailbox, authorize)
		}
		if err != nil {
			s.writeError(w, c, s.asAPIError(c, err))
			return c.status
		}
	}
	b, err := json.Marshal(res)
	if err != nil {
		s.writeError(w, c, apierror.Internal())
		return c.status
	}
	// RFC 7662 answers carry token data: never cache them.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	s.write(w, c, http.StatusOK, "application/json", b)
	return c.status
}

// oauthError writes an RFC 6749 error response, the shape RFC 7662 uses
// for malformed requests.
func oauthError(w http.ResponseWriter, status int, code, desc string) int {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	return status
}
