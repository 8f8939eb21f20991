package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMobileDeviceRules: a rule added, its effect tested on a device it
// names and on one it does not, a refused rule's error next to its
// field, and the rule deleted.
func TestMobileDeviceRules(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.signIn(e.KeyID, e.Secret)
	base := "/console/organizations/" + c.createOrg("mobile") + "/mobile-device-rules"
	_, _, page := c.get(base)
	token := csrf(t, page)
	if status, loc, body := c.post(base, url.Values{"csrf_token": {token}, "name": {"no-iphones"}, "effect": {"DENY"}, "deviceTypes": {"iPhone"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=rule-saved") {
		t.Fatalf("create: %d %q\n%s", status, loc, body)
	}
	effect := func(device string) string {
		t.Helper()
		status, _, body := c.post(base+"/effect", url.Values{"csrf_token": {token}, "deviceType": {device}})
		i := strings.Index(body, `id="effect-result"`)
		if status != http.StatusOK || i < 0 {
			t.Fatalf("effect for %s: %d\n%s", device, status, body)
		}
		return body[i : strings.Index(body[i:], "</div>")+i]
	}
	if got := effect("iPhone"); !strings.Contains(got, "DENY") || !strings.Contains(got, "no-iphones") {
		t.Fatalf("iPhone: %s", got)
	}
	if got := effect("Android"); !strings.Contains(got, "ALLOW") || strings.Contains(got, "no-iphones") {
		t.Fatalf("Android: %s", got)
	}
	// No name: the model's constraint, next to the name field.
	status, _, body := c.post(base, url.Values{"csrf_token": {token}, "effect": {"DENY"}, "deviceTypes": {"iPad"}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="rule-name-error"`) {
		t.Fatalf("no name: %d\n%s", status, body)
	}
	_, _, page = c.get(base)
	// (Organizations start with a default rule allowing every device.)
	id := firstMatch(`name="id" value="([^"]+)">\s*<button type="submit" data-confirm="Delete the rule no-iphones\?"`, page)
	if status, loc, _ := c.post(base+"/delete", url.Values{"csrf_token": {token}, "id": {id}}); status != http.StatusSeeOther || !strings.Contains(loc, "rule-deleted") {
		t.Fatalf("delete: %d %q", status, loc)
	}
	if _, _, page = c.get(base); strings.Contains(page, "no-iphones") {
		t.Fatalf("the rule is still there:\n%s", page)
	}
}
