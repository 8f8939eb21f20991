package store

// Sealer seals the secrets a service keeps in its records that must be
// recoverable, as the store seals secret access keys: under the server's
// master key, bound by aad to their owner so that sealed values cannot be
// swapped between records.
type Sealer interface {
	SealSecret(plaintext, aad string) string
	OpenSecret(sealed, aad string) (string, error)
}
