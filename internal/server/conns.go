package server

import (
	"container/list"
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults of the bounds on unauthenticated connections (see Harden).
const (
	// DefaultMaxUnauthenticatedConns is how many connections may wait at
	// once for their first authenticated request.
	DefaultMaxUnauthenticatedConns = 512
	// DefaultUnauthenticatedConnTimeout is how long a connection may go
	// without one: longer than the header timeout of `mailgate serve`
	// (10s) plus DefaultBodyTimeout, so a first request that takes its
	// whole allowance still gets through.
	DefaultUnauthenticatedConnTimeout = 45 * time.Second
)

// Harden sets on hs what keeps strangers from holding the server. A
// connection is a stranger from the moment it is accepted until one of its
// requests passes authentication (a signature verified with a key the
// server knows); after that only the usual timeouts apply to it. Strangers
// are bounded
//
//   - in time: a stranger is closed UnauthenticatedConnTimeout after it was
//     accepted, whatever it is doing (sending headers a byte at a time,
//     dripping a body, idling between unauthenticated requests), and
//   - in number: when a connection arrives while MaxUnauthenticatedConns
//     strangers are open, the oldest stranger is closed.
//
// Closing the oldest rather than refusing the newest means a flood of
// strangers cannot lock out a real client, which authenticates with its
// first request, moments after connecting: to push it out, the flood would
// have to open MaxUnauthenticatedConns connections in those moments. It
// chains whatever ConnContext and ConnState hs already has. Together with
// BodyTimeout (each request's body) and http.Server's ReadHeaderTimeout
// and IdleTimeout, no connection is held without credentials for longer
// than UnauthenticatedConnTimeout.
func (s *Server) Harden(hs *http.Server) {
	g := s.conns
	if g == nil {
		return
	}
	prevCtx := hs.ConnContext
	hs.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prevCtx != nil {
			ctx = prevCtx(ctx, c)
		}
		return context.WithValue(ctx, connKey{}, g.admit(c))
	}
	prevState := hs.ConnState
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateClosed || st == http.StateHijacked {
			g.forget(c)
		}
		if prevState != nil {
			prevState(c, st)
		}
	}
}

type connKey struct{}

// connGuard tracks the strangers of the servers it hardens.
type connGuard struct {
	max      int           // < 0: no limit
	lifetime time.Duration // < 0: no limit
	log      *slog.Logger

	mu        sync.Mutex
	strangers list.List // of *guardedConn, oldest first
	byConn    map[net.Conn]*guardedConn
}

type guardedConn struct {
	c     net.Conn
	elem  *list.Element // in strangers; nil once trusted or gone
	timer *time.Timer
}

func newConnGuard(max int, lifetime time.Duration, log *slog.Logger) *connGuard {
	if max == 0 {
		max = DefaultMaxUnauthenticatedConns
	}
	if lifetime == 0 {
		lifetime = DefaultUnauthenticatedConnTimeout
	}
	return &connGuard{max: max, lifetime: lifetime, log: log, byConn: map[net.Conn]*guardedConn{}}
}

// admit registers a new connection as a stranger and closes the oldest
// stranger when there are too many.
func (g *connGuard) admit(c net.Conn) *guardedConn {
	gc := &guardedConn{c: c}
	g.mu.Lock()
	gc.elem = g.strangers.PushBack(gc)
	g.byConn[c] = gc
	var evict *guardedConn
	if g.max > 0 && g.strangers.Len() > g.max {
		evict = g.strangers.Front().Value.(*guardedConn)
		g.dropLocked(evict)
	}
	if g.lifetime > 0 {
		gc.timer = time.AfterFunc(g.lifetime, func() { g.expire(gc) })
	}
	g.mu.Unlock()
	if evict != nil {
		g.log.Debug("closed an unauthenticated connection", "reason", "too many", "remote", evict.c.RemoteAddr().String(), "limit", g.max)
		evict.c.Close()
	}
	return gc
}

// trust marks the connection of ctx as having carried an authenticated
// request: it is no longer a stranger.
func (g *connGuard) trust(ctx context.Context) {
	gc, _ := ctx.Value(connKey{}).(*guardedConn)
	if g == nil || gc == nil {
		return
	}
	g.mu.Lock()
	if gc.elem != nil {
		g.strangers.Remove(gc.elem)
		gc.elem = nil
	}
	if gc.timer != nil {
		gc.timer.Stop()
	}
	g.mu.Unlock()
}

// expire closes a connection still a stranger when its time is up.
func (g *connGuard) expire(gc *guardedConn) {
	g.mu.Lock()
	stranger := gc.elem != nil
	if stranger {
		g.dropLocked(gc)
	}
	g.mu.Unlock()
	if stranger {
		g.log.Debug("closed an unauthenticated connection", "reason", "timeout", "remote", gc.c.RemoteAddr().String(), "timeout", g.lifetime.String())
		gc.c.Close()
	}
}

// forget drops a connection that is closed or hijacked.
func (g *connGuard) forget(c net.Conn) {
	g.mu.Lock()
	if gc := g.byConn[c]; gc != nil {
		g.dropLocked(gc)
	}
	g.mu.Unlock()
}

func (g *connGuard) dropLocked(gc *guardedConn) {
	if gc.elem != nil {
		g.strangers.Remove(gc.elem)
		gc.elem = nil
	}
	if gc.timer != nil {
		gc.timer.Stop()
	}
	delete(g.byConn, gc.c)
}
