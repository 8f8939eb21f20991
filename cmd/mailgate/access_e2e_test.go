package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestAccessModelWithAWSCLI drives the WorkMail access model with each
// installed major version of the aws CLI against the real binary: an
// organization with users, a group, a room with a delegate and an
// impersonation role; an access control rule denying IMAP and EWS from
// 10.0.0.0/8 to that role, checked with get-access-control-effect; and
// a FULL_ACCESS grant to the group on a mailbox, listed and revoked.
func TestAccessModelWithAWSCLI(t *testing.T) {
	requireAWSCLI(t)
	clis := awsCLIs(t)
	const keyID, secret = "AKIAACCESSMODELE2E01", "access/model/e2e/secret/key/0123456789abc"
	srv := startServer(t, buildBinary(t), "--data-dir", t.TempDir(), "--root-access-key-id", keyID, "--root-secret-access-key", secret)
	defer srv.stop(t)
	// Debian's v2 predates some WorkMail members; both get the models
	// mailgate serves.
	env := append(awsCLIEnv(keyID, secret), "AWS_DATA_PATH="+workmailModelPath(t))
	for i, c := range clis {
		t.Run("cli="+c.version, func(t *testing.T) {
			cli := func(args ...string) map[string]any {
				t.Helper()
				return awsJSON(t, c.path, env, append([]string{"workmail", "--endpoint-url", srv.endpoint}, args...)...)
			}
			cliFails := func(t *testing.T, args ...string) string {
				t.Helper()
				cmd := exec.Command(c.path, append([]string{"--region", "us-east-1", "workmail", "--endpoint-url", srv.endpoint}, args...)...)
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				if err == nil {
					t.Fatalf("aws workmail %s succeeded: %s", strings.Join(args, " "), out)
				}
				return string(out)
			}
			accessModelFlow(t, cli, cliFails, fmt.Sprintf("acc-e2e-%d-%d", time.Now().UnixNano()%1000000, i))
		})
	}
}

// accessModelFlow is the scenario, run by one CLI; cliFails runs a
// command that must fail and returns its output.
func accessModelFlow(t *testing.T, cli func(args ...string) map[string]any, cliFails func(t *testing.T, args ...string) string, alias string) {
	domain := alias + ".awsapps.com"
	org := cli("create-organization", "--alias", alias)["OrganizationId"].(string)
	id := func(out map[string]any, member string) string { return out[member].(string) }
	users := map[string]string{}
	for _, name := range []string{"alice", "bob"} {
		users[name] = id(cli("create-user", "--organization-id", org, "--name", name, "--display-name", name), "UserId")
		cli("register-to-work-mail", "--organization-id", org, "--entity-id", users[name], "--email", name+"@"+domain)
	}
	staff := id(cli("create-group", "--organization-id", org, "--name", "staff"), "GroupId")
	for _, u := range users {
		cli("associate-member-to-group", "--organization-id", org, "--group-id", staff, "--member-id", u)
	}

	room := id(cli("create-resource", "--organization-id", org, "--name", "boardroom", "--type", "ROOM", "--description", "Tenth floor"), "ResourceId")
	cli("register-to-work-mail", "--organization-id", org, "--entity-id", room, "--email", "boardroom@"+domain)
	cli("associate-delegate-to-resource", "--organization-id", org, "--resource-id", room, "--entity-id", "alice")
	cli("update-resource", "--organization-id", org, "--resource-id", room, "--booking-options", "AutoAcceptRequests=false,AutoDeclineConflictingRequests=true")
	delegates := cli("list-resource-delegates", "--organization-id", org, "--resource-id", "boardroom@"+domain)["Delegates"]
	if want := []any{map[string]any{"Id": users["alice"], "Type": "USER"}}; !reflect.DeepEqual(delegates, want) {
		t.Fatalf("list-resource-delegates: %v, want %v", delegates, want)
	}
	described := cli("describe-resource", "--organization-id", org, "--resource-id", room)
	wantBooking := map[string]any{"AutoAcceptRequests": false, "AutoDeclineRecurringRequests": false, "AutoDeclineConflictingRequests": true}
	if described["State"] != "ENABLED" || described["Type"] != "ROOM" || !reflect.DeepEqual(described["BookingOptions"], wantBooking) {
		t.Fatalf("describe-resource: %v", described)
	}

	// An impersonation rule without targets applies to every user.
	role := id(cli("create-impersonation-role", "--organization-id", org, "--name", "archiver", "--type", "READ_ONLY",
		"--rules", "ImpersonationRuleId=everyone,Effect=ALLOW"), "ImpersonationRoleId")
	// The rule denies IMAP and EWS from 10/8 to the role. An impersonation
	// role acts only through EWS: "Impersonation role ID can only be used
	// with Action EWS" (API reference, GetAccessControlEffect), so the
	// role's effect is asked for EWS, and asking it for IMAP is refused.
	cli("put-access-control-rule", "--organization-id", org, "--name", "no-mail-from-10", "--effect", "DENY",
		"--description", "No IMAP or EWS for the archiver from 10/8", "--actions", "IMAP", "EWS", "--ip-ranges", "10.0.0.0/8", "--impersonation-role-ids", role)
	effect := func(ip, action string, who ...string) (string, []any) {
		t.Helper()
		out := cli(append([]string{"get-access-control-effect", "--organization-id", org, "--ip-address", ip, "--action", action}, who...)...)
		rules, _ := out["MatchedRules"].([]any)
		return out["Effect"].(string), rules
	}
	asRole := []string{"--impersonation-role-id", role}
	if e, rules := effect("10.1.2.3", "EWS", asRole...); e != "DENY" || !reflect.DeepEqual(rules, []any{"no-mail-from-10"}) {
		t.Fatalf("the role from 10.1.2.3: %s %v", e, rules)
	}
	if e, rules := effect("192.0.2.1", "EWS", asRole...); e != "ALLOW" || !reflect.DeepEqual(rules, []any{"default"}) {
		t.Fatalf("the role from 192.0.2.1: %s %v", e, rules)
	}
	// The rule names the role: alice herself may use IMAP from 10/8.
	if e, rules := effect("10.1.2.3", "IMAP", "--user-id", "alice@"+domain); e != "ALLOW" || !reflect.DeepEqual(rules, []any{"default"}) {
		t.Fatalf("alice's IMAP from 10.1.2.3: %s %v", e, rules)
	}
	if msg := cliFails(t, "get-access-control-effect", "--organization-id", org, "--ip-address", "10.1.2.3", "--action", "IMAP", "--impersonation-role-id", role); !strings.Contains(msg, "InvalidParameterException") {
		t.Fatalf("IMAP as the role: %s", msg)
	}

	cli("put-mailbox-permissions", "--organization-id", org, "--entity-id", "bob@"+domain, "--grantee-id", "staff", "--permission-values", "FULL_ACCESS")
	perms := cli("list-mailbox-permissions", "--organization-id", org, "--entity-id", users["bob"])["Permissions"]
	if want := []any{map[string]any{"GranteeId": staff, "GranteeType": "GROUP", "PermissionValues": []any{"FULL_ACCESS"}}}; !reflect.DeepEqual(perms, want) {
		t.Fatalf("list-mailbox-permissions: %v, want %v", perms, want)
	}
	cli("delete-mailbox-permissions", "--organization-id", org, "--entity-id", users["bob"], "--grantee-id", staff)
	if perms := cli("list-mailbox-permissions", "--organization-id", org, "--entity-id", users["bob"])["Permissions"]; len(perms.([]any)) != 0 {
		t.Fatalf("list-mailbox-permissions after the revocation: %v", perms)
	}
}

// workmailModelPath lays out the embedded WorkMail model as an
// AWS_DATA_PATH directory, the way `aws configure add-model` does.
func workmailModelPath(t *testing.T) string {
	t.Helper()
	model, err := os.ReadFile(filepath.Join("..", "..", "internal", "model", "specs", "workmail", "service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "workmail", "2017-10-01")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "service-2.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}
