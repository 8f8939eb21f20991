package sqlstore

import "github.com/mailgate/mailgate/internal/store"

// SealSecret seals a secret a service keeps inside one of its records
// (store.Sealer), bound to aad.
func (db *DB) SealSecret(plaintext, aad string) string { return db.box.Seal(plaintext, aad) }

// OpenSecret opens what SealSecret sealed with the same aad.
func (db *DB) OpenSecret(sealed, aad string) (string, error) { return db.box.Open(sealed, aad) }

var _ store.Sealer = (*DB)(nil)
