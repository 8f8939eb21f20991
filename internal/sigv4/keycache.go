package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strings"
	"sync"
)

// keyCacheSize bounds the cache; one entry per secret, day, region and
// service in use.
const keyCacheSize = 4096

type cacheKey struct{ secret, date, region, service string }

// hmacKey holds the derived signing key as precomputed HMAC pads, so a
// request costs one HMAC without allocating.
type hmacKey struct {
	ipad, opad [sha256.BlockSize]byte
}

func newHMACKey(key []byte) *hmacKey {
	// Derived keys are 32 bytes, shorter than the block, so no pre-hashing.
	k := &hmacKey{}
	copy(k.ipad[:], key)
	copy(k.opad[:], key)
	for i := range k.ipad {
		k.ipad[i] ^= 0x36
		k.opad[i] ^= 0x5c
	}
	return k
}

// sum computes HMAC-SHA256(key, msg) into sc.mac.
func (k *hmacKey) sum(sc *scratch, msg []byte) {
	h := sc.h
	h.Reset()
	h.Write(k.ipad[:])
	h.Write(msg)
	inner := h.Sum(sc.inner[:0])
	h.Reset()
	h.Write(k.opad[:])
	h.Write(inner)
	h.Sum(sc.mac[:0])
}

type keyCache struct {
	mu sync.RWMutex
	m  map[cacheKey]*hmacKey
}

func (c *keyCache) get(secret, date, region, service string) *hmacKey {
	ck := cacheKey{secret, date, region, service}
	c.mu.RLock()
	k := c.m[ck]
	c.mu.RUnlock()
	if k != nil {
		return k
	}
	k = newHMACKey(deriveKey(secret, date, region, service))
	// Clone: date/region/service point into the request's header.
	ck = cacheKey{secret, strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[cacheKey]*hmacKey)
	}
	if len(c.m) >= keyCacheSize {
		for old := range c.m { // evict an arbitrary entry
			delete(c.m, old)
			break
		}
	}
	c.m[ck] = k
	c.mu.Unlock()
	return k
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// deriveKey is the SigV4 key derivation chain.
func deriveKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminator)
}

// scratch is per-verification working memory, pooled to keep the hot path
// allocation-free.
type scratch struct {
	h          hash.Hash
	buf, sts   []byte
	inner, mac [sha256.Size]byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{h: sha256.New(), buf: make([]byte, 0, 1024), sts: make([]byte, 0, 256)}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.buf) > 64<<10 { // do not keep huge buffers from odd requests
		sc.buf = make([]byte, 0, 1024)
	}
	scratchPool.Put(sc)
}
