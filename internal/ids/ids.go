// Package ids makes identifiers in the shapes AWS uses, so client code that
// checks them (prefix, length, alphabet) accepts mailgate's.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"math/big"
	"strings"
)

// Unique-ID prefixes (IAM "unique identifiers").
const (
	PrefixAccessKey     = "AKIA" // long-term access key
	PrefixTempAccessKey = "ASIA" // STS temporary access key
	PrefixRole          = "AROA"
	PrefixUser          = "AIDA"
	PrefixGroup         = "AGPA"
	PrefixPolicy        = "ANPA"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Unique returns prefix + 17 characters of [A-Z2-7]: 21 characters, as AWS.
func Unique(prefix string) string {
	return prefix + randomBase32(21-len(prefix))
}

// AccessKeyID returns a 20-character key ID (AKIA/ASIA + 16).
func AccessKeyID(prefix string) string {
	return prefix + randomBase32(20-len(prefix))
}

// SecretAccessKey returns 40 characters of base64 alphabet, as AWS.
func SecretAccessKey() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return randomFrom(alphabet, 40)
}

// AccountID returns a random 12-digit account ID that does not start with 0.
func AccountID() string {
	return randomFrom("123456789", 1) + randomFrom("0123456789", 11)
}

func randomBase32(n int) string {
	b := make([]byte, (n*5+7)/8+1)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToUpper(b32.EncodeToString(b))[:n]
}

func randomFrom(alphabet string, n int) string {
	var sb strings.Builder
	max := big.NewInt(int64(len(alphabet)))
	for i := 0; i < n; i++ {
		x, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		sb.WriteByte(alphabet[x.Int64()])
	}
	return sb.String()
}
