package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"

	"github.com/mailgate/mailgate/internal/testenv"
)

// benchUser makes an organization with one user and returns their IDs.
func benchUser(b *testing.B, e *testenv.Env) (org, user string) {
	ctx := context.Background()
	wm := e.WorkMail()
	o, err := wm.CreateOrganization(ctx, &workmail.CreateOrganizationInput{Alias: aws.String("bench-org")})
	if err != nil {
		b.Fatal(err)
	}
	u, err := wm.CreateUser(ctx, &workmail.CreateUserInput{OrganizationId: o.OrganizationId, Name: aws.String("bench"), DisplayName: aws.String("Bench"), Password: aws.String("Corr3ct-Horse!")})
	if err != nil {
		b.Fatal(err)
	}
	return *o.OrganizationId, *u.UserId
}

// BenchmarkDescribeUser measures a signed DescribeUser as users feel it:
// the AWS SDK signs each request and sends it over loopback HTTP through
// the whole server stack (SigV4, decode, validate, store read, encode).
// Allocations include the client's. Concurrency 1 and 16.
func BenchmarkDescribeUser(b *testing.B) {
	e := testenv.New(b)
	org, user := benchUser(b, e)
	wm := e.WorkMail()
	in := &workmail.DescribeUserInput{OrganizationId: &org, UserId: &user}
	for _, conc := range []int{1, 16} {
		b.Run("concurrency="+itoa(conc), func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism((conc + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			if conc == 1 {
				b.SetParallelism(1)
			}
			start := time.Now()
			if conc == 1 {
				for i := 0; i < b.N; i++ {
					if _, err := wm.DescribeUser(context.Background(), in); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := wm.DescribeUser(context.Background(), in); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}

// BenchmarkDescribeUserServer isolates the server: one pre-signed request
// replayed into the handler, so allocs/op are the server's own.
func BenchmarkDescribeUserServer(b *testing.B) {
	e := testenv.New(b)
	org, user := benchUser(b, e)
	body := []byte(`{"OrganizationId":"` + org + `","UserId":"` + user + `"}`)
	tmpl := signed(b, e, "workmail", "application/x-amz-json-1.1", "WorkMailService.DescribeUser", body, time.Now())
	replay(b, e, tmpl, body)
}

// replay sends a pre-signed request into the server's handler b.N times.
func replay(b *testing.B, e *testenv.Env, tmpl *http.Request, body []byte) {
	h := e.Server.Config.Handler
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := tmpl.Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
