package mailfront

// The submission relay: Dovecot's submission service relays every message
// its signed-in users submit to this small SMTP server on loopback. It
// knows the user from the relay's authentication (SASL PLAIN: authzid the
// user, authcid and password the relay's own credentials from Dovecot's
// configuration), asks mailgate whether the message's From: and Sender:
// are allowed (SEND_AS, SEND_ON_BEHALF), and delivers it over LMTP into
// the local mailboxes. Nothing leaves the machine: a recipient that is
// not a local mailbox is refused.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// RelayAuthUser is the authentication identity Dovecot presents to the relay.
const RelayAuthUser = "dovecot-submission"

// maxRelayMessage bounds a message (Dovecot's submission_max_mail_size
// is unlimited by default; 40 MiB is WorkMail's limit).
const maxRelayMessage = 40 << 20

// SenderCheck decides the From: and Sender: of a message of user; it
// returns ErrUnavailable (wrapped) when mailgate cannot answer now.
type SenderCheck func(ctx context.Context, user, from, sender string) (allowed bool, reason string, err error)

// Relay is the submission relay.
type Relay struct {
	// Secret is the password Dovecot authenticates with.
	Secret string
	// LMTP is the path of Dovecot's LMTP socket.
	LMTP     string
	Hostname string
	Check    SenderCheck
	// Local reports whether an address is a local mailbox.
	Local func(ctx context.Context, address string) (bool, error)
	Log   *slog.Logger
}

// Serve accepts connections until l is closed.
func (r *Relay) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go r.session(c)
	}
}

type relaySession struct {
	r    *Relay
	tp   *textproto.Conn
	user string
	from string
	rcpt []string
}

func (r *Relay) session(c net.Conn) {
	defer c.Close()
	s := &relaySession{r: r, tp: textproto.NewConn(c)}
	s.reply(220, r.Hostname+" mailgate submission relay")
	for {
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		line, err := s.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !s.command(strings.ToUpper(verb), arg) {
			return
		}
	}
}

func (s *relaySession) reply(code int, text string) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		s.tp.PrintfLine("%d%s%s", code, sep, l)
	}
}

// command runs one command; false ends the session.
func (s *relaySession) command(verb, arg string) bool {
	switch verb {
	case "EHLO", "HELO", "LHLO":
		s.reply(250, s.r.Hostname+"\nAUTH PLAIN\n8BITMIME\nENHANCEDSTATUSCODES")
	case "AUTH":
		s.auth(arg)
	case "MAIL":
		if s.user == "" {
			s.reply(530, "5.7.0 Authentication required")
			return true
		}
		s.from, s.rcpt = pathOf(arg, "FROM:"), nil
		s.reply(250, "2.1.0 OK")
	case "RCPT":
		s.recipient(pathOf(arg, "TO:"))
	case "DATA":
		s.data()
	case "RSET":
		s.from, s.rcpt = "", nil
		s.reply(250, "2.0.0 OK")
	case "NOOP":
		s.reply(250, "2.0.0 OK")
	case "QUIT":
		s.reply(221, "2.0.0 Bye")
		return false
	default:
		s.reply(502, "5.5.1 Command not implemented")
	}
	return true
}

// pathOf extracts the address of "FROM:<a> PARAMS".
func pathOf(arg, prefix string) string {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return ""
	}
	p := strings.TrimSpace(arg[len(prefix):])
	if i := strings.IndexByte(p, '>'); strings.HasPrefix(p, "<") && i > 0 {
		return p[1:i]
	}
	p, _, _ = strings.Cut(p, " ")
	return p
}

func (s *relaySession) auth(arg string) {
	mech, resp, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		s.reply(504, "5.5.4 Unrecognized authentication type")
		return
	}
	if resp == "" {
		s.reply(334, "")
		line, err := s.tp.ReadLine()
		if err != nil {
			return
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 || parts[0] == "" {
		s.reply(535, "5.7.8 Authentication failed")
		return
	}
	want, got := sha256.Sum256([]byte(RelayAuthUser+"\x00"+s.r.Secret)), sha256.Sum256([]byte(parts[1]+"\x00"+parts[2]))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		s.reply(535, "5.7.8 Authentication failed")
		return
	}
	s.user = parts[0]
	s.reply(235, "2.7.0 Authentication successful")
}

func (s *relaySession) recipient(addr string) {
	if s.user == "" {
		s.reply(530, "5.7.0 Authentication required")
		return
	}
	local, err := s.r.Local(context.Background(), addr)
	switch {
	case err != nil:
		s.reply(451, "4.3.0 Recipient cannot be checked now")
	case !local:
		s.reply(550, "5.7.1 Only local mailboxes receive mail here")
	default:
		s.rcpt = append(s.rcpt, addr)
		s.reply(250, "2.1.5 OK")
	}
}

func (s *relaySession) data() {
	if len(s.rcpt) == 0 {
		s.reply(554, "5.5.1 No valid recipients")
		return
	}
	s.reply(354, "Go ahead")
	msg, err := io.ReadAll(io.LimitReader(s.tp.DotReader(), maxRelayMessage+1))
	if err != nil {
		return
	}
	if len(msg) > maxRelayMessage {
		s.reply(552, "5.3.4 Message too big")
		return
	}
	from, sender, err := headerSenders(msg)
	if err != nil {
		s.reply(550, "5.6.0 The message has no valid From: header")
		return
	}
	ok, reason, err := s.r.Check(context.Background(), s.user, from, sender)
	if err != nil {
		s.reply(451, "4.3.0 Cannot check the sender now; try again later")
		return
	}
	s.r.log().Info("submission", "user", s.user, "from", from, "sender", sender, "allowed", ok, "reason", reason, "recipients", len(s.rcpt))
	if !ok {
		s.reply(550, "5.7.1 Sending as "+from+" is not allowed")
		return
	}
	if err := deliverLMTP(s.r.LMTP, s.r.Hostname, s.from, s.rcpt, msg); err != nil {
		s.r.log().Warn("submission: LMTP delivery failed", "error", err)
		s.reply(451, "4.3.0 Local delivery failed; try again later")
		return
	}
	s.from, s.rcpt = "", nil
	s.reply(250, "2.0.0 Delivered")
}

func (r *Relay) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// headerSenders returns the addresses of From: (exactly one) and Sender:.
func headerSenders(msg []byte) (from, sender string, err error) {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		return "", "", err
	}
	froms, err := m.Header.AddressList("From")
	if err != nil || len(froms) != 1 {
		return "", "", errors.New("From: must name one address")
	}
	if m.Header.Get("Sender") != "" {
		a, err := mail.ParseAddress(m.Header.Get("Sender"))
		if err != nil {
			return "", "", err
		}
		sender = a.Address
	}
	return froms[0].Address, sender, nil
}

// deliverLMTP hands a message to Dovecot's LMTP server (RFC 2033).
func deliverLMTP(socket, hostname, from string, rcpts []string, msg []byte) error {
	c, err := net.DialTimeout("unix", socket, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	tp := textproto.NewConn(c)
	expect := func(code int) error {
		_, _, err := tp.ReadResponse(code)
		return err
	}
	if err := expect(220); err != nil {
		return err
	}
	steps := []string{"LHLO " + hostname, "MAIL FROM:<" + from + ">"}
	for _, r := range rcpts {
		steps = append(steps, "RCPT TO:<"+r+">")
	}
	for _, cmd := range steps {
		if err := tp.PrintfLine("%s", cmd); err != nil {
			return err
		}
		if err := expect(250); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(cmd)[0], err)
		}
	}
	if err := tp.PrintfLine("DATA"); err != nil {
		return err
	}
	if err := expect(354); err != nil {
		return err
	}
	w := tp.DotWriter()
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// LMTP answers once per recipient.
	for range rcpts {
		if err := expect(250); err != nil {
			return err
		}
	}
	tp.PrintfLine("QUIT")
	return nil
}
