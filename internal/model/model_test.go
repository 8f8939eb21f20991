package model

import "testing"

func TestLoadAll(t *testing.T) {
	for _, n := range ServiceNames {
		s := Get(n)
		if s == nil || len(s.Operations) == 0 {
			t.Fatalf("%s: not loaded", n)
		}
	}
	wm := Get("workmail")
	if wm.TargetPrefix != "WorkMailService" || wm.Protocol != "json" {
		t.Fatalf("workmail metadata: %+v", wm)
	}
	org := wm.Shapes["OrganizationId"]
	if !org.Pattern.MatchString("m-0123456789abcdef0123456789abcdef") || org.Pattern.MatchString("m-0123") {
		t.Fatal("OrganizationId pattern")
	}
	on := wm.Shapes["OrganizationName"]
	if on.Pattern.MatchString("d-abc") || !on.Pattern.MatchString("my-org") {
		t.Fatal("OrganizationName pattern (look-ahead)")
	}
	if iam := Get("iam"); !iam.Shapes["pathType"].Pattern.MatchString("/a/b/") || iam.Shapes["pathType"].Pattern.MatchString("a") {
		t.Fatal("pathType")
	}
	if op := Get("iam").Operations["CreateRole"]; op.ResultWrapper != "CreateRoleResult" {
		t.Fatal(op.ResultWrapper)
	}
	if p := wm.Operations["ListUsers"].Paginator; p == nil || p.LimitKey != "MaxResults" {
		t.Fatal("paginator")
	}
	if o := wm.Shapes["User"].Order; o[0] != "Id" {
		t.Fatal(o)
	}
}
