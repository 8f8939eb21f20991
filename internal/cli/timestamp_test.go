package cli

import (
	"testing"
	"time"
)

// The expectations are what Python's datetime.fromtimestamp(float(text))
// and dateutil give for the same wire values, as the AWS CLI prints them.
func TestPythonTime(t *testing.T) {
	utc := func(t time.Time) string { return isoFormat(t.UTC()) }
	for _, c := range []struct {
		sec, ns int64
		json    bool
		want    string
	}{
		{1795298743, 122942500, true, "2026-11-21T22:05:43.122942+00:00"},
		{1700000000, 500, true, "2023-11-14T22:13:20+00:00"},
		{1700000000, 999999500, true, "2023-11-14T22:13:21+00:00"},
		{1795298743, 122942900, false, "2026-11-21T22:05:43.122942+00:00"},
	} {
		if got := utc(pythonTime(time.Unix(c.sec, c.ns), c.json)); got != c.want {
			t.Errorf("%d.%09d json=%v: got %s, want %s", c.sec, c.ns, c.json, got, c.want)
		}
	}
}
