#!/usr/bin/env python3
"""A real IMAP and SMTP client for the Dovecot end-to-end tests.

Each run signs in once, runs the actions it is given, and prints one JSON
object: {"login": "OK"|"NO"|"BAD", "message": ..., "actions": {name: result}}.
Results are "OK" or "NO <server text>". Credentials are read from the
environment (MAIL_SECRET) so that they never appear in a process list.
"""
import argparse
import base64
import imaplib
import json
import os
import smtplib
import sys


def sasl(mech, user, secret, authzid, host, port):
    """The initial SASL response of a mechanism."""
    if mech == "plain":
        return (authzid + "\0" + user + "\0" + secret).encode()
    if mech == "xoauth2":
        return ("user=" + user + "\x01auth=Bearer " + secret + "\x01\x01").encode()
    if mech == "oauthbearer":
        return ("n,a=" + user + ",\x01host=" + host + "\x01port=" + str(port)
                + "\x01auth=Bearer " + secret + "\x01\x01").encode()
    raise ValueError(mech)


def once(blob):
    """A SASL callback: the response first, then empty answers (to the
    error a failed XOAUTH2 or OAUTHBEARER sends as a challenge)."""
    sent = []

    def respond(challenge=None):
        if sent:
            return blob[:0]
        sent.append(True)
        return blob
    return respond


def text(e):
    s = str(e.args[0] if e.args else e)
    if s.startswith("b'") or s.startswith('b"'):
        s = s[2:-1]
    return s


def imap_action(m, name, arg):
    if name == "select":
        typ, data = m._simple_command("SELECT", arg or "INBOX")
        if typ == "OK":
            m.state = "SELECTED"
            m.is_readonly = True  # we test writes ourselves
        return typ + " " + " ".join(d.decode() for d in data if d)
    if name == "fetch":
        typ, data = m.fetch("1:*", "(FLAGS BODY[])")
        return typ + " " + str(sum(1 for d in data if isinstance(d, tuple)))
    if name == "search":
        typ, data = m.search(None, "ALL")
        return typ + " " + data[0].decode()
    if name == "store":
        typ, data = m.store("1", "+FLAGS", "\\Flagged")
        return typ
    if name == "flags":
        typ, data = m.fetch("1", "(FLAGS)")
        return typ + " " + data[0].decode()
    if name == "expunge":
        m.store("1", "+FLAGS", "\\Deleted")
        return m.expunge()[0]
    if name == "append":
        typ, data = m.append(arg or "INBOX", None, None,
                             b"From: test@example.com\r\nSubject: appended\r\n\r\nbody\r\n")
        return typ
    if name == "copy":
        return m.copy("1", arg or "INBOX")[0]
    if name == "move":
        return m._simple_command("MOVE", "1", arg or "INBOX")[0]
    if name == "list":
        typ, data = m.list()
        return typ + " " + " | ".join(d.decode() for d in data if d)
    if name == "status":
        typ, data = m.status(arg, "(MESSAGES)")
        return typ + " " + " ".join(d.decode() for d in data if d)
    raise ValueError(name)


def imap(args, secret):
    out = {"actions": {}}
    m = imaplib.IMAP4(args.host, args.port, timeout=30)
    try:
        if args.mech == "login":
            m.login(args.user, secret)
        else:
            blob = sasl(args.mech, args.user, secret, args.authzid, args.host, args.port)
            m.authenticate(args.mech.upper(), once(blob))
        out["login"] = "OK"
    except (imaplib.IMAP4.error, imaplib.IMAP4.abort, OSError) as e:
        out["login"], out["message"] = "NO", text(e)
        return out
    for spec in args.actions:
        name, _, arg = spec.partition(":")
        try:
            out["actions"][spec] = imap_action(m, name, arg)
        except (imaplib.IMAP4.error, imaplib.IMAP4.abort) as e:
            out["actions"][spec] = "NO " + text(e)
    try:
        m.logout()
    except Exception:
        pass
    return out


def smtp(args, secret):
    out = {"actions": {}}
    s = smtplib.SMTP(args.host, args.port, timeout=30)
    s.ehlo("client.test")
    try:
        if args.mech == "login":
            s.login(args.user, secret)
        else:
            blob = sasl(args.mech, args.user, secret, args.authzid, args.host, args.port)
            respond = once(blob.decode())
            s.auth(args.mech.upper(), lambda challenge=None: respond(challenge) or "", initial_response_ok=True)
        out["login"] = "OK"
    except (smtplib.SMTPException, OSError) as e:
        out["login"], out["message"] = "NO", text(e)
        return out
    if not args.to:
        return out
    headers = "From: " + args.mail_from + "\r\n"
    if args.sender:
        headers += "Sender: " + args.sender + "\r\n"
    msg = headers + "To: " + args.to + "\r\nSubject: e2e " + args.subject + "\r\n\r\nHello.\r\n"
    try:
        s.sendmail(args.envelope_from or args.user_address or args.mail_from, [args.to], msg)
        out["actions"]["send"] = "OK"
    except smtplib.SMTPException as e:
        out["actions"]["send"] = "NO " + text(e)
    try:
        s.quit()
    except Exception:
        pass
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("protocol", choices=["imap", "smtp"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mech", default="login", choices=["login", "plain", "xoauth2", "oauthbearer"])
    p.add_argument("--user", required=True)
    p.add_argument("--authzid", default="")
    p.add_argument("--mail-from", default="")
    p.add_argument("--sender", default="")
    p.add_argument("--envelope-from", default="")
    p.add_argument("--user-address", default="")
    p.add_argument("--to", default="")
    p.add_argument("--subject", default="message")
    p.add_argument("actions", nargs="*")
    args = p.parse_intermixed_args()
    secret = os.environ.get("MAIL_SECRET", "")
    out = imap(args, secret) if args.protocol == "imap" else smtp(args, secret)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
