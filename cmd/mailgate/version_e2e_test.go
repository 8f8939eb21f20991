package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersion: `mailgate version` and `mailgate --version` print the
// module version and the VCS revision the go command stamped, which is
// the checkout's HEAD (modified when the tree has uncommitted changes).
func TestVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	out2, err := exec.Command(bin, "--version").Output()
	if err != nil || string(out2) != string(out) {
		t.Fatalf("--version: %v\n%s", err, out2)
	}
	lines := strings.Split(string(out), "\n")
	if !strings.HasPrefix(lines[0], "mailgate ") || !strings.Contains(string(out), "  go         go1.") {
		t.Fatalf("version:\n%s", out)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	if !strings.Contains(string(out), "revision   ") || strings.Contains(string(out), "revision   unknown") {
		// The go command stamps a checkout whose .git is a directory, not a
		// linked worktree (whose .git is a file).
		if fi, err := os.Stat(filepath.Join(gitTop(t), ".git")); err == nil && !fi.IsDir() {
			t.Skip("a git worktree: the go command stamps no VCS information")
		}
		t.Fatalf("no revision:\n%s", out)
	}
	status, _ := exec.Command("git", "status", "--porcelain").Output()
	want := "  revision   " + strings.TrimSpace(string(head))
	if len(strings.TrimSpace(string(status))) > 0 {
		want += " (modified)"
	}
	if lines[1] != want || !strings.HasPrefix(lines[2], "  committed  20") || lines[0] == "mailgate dev" {
		t.Fatalf("version:\n%s\nwant %q", out, want)
	}
}

func gitTop(t *testing.T) string {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(top))
}
