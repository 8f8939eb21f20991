package main

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/mailgate/mailgate/internal/mailfront"
)

// dovecotConf is the whole Dovecot configuration.
func (c *dovecotConfig) dovecotConf(relaySecret string) string {
	imapHost, imapPort, _ := net.SplitHostPort(c.IMAP)
	subHost, subPort, _ := net.SplitHostPort(c.Submission)
	relayHost, relayPort, _ := net.SplitHostPort(c.Relay)
	login, internal := "dovenull", c.MailUser
	if os.Getuid() != 0 {
		login = c.MailUser
	}
	penalty := ""
	if c.FailureDelay == 0 {
		penalty = "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n"
	}
	// Dovecot's HTTP client verifies an https endpoint against these.
	ca := "ssl_client_ca_dir = /etc/ssl/certs\n"
	if c.CAFile != "" {
		ca = "ssl_client_ca_file = " + c.CAFile + "\n"
	}
	var ns strings.Builder
	for i := range sharedNamespaces {
		// Declared disabled; the user database enables one per
		// FULL_ACCESS mailbox and sets its prefix and location.
		fmt.Fprintf(&ns, `namespace shared%d {
  type = public
  separator = /
  prefix = Shared/unused%d/
  location = maildir:%s/empty
  disabled = yes
  list = yes
  subscriptions = no
}
`, i, i, c.Dir)
	}
	return fmt.Sprintf(`# Written by mailgate dovecot-config. Logins are decided by mailgate at
# %[1]s (docs/mail-front-end.md); edit the flags and run the command
# again rather than this file.
protocols = imap submission lmtp
listen = 127.0.0.1
base_dir = %[2]s/run
state_dir = %[2]s/state
instance_name = mailgate-%[3]s
log_path = %[2]s/dovecot.log
info_log_path = %[2]s/dovecot.log
hostname = %[4]s
default_login_user = %[5]s
default_internal_user = %[6]s
mail_uid = %[7]d
mail_gid = %[8]d
first_valid_uid = %[7]d
last_valid_uid = %[7]d
first_valid_gid = %[8]d
last_valid_gid = %[8]d

# Clients reach Dovecot on loopback here; put TLS in front (ssl = required
# and a certificate) before listening elsewhere.
ssl = no
disable_plaintext_auth = no
%[20]sauth_mechanisms = plain login xoauth2 oauthbearer
# Decisions are never cached: a revoked token or a disabled user is
# refused at the next login.
auth_cache_size = 0
auth_failure_delay = %[18]d ms
%[19]slogin_log_format_elements = user=<%%u> method=%%m rip=%%r lip=%%l mpid=%%e %%c session=<%%{session}>

passdb {
  driver = lua
  args = file=%[2]s/mailgate-auth.lua blocking=yes
  master = yes
}
passdb {
  driver = lua
  args = file=%[2]s/mailgate-auth.lua blocking=yes
}
userdb {
  driver = prefetch
}
userdb {
  driver = lua
  args = file=%[2]s/mailgate-auth.lua blocking=yes
}

mail_location = maildir:%[2]s/empty
mail_plugins = acl
protocol imap {
  mail_plugins = $mail_plugins imap_acl
}
plugin {
  acl = vfile:%[2]s/global-acl
}
namespace inbox {
  inbox = yes
  separator = /
  prefix =
}
%[9]s
service imap-login {
  inet_listener imap {
    address = %[10]s
    port = %[11]s
  }
  inet_listener imaps {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    address = %[12]s
    port = %[13]s
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = %[6]s
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
    user = %[6]s
  }
}

# Submission relays to mailgate dovecot-relay on loopback, which checks
# From:/Sender: against SEND_AS and SEND_ON_BEHALF and delivers into the
# local mailboxes over LMTP: nothing leaves the machine. The user
# database names the user to the relay (submission_relay_user).
submission_relay_host = %[14]s
submission_relay_port = %[15]s
submission_relay_ssl = no
submission_relay_trusted = no
submission_relay_master_user = %[16]s
submission_relay_password = %[17]s
`, c.Endpoint, c.Dir, c.OrganizationID, c.Hostname, login, internal, c.MailUID, c.MailGID, ns.String(),
		imapHost, imapPort, subHost, subPort, relayHost, relayPort, mailfront.RelayAuthUser, relaySecret,
		c.FailureDelay.Milliseconds(), penalty, ca)
}

// authLua is the passdb, master passdb and userdb script.
func (c *dovecotConfig) authLua() string {
	return fmt.Sprintf(authLuaTemplate, luaString(c.Endpoint+"/_mailgate/mail/v1/"), luaString(c.OrganizationID),
		luaString(c.SecretFile), luaString(c.Dir), sharedNamespaces, luaString(readOnlyGroup))
}

// luaString quotes s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, "\\%03d", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

const authLuaTemplate = `-- Written by mailgate dovecot-config. Dovecot asks mailgate about every
-- login (passdb, and master passdb for impersonation) and every session's
-- mailbox (userdb). mailgate decides; this script only carries the
-- question and the answer. A mailgate that cannot be reached, or cannot
-- decide now, is a temporary failure ([UNAVAILABLE]), never a refusal.
local endpoint = %s
local organization_id = %s
local secret_file = %s
local mail_root = %s
local shared_max = %d
local read_only_group = %s

local secret
local client

local function urlencode(s)
  return (tostring(s or ""):gsub("[^%%w%%-%%._~]", function(ch)
    return string.format("%%%%%%02X", string.byte(ch))
  end))
end

local function form(fields)
  local parts = {}
  for k, v in pairs(fields) do
    parts[#parts + 1] = k .. "=" .. urlencode(v)
  end
  return table.concat(parts, "&")
end

-- call POSTs fields to one endpoint and returns the answer's key=value
-- lines as a table, or nil and the HTTP status.
local function call(path, fields)
  local req = client:request({url = endpoint .. path, method = "POST"})
  req:add_header("Authorization", "Bearer " .. secret)
  req:add_header("Content-Type", "application/x-www-form-urlencoded")
  req:set_payload(form(fields))
  local resp = req:submit()
  local status = resp:status()
  if status ~= 200 then
    return nil, status
  end
  local out = {shared = {}}
  for line in resp:payload():gmatch("[^\n]+") do
    local k, v = line:match("^([%%w_]+)=(.*)$")
    if k == "shared" then
      out.shared[#out.shared + 1] = v
    elseif k then
      out[k] = v
    end
  end
  return out
end

function script_init()
  local f = io.open(secret_file, "r")
  if f == nil then
    dovecot.i_error("mailgate: cannot read " .. secret_file)
    return 1
  end
  secret = f:read("*l")
  f:close()
  client = dovecot.http.client({
    user_agent = "dovecot-mailgate",
    max_attempts = 1,
    max_connect_attempts = 1,
    connect_timeout_msecs = 2000,
    request_timeout_msecs = 10000,
    no_auto_retry = true,
  })
  return 0
end

function script_deinit()
end

-- session_fields are the user database fields of a session: its
-- folder (by user ID), read-only rights for a READ_ONLY impersonation
-- role, and the shared namespaces of the mailboxes the user has
-- FULL_ACCESS to.
local function session_fields(req, out, role)
  local fields = {
    home = mail_root .. "/home/" .. out.user_id,
    mail = "maildir:" .. mail_root .. "/mail/" .. out.user_id,
    submission_relay_user = out.user,
  }
  if role ~= "" then
    -- Every line the session logs names the target mailbox and the role.
    -- (Dovecot does not expand variables in user database fields.)
    fields.mail_log_prefix = req.service .. "(" .. out.user .. ")<" .. req.session .. ">[impersonated by role " .. role ..
      " " .. out.role_type .. "]: "
    if out.role_type ~= "FULL_ACCESS" then
      fields.acl_groups = read_only_group
    end
  end
  for i, s in ipairs(out.shared) do
    if i > shared_max then
      break
    end
    local id, name = s:match("^(%%S+) (.+)$")
    local ns = "namespace/shared" .. (i - 1) .. "/"
    fields[ns .. "disabled"] = "no"
    fields[ns .. "prefix"] = "Shared/" .. name .. "/"
    fields[ns .. "location"] = "maildir:" .. mail_root .. "/mail/" .. id
  end
  return fields
end

-- auth_password_verify decides a login. With an authorization identity
-- (SASL PLAIN authzid, Dovecot's master-user login) req.user is the
-- impersonation role and %%{login_user} the target mailbox. The answer
-- carries the session's user database fields, which the prefetch userdb
-- uses: one call to mailgate per login.
function auth_password_verify(req, pass)
  local target = req:var_expand("%%{login_user}")
  local out, status = call("auth", {
    protocol = req.service,
    remote_ip = req.remote_ip,
    organization_id = organization_id,
    user = req.user,
    target = target,
    mechanism = req.mech,
    credential = pass,
  })
  if out == nil then
    dovecot.i_warning("mailgate: no decision (HTTP status " .. tostring(status) .. ")")
    return dovecot.auth.PASSDB_RESULT_INTERNAL_FAILURE, "mailgate unavailable"
  end
  if out.result ~= "allow" then
    return dovecot.auth.PASSDB_RESULT_PASSWORD_MISMATCH, ""
  end
  local role = ""
  local fields = {}
  if target ~= "" and target ~= req.user then
    role = out.role_id
    dovecot.i_info("mailgate: impersonation of mailbox " .. out.user .. " (" .. out.user_id .. ") by role " ..
      role .. " (" .. out.role_type .. ")")
  else
    fields.user = out.user
  end
  for k, v in pairs(session_fields(req, out, role)) do
    fields["userdb_" .. k] = v
  end
  return dovecot.auth.PASSDB_RESULT_OK, fields
end

-- Credentials are never looked up: only verified by mailgate.
function auth_passdb_lookup(req)
  return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, ""
end

-- auth_userdb_lookup answers what the prefetch userdb cannot: LMTP
-- deliveries and doveadm.
function auth_userdb_lookup(req)
  local role = req:var_expand("%%{master_user}")
  local out, status = call("user", {organization_id = organization_id, user = req.user, role_id = role})
  if out == nil then
    dovecot.i_warning("mailgate: no user lookup (HTTP status " .. tostring(status) .. ")")
    return dovecot.auth.USERDB_RESULT_INTERNAL_FAILURE, "mailgate unavailable"
  end
  if out.result ~= "ok" then
    return dovecot.auth.USERDB_RESULT_USER_UNKNOWN, ""
  end
  return dovecot.auth.USERDB_RESULT_OK, session_fields(req, out, role)
end
`
