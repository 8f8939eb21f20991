package passhash

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("Corr3ct-Horse")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "Corr3ct") {
		t.Fatalf("hash %q: %v", h, err)
	}
	if ok, err := Verify(h, "Corr3ct-Horse"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := Verify(h, "corr3ct-horse"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := Verify("$bcrypt$x", "p"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("malformed: %v", err)
	}
}
