// Package console is mailgate's web console, served by the binary under
// /console/: server-rendered pages (html/template) with their stylesheet
// and one small script embedded, for administrators who sign in with an
// access key pair.
//
// The console holds no authority of its own. Every action runs as the
// signed-in principal through the server's operation frame (Invoker: the
// model's validation, the operation's target, the same Authorizer as the
// API, the handler), so a principal sees and does in the console exactly
// what its policies let it do through the API, and a denial reads as the
// API's, with the policy engine's explanation beside it.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// Prefix is where the console is mounted.
const Prefix = "/console/"

// DefaultIdleTimeout ends a session nobody used for this long.
const DefaultIdleTimeout = 30 * time.Minute

// Invoker runs one operation as req.Caller through the API's frame
// (server.Server.Invoke), and tells beforehand whether the caller may
// (server.Server.Allowed).
type Invoker interface {
	Invoke(ctx context.Context, req *reqctx.Request, service, operation string, in any) (any, error)
	Allowed(ctx context.Context, req *reqctx.Request, service, operation string, in any) bool
}

// Config assembles a console.
type Config struct {
	Store   store.Store
	Invoker Invoker
	Logger  *slog.Logger
	// IdleTimeout ends sessions unused this long (0: DefaultIdleTimeout).
	IdleTimeout time.Duration
	// Region the console's calls are made in (default us-east-1).
	Region string
	Now    func() time.Time
}

// Handler serves the console.
type Handler struct {
	cfg      Config
	log      *slog.Logger
	sessions *sessions
	mux      *http.ServeMux
	pages    map[string]*template.Template
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New builds the console.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, sessions: newSessions(cfg.IdleTimeout), mux: http.NewServeMux(), pages: parsePages()}
	static, _ := fs.Sub(staticFS, "static")
	h.mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	h.mux.HandleFunc("GET "+Prefix+"signin", h.signInPage)
	h.mux.HandleFunc("POST "+Prefix+"signin", h.signIn)
	h.mux.HandleFunc("POST "+Prefix+"signout", h.signedIn(h.signOut))
	h.mux.HandleFunc("GET "+Prefix+"{$}", h.signedIn(func(w http.ResponseWriter, r *http.Request, c *ctx) {
		http.Redirect(w, r, Prefix+"organizations", http.StatusSeeOther)
	}))
	h.routeDirectory()
	h.routeImpersonation()
	h.routeAccessControl()
	h.routeMobile()
	h.routeIdentity()
	h.routeIAM()
	h.routePolicyCheck()
	return h
}

// ServeHTTP sets the headers every answer carries and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	// No inline script or style anywhere: everything comes from /console/static/.
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	if !strings.HasPrefix(r.URL.Path, Prefix+"static/") {
		hd.Set("Cache-Control", "no-store")
	}
	h.mux.ServeHTTP(w, r)
}

// ctx is one signed-in request.
type ctx struct {
	h       *Handler
	r       *http.Request
	sess    *session
	caller  *reqctx.Caller
	request *reqctx.Request // the transport facts the server found
}

// signedIn wraps a handler that needs a session: it checks the session,
// the access key behind it (still there, still active: a revoked key ends
// its sessions at once) and, for every state-changing request, the CSRF
// token.
func (h *Handler) signedIn(next func(http.ResponseWriter, *http.Request, *ctx)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := cookieValue(r, sessionCookie)
		sess := h.sessions.get(token, h.cfg.Now())
		if sess == nil {
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return
		}
		caller, err := h.callerOf(r.Context(), sess.AccessKeyID)
		if err != nil {
			h.sessions.endKey(sess.AccessKeyID)
			if !errors.Is(err, errKeyGone) {
				h.log.Error("console: reading the session's access key", "error", err)
			}
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && (!sameOrigin(r) || !sameToken(r.PostFormValue(csrfField), sess.CSRF)) {
			http.Error(w, "The form is out of date or did not come from this console (CSRF token missing or wrong). Reload the page and try again.", http.StatusForbidden)
			return
		}
		next(w, r, &ctx{h: h, r: r, sess: sess, caller: caller, request: reqctx.From(r.Context())})
	}
}

// errKeyGone: the session's access key no longer signs anyone in.
var errKeyGone = errors.New("console: access key deleted or inactive")

// callerOf is the principal of a long-term access key, read as SigV4
// authentication reads it.
func (h *Handler) callerOf(c context.Context, accessKeyID string) (*reqctx.Caller, error) {
	creds := authz.Credentials{Store: h.cfg.Store}
	cred, err := creds.LookupCredential(c, accessKeyID)
	if errors.Is(err, sigv4.ErrUnknownAccessKey) {
		return nil, errKeyGone
	}
	if err != nil {
		return nil, err
	}
	caller, err := creds.Caller(c, cred.Principal, "aws", h.cfg.Now())
	if errors.Is(err, authz.ErrInvalidToken) || errors.Is(err, authz.ErrExpiredToken) {
		return nil, errKeyGone
	}
	return caller, err
}

// apiRequest is a request of the signed-in principal, from where the
// browser is.
func (c *ctx) apiRequest() *reqctx.Request {
	return &reqctx.Request{Caller: c.caller, Region: c.h.cfg.Region, Partition: "aws",
		SourceIP: c.request.SourceIP, Secure: c.request.Secure, Received: c.h.cfg.Now()}
}

// can tells whether the signed-in principal may run the operation: pages
// leave out the forms of what its policies do not allow.
func (c *ctx) can(service, operation string, in any) bool {
	return c.h.cfg.Invoker.Allowed(c.r.Context(), c.apiRequest(), service, operation, in)
}

// call runs one operation as the signed-in principal.
func call[Out any](c *ctx, service, operation string, in any) (*Out, error) {
	out, err := c.h.cfg.Invoker.Invoke(c.r.Context(), c.apiRequest(), service, operation, in)
	if err != nil {
		return nil, err
	}
	o, _ := out.(*Out)
	if o == nil {
		o = new(Out)
	}
	return o, nil
}

// sameOrigin refuses a request that a browser says comes from another
// site, whatever token it carries (besides SameSite=Strict and the
// token). "null" says nothing: browsers send it for this console's own
// forms, whose pages have Referrer-Policy: no-referrer.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}
