package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); a plain
// build reports the module version the go command stamped (a tag, or a
// pseudo-version of the commit), if any. buildTime may be set the same way
// (-X main.buildTime=2006-01-02T15:04:05Z): the go command records no build
// time, only the commit's (vcs.time).
var (
	version   = ""
	buildTime = ""
)

// build is what the binary knows of its own build.
type build struct {
	version    string
	revision   string // vcs.revision, "" when built outside a checkout
	commitTime string // vcs.time
	modified   bool   // vcs.modified: the tree had uncommitted changes
}

func readBuild() build {
	b := build{version: version}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.commitTime = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// versionString is the short version: the module version, or "dev".
func versionString() string {
	if v := readBuild().version; v != "" {
		return v
	}
	return "dev"
}

// versionText is what `mailgate version` and `mailgate --version` print.
func versionText() string {
	b := readBuild()
	var s strings.Builder
	fmt.Fprintf(&s, "mailgate %s\n", versionString())
	if b.revision != "" {
		mod := ""
		if b.modified {
			mod = " (modified)"
		}
		fmt.Fprintf(&s, "  revision   %s%s\n", b.revision, mod)
		fmt.Fprintf(&s, "  committed  %s\n", b.commitTime)
	} else {
		s.WriteString("  revision   unknown (built outside a version-controlled checkout)\n")
	}
	if buildTime != "" {
		fmt.Fprintf(&s, "  built      %s\n", buildTime)
	}
	fmt.Fprintf(&s, "  go         %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return s.String()
}
