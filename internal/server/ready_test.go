package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

func getStatus(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReadiness: ready while the store answers, 503 once it is closed;
// the liveness check stays what it was.
func TestReadiness(t *testing.T) {
	e := testenv.New(t)
	if s, b := getStatus(t, e.URL+server.ReadyPath); s != 200 || !strings.Contains(b, `"ready"`) {
		t.Fatalf("ready: %d %s", s, b)
	}
	e.Store.Close()
	if s, b := getStatus(t, e.URL+server.ReadyPath); s != 503 || !strings.Contains(b, `"unavailable"`) {
		t.Fatalf("closed store: %d %s", s, b)
	}
}

// TestReadinessPostgresOutage: not ready while PostgreSQL cannot be
// reached, ready again once it is back.
func TestReadinessPostgresOutage(t *testing.T) {
	e, proxy := postgresBehindProxy(t)
	if s, b := getStatus(t, e.URL+server.ReadyPath); s != 200 {
		t.Fatalf("ready: %d %s", s, b)
	}
	proxy.cut()
	if s, b := getStatus(t, e.URL+server.ReadyPath); s != 503 {
		t.Fatalf("during the outage: %d %s", s, b)
	}
	proxy.restore()
	if s, b := getStatus(t, e.URL+server.ReadyPath); s != 200 {
		t.Fatalf("after the outage: %d %s", s, b)
	}
}
