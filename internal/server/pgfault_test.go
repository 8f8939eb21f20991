package server_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/testenv"
)

// faultProxy forwards TCP to PostgreSQL and can be cut and restored, which
// looks to mailgate like a database restart or a network failure.
type faultProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	p := &faultProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *faultProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every proxied connection.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// restore listens again on the same address.
func (p *faultProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

// postgresBehindProxy starts an environment on MAILGATE_TEST_POSTGRES,
// reached through a fault proxy; it skips without PostgreSQL.
func postgresBehindProxy(t *testing.T) (*testenv.Env, *faultProxy) {
	raw := os.Getenv("MAILGATE_TEST_POSTGRES")
	if raw == "" {
		t.Skip("MAILGATE_TEST_POSTGRES not set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFaultProxy(t, u.Host)
	u.Host = proxy.addr
	return testenv.New(t, testenv.Options{StoreURL: u.String()}), proxy
}

func TestPostgresOutage(t *testing.T) {
	e, proxy := postgresBehindProxy(t)
	ctx := context.Background()
	wm := e.WorkMail()

	org, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("outage-" + ids.AccountID())})
	if err != nil {
		t.Fatal(err)
	}
	proxy.cut()
	// While the database is unreachable, requests fail cleanly and
	// retryably: 503 in the service's shape, no hang, no crash.
	_, err = wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("dave"), DisplayName: aws.String("Dave")})
	apiErr(t, err, "ServiceUnavailable", 503)
	_, err = wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: org.OrganizationId})
	apiErr(t, err, "ServiceUnavailable", 503)

	proxy.restore()
	// Back: the acknowledged write is there and new writes succeed.
	d, err := wm.DescribeOrganization(ctx, &workmail.DescribeOrganizationInput{OrganizationId: org.OrganizationId})
	if err != nil || *d.State != "Active" {
		t.Fatalf("after restore: %v %v", d, err)
	}
	if _, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: org.OrganizationId, Name: aws.String("dave"), DisplayName: aws.String("Dave")}); err != nil {
		t.Fatalf("write after restore: %v", err)
	}
}
