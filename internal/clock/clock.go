// Package clock is the test mode's adjustable service clock: suites move
// it forward to see tokens expire without sleeping.
package clock

import (
	"sync/atomic"
	"time"
)

// Offset is the wall clock plus an offset that only moves forward.
type Offset struct{ d atomic.Int64 }

// Now is the adjusted time.
func (o *Offset) Now() time.Time { return time.Now().Add(time.Duration(o.d.Load())) }

// Advance moves the clock forward by d (negative d is ignored: time
// running backwards would resurrect expired tokens) and returns the new
// time.
func (o *Offset) Advance(d time.Duration) time.Time {
	if d > 0 {
		o.d.Add(int64(d))
	}
	return o.Now()
}
