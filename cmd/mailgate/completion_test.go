package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// completionScript writes `mailgate completion <shell>` to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out bytes.Buffer
	if code := completion([]string{shell}, &out); code != 0 {
		t.Fatalf("completion %s: exit %d", shell, code)
	}
	for _, want := range []string{"create-impersonation-role", "--role-name", "get-caller-identity", "--endpoint-url", "--tls-cert-file", "yaml-stream"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("%s script lacks %s", shell, want)
		}
	}
	p := filepath.Join(t.TempDir(), "mailgate."+shell)
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// shell runs a shell's syntax check on the script, then script, and
// returns its output; it skips when the shell is not installed (bash is
// required).
func shell(t *testing.T, name, file, script string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if name == "bash" {
			t.Fatal(err)
		}
		t.Skipf("%s not installed", name)
	}
	if out, err := exec.Command(path, "-n", file).CombinedOutput(); err != nil {
		t.Fatalf("%s -n: %v\n%s", name, err, out)
	}
	out, err := exec.Command(path, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

// completes checks each query's answer (one candidate a line) contains
// want and not wantNot.
func completes(t *testing.T, got string, want []string, wantNot ...string) {
	t.Helper()
	lines := map[string]bool{}
	for _, l := range strings.Fields(got) {
		lines[l] = true
	}
	for _, w := range want {
		if !lines[w] {
			t.Errorf("%q not offered:\n%s", w, got)
		}
	}
	for _, w := range wantNot {
		if lines[w] {
			t.Errorf("%q offered:\n%s", w, got)
		}
	}
}

func TestCompletionBash(t *testing.T) {
	f := completionScript(t, "bash")
	q := func(words ...string) string {
		return "COMP_WORDS=(" + strings.Join(words, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) + `; _mailgate; printf '%s\n' "${COMPREPLY[@]}"; echo ---;`
	}
	out := shell(t, "bash", f, "source "+f+"; "+
		q("mailgate", "workmail", "create-imp")+
		q("mailgate", "--region", "us-east-1", "iam", "create-role", "--role")+
		q("mailgate", "--output", "")+
		q("mailgate", "")+
		q("mailgate", "serve", "--tls")+
		q("mailgate", "completion", "")+
		q("mailgate", "workmail", "list-users", "--no-pag"))
	parts := strings.Split(out, "---")
	completes(t, parts[0], []string{"create-impersonation-role"})
	completes(t, parts[1], []string{"--role-name"}, "--region")
	completes(t, parts[2], []string{"json", "yaml-stream"})
	completes(t, parts[3], []string{"workmail", "iam", "sts", "serve", "completion", "version"})
	completes(t, parts[4], []string{"--tls-cert-file", "--tls-key-file"})
	completes(t, parts[5], []string{"bash", "zsh", "fish"})
	completes(t, parts[6], []string{"--no-paginate"})
}

func TestCompletionZsh(t *testing.T) {
	f := completionScript(t, "zsh")
	// compadd and friends only exist inside the completion system: stand
	// in for them and print what the function offers.
	q := func(words ...string) string {
		return "words=(" + strings.Join(quoteAll(words), " ") + "); CURRENT=" + strconv.Itoa(len(words)) + "; _mailgate; echo ---;"
	}
	out := shell(t, "zsh", f, `compadd() { shift; print -l -- "$@" }; compdef() {}; _files() { print FILES }; source `+f+"; "+
		q("mailgate", "workmail", "")+
		q("mailgate", "iam", "create-role", "")+
		q("mailgate", "--output", "")+
		q("mailgate", "sts", "get-caller-identity", "--")+
		q("mailgate", "--ca-bundle", ""))
	parts := strings.Split(out, "---")
	completes(t, parts[0], []string{"create-impersonation-role", "list-users", "help"}, "get-caller-identity")
	completes(t, parts[1], []string{"--role-name", "--assume-role-policy-document"}, "--endpoint-url")
	completes(t, parts[2], []string{"json", "table"})
	completes(t, parts[3], []string{"--endpoint-url", "--cli-input-json"})
	completes(t, parts[4], []string{"FILES"})
}

func TestCompletionFish(t *testing.T) {
	f := completionScript(t, "fish")
	q := func(line string) string { return "complete -C'" + line + "'; echo ---;" }
	out := shell(t, "fish", f, "source "+f+"; "+
		q("mailgate workmail create-imp")+
		q("mailgate iam create-role --role")+
		q("mailgate --output ")+
		q("mailgate ")+
		q("mailgate serve --allow"))
	parts := strings.Split(out, "---")
	completes(t, parts[0], []string{"create-impersonation-role"})
	completes(t, parts[1], []string{"--role-name"})
	completes(t, parts[2], []string{"json", "yaml"})
	completes(t, parts[3], []string{"workmail", "iam", "sts", "serve"})
	completes(t, parts[4], []string{"--allow-insecure-signin"})
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + w + "'"
	}
	return out
}
