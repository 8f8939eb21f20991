package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
)

// msgBadKey is the one answer to a wrong key ID or secret: which of the
// two was wrong is not told.
const msgBadKey = "The access key ID or the secret access key is not valid."

// signInPage shows the form, with a fresh CSRF token in a cookie and in
// the form (double submit: there is no session yet).
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	h.showSignIn(w, r, http.StatusOK, nil)
}

func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request, status int, f *form) {
	token := randomToken()
	setCookie(w, reqctx.From(r.Context()).Secure, preCookie, token, 600)
	h.render(w, status, "signin", &page{Title: "Sign in", CSRF: token, Form: f})
}

// signIn checks the key pair and opens a session. Only long-term access
// keys sign in: temporary credentials need their session token, which
// the form does not take.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	secure := reqctx.From(r.Context()).Secure
	if !sameOrigin(r) || !sameToken(r.PostFormValue(csrfField), cookieValue(r, preCookie)) {
		http.Error(w, "The form is out of date or did not come from this console (CSRF token missing or wrong). Reload the page and try again.", http.StatusForbidden)
		return
	}
	keyID := strings.TrimSpace(r.PostFormValue("access_key_id"))
	secret := r.PostFormValue("secret_access_key")
	f := &form{Name: "signin", Values: map[string]string{"access_key_id": keyID}, Errors: map[string]string{}}
	if keyID == "" {
		f.Errors["access_key_id"] = "Enter an access key ID."
	}
	if secret == "" {
		f.Errors["secret_access_key"] = "Enter the secret access key."
	}
	if len(f.Errors) > 0 {
		h.showSignIn(w, r, http.StatusBadRequest, f)
		return
	}
	ok, err := h.checkKey(r, keyID, secret)
	if err != nil {
		h.log.Error("console: checking an access key", "error", err)
		http.Error(w, "The sign-in could not be completed. Try again later.", http.StatusServiceUnavailable)
		return
	}
	if !ok {
		h.log.Info("console sign-in refused", "access_key_id", keyID, "source_ip", reqctx.From(r.Context()).SourceIP)
		f.Errors["secret_access_key"] = msgBadKey
		h.showSignIn(w, r, http.StatusUnauthorized, f)
		return
	}
	token, _ := h.sessions.start(keyID, h.cfg.Now())
	setCookie(w, secure, sessionCookie, token, 0)
	setCookie(w, secure, preCookie, "", -1)
	h.log.Info("console sign-in", "access_key_id", keyID, "source_ip", reqctx.From(r.Context()).SourceIP)
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// checkKey compares the secret with the active key's in constant time.
func (h *Handler) checkKey(r *http.Request, keyID, secret string) (bool, error) {
	if strings.HasPrefix(keyID, ids.PrefixTempAccessKey) {
		return false, nil
	}
	cred, err := authz.Credentials{Store: h.cfg.Store}.LookupCredential(r.Context(), keyID)
	if errors.Is(err, sigv4.ErrUnknownAccessKey) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(cred.SecretAccessKey)) != 1 {
		return false, nil
	}
	// The key's user must still exist.
	if _, err := h.callerOf(r.Context(), keyID); err != nil {
		if errors.Is(err, errKeyGone) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// signOut ends the session.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, c *ctx) {
	h.sessions.end(cookieValue(r, sessionCookie))
	setCookie(w, c.request.Secure, sessionCookie, "", -1)
	h.log.Info("console sign-out", "access_key_id", c.sess.AccessKeyID)
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
}
