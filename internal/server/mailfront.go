package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/mailgate/mailgate/internal/mailfront"
)

// The mail front end's endpoints: Dovecot's authentication (the Lua
// script `mailgate dovecot-config` writes) asks them for every login,
// every user lookup and every submitted message's sender.
//
//	POST MailFrontAuthPath    protocol, remote_ip, organization_id, user, target, mechanism, credential
//	POST MailFrontUserPath    organization_id, user, role_id
//	POST MailFrontSenderPath  organization_id, user, from, sender
//
// The fields are application/x-www-form-urlencoded. The answers are
// text/plain "key=value" lines (the Lua script has no JSON parser):
// result=allow or result=refuse, and the fields of the decision. A
// decision that cannot be made now (store or identity provider down) is
// 503, which Dovecot turns into a temporary failure, never into a wrong
// password.
//
// The link is authenticated by a shared secret: the file named by
// Config.MailFrontSecretFile (written by `mailgate dovecot-config`), sent
// as "Authorization: Bearer <secret>" and compared in constant time.
// Without it the endpoints do not exist (404). Like the sign-in endpoint they carry credentials, so they refuse
// plain HTTP from another host (transport.go): Dovecot reaches mailgate
// over loopback or TLS.
const (
	MailFrontPrefix     = ControlPrefix + "mail/v1/"
	MailFrontAuthPath   = MailFrontPrefix + "auth"
	MailFrontUserPath   = MailFrontPrefix + "user"
	MailFrontSenderPath = MailFrontPrefix + "sender"
)

// maxMailFrontBody bounds a request: a credential (mailfront.MaxCredential)
// and a few identities, URL-encoded.
const maxMailFrontBody = 4 * mailfront.MaxCredential

// mailFrontState is the decider, built on first use, and the secret.
// Until the secret file can be read the endpoints do not exist; it is
// read again at the next request, so mailgate may start before
// `mailgate dovecot-config` writes it.
type mailFrontState struct {
	mu      sync.Mutex
	decider *mailfront.Decider
	secret  [32]byte // SHA-256 of the shared secret
	enabled bool
}

func (s *Server) mailFrontInit() *mailFrontState {
	st := &s.mailFront
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.enabled {
		return st
	}
	dir, ok := s.cfg.WorkMail.(mailfront.Directory)
	path := s.cfg.MailFrontSecretFile
	if !ok || path == "" {
		return st
	}
	b, err := os.ReadFile(path)
	secret := strings.TrimSpace(string(b))
	if err != nil || len(secret) < 32 {
		s.log.Warn("mail front end disabled: its shared secret cannot be read or is too short", "path", path)
		return st
	}
	st.secret = sha256.Sum256([]byte(secret))
	hook := s.auditMailLogin
	if h := s.cfg.MailFrontHook; h != nil {
		hook = func(ctx context.Context, d mailfront.Decision) { s.auditMailLogin(ctx, d); h(ctx, d) }
	}
	st.decider = &mailfront.Decider{Dir: dir, Store: s.cfg.Store, Log: s.log, Now: s.cfg.Now, Hook: hook}
	st.enabled = true
	return st
}

// serveMailFront runs the mail front end's endpoints.
func (s *Server) serveMailFront(w http.ResponseWriter, r *http.Request) int {
	st := s.mailFrontInit()
	if !st.enabled {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if !s.credentialTransportAllowed(r) {
		return oauthError(w, http.StatusForbidden, "invalid_request", "Use TLS or loopback.")
	}
	given, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	h := sha256.Sum256([]byte(given))
	if subtle.ConstantTimeCompare(h[:], st.secret[:]) != 1 {
		return oauthError(w, http.StatusUnauthorized, "invalid_client", "Unknown mail front end.")
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxMailFrontBody))
	if err != nil {
		// An oversized SASL response: refused like bad credentials.
		return mailFrontAnswer(w, http.StatusOK, "result", "refuse", "reason", "oversized request")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return mailFrontAnswer(w, http.StatusOK, "result", "refuse", "reason", "malformed request")
	}
	switch r.URL.Path {
	case MailFrontAuthPath:
		return s.mailFrontAuth(w, r.Context(), st.decider, form)
	case MailFrontUserPath:
		return s.mailFrontUser(w, r.Context(), st.decider, form)
	case MailFrontSenderPath:
		return s.mailFrontSender(w, r.Context(), st.decider, form)
	}
	http.NotFound(w, r)
	return http.StatusNotFound
}

func (s *Server) mailFrontAuth(w http.ResponseWriter, ctx context.Context, d *mailfront.Decider, f url.Values) int {
	dec, err := d.Decide(ctx, mailfront.Request{Protocol: f.Get("protocol"), RemoteIP: f.Get("remote_ip"),
		OrganizationID: f.Get("organization_id"), User: f.Get("user"), Target: f.Get("target"),
		Mechanism: f.Get("mechanism"), Credential: f.Get("credential")})
	if err != nil {
		return mailFrontUnavailable(w)
	}
	if !dec.Allowed {
		return mailFrontAnswer(w, http.StatusOK, "result", "refuse", "reason", dec.Reason)
	}
	kv := []string{"result", "allow", "user", dec.User, "user_id", dec.UserID, "kind", dec.Kind, "role_id", dec.RoleID, "role_type", dec.RoleType}
	// The session's mailboxes come with the decision: Dovecot needs no
	// second call (its prefetch userdb).
	if dec.RoleID == "" {
		mb, err := d.Lookup(ctx, dec.OrganizationID, dec.UserID, "")
		if err != nil {
			s.log.Warn("mail front end: user lookup failed", "error", err)
			return mailFrontUnavailable(w)
		}
		kv = appendShared(kv, mb)
	}
	return mailFrontAnswer(w, http.StatusOK, kv...)
}

func appendShared(kv []string, mb *mailfront.Mailbox) []string {
	for _, sh := range mb.Shared {
		kv = append(kv, "shared", sh.UserID+" "+sh.Name)
	}
	return kv
}

func (s *Server) mailFrontUser(w http.ResponseWriter, ctx context.Context, d *mailfront.Decider, f url.Values) int {
	mb, err := d.Lookup(ctx, f.Get("organization_id"), f.Get("user"), f.Get("role_id"))
	if errors.Is(err, mailfront.ErrUnknownMailbox) {
		return mailFrontAnswer(w, http.StatusOK, "result", "unknown")
	}
	if err != nil {
		s.log.Warn("mail front end: user lookup failed", "error", err)
		return mailFrontUnavailable(w)
	}
	kv := []string{"result", "ok", "user", mb.Name, "user_id", mb.UserID, "role_type", mb.RoleType}
	return mailFrontAnswer(w, http.StatusOK, appendShared(kv, mb)...)
}

func (s *Server) mailFrontSender(w http.ResponseWriter, ctx context.Context, d *mailfront.Decider, f url.Values) int {
	ok, reason, err := d.SenderAllowed(ctx, f.Get("organization_id"), f.Get("user"), f.Get("from"), f.Get("sender"))
	if err != nil {
		s.log.Warn("mail front end: sender check failed", "error", err)
		return mailFrontUnavailable(w)
	}
	result := "refuse"
	if ok {
		result = "allow"
	}
	s.log.Info("mail submission sender", "outcome", result, "reason", reason, "organization_id", f.Get("organization_id"),
		"user", f.Get("user"), "from", f.Get("from"), "sender", f.Get("sender"))
	return mailFrontAnswer(w, http.StatusOK, "result", result, "reason", reason)
}

func mailFrontUnavailable(w http.ResponseWriter) int {
	return mailFrontAnswer(w, http.StatusServiceUnavailable, "result", "unavailable")
}

// mailFrontAnswer writes key=value lines; values lose any line break.
func mailFrontAnswer(w http.ResponseWriter, status int, kv ...string) int {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(kv[i])
		b.WriteByte('=')
		b.WriteString(strings.NewReplacer("\n", " ", "\r", " ").Replace(kv[i+1]))
		b.WriteByte('\n')
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, b.String())
	return status
}
