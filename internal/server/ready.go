package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// ReadyPath answers whether this replica should receive traffic: 200
// {"status":"ready"} while the store answers a ping within ReadyTimeout,
// 503 {"status":"unavailable"} otherwise. GET /_mailgate/health is the
// liveness check.
const ReadyPath = ControlPrefix + "ready"

// ReadyTimeout bounds a readiness check's ping of the store.
const ReadyTimeout = 2 * time.Second

// Pinger is a store that can check its connection (sqlstore.DB).
type Pinger interface {
	Ping(ctx context.Context) error
}

// serveOps answers the operational endpoints (metrics, readiness) and
// guards the transport of the credential endpoints; it reports whether it
// answered.
func (s *Server) serveOps(w http.ResponseWriter, r *http.Request) (int, bool) {
	switch r.URL.Path {
	case MetricsPath, MetricsAliasPath:
		return s.serveMetrics(w, r), true
	case ReadyPath:
		return s.serveReady(w, r), true
	case SignInPath, PersonalAccessTokensPath:
		if !s.credentialTransportAllowed(r) {
			return refuseInsecure(w), true
		}
	}
	return 0, false
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) int {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	var err error
	if p, ok := s.cfg.Store.(Pinger); ok {
		err = p.Ping(ctx)
	} else if _, err = s.cfg.Store.GetSetting(ctx, "health-probe"); isNotFound(err) {
		err = nil
	}
	status, body := http.StatusOK, map[string]string{"status": "ready"}
	if err != nil {
		s.log.Warn("not ready: store unreachable", "error", err)
		status, body = http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "store unreachable"}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
	return status
}
