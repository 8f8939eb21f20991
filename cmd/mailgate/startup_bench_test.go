package main

import (
	"os"
	"testing"
)

// BenchmarkStartup is the time from exec to the readiness line of the
// test mode on its embedded, ephemeral store, and of the default mode on
// a fresh SQLite store: the start-up budget (under 200 ms) is read off
// this benchmark, not asserted by a timed test.
//
//	go test -run - -bench Startup -benchtime 10x ./cmd/mailgate/
func BenchmarkStartup(b *testing.B) {
	bin := buildBinary(b)
	b.Setenv("MAILGATE_DATA_DIR", "")
	os.Unsetenv("MAILGATE_DATA_DIR")
	for _, mode := range []struct {
		name string
		args func() []string
	}{
		{"mode=test", func() []string { return []string{"--mode", "test"} }},
		{"mode=default", func() []string { return []string{"--data-dir", b.TempDir()} }},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				args := mode.args()
				b.StartTimer()
				srv := startServer(b, bin, args...)
				b.StopTimer()
				srv.stop(b)
			}
		})
	}
}
