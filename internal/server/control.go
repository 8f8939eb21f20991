package server

import (
	"encoding/json"
	"errors"
	"strings"

	"net/http"

	"github.com/mailgate/mailgate/internal/store"
)

// serveControl answers mailgate's own endpoints under ControlPrefix.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) int {
	if status, ok := s.serveOps(w, r); ok {
		return status
	}
	if strings.HasPrefix(r.URL.Path, IssuerPrefix) {
		// Outbound web identity federation issuers, served by STS.
		if is, ok := s.cfg.STS.(interface {
			ServeIssuer(http.ResponseWriter, *http.Request) int
		}); ok {
			return is.ServeIssuer(w, r)
		}
	}
	if strings.HasPrefix(r.URL.Path, MailFrontPrefix) {
		return s.serveMailFront(w, r)
	}
	switch r.URL.Path {
	case IntrospectPath:
		return s.serveIntrospect(w, r)
	case SignInPath:
		return s.serveSignIn(w, r)
	case PersonalAccessTokensPath:
		return s.servePersonalAccessTokens(w, r)
	case ControlPrefix + "health":
		status, body := http.StatusOK, map[string]any{"status": "ok"}
		if _, err := s.cfg.Store.GetSetting(r.Context(), "health-probe"); err != nil && !isNotFound(err) {
			status, body = http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "store unreachable"}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
		return status
	}
	http.NotFound(w, r)
	return http.StatusNotFound
}

// IssuerPrefix is where the accounts' outbound federation issuers are
// served (iam.OutboundIssuerPath).
const IssuerPrefix = ControlPrefix + "issuer/"

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
