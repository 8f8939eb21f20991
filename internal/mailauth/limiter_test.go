package mailauth

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/clock"
)

// newClock is the clock the limiter reads through its Now: the test
// mode's, moved forward by the tests instead of sleeping.
func newClock() *clock.Offset { return &clock.Offset{} }

// fails records n failures of key.
func fails(l *Limiter, key string, n int) {
	for i := 0; i < n; i++ {
		l.Fail(key)
	}
}

// attempts counts how many attempts key has in a row now: each allowed
// attempt is failed, until one is refused (or max).
func attempts(l *Limiter, key string, max int) int {
	for n := 0; n < max; n++ {
		if !l.Allow(key) {
			return n
		}
		l.Fail(key)
	}
	return max
}

func TestLimiter(t *testing.T) {
	const burst = 5
	const window = 5 * time.Minute // one attempt back a minute
	setup := func() (*Limiter, *clock.Offset) {
		c := newClock()
		return NewLimiter(burst, window, c.Now), c
	}

	t.Run("method=Allow/case=unknown-key", func(t *testing.T) {
		l, _ := setup()
		if !l.Allow("alice") {
			t.Fatal("a key without failures is refused")
		}
	})
	t.Run("method=Fail/case=locks-out-after-burst-failures", func(t *testing.T) {
		l, _ := setup()
		for i := 1; i <= burst; i++ {
			if !l.Allow("alice") {
				t.Fatalf("refused after %d failures, want %d allowed", i-1, burst)
			}
			l.Fail("alice")
		}
		if l.Allow("alice") {
			t.Fatalf("allowed after %d failures in a row", burst)
		}
		// More failures while locked out do not dig deeper than empty.
		fails(l, "alice", 10)
		if l.Allow("alice") {
			t.Fatal("allowed while locked out")
		}
	})
	t.Run("method=Allow/case=keys-are-independent", func(t *testing.T) {
		l, _ := setup()
		fails(l, "alice", burst)
		if l.Allow("alice") || !l.Allow("bob") || !l.Allow("") {
			t.Fatal("one key's failures lock out another")
		}
	})
	t.Run("method=Allow/case=one-attempt-back-every-window-over-burst", func(t *testing.T) {
		l, c := setup()
		fails(l, "alice", burst)
		c.Advance(window/burst - time.Second)
		if l.Allow("alice") {
			t.Fatal("an attempt came back before window/burst")
		}
		c.Advance(time.Second)
		if n := attempts(l, "alice", burst); n != 1 {
			t.Fatalf("%d attempts after window/burst, want 1", n)
		}
		c.Advance(3 * window / burst)
		if n := attempts(l, "alice", burst); n != 3 {
			t.Fatalf("%d attempts after 3 window/burst, want 3", n)
		}
	})
	t.Run("method=Allow/case=window-expiry-refills-to-burst-not-beyond", func(t *testing.T) {
		l, c := setup()
		fails(l, "alice", burst)
		c.Advance(window)
		if n := attempts(l, "alice", 2*burst); n != burst {
			t.Fatalf("%d attempts after a whole window, want %d", n, burst)
		}
		c.Advance(100 * window)
		if n := attempts(l, "alice", 2*burst); n != burst {
			t.Fatalf("%d attempts after a hundred windows, want %d", n, burst)
		}
	})
	t.Run("method=Fail/case=spread-failures-never-lock-out", func(t *testing.T) {
		l, c := setup()
		for i := 0; i < 10*burst; i++ {
			if !l.Allow("alice") {
				t.Fatalf("refused at failure %d, one every window/burst", i)
			}
			l.Fail("alice")
			c.Advance(window / burst)
		}
	})
	t.Run("method=Reset/case=forgets-the-key", func(t *testing.T) {
		l, _ := setup()
		fails(l, "alice", burst)
		fails(l, "bob", burst)
		l.Reset("alice")
		if n := attempts(l, "alice", 2*burst); n != burst {
			t.Fatalf("%d attempts after Reset, want a full %d", n, burst)
		}
		if l.Allow("bob") {
			t.Fatal("Reset of one key reset another")
		}
		l.Reset("nobody") // a key without failures: nothing to do
	})
	t.Run("method=ResetAll/case=forgets-every-key", func(t *testing.T) {
		l, _ := setup()
		fails(l, "alice", burst)
		fails(l, "bob", burst)
		l.ResetAll()
		if !l.Allow("alice") || !l.Allow("bob") {
			t.Fatal("a key is still locked out after ResetAll")
		}
		fails(l, "alice", burst)
		if l.Allow("alice") {
			t.Fatal("the limiter stopped counting after ResetAll")
		}
	})
	t.Run("method=NewLimiter/case=no-burst-never-limits", func(t *testing.T) {
		for _, b := range []int{0, -1} {
			l := NewLimiter(b, window, nil)
			fails(l, "alice", 100)
			if !l.Allow("alice") || len(l.m) != 0 {
				t.Fatalf("burst %d: limits (%d keys held)", b, len(l.m))
			}
		}
	})
	t.Run("method=NewLimiter/case=no-window-locks-out-until-reset", func(t *testing.T) {
		c := newClock()
		l := NewLimiter(burst, 0, c.Now)
		fails(l, "alice", burst)
		c.Advance(24 * time.Hour)
		if l.Allow("alice") {
			t.Fatal("a limiter without a window refilled")
		}
		l.Reset("alice")
		if !l.Allow("alice") {
			t.Fatal("refused after Reset")
		}
	})
	t.Run("method=NewLimiter/case=default-clock", func(t *testing.T) {
		l := NewLimiter(1, time.Hour, nil)
		if l.Now == nil {
			t.Fatal("no clock")
		}
		if d := time.Since(l.Now()); d < 0 || d > time.Minute {
			t.Fatalf("the default clock is %v off", d)
		}
		l.Fail("alice")
		if l.Allow("alice") {
			t.Fatal("allowed after the one failure a burst of 1 permits")
		}
	})
	t.Run("method=Allow/case=nil-limiter", func(t *testing.T) {
		var l *Limiter
		l.Fail("alice")
		l.Reset("alice")
		l.ResetAll()
		if !l.Allow("alice") {
			t.Fatal("a nil limiter refuses")
		}
	})
	t.Run("method=Fail/case=concurrent-failures-all-count", func(t *testing.T) {
		c := newClock()
		l := NewLimiter(100, time.Hour, c.Now)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					l.Fail("alice")
					l.Allow("alice")
				}
			}()
		}
		wg.Wait()
		if n := attempts(l, "alice", 100); n != 20 {
			t.Fatalf("%d attempts left after 80 concurrent failures of 100, want 20", n)
		}
	})
	t.Run("method=Fail/case=full-table-sweeps-refilled-keys", func(t *testing.T) {
		l, c := setup()
		for i := 0; i < maxKeys-1; i++ {
			l.Fail(fmt.Sprint("k", i))
		}
		c.Advance(window)
		fails(l, "locked", burst) // the table is full now
		if len(l.m) != maxKeys {
			t.Fatalf("%d keys held, want %d", len(l.m), maxKeys)
		}
		l.Fail("new")
		// Every key whose bucket refilled went; the locked one stayed.
		if len(l.m) != 2 || l.Allow("locked") {
			t.Fatalf("after the sweep: %d keys held, locked allowed %v", len(l.m), l.Allow("locked"))
		}
		if n := attempts(l, "new", 2*burst); n != burst-1 {
			t.Fatalf("the new key has %d attempts, want %d", n, burst-1)
		}
	})
}
