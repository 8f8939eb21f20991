package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGroups: a group created, found by a name prefix, enabled with an
// email address, a user added to it and removed again.
func TestGroups(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	org := c.createOrg("groups")
	base := "/console/organizations/" + org
	_, _, page := c.get(base + "/groups")
	token := csrf(t, page)
	mustRedirect := func(path string, form url.Values, done string) {
		t.Helper()
		form.Set("csrf_token", token)
		if status, loc, body := c.post(path, form); status != http.StatusSeeOther || !strings.Contains(loc, "done="+done) {
			t.Fatalf("%s: %d %q\n%s", path, status, loc, body)
		}
	}
	mustRedirect(base+"/users", url.Values{"name": {"alice"}, "displayName": {"Alice"}}, "user-created")
	mustRedirect(base+"/groups", url.Values{"name": {"staff"}}, "group-created")
	if _, _, list := c.get(base + "/groups?q=sta"); !strings.Contains(list, ">staff</a>") {
		t.Fatalf("search sta:\n%s", list)
	}
	if _, _, list := c.get(base + "/groups?q=zzz"); strings.Contains(list, ">staff</a>") || !strings.Contains(list, "No group whose name starts with") {
		t.Fatalf("search zzz:\n%s", list)
	}
	_, _, list := c.get(base + "/groups")
	group := firstMatch(`/groups/([0-9a-f-]{36})">staff<`, list)
	mustRedirect(base+"/groups/"+group+"/enable", url.Values{"email": {"staff@groups.awsapps.com"}}, "enabled")
	if _, _, list = c.get(base + "/groups"); !strings.Contains(list, "staff@groups.awsapps.com") || !strings.Contains(list, "ENABLED") {
		t.Fatalf("enabled group:\n%s", list)
	}
	mustRedirect(base+"/groups/"+group+"/members", url.Values{"memberId": {"alice"}}, "member-added")
	_, _, g := c.get(base + "/groups/" + group)
	if !strings.Contains(g, "<td>alice</td><td>USER</td>") {
		t.Fatalf("members:\n%s", g)
	}
	// An unknown member is said next to the field.
	status, _, body := c.post(base+"/groups/"+group+"/members", url.Values{"csrf_token": {token}, "memberId": {"nobody"}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="member-memberId-error"`) {
		t.Fatalf("unknown member: %d\n%s", status, body)
	}
	mustRedirect(base+"/groups/"+group+"/members/remove", url.Values{"memberId": {firstMatch(`name="memberId" value="([^"]+)"`, g)}}, "member-removed")
	if _, _, g = c.get(base + "/groups/" + group); !strings.Contains(g, "No member.") {
		t.Fatalf("after removal:\n%s", g)
	}
}
