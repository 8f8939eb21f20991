package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkRequestMetrics measures what the metrics cost one request:
// everything ServeHTTP adds for them (the clock read, the operation's
// handles, the latency histogram and the status counter), sequentially
// and from every core at once on the same operation (the contended case).
func BenchmarkRequestMetrics(b *testing.B) {
	s := New(Config{})
	wm := s.byName["workmail"]
	c := &call{svc: wm, op: wm.model.Operations["DescribeUser"], status: 200}
	r := httptest.NewRequest("POST", "/", nil)
	s.observe(c, r, time.Now()) // resolve the handles once, as the first request does
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.observe(c, r, time.Now())
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.observe(c, r, time.Now())
			}
		})
	})
}
