package workmail

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Unit tests of the mailbox password checks: the complexity rule, the
// argon2id hashes and their verification. (The API's answers to weak
// passwords are in sdk_test.go.)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, password, user string
		ok                   bool
	}{
		{"eight-characters-four-classes", "Abcdef1!", "jane", true},
		{"seven-characters", "Abcde1!", "jane", false},
		{"length-in-characters-not-bytes", "Äbcdé1!", "jane", false},
		{"eight-characters-with-accents", "Äbcdéfg1", "jane", true},
		{"two-classes", "abcdefgh12", "jane", false},
		{"lower-upper-digit", "Abcdefgh1", "jane", true},
		{"lower-upper-other", "Abcdefgh!", "jane", true},
		{"lower-digit-other", "abcdefg1!", "jane", true},
		{"upper-digit-other", "ABCDEFG1!", "jane", true},
		{"unicode-cases", "ÉÇÀéçàab", "jane", false}, // upper and lower only
		{"unicode-cases-and-digit", "ÉÇÀéçà12", "jane", true},
		{"one-class-long", strings.Repeat("a", 64), "jane", false},
		{"contains-the-user-name", "MyJANE-pass1", "jane", false},
		{"contains-the-local-part", "xJane.Doe-1", "jane.doe@example.com", false},
		{"domain-does-not-count", "Example-Pass1", "jane@example.com", true},
		{"short-user-names-do-not-count", "Jo-Secret1", "jo", true},
		{"no-user-name", "Abcdef1!", "", true},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			err := checkPassword(tc.password, tc.user)
			if tc.ok != (err == nil) {
				t.Fatalf("checkPassword(%q, %q) = %v, want ok %v", tc.password, tc.user, err, tc.ok)
			}
			if err != nil && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("the error echoes the password: %v", err)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	const password = "Corr3ct-Horse"
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	h1, err := hashPassword(password)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("method=hashPassword/case=phc-format-and-salted", func(t *testing.T) {
		h2, err := hashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		if !phc.MatchString(h1) || !phc.MatchString(h2) {
			t.Fatalf("hashes %q %q", h1, h2)
		}
		if h1 == h2 {
			t.Fatal("two hashes of one password are equal: no salt")
		}
		if strings.Contains(h1, password) {
			t.Fatal("the hash holds the password")
		}
	})
	t.Run("method=verifyHash/case=right-and-wrong-passwords", func(t *testing.T) {
		for pw, want := range map[string]bool{password: true, "corr3ct-horse": false, password + " ": false, "": false} {
			if ok, err := verifyHash(h1, pw); err != nil || ok != want {
				t.Errorf("verifyHash(%q) = %v %v, want %v", pw, ok, err, want)
			}
		}
	})
	t.Run("method=verifyHash/case=parameters-recorded-in-the-hash", func(t *testing.T) {
		salt := []byte("0123456789abcdef")
		key := argon2.IDKey([]byte(password), salt, 1, 64, 2, 16)
		b64 := base64.RawStdEncoding
		h := fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=2$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
		if ok, err := verifyHash(h, password); err != nil || !ok {
			t.Fatalf("a hash with other parameters: %v %v", ok, err)
		}
		if ok, err := verifyHash(h, "other"); err != nil || ok {
			t.Fatalf("a wrong password against it: %v %v", ok, err)
		}
	})
	t.Run("method=verifyHash/case=malformed", func(t *testing.T) {
		parts := strings.Split(h1, "$") // "", argon2id, v=19, m=...,t=...,p=..., salt, key
		with := func(i int, v string) string {
			p := append([]string(nil), parts...)
			p[i] = v
			return strings.Join(p, "$")
		}
		for name, h := range map[string]string{
			"empty":         "",
			"plain-text":    password,
			"too-few-parts": strings.Join(parts[:5], "$"),
			"argon2i":       with(1, "argon2i"),
			"bcrypt":        "$2a$10$abcdefghijklmnopqrstuv",
			"other-version": with(2, "v=16"),
			"no-version":    with(2, "x"),
			"bad-params":    with(3, "m=x,t=2,p=1"),
			"bad-salt":      with(4, "!!!"),
			"bad-key":       with(5, "!!!"),
			"empty-key":     with(5, ""),
		} {
			if ok, err := verifyHash(h, password); ok || !errors.Is(err, errBadHash) {
				t.Errorf("%s: verifyHash(%q) = %v %v, want errBadHash", name, h, ok, err)
			}
		}
	})
	t.Run("method=verifyHash/case=dummy-hash", func(t *testing.T) {
		if !phc.MatchString(dummyHash) {
			t.Fatalf("dummy hash %q", dummyHash)
		}
		if ok, err := verifyHash(dummyHash, password); err != nil || ok {
			t.Fatalf("the dummy hash verified: %v %v", ok, err)
		}
	})
}
