package arn

import "testing"

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		in                string
		owner, path, name string
		ok                bool
	}{
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", "aws", "/", "ReadOnlyAccess", true},
		{"arn:aws:iam::123456789012:policy/a/b/P", "123456789012", "/a/b/", "P", true},
		{"arn:aws:iam::123456789012:policy/a/", "", "", "", false},
		{"arn:aws:iam:us-east-1:123456789012:policy/P", "", "", "", false},
		{"arn:aws:iam::123456789012:role/R", "", "", "", false},
		{"not-an-arn", "", "", "", false},
		{"arn::iam::1:policy/P", "", "", "", false},
	} {
		o, p, n, ok := Policy(c.in)
		if o != c.owner || p != c.path || n != c.name || ok != c.ok {
			t.Errorf("Policy(%q) = %q %q %q %v", c.in, o, p, n, ok)
		}
	}
}

func TestIAMEntity(t *testing.T) {
	a, k, p, n, ok := IAMEntity("arn:aws:iam::123456789012:role/svc/R", "role", "user")
	if a != "123456789012" || k != "role" || p != "/svc/" || n != "R" || !ok {
		t.Fatalf("got %q %q %q %q %v", a, k, p, n, ok)
	}
	if _, _, _, _, ok := IAMEntity("arn:aws:iam::123456789012:group/G", "role", "user"); ok {
		t.Fatal("group accepted where only roles and users are asked for")
	}
	if _, _, _, _, ok := IAMEntity("arn:aws:sts::123456789012:role/R", "role"); ok {
		t.Fatal("an sts ARN is not an IAM entity")
	}
}

func TestAccount(t *testing.T) {
	for in, want := range map[string]string{"*": "", "arn:aws:workmail:us-east-1:111122223333:organization/m-1": "111122223333", "arn:aws:iam::aws:policy/X": "aws"} {
		if got := Account(in); got != want {
			t.Errorf("Account(%q) = %q, want %q", in, got, want)
		}
	}
}
