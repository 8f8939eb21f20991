package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mailgate/mailgate/internal/bootstrap"
	"github.com/mailgate/mailgate/internal/clock"
	"github.com/mailgate/mailgate/internal/server"
)

// Server modes (--mode).
const (
	modeDefault = "default"
	modeTest    = "test"
)

// modeFlags are the flags of `serve` that the mode governs.
type modeFlags struct {
	mode           string
	signatureCheck string
	// ephemeral: test mode without --data-dir or --store: the state lives
	// in a temporary directory removed when the server exits.
	ephemeral bool
}

func (m *modeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.mode, "mode", modeDefault, "default, or test: a test double for suites written against moto or LocalStack (any unknown credentials act as the default account's root, state resets, ephemeral store)")
	fs.StringVar(&m.signatureCheck, "signature-check", "", "off, soft or strict; strict is the only choice outside the test mode, soft its default there")
}

// resolveMode checks the mode's flags and fills in the test mode's
// defaults; it runs after the environment twins are applied.
func resolveMode(fs *flag.FlagSet, f *serveFlags) error {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch f.mode {
	case modeDefault:
		if f.signatureCheck != "" && f.signatureCheck != string(server.SignatureStrict) {
			return fmt.Errorf("--signature-check %s needs --mode test; the default mode verifies every signature", f.signatureCheck)
		}
		return nil
	case modeTest:
	default:
		return fmt.Errorf("--mode must be default or test, got %q", f.mode)
	}
	if f.signatureCheck == "" {
		f.signatureCheck = string(server.SignatureSoft)
	}
	if _, err := server.ParseSignatureCheck(f.signatureCheck); err != nil {
		return fmt.Errorf("--signature-check: %v", err)
	}
	if f.signatureCheck == string(server.SignatureStrict) && f.rootKeyID == "" {
		return errors.New("--mode test with --signature-check strict needs pinned root credentials (--root-access-key-id and --root-secret-access-key): a reset re-creates them")
	}
	if f.accountID == "" {
		f.accountID = server.DefaultTestAccountID
	}
	f.ephemeral = !set["data-dir"] && f.storeURL == ""
	return nil
}

// testModeConfig is the server's test mode, or nil in the default mode.
func testModeConfig(f serveFlags, clk *clock.Offset) *server.TestMode {
	if f.mode != modeTest {
		return nil
	}
	return &server.TestMode{
		SignatureCheck: server.SignatureCheck(f.signatureCheck),
		Bootstrap:      bootstrapOptions(f),
		Clock:          clk,
	}
}

// serviceClock is the WorkMail service's clock: the wall clock, or in
// test mode an adjustable one (see server.ClockPath).
func serviceClock(f serveFlags) (*clock.Offset, func() time.Time) {
	if f.mode != modeTest {
		return nil, time.Now
	}
	c := &clock.Offset{}
	return c, c.Now
}

func bootstrapOptions(f serveFlags) bootstrap.Options {
	return bootstrap.Options{AccountID: f.accountID, RootAccessKeyID: f.rootKeyID, RootSecretAccessKey: f.rootSecret,
		NoRootKey: f.mode == modeTest}
}

// ephemeralDataDir makes the temporary data directory of an ephemeral
// store and a master key that lives only in memory.
func ephemeralDataDir() (dir string, key []byte, err error) {
	dir, err = os.MkdirTemp("", "mailgate-test-")
	if err != nil {
		return "", nil, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, key, nil
}

// testModeWarning is printed on standard error at start in test mode,
// whatever the log level.
func testModeWarning(f serveFlags, store string) string {
	s := fmt.Sprintf("WARNING: mailgate runs in TEST MODE. Not for production: requests signed with any access key mailgate did not issue act as the root of account %s", f.accountID)
	if f.signatureCheck == string(server.SignatureStrict) {
		s = "WARNING: mailgate runs in TEST MODE. Not for production"
	}
	s += fmt.Sprintf(" (signature check: %s, IAM enforcement: %s), and POST /_mailgate/reset, /moto-api/reset and /_localstack/state/reset erase all state", f.signatureCheck, f.enforcement)
	if f.ephemeral {
		s += "; the store is ephemeral (" + store + ", removed on exit)."
	} else {
		s += " in " + store + "."
	}
	return s
}
