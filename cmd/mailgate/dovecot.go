package main

// mailgate dovecot-config writes a Dovecot 2.3 configuration whose IMAP
// and submission services sign users in through mailgate
// (docs/mail-front-end.md):
//
//	DIR/dovecot.conf          the whole configuration (no include)
//	DIR/mailgate-auth.lua     passdb, master passdb and userdb (dovecot-auth-lua)
//	DIR/mailgate.secret       the shared secret of the Dovecot→mailgate link (0600)
//	DIR/global-acl            the acl plugin's rights (READ_ONLY impersonation)
//	DIR/relay.json            what `mailgate dovecot-relay` needs
//	DIR/mail, DIR/home        the mailboxes, named by user ID
//	DIR/run, DIR/state        Dovecot's sockets and state
//
// The Lua script speaks HTTP to mailgate with Dovecot's own HTTP client
// (dovecot.http, in 2.3.19's lib-lua), so nothing but the stock packages
// is needed.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// dovecotConfig is what the command was given.
type dovecotConfig struct {
	Endpoint       string `json:"endpoint"`
	OrganizationID string `json:"organization_id"`
	IMAP           string `json:"-"`
	Submission     string `json:"-"`
	Relay          string `json:"relay"`
	Dir            string `json:"dir"`
	MailUser       string `json:"-"`
	MailUID        int    `json:"-"`
	MailGID        int    `json:"-"`
	SecretFile     string `json:"secret_file"`
	LMTPSocket     string `json:"lmtp_socket"`
	Hostname       string `json:"hostname"`
	// FailureDelay is Dovecot's auth_failure_delay; 0 also turns off its
	// per-address penalty (mailgate throttles failures itself).
	FailureDelay time.Duration `json:"-"`
	// CAFile verifies an https endpoint's certificate (default: the
	// system's authorities).
	CAFile string `json:"ca_file,omitempty"`
}

// sharedNamespaces is how many FULL_ACCESS mailboxes a session shows:
// Dovecot declares namespaces in its configuration, and the user database
// enables as many as the user has grants.
const sharedNamespaces = 16

// readOnlyGroup is the acl group of READ_ONLY impersonation sessions.
const readOnlyGroup = "mailgate-read-only"

func dovecotConfigCommand(args []string) int {
	fs := flag.NewFlagSet("dovecot-config", flag.ContinueOnError)
	c := dovecotConfig{}
	fs.StringVar(&c.Endpoint, "endpoint", "", "mailgate's URL, as Dovecot reaches it (https://…, or http:// on loopback)")
	fs.StringVar(&c.OrganizationID, "organization-id", "", "the WorkMail organization whose users sign in")
	fs.StringVar(&c.IMAP, "imap", "127.0.0.1:1143", "IMAP listen address")
	fs.StringVar(&c.Submission, "submission", "127.0.0.1:1587", "submission listen address")
	fs.StringVar(&c.Relay, "relay", "", "listen address of `mailgate dovecot-relay`, where submission relays (loopback; default: the submission port + 1)")
	fs.StringVar(&c.Dir, "dir", "", "the folder to write the configuration and keep the mail in")
	fs.StringVar(&c.MailUser, "mail-user", "", "system user owning the mail (default: the current user; dovecot when run as root)")
	fs.StringVar(&c.Hostname, "hostname", "localhost", "the host name the services announce")
	fs.StringVar(&c.CAFile, "ca-file", "", "PEM file of the authority that signed an https endpoint's certificate (default: the system's, /etc/ssl/certs)")
	fs.DurationVar(&c.FailureDelay, "auth-failure-delay", 2*time.Second, "Dovecot's delay before answering a failed login; 0 also turns off its per-address penalty (mailgate throttles failures either way)")
	fs.Usage = flagUsage(fs, "Usage: mailgate dovecot-config --endpoint URL --organization-id ID --dir DIR [flags]\n\n"+
		"Writes a Dovecot configuration whose IMAP and submission services sign users in through mailgate.\n\n")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate dovecot-config:", err)
		return 2
	}
	if err := c.check(); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate dovecot-config:", err)
		return 2
	}
	if err := c.write(); err != nil {
		fmt.Fprintln(os.Stderr, "mailgate dovecot-config:", err)
		return 1
	}
	fmt.Printf("Wrote %s.\nStart mailgate with --mail-front-secret-file %s, then:\n  mailgate dovecot-relay --dir %s &\n  dovecot -c %s -F\n",
		filepath.Join(c.Dir, "dovecot.conf"), c.SecretFile, c.Dir, filepath.Join(c.Dir, "dovecot.conf"))
	return 0
}

// check validates the flags and fills the derived fields.
func (c *dovecotConfig) check() error {
	u, err := url.Parse(c.Endpoint)
	if c.Endpoint == "" || err != nil || u.Host == "" {
		return errors.New("--endpoint must be mailgate's URL")
	}
	// The link carries passwords and tokens: TLS, or loopback.
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return errors.New("--endpoint must be https, or http on a loopback address")
	}
	c.Endpoint = strings.TrimSuffix(c.Endpoint, "/")
	if c.OrganizationID == "" {
		return errors.New("--organization-id is required")
	}
	if c.Dir == "" {
		return errors.New("--dir is required")
	}
	if c.Dir, err = filepath.Abs(c.Dir); err != nil {
		return err
	}
	for _, a := range []*string{&c.IMAP, &c.Submission} {
		if _, _, err := net.SplitHostPort(*a); err != nil {
			return fmt.Errorf("listen address %q: %v", *a, err)
		}
	}
	if c.Relay == "" {
		host, port, _ := net.SplitHostPort(c.Submission)
		p, _ := strconv.Atoi(port)
		c.Relay = net.JoinHostPort(host, strconv.Itoa(p+1))
	}
	if host, _, err := net.SplitHostPort(c.Relay); err != nil || !isLoopbackHost(host) {
		return fmt.Errorf("--relay %q must be a loopback address: nothing leaves the machine", c.Relay)
	}
	c.SecretFile = filepath.Join(c.Dir, "mailgate.secret")
	c.LMTPSocket = filepath.Join(c.Dir, "run", "lmtp")
	return c.mailOwner()
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// mailOwner picks the system user the mail belongs to: Dovecot never
// gives root mail access.
func (c *dovecotConfig) mailOwner() error {
	name := c.MailUser
	if name == "" {
		cur, err := user.Current()
		if err != nil {
			return err
		}
		name = cur.Username
		if cur.Uid == "0" {
			name = "dovecot"
		}
	}
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("--mail-user: %v", err)
	}
	c.MailUser = u.Username
	c.MailUID, _ = strconv.Atoi(u.Uid)
	c.MailGID, _ = strconv.Atoi(u.Gid)
	return nil
}

func (c *dovecotConfig) write() error {
	for _, d := range []string{"", "run", "state", "mail", "home"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, d), 0o755); err != nil {
			return err
		}
	}
	if os.Getuid() == 0 {
		for _, d := range []string{"mail", "home"} {
			if err := os.Chown(filepath.Join(c.Dir, d), c.MailUID, c.MailGID); err != nil {
				return err
			}
		}
	}
	for _, f := range []string{c.SecretFile, filepath.Join(c.Dir, "relay.secret")} {
		if err := writeSecret(f); err != nil {
			return err
		}
	}
	if os.Getuid() == 0 {
		// Dovecot's auth processes read it as its internal user.
		if err := os.Chown(c.SecretFile, c.MailUID, c.MailGID); err != nil {
			return err
		}
	}
	relay, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	relaySecret, err := readSecret(filepath.Join(c.Dir, "relay.secret"))
	if err != nil {
		return err
	}
	// dovecot.conf holds the relay's password: only its owner reads it.
	if err := os.WriteFile(filepath.Join(c.Dir, "dovecot.conf"), []byte(c.dovecotConf(relaySecret)), 0o600); err != nil {
		return err
	}
	files := map[string]string{
		"mailgate-auth.lua": c.authLua(),
		"global-acl":        globalACL,
		"relay.json":        string(relay) + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeSecret keeps an existing secret (mailgate may already use it) and
// makes one otherwise: 256 random bits.
func writeSecret(path string) error {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(hex.EncodeToString(b)+"\n"), 0o600)
}

// globalACL: owners have every right, and so have the FULL_ACCESS
// grantees in the public namespaces the user database opens for them;
// READ_ONLY impersonation sessions (the group) may only look up and read.
const globalACL = `* owner lrwstipekxa
* anyone lrwstipekxa
* group-override=` + readOnlyGroup + ` lr
`
