// Package store defines mailgate's persistence: one interface per domain,
// the records they hold, and the sentinel errors every backend returns.
// Backends live below it (sqlstore serves both SQLite and PostgreSQL) and
// prove themselves with the shared conformance suite in storetest.
//
// Writes that read before they write take an updater closure, run inside
// one transaction (dex's pattern): the closure sees the current record and
// returns the new one, so no read-modify-write can interleave with another.
package store

import (
	"context"
	"errors"
)

// Sentinel errors. Backends wrap them; callers test with errors.Is.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrConflict is a uniqueness clash on a secondary key (a name or an
	// email address already taken), as opposed to the primary key.
	ErrConflict = errors.New("store: conflict")
)

// Store is the whole persistence layer.
type Store interface {
	Tx
	Accounts
	Directory
	Impersonation
	IAM
	IdentityProvider
	STS
	Authz
	OrgRecords
	AccountRecords
	Audit
	// Close releases the backend's connections.
	Close() error
}

// Page asks for one page of a listing ordered by key: entries whose key
// sorts after After, at most Limit of them (0 = backend default).
type Page struct {
	After string
	Limit int
}

// Tx runs fn in one write transaction of the backend. Domain methods use
// it internally; it is exported for services that must change several
// domains atomically.
type Tx interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Settings is a small key/value table for server-wide state (bootstrap
// markers, token signing keys).
type Settings interface {
	GetSetting(ctx context.Context, key string) (string, error)
	// PutSettingIfAbsent stores value unless key exists; it returns the
	// value stored under key afterwards (the winner of a race).
	PutSettingIfAbsent(ctx context.Context, key, value string) (string, error)
}
