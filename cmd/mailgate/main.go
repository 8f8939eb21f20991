// Command mailgate is the whole product in one binary:
//
//	mailgate serve [flags]                      run the server (see `mailgate serve -h`)
//	mailgate version                            print the version and build
//	mailgate completion bash|zsh|fish           print a shell completion script
//	mailgate <service> <operation> [params]     the AWS-compatible CLI (internal/cli)
//	mailgate help | configure                   the CLI's help; write a profile
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/mailgate/mailgate/internal/cli"
)

const usage = `mailgate: an AWS-compatible identity and impersonation control plane for mail organizations.

Usage:
  mailgate serve [flags]    run the server (mailgate serve -h lists the flags)
  mailgate version          print the version, VCS revision and Go version
  mailgate completion bash|zsh|fish
                            print a shell completion script
  mailgate <workmail|iam|sts> <operation> [parameters]
                            call the server, as the AWS CLI would (mailgate help)
  mailgate configure        write a profile for a server
  mailgate dovecot-config --endpoint URL --organization-id ID --dir DIR
                            write a Dovecot configuration signing users in through mailgate
  mailgate dovecot-relay --dir DIR
                            run its submission relay (sender checks, local delivery)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch a := os.Args[1]; {
	case a == "serve":
		os.Exit(serve(os.Args[2:]))
	case a == "version" || a == "-version" || (a == "--version" && len(os.Args) == 2):
		fmt.Print(versionText())
	case a == "completion":
		os.Exit(completion(os.Args[2:], os.Stdout))
	case a == "dovecot-config":
		os.Exit(dovecotConfigCommand(os.Args[2:]))
	case a == "dovecot-relay":
		os.Exit(dovecotRelayCommand(os.Args[2:]))
	case a == "-h" || a == "--help":
		fmt.Print(usage)
	case a == "help" || a == "configure" || cli.IsService(a) || (strings.HasPrefix(a, "--") && isCLI(os.Args[1:])):
		// The AWS CLI's command line: global options may come first.
		os.Exit(cli.Main(os.Args[1:], versionString()))
	default:
		fmt.Fprintf(os.Stderr, "mailgate: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}

// isCLI reports whether a command line that starts with an option is meant
// for the CLI: it names a service (or help) among its words, or only asks
// for the version.
func isCLI(args []string) bool {
	for _, a := range args {
		if a == "help" || a == "configure" || cli.IsService(a) {
			return true
		}
	}
	return len(args) >= 1 && args[0] == "--cli-auto-prompt"
}
