package metrics

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestOpCountsByStatus(t *testing.T) {
	op := NewOp("test", "Statuses")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				op.Observe(200+i%3*100, time.Millisecond) // 200, 300, 400
			}
		}()
	}
	wg.Wait()
	total := 0.0
	for _, code := range []string{"200", "300", "400"} {
		total += testutil.ToFloat64(requests.WithLabelValues("test", "Statuses", code))
	}
	if total != 800 || len(*op.statuses.Load()) != 3 {
		t.Fatalf("counted %v in %d series", total, len(*op.statuses.Load()))
	}
	op.Denied()
	if v := testutil.ToFloat64(denials.WithLabelValues("test", "Statuses")); v != 1 {
		t.Fatalf("denials %v", v)
	}
}

func TestSignInAndTokens(t *testing.T) {
	f := SignInFrontend("test-front")
	if SignInFrontend("test-front") != f {
		t.Fatal("a front end resolved twice")
	}
	f.Decision("id_token", SignInFailure)
	f.Decision("something else", SignInSuccess)
	if v := testutil.ToFloat64(signIns.WithLabelValues("test-front", "id_token", "failure")); v != 1 {
		t.Fatalf("id_token failure %v", v)
	}
	if v := testutil.ToFloat64(signIns.WithLabelValues("test-front", "other", "success")); v != 1 {
		t.Fatalf("other success %v", v)
	}
	before := testutil.ToFloat64(tokenVerifications.WithLabelValues("personal_access_token", "revoked"))
	TokenVerified(TokenPersonalAccessToken, TokenRevoked)
	if v := testutil.ToFloat64(tokenVerifications.WithLabelValues("personal_access_token", "revoked")); v != before+1 {
		t.Fatalf("revoked %v", v)
	}
	a := NewAuthFailures("test")
	a.Inc(AuthExpiredToken)
	if v := testutil.ToFloat64(authFailures.WithLabelValues("test", "expired_token")); v != 1 {
		t.Fatalf("expired_token %v", v)
	}
}
