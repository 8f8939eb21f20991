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
	// transaction, so a write and its record commit together.
	PutAuditRecords(ctx context.Context, recs []AuditRecord) error
	// LookupAuditRecords lists an account's records, newest first.
	LookupAuditRecords(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
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
}

// AuditKey is one lookup attribute of a record. Attr is a CloudTrail
// LookupAttributeKey ("EventName", "Username", ...).
type AuditKey struct{ Attr, Value string }

// AuditKeyEventID is the lookup attribute answered from the record's ID.
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
