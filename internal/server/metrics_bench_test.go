package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkRequestMetrics measures what the metrics cost one request:
// everything ServeHTTP adds for them (the clock read at the answer, the
// operation's handles, the latency histogram and the status counter; the
// arrival time is read anyway), sequentially and from every core at once
// on the same operation (the contended case).
func BenchmarkRequestMetrics(b *testing.B) {
	s := New(Config{})
	wm := s.byName["workmail"]
	c := &call{svc: wm, op: wm.model.Operations["DescribeUser"], status: 200, started: time.Now()}
	r := httptest.NewRequest("POST", "/", nil)
	s.observe(c, r, s.requestStart(c)) // resolve the handles once, as the first request does
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.observe(c, r, s.requestStart(c))
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.observe(c, r, s.requestStart(c))
			}
		})
	})
}
