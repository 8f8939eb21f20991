package store

import (
	"context"
	"time"
)

// Audit keeps the audit trail (internal/audit writes it, CloudTrail's
// LookupEvents reads it): one record per event, the CloudTrail JSON as
// written, and its lookup keys. Records are listed newest first, by
// (time, event ID), so a page continues from the last record of the one
// before whatever is written meanwhile.
type Audit interface {
	// PutAuditRecords stores records; inside InTx it joins the
	// transaction. The event row (which lists its keys) is written
	// unless EventStored; the key rows unless KeysLater (those already
	// there are skipped), with the record's own event ID. A write's
	// transaction stores its record with KeysLater, cheaply; the keys
	// follow with EventStored.
	PutAuditRecords(ctx context.Context, recs []AuditRecord) error
	// LookupAuditRecords lists an account's records, newest first; with
	// a Key, as far as their keys are written.
	LookupAuditRecords(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
	// AuditRecordsAfter lists the records of every account that come
	// after the cursor, oldest first, their Keys filled in: to write the
	// keys a crash left unwritten.
	AuditRecordsAfter(ctx context.Context, after AuditCursor, limit int) ([]AuditRecord, error)
	// LastAuditTime is the time of the newest record (zero when none).
	LastAuditTime(ctx context.Context) (time.Time, error)
	// PruneAuditRecords deletes at most limit records older than before
	// (a few more when several share the boundary time), in one short
	// transaction, and reports how many it deleted.
	PruneAuditRecords(ctx context.Context, before time.Time, limit int) (int, error)
}

// AuditRecord is one stored audit event.
type AuditRecord struct {
	EventID   string
	AccountID string // the account whose trail holds it
	Time      time.Time
	// Keys are the values it is found by (every resource name and type
	// of the event, its name, user name, ...); the event ID is its own key.
	Keys []AuditKey
	// Doc is the CloudTrail record, JSON.
	Doc []byte
	// EventStored: the event row is in the store already; only the keys
	// are to be written. KeysLater: the event row only.
	EventStored, KeysLater bool
}

// AuditKey is one lookup attribute of a record. Attr is a CloudTrail
// LookupAttributeKey ("EventName", "Username", ...).
type AuditKey struct{ Attr, Value string }

// AuditKeyEventID is the lookup attribute of the record's ID: the store
// writes it with the record's keys.
const AuditKeyEventID = "EventId"

// AuditQuery selects records of one account.
type AuditQuery struct {
	AccountID string
	// Key filters on one lookup attribute; nil lists every record.
	Key *AuditKey
	// From and To bound the event time, inclusive; zero is unbounded.
	From, To time.Time
	// Before continues a listing after the last record of a page.
	Before *AuditCursor
	Limit  int
}

// AuditCursor is the position of a record in a listing.
type AuditCursor struct {
	Time    time.Time
	EventID string
}
