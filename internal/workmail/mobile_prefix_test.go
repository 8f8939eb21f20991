package workmail

import (
	"strings"
	"testing"
)

// hasPrefixFold answers as lowercasing both strings does, ASCII or not.
func TestHasPrefixFold(t *testing.T) {
	values := []string{"", "iOS 14.3.1 18D61", "IOS", "Android", "android 13", "İstanbul-Phone", "ÄRGER 2", "k", "K"}
	prefixes := []string{"", "ios 14.3", "iOS 14.30", "ANDROID", "i̇stanbul", "İstanbul", "ärger", "\u212a"}
	for _, v := range values {
		for _, p := range prefixes {
			want := strings.HasPrefix(strings.ToLower(v), strings.ToLower(p))
			if got := hasPrefixFold(v, p); got != want {
				t.Errorf("hasPrefixFold(%q, %q) = %v, want %v", v, p, got, want)
			}
		}
	}
}
