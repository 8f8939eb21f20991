package ids

import (
	"regexp"
	"testing"
)

// TestShapes: the shapes client code checks of AWS identifiers.
func TestShapes(t *testing.T) {
	unique := regexp.MustCompile(`^(AROA|AIDA|AGPA|ANPA)[A-Z0-9]{17}$`)
	key := regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)
	for i := 0; i < 200; i++ {
		for _, p := range []string{PrefixRole, PrefixUser, PrefixGroup, PrefixPolicy} {
			if id := Unique(p); !unique.MatchString(id) || id[:4] != p {
				t.Fatalf("Unique(%s) = %q", p, id)
			}
		}
		for _, p := range []string{PrefixAccessKey, PrefixTempAccessKey} {
			if id := AccessKeyID(p); !key.MatchString(id) || id[:4] != p {
				t.Fatalf("AccessKeyID(%s) = %q", p, id)
			}
		}
		if s := SecretAccessKey(); !regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`).MatchString(s) {
			t.Fatalf("secret %q", s)
		}
		if a := AccountID(); !regexp.MustCompile(`^[1-9][0-9]{11}$`).MatchString(a) {
			t.Fatalf("account %q", a)
		}
	}
}
