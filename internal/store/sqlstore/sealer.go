package sqlstore

import "github.com/mailgate/mailgate/internal/store"

var _ store.Sealer = (*DB)(nil)

// SealSecret implements store.Sealer with the store's secretbox.
func (db *DB) SealSecret(plaintext, aad string) string { return db.box.Seal(plaintext, aad) }

// OpenSecret implements store.Sealer.
func (db *DB) OpenSecret(sealed, aad string) (string, error) { return db.box.Open(sealed, aad) }
