package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/clock"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// SignatureCheck says which requests must carry a verified SigV4
// signature.
type SignatureCheck string

const (
	// SignatureStrict verifies every request against a key mailgate knows;
	// unknown keys are refused. The only choice outside the test mode.
	SignatureStrict SignatureCheck = "strict"
	// SignatureSoft verifies requests signed with keys mailgate issued and
	// accepts any other well-formed request as the default account's root,
	// unverified (its secret is not known, so there is nothing to verify
	// against). The test mode's default.
	SignatureSoft SignatureCheck = "soft"
	// SignatureOff verifies no signature: a key mailgate issued still
	// names its principal (and a temporary key still needs its session
	// token), any other key is the default account's root.
	SignatureOff SignatureCheck = "off"
)

// ParseSignatureCheck reads --signature-check.
func ParseSignatureCheck(v string) (SignatureCheck, error) {
	switch c := SignatureCheck(v); c {
	case SignatureStrict, SignatureSoft, SignatureOff:
		return c, nil
	}
	return "", fmt.Errorf("signature check must be off, soft or strict, got %q", v)
}

// TestMode makes the server a drop-in test double for suites written
// against moto or LocalStack (`mailgate serve --mode test`):
//
//   - Credentials: a request signed with a key mailgate does not know acts
//     as the root of the default account (unless SignatureCheck is strict);
//     a key mailgate issued is that principal, authorized as usual.
//   - Reset: POST /_mailgate/reset, /moto-api/reset and
//     /_localstack/state/reset wipe the whole store in one transaction and
//     bootstrap it again; API requests never see a half-wiped store.
//   - GET /_localstack/health answers as LocalStack's does, for harnesses
//     that wait on it.
//
// Authorization is never bypassed: the configured Authorizer decides for
// every caller, issued or not (the root of an account may do anything in it).
type TestMode struct {
	// Bootstrap re-creates the default account (and a pinned root key)
	// after a reset; its AccountID is the account of unknown keys.
	Bootstrap      bootstrap.Options
	SignatureCheck SignatureCheck // "" = soft
	// Clock, when set, is the WorkMail service's clock, which ClockPath
	// moves forward so suites can watch tokens and credentials expire.
	// SigV4's clock-skew check keeps the real time.
	Clock *clock.Offset
}

// Paths existing suites call to reset an emulator.
const (
	ResetPath           = ControlPrefix + "reset"
	MotoResetPath       = "/moto-api/reset"
	LocalStackResetPath = "/_localstack/state/reset"
	LocalStackHealth    = "/_localstack/health"
	// ClockPath reads (GET) or advances (POST advance=<duration>, e.g.
	// "720h") the service clock in test mode.
	ClockPath = ControlPrefix + "clock"
)

// StateResetter is implemented by services that seed the store or keep
// something read from it in memory. A reset calls ResetState inside its
// transaction, after the wipe and the bootstrap.
type StateResetter interface {
	ResetState(ctx context.Context) error
}

// testMode is the server's test-mode state.
type testMode struct {
	TestMode
	// gate makes a reset atomic for this server's requests: every request
	// holds it shared for its whole run, a reset holds it exclusively, so
	// a request sees the state before the reset or after it, never a mix.
	gate sync.RWMutex
}

// testCredentials answers the verifier in test mode: keys mailgate
// issued as usual (unverified with SignatureOff), unknown keys as the
// default account's root, unverified.
type testCredentials struct {
	next    sigv4.CredentialSource
	st      store.Store
	check   SignatureCheck
	account string
}

func (tc testCredentials) LookupCredential(ctx context.Context, id string) (*sigv4.Credential, error) {
	c, err := tc.next.LookupCredential(ctx, id)
	switch {
	case err == nil && c != nil:
		if tc.check == SignatureOff {
			cc := *c
			cc.Unverified = true
			return &cc, nil
		}
		return c, nil
	case err != nil && !errors.Is(err, sigv4.ErrUnknownAccessKey):
		return nil, err
	case tc.check == SignatureStrict:
		return nil, sigv4.ErrUnknownAccessKey
	}
	// The store does not know it as an active key. A key it holds at all
	// (inactive) belongs to an issued principal and stays refused; any
	// other key is the default account's root.
	if _, err := tc.st.GetAccessKey(ctx, id); err == nil {
		return nil, sigv4.ErrUnknownAccessKey
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &sigv4.Credential{AccessKeyID: id, Unverified: true,
		Principal: &store.AccessKey{AccessKeyID: id, AccountID: tc.account, Status: "Active"}}, nil
}

// DefaultTestAccountID is the default account of the test mode: moto's
// default and the account of AWS's documentation examples.
const DefaultTestAccountID = "123456789012"

// enableTestMode switches the server to the test mode (nil: no change).
func (s *Server) enableTestMode(tm *TestMode) {
	if tm == nil {
		return
	}
	m := &testMode{TestMode: *tm}
	if m.SignatureCheck == "" {
		m.SignatureCheck = SignatureSoft
	}
	if m.Bootstrap.AccountID == "" {
		m.Bootstrap.AccountID = DefaultTestAccountID
	}
	if m.Bootstrap.RootAccessKeyID == "" {
		m.Bootstrap.NoRootKey = true
	}
	s.test = m
	s.verifier.Credentials = testCredentials{next: s.verifier.Credentials, st: s.cfg.Store, check: m.SignatureCheck, account: m.Bootstrap.AccountID}
}

// serveTest runs first in test mode, once ServeHTTP has the whole request
// body: a client still uploading holds nothing, so a reset never waits on
// it. It answers the reset and emulator paths itself (handled); for any
// other request it holds the reset gate shared until release is called,
// so that a reset waits for the request and the request never sees a
// half-reset store.
func (s *Server) serveTest(w http.ResponseWriter, r *http.Request) (status int, handled bool, release func()) {
	switch r.URL.Path {
	case ResetPath, MotoResetPath, LocalStackResetPath:
		return s.serveReset(w, r), true, nil
	case ClockPath:
		return s.serveClock(w, r), true, nil
	case LocalStackHealth:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return methodNotAllowed(w, "GET, HEAD"), true, nil
		}
		services := map[string]string{}
		for name := range s.byName {
			services[name] = "running"
		}
		return writeJSON(w, http.StatusOK, map[string]any{"services": services, "edition": "mailgate", "version": "mailgate"}), true, nil
	}
	s.test.gate.RLock()
	return 0, false, s.test.gate.RUnlock
}

// serveClock reads or advances the test clock.
func (s *Server) serveClock(w http.ResponseWriter, r *http.Request) int {
	c := s.test.Clock
	if c == nil {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	switch r.Method {
	case http.MethodGet:
		return writeJSON(w, http.StatusOK, map[string]any{"now": c.Now().UTC().Format(time.RFC3339Nano)})
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			return writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body must be form-encoded: advance=<duration>"})
		}
		d, err := time.ParseDuration(r.PostForm.Get("advance"))
		if err != nil || d <= 0 {
			return writeJSON(w, http.StatusBadRequest, map[string]any{"error": "advance must be a positive duration such as 90m or 720h"})
		}
		now := c.Advance(d)
		s.log.Info("test clock advanced", "by", d.String(), "now", now.UTC().Format(time.RFC3339))
		return writeJSON(w, http.StatusOK, map[string]any{"now": now.UTC().Format(time.RFC3339Nano)})
	}
	return methodNotAllowed(w, "GET, POST")
}

// serveReset wipes all state and bootstraps the default account again,
// atomically, then answers 200 {"status":"ok"}.
func (s *Server) serveReset(w http.ResponseWriter, r *http.Request) int {
	if s.test == nil {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if r.Method != http.MethodPost {
		return methodNotAllowed(w, "POST")
	}
	if err := s.Reset(r.Context()); err != nil {
		s.log.Error("reset failed", "error", err)
		return writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "error": "reset failed"})
	}
	s.log.Info("state reset")
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

// Reset wipes the store and bootstraps it again in one transaction, while
// no request of this server runs. Only in test mode.
func (s *Server) Reset(ctx context.Context) error {
	if s.test == nil {
		return errors.New("server: reset is only available in test mode")
	}
	w, ok := s.cfg.Store.(store.Wiper)
	if !ok {
		return errors.New("server: the store cannot be wiped")
	}
	s.test.gate.Lock()
	defer s.test.gate.Unlock()
	err := s.cfg.Store.InTx(ctx, func(ctx context.Context) error {
		if err := w.Wipe(ctx); err != nil {
			return err
		}
		if _, err := bootstrap.Run(ctx, s.cfg.Store, s.test.Bootstrap); err != nil {
			return err
		}
		for _, svc := range []any{s.cfg.WorkMail, s.cfg.IAM, s.cfg.STS} {
			if rs, ok := svc.(StateResetter); ok {
				if err := rs.ResetState(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
	s.keyUse.Clear()
	if rc, ok := s.cfg.Authorizer.(interface{ ResetCache() }); ok {
		rc.ResetCache()
	}
	return err
}

func methodNotAllowed(w http.ResponseWriter, allow string) int {
	w.Header().Set("Allow", allow)
	return writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
}

func writeJSON(w http.ResponseWriter, status int, body any) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
	return status
}
