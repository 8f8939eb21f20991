package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit checks dist/systemd/mailgate.service with
// systemd-analyze verify (without starting it), its ExecStart pointed at
// the binary under test, and that the settings it names exist.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile(filepath.Join("..", "..", "dist", "systemd", "mailgate.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service",
		"StateDirectory=mailgate", "EnvironmentFile=-/etc/mailgate/mailgate.env", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("unit lacks %q", want)
		}
	}
	env, err := os.ReadFile(filepath.Join("..", "..", "dist", "systemd", "mailgate.env"))
	if err != nil {
		t.Fatal(err)
	}
	var f serveFlags
	fs := serveFlagSet(&f)
	for _, line := range strings.Split(string(env)+"\n"+string(unit), "\n") {
		for _, field := range strings.Fields(strings.TrimPrefix(strings.TrimPrefix(line, "#"), "Environment=")) {
			name, _, ok := strings.Cut(field, "=")
			if ok && strings.HasPrefix(name, "MAILGATE_") && fs.Lookup(strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "MAILGATE_"), "_", "-"))) == nil {
				t.Errorf("%s is no flag's environment twin", name)
			}
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil || testing.Short() {
		t.Skip("systemd-analyze not installed, or -short")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "mailgate.service")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/mailgate", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", p).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
