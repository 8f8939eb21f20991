package server

import (
	"encoding/json"
	"errors"
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
// malformed, unknown, expired or revoked, that belongs to an organization
// the caller's account cannot see, or that the caller may not introspect,
// answers {"active":false} as RFC 7662 allows (section 2.2): a caller
// without the permission learns nothing, not even whether a token it holds
// is valid. A request without a token answers 400
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
		Service: "workmail", Operation: "IntrospectImpersonationToken", Received: s.cfg.Now()}, svc: s.byName["workmail"],
		audit: callAudit{userAgent: userAgent(r)}}
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
	c.req.Action = IntrospectAction
	ctx := reqctx.With(r.Context(), c.req)
	decided, refused := false, false
	authorize := func(resource string) error {
		decided = true
		c.req.Resource = resource
		err := s.cfg.Authorizer.Authorize(ctx, c.req, &api.Target{Resources: []string{resource}})
		if _, no := apierror.As(err); no {
			refused = true
			return errNotForCaller
		}
		return err
	}
	if len(token) <= maxIntrospectField {
		if pi, ok := s.cfg.WorkMail.(introspection.PersonalAccessTokenIntrospector); ok && introspection.IsPersonalAccessToken(token) {
			res, err = pi.IntrospectPersonalAccessToken(ctx, token, mailbox, authorize)
		} else {
			res, err = ins.IntrospectImpersonationToken(ctx, token, mailbox, authorize)
		}
		if errors.Is(err, errNotForCaller) {
			res, err = &TokenIntrospection{}, nil
		}
		if err != nil {
			s.writeError(w, c, s.asAPIError(c, err))
			return c.status
		}
	}
	denied := refused // before the decoy below
	if !decided {
		// The token is not one the caller could be told about, so the
		// service never asked. Ask anyway, on an organization that
		// cannot exist in the caller's account, and ignore the answer:
		// the permission check costs a stranger the same whether the
		// token is valid or garbage. What is left to time is the
		// token's lookup, which a valid and an unknown token both pay.
		_ = authorize(decoyOrganizationARN(c.req))
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
	s.auditIntrospection(c, token, mailbox, res, denied)
	return c.status
}

// errNotForCaller stands for the Authorizer's refusal while a service
// introspects: the answer is then {"active":false}, as for a bad token.
var errNotForCaller = errors.New("server: the caller may not introspect this token")

// decoyOrganizationARN is the ARN of an organization ID WorkMail never
// issues, in the caller's account and Region.
func decoyOrganizationARN(req *reqctx.Request) string {
	account := ""
	if req.Caller != nil {
		account = req.Caller.AccountID
	}
	return "arn:" + req.Partition + ":workmail:" + req.Region + ":" + account + ":organization/m-00000000000000000000000000000000"
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
