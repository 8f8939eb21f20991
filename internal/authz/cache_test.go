package authz

import (
	"fmt"
	"testing"
)

func TestPolicyCache(t *testing.T) {
	c := newPolicyCache(3)
	k := policyKey{entityID: "AIDA1", partition: "aws"}
	pp := &PrincipalPolicies{}
	c.put(k, 5, pp)
	if c.get(k, 5) != pp {
		t.Fatal("miss at the stored generation")
	}
	for _, g := range []int64{0, 4, 6} {
		if c.get(k, g) != nil {
			t.Fatalf("hit at generation %d, stored at 5", g)
		}
	}
	if c.get(policyKey{entityID: "AIDA1", partition: "aws-cn"}, 5) != nil {
		t.Fatal("hit in another partition")
	}
	// An older load does not replace a newer one; a newer does.
	c.put(k, 4, &PrincipalPolicies{})
	if c.get(k, 5) != pp {
		t.Fatal("older generation replaced the newer")
	}
	newer := &PrincipalPolicies{}
	c.put(k, 6, newer)
	if c.get(k, 6) != newer || c.get(k, 5) != nil || c.len() != 1 {
		t.Fatal("newer generation not stored in place")
	}
	// Bounded.
	for i := 0; i < 10; i++ {
		c.put(policyKey{entityID: fmt.Sprint("AROA", i), partition: "aws"}, 1, pp)
		if c.len() > 3 {
			t.Fatalf("%d entries, max 3", c.len())
		}
	}
	c.reset()
	if c.len() != 0 {
		t.Fatal("reset kept entries")
	}
}
