package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Cookie names. The session cookie holds a random token; the server keeps
// only its SHA-256, so a copy of the server's memory signs no one in.
const (
	sessionCookie = "mailgate_console"
	// preCookie carries the sign-in form's CSRF token (double submit):
	// there is no session yet to keep it in.
	preCookie  = "mailgate_console_signin"
	cookiePath = "/console/"
	csrfField  = "csrf_token"
)

// session is one signed-in administrator. The access key is read again
// on every request (requireSession), so nothing here grants more than
// the key still does.
type session struct {
	AccessKeyID string
	CSRF        string
	created     time.Time
	lastSeen    time.Time
}

// sessions keeps the console's sessions in memory: a restart signs
// everyone out, which a console can afford.
type sessions struct {
	mu   sync.Mutex
	byID map[[32]byte]*session
	idle time.Duration
}

func newSessions(idle time.Duration) *sessions {
	return &sessions{byID: map[[32]byte]*session{}, idle: idle}
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenKey(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// start opens a session for the access key and returns its token.
func (ss *sessions) start(accessKeyID string, now time.Time) (string, *session) {
	token := randomToken()
	s := &session{AccessKeyID: accessKeyID, CSRF: randomToken(), created: now, lastSeen: now}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweepLocked(now)
	ss.byID[tokenKey(token)] = s
	return token, s
}

// get returns the live session of token and marks it used; an idle one
// is ended.
func (ss *sessions) get(token string, now time.Time) *session {
	if token == "" {
		return nil
	}
	k := tokenKey(token)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[k]
	if s == nil {
		return nil
	}
	if now.Sub(s.lastSeen) > ss.idle {
		delete(ss.byID, k)
		return nil
	}
	s.lastSeen = now
	return s
}

func (ss *sessions) end(token string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, tokenKey(token))
}

// endKey ends every session of an access key (it was deleted or
// deactivated).
func (ss *sessions) endKey(accessKeyID string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, s := range ss.byID {
		if s.AccessKeyID == accessKeyID {
			delete(ss.byID, k)
		}
	}
}

// sweepLocked drops idle sessions, so abandoned ones do not pile up.
func (ss *sessions) sweepLocked(now time.Time) {
	for k, s := range ss.byID {
		if now.Sub(s.lastSeen) > ss.idle {
			delete(ss.byID, k)
		}
	}
}

// sameToken compares two CSRF tokens in constant time.
func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// setCookie sets a console cookie: HttpOnly, SameSite=Strict, Secure when
// the request came over TLS; maxAge < 0 deletes it.
func setCookie(w http.ResponseWriter, secure bool, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}
