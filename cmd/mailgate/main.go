// Command mailgate is the whole product in one binary:
//
//	mailgate serve [flags]     run the server (see `mailgate serve -h`)
//	mailgate version           print the version
package main

import (
	"fmt"
	"os"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); a plain
// build reports the module version recorded by `go install`, if any.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `mailgate: an AWS-compatible identity and impersonation control plane for mail organizations.

Usage:
  mailgate serve [flags]    run the server (mailgate serve -h lists the flags)
  mailgate version          print the version
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		os.Exit(serve(os.Args[2:]))
	case "version", "--version", "-version":
		fmt.Println("mailgate " + versionString())
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "mailgate: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}
