package main

import (
	"testing"
	"time"
)

// --audit-retention takes days or a duration, and its environment twin.
func TestAuditRetentionFlag(t *testing.T) {
	var f serveFlags
	fs := serveFlagSet(&f)
	if got := time.Duration(f.retention); got != 90*24*time.Hour {
		t.Fatalf("default %v", got)
	}
	if err := fs.Parse([]string{"--audit-retention", "30d"}); err != nil || time.Duration(f.retention) != 30*24*time.Hour {
		t.Fatalf("30d: %v %v", time.Duration(f.retention), err)
	}
	t.Setenv("MAILGATE_AUDIT_RETENTION", "720h")
	f = serveFlags{}
	fs = serveFlagSet(&f)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := applyEnv(fs); err != nil || time.Duration(f.retention) != 720*time.Hour || f.retention.String() != "30d" {
		t.Fatalf("env: %v %v", f.retention.String(), err)
	}
	for _, bad := range []string{"-1h", "ninety", "1.5d"} {
		if err := fs.Set("audit-retention", bad); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
}
