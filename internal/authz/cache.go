package authz

import "sync"

// policyCacheSize bounds the principals whose policies the engine keeps.
const policyCacheSize = 4096

// policyCache keeps the compiled policies of recently seen users and
// roles, each with the account's authorization generation it was loaded
// at. Authentication reads the generation with the principal on every
// request, and every store write that can change what a principal may
// do moves its account's generation in the write's own transaction, so
// an entry is used only while nothing it depends on has changed, on this
// replica or any other: the first request after a write acknowledged
// anywhere reads the new generation, misses, and loads the policies
// again. Policies loaded after reading generation g are at least as new
// as g, so an entry stored under g is never older than what g promises.
//
// One entry per principal and partition; when full, an arbitrary entry
// (Go's map iteration order) makes room.
type policyCache struct {
	mu  sync.RWMutex
	max int
	m   map[policyKey]policyEntry
}

type policyKey struct{ entityID, partition string }

type policyEntry struct {
	gen int64
	pp  *PrincipalPolicies // shared: never modified once stored
}

func newPolicyCache(max int) *policyCache {
	return &policyCache{max: max, m: make(map[policyKey]policyEntry)}
}

// get returns the policies stored for k at exactly generation gen.
func (c *policyCache) get(k policyKey, gen int64) *PrincipalPolicies {
	c.mu.RLock()
	en, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || en.gen != gen {
		return nil
	}
	return en.pp
}

// put stores pp for k at gen, unless a newer generation is stored.
func (c *policyCache) put(k policyKey, gen int64, pp *PrincipalPolicies) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if en, ok := c.m[k]; ok {
		if en.gen > gen {
			return
		}
	} else if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = policyEntry{gen: gen, pp: pp}
}

// reset forgets every entry (the test mode's reset: generations restart
// with the wiped store).
func (c *policyCache) reset() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// len is the number of entries (tests).
func (c *policyCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
