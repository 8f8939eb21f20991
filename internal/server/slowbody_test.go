package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/testenv"
)

// generous bounds what "promptly" means in these tests: far above the
// configured times, so a loaded machine does not fail them, and far below
// "forever", which is what they guard against.
const generous = 15 * time.Second

// dial opens a raw connection to e's server.
func dial(t *testing.T, e *testenv.Env) net.Conn {
	t.Helper()
	u, _ := url.Parse(e.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// stallBody sends the headers of a POST that promises more body than it
// sends, and the first bytes of it.
func stallBody(t *testing.T, c net.Conn, host, path string) {
	t.Helper()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=Get", path, host)
}

// closedWithin reads c to its end and reports whether the server closed
// it before the bound, with what it answered first.
func closedWithin(c net.Conn, bound time.Duration) (bool, string) {
	c.SetReadDeadline(time.Now().Add(bound))
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, string(b)
	}
	return true, string(b) // EOF or reset: closed
}

// TestBodyTimeout: a client that promises more body than it sends, or
// drips it, loses its connection once the body deadline passes.
func TestBodyTimeout(t *testing.T) {
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) { c.BodyTimeout = 300 * time.Millisecond }})
	host := strings.TrimPrefix(e.URL, "http://")

	t.Run("case=short body", func(t *testing.T) {
		c := dial(t, e)
		stallBody(t, c, host, "/")
		if closed, got := closedWithin(c, generous); !closed {
			t.Fatalf("connection still open after %s; got %q", generous, got)
		}
	})
	t.Run("case=dripping body", func(t *testing.T) {
		c := dial(t, e)
		stallBody(t, c, host, "/")
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
					if _, err := c.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
		if closed, got := closedWithin(c, generous); !closed {
			t.Fatalf("dripping connection still open after %s; got %q", generous, got)
		}
	})
	t.Run("case=control path", func(t *testing.T) {
		c := dial(t, e)
		stallBody(t, c, host, server.IntrospectPath)
		if closed, got := closedWithin(c, generous); !closed {
			t.Fatalf("connection still open after %s; got %q", generous, got)
		}
	})
	t.Run("case=slow handler", func(t *testing.T) {
		// The deadline covers the body only: a request whose handling
		// takes longer than it still completes.
		slow := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
			c.BodyTimeout = 300 * time.Millisecond
			c.Authorizer = slowAuthorizer{authz.NewEngine(c.Store, slog.New(slog.DiscardHandler), authz.EnforceStrict, time.Now), time.Second}
		}})
		if _, err := slow.STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
		// Without a body too (a presigned GET).
		req, _ := http.NewRequest("GET", slow.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: slow.AccessKey, SecretAccessKey: slow.SecretKey}, req,
			sha256Hex(nil), "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest("GET", u, nil)
		if r := do(t, req); r.status != 200 {
			t.Fatalf("presigned GET with a slow handler: %d %s", r.status, r.body)
		}
	})
}

type slowAuthorizer struct {
	next  authz.Authorizer
	delay time.Duration
}

func (a slowAuthorizer) Authorize(ctx context.Context, req *reqctx.Request, input *api.Target) error {
	select {
	case <-time.After(a.delay):
	case <-ctx.Done():
		return ctx.Err()
	}
	return a.next.Authorize(ctx, req, input)
}

// TestUnauthenticatedConnections: connections that carry no authenticated
// request are bounded in time and in number; an authenticated one is not
// cut by either.
func TestUnauthenticatedConnections(t *testing.T) {
	e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
		c.MaxUnauthenticatedConns = 3
		c.UnauthenticatedConnTimeout = 500 * time.Millisecond
	}})

	t.Run("case=silent stranger", func(t *testing.T) {
		// Not one byte: no header timeout is set on the test server, so
		// only the guard ends this.
		c := dial(t, e)
		if closed, got := closedWithin(c, generous); !closed {
			t.Fatalf("silent connection still open after %s; got %q", generous, got)
		}
	})
	t.Run("case=idle after unauthenticated requests", func(t *testing.T) {
		c := dial(t, e)
		br := bufio.NewReader(c)
		req, _ := http.NewRequest("GET", e.URL+"/_mailgate/health", nil)
		if err := req.Write(c); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("health: %v %v", resp, err)
		}
		resp.Body.Close()
		if closed, _ := closedWithin(c, generous); !closed {
			t.Fatalf("unauthenticated keep-alive connection still open after %s", generous)
		}
	})
	t.Run("case=too many strangers", func(t *testing.T) {
		e := testenv.New(t, testenv.Options{Configure: func(c *server.Config) {
			c.MaxUnauthenticatedConns = 3
			c.UnauthenticatedConnTimeout = time.Hour
		}})
		var conns []net.Conn
		for i := 0; i < 3; i++ {
			c := dial(t, e)
			stallBody(t, c, strings.TrimPrefix(e.URL, "http://"), "/")
			conns = append(conns, c)
		}
		// A client with credentials still gets through, pushing out the
		// oldest stranger...
		if _, err := e.STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
		if closed, _ := closedWithin(conns[0], generous); !closed {
			t.Fatal("the oldest stranger was not closed")
		}
		// ... and only it.
		for _, c := range conns[1:] {
			if closed, _ := closedWithin(c, 200*time.Millisecond); closed {
				t.Fatal("a younger stranger was closed")
			}
		}
	})
	t.Run("case=authenticated connection kept", func(t *testing.T) {
		c := dial(t, e)
		br := bufio.NewReader(c)
		call := func() {
			t.Helper()
			req := signedQuery(t, e, "sts", "Action=GetCallerIdentity&Version=2011-06-15", time.Now())
			if err := req.Write(c); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(br, req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
		call()
		time.Sleep(1500 * time.Millisecond) // three times the stranger timeout
		call()                              // same connection
	})
}

// TestTestModeResetWithStalledUpload: a reset does not wait on a request
// still receiving its body, nor does anything queued behind the reset.
func TestTestModeResetWithStalledUpload(t *testing.T) {
	e := newTestModeEnv(t, server.TestMode{}, nil)
	host := strings.TrimPrefix(e.URL, "http://")
	for i := 0; i < 2; i++ {
		stallBody(t, dial(t, e), host, "/")
	}
	// Give the stalled requests time to reach the handler.
	time.Sleep(200 * time.Millisecond)
	done := make(chan error, 1)
	go func() {
		resp, err := http.Post(e.URL+server.MotoResetPath, "application/json", nil)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = fmt.Errorf("reset: %d", resp.StatusCode)
			}
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(generous):
		t.Fatalf("reset still waiting after %s on stalled uploads", generous)
	}
	if _, err := sts.NewFromConfig(as(e, "test", "test", "")).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
}
