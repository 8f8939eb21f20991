package metrics

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkOpObserve compares recording a request through a resolved Op
// with resolving the labels on every request (WithLabelValues), which
// hashes the label values and formats the status each time.
func BenchmarkOpObserve(b *testing.B) {
	op := NewOp("bench", "Resolved")
	b.Run("resolved", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			op.Observe(200, time.Millisecond)
		}
	})
	b.Run("with-label-values", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			duration.WithLabelValues("bench", "PerRequest").Observe(time.Millisecond.Seconds())
			requests.WithLabelValues("bench", "PerRequest", strconv.Itoa(200)).Inc()
		}
	})
}
