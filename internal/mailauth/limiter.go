package mailauth

import (
	"sync"
	"time"
)

// Limiter counts failed sign-in attempts per key (a user, a source
// address) with a token bucket: a key may fail Burst times in a row, then
// regains one attempt every Window/Burst. While a key has no attempt
// left, attempts are refused without checking the credentials. It holds
// state in memory, per replica.
type Limiter struct {
	Burst  int
	Window time.Duration
	Now    func() time.Time

	mu sync.Mutex
	m  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys bounds the memory of a limiter; beyond it, keys whose bucket
// has refilled are forgotten (they carry no information).
const maxKeys = 100_000

// NewLimiter returns a limiter allowing burst failures per window.
func NewLimiter(burst int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Burst: burst, Window: window, Now: now, m: map[string]*bucket{}}
}

// refill brings a bucket up to date; the caller holds mu.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if l.Burst <= 0 || l.Window <= 0 {
		return
	}
	rate := float64(l.Burst) / float64(l.Window)
	b.tokens += float64(now.Sub(b.at)) * rate
	if b.tokens > float64(l.Burst) {
		b.tokens = float64(l.Burst)
	}
	b.at = now
}

// Allow reports whether key may attempt now.
func (l *Limiter) Allow(key string) bool {
	if l == nil || l.Burst <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[key]
	if !ok {
		return true
	}
	l.refill(b, l.Now())
	return b.tokens >= 1
}

// Fail records a failed attempt of key.
func (l *Limiter) Fail(key string) {
	if l == nil || l.Burst <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	b, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.Burst), at: now}
		l.m[key] = b
	}
	l.refill(b, now)
	if b.tokens -= 1; b.tokens < 0 {
		b.tokens = 0
	}
}

// Reset forgets the failures of key (after a successful sign-in).
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.m {
		l.refill(b, now)
		if b.tokens >= float64(l.Burst) {
			delete(l.m, k)
		}
	}
}

// ResetAll forgets every key's failures (the test mode's state reset).
func (l *Limiter) ResetAll() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.m = map[string]*bucket{}
	l.mu.Unlock()
}
