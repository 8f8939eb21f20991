package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// auditRowsPerInsert bounds the rows of one multi-row INSERT: well under
// SQLite's and PostgreSQL's placeholder limits.
const auditRowsPerInsert = 200

// PutAuditRecords inserts the event rows and the keys with multi-row
// INSERTs, in the transaction of ctx or its own. Keys already there are
// skipped: writing a record's keys again (after a crash) is harmless.
func (db *DB) PutAuditRecords(ctx context.Context, recs []store.AuditRecord) error {
	var events, keys [][]any
	for _, r := range recs {
		t := toNanos(r.Time)
		if !r.EventStored {
			kb, err := json.Marshal(r.Keys)
			if err != nil {
				return err
			}
			events = append(events, []any{t, r.EventID, r.AccountID, string(r.Doc), string(kb)})
		}
		if !r.KeysLater {
			keys = append(keys, auditKeyRows(r)...)
		}
	}
	if len(events) == 0 && len(keys) == 0 {
		return nil
	}
	return db.write(ctx, func(c conn) error {
		if err := insertRows(ctx, c, `INSERT INTO audit_events (event_time, event_id, account_id, doc, lookup_keys) VALUES `, "", events); err != nil {
			return err
		}
		return insertRows(ctx, c, `INSERT INTO audit_event_keys (account_id, attr, value, event_time, event_id) VALUES `, ` ON CONFLICT DO NOTHING`, keys)
	})
}

// auditKeyRows are the rows of audit_event_keys of a record: its keys
// and its own (event ID, every event), once each.
func auditKeyRows(r store.AuditRecord) [][]any {
	t := toNanos(r.Time)
	seen := map[store.AuditKey]bool{}
	own := []store.AuditKey{{Attr: store.AuditKeyEventID, Value: r.EventID}}
	var rows [][]any
	for _, k := range append(own, r.Keys...) {
		if k.Value == "" || seen[k] {
			continue
		}
		seen[k] = true
		rows = append(rows, []any{r.AccountID, k.Attr, k.Value, t, r.EventID})
	}
	return rows
}

// insertRows runs prefix with rows as VALUES tuples, then suffix, a
// chunk at a time.
func insertRows(ctx context.Context, c conn, prefix, suffix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return valuesRows(ctx, c, prefix, "("+strings.Repeat("?,", len(rows[0])-1)+"?)", suffix, rows)
}

// valuesRows runs prefix, rows as tuples in the shape of tuple, then
// suffix, a chunk at a time.
func valuesRows(ctx context.Context, c conn, prefix, tuple, suffix string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), auditRowsPerInsert)
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, n*len(rows[0]))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(tuple)
			args = append(args, r...)
		}
		b.WriteString(suffix)
		if _, err := c.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// LookupAuditRecords reads one range of an index, newest first: the
// keys of one (attribute, value) and the events they name, or, without
// a filter, the events by time.
func (db *DB) LookupAuditRecords(ctx context.Context, q store.AuditQuery) ([]store.AuditRecord, error) {
	from, col := `audit_events e`, "e."
	var where []string
	var args []any
	if q.Key != nil {
		from, col = `audit_event_keys k JOIN audit_events e ON e.event_time = k.event_time AND e.event_id = k.event_id`, "k."
		where, args = append(where, "k.attr = ?", "k.value = ?"), append(args, q.Key.Attr, q.Key.Value)
	}
	where, args = append(where, col+"account_id = ?"), append(args, q.AccountID)
	if !q.From.IsZero() {
		where, args = append(where, col+"event_time >= ?"), append(args, toNanos(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, col+"event_time <= ?"), append(args, toNanos(q.To))
	}
	if q.Before != nil {
		// A row value: both dialects read it as one range of the index.
		where = append(where, "("+col+"event_time, "+col+"event_id) < (?, ?)")
		args = append(args, toNanos(q.Before.Time), q.Before.EventID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	query := `SELECT e.event_id, e.account_id, e.event_time, e.doc FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + col + `event_time DESC, ` + col + `event_id DESC LIMIT ?`
	return queryAll(ctx, db.reader(ctx), scanAuditRecord, query, args...)
}

// AuditRecordsAfter lists records after a position, oldest first.
func (db *DB) AuditRecordsAfter(ctx context.Context, after store.AuditCursor, limit int) ([]store.AuditRecord, error) {
	return queryAll(ctx, db.reader(ctx), scanAuditRecordKeys, `SELECT event_id, account_id, event_time, doc, lookup_keys FROM audit_events
		WHERE (event_time, event_id) > (?, ?) ORDER BY event_time, event_id LIMIT ?`, toNanos(after.Time), after.EventID, limit)
}

func scanAuditRecordKeys(s scanner) (*store.AuditRecord, error) {
	var r store.AuditRecord
	var t int64
	var doc, keys string
	if err := s.Scan(&r.EventID, &r.AccountID, &t, &doc, &keys); err != nil {
		return nil, err
	}
	r.Time, r.Doc = fromNanos(t), []byte(doc)
	return &r, json.Unmarshal([]byte(keys), &r.Keys)
}

// LastAuditTime is the time of the newest record.
func (db *DB) LastAuditTime(ctx context.Context) (time.Time, error) {
	var n *int64
	if err := db.reader(ctx).QueryRow(ctx, `SELECT MAX(event_time) FROM audit_events`).Scan(&n); err != nil || n == nil {
		return time.Time{}, err
	}
	return fromNanos(*n), nil
}

func scanAuditRecord(s scanner) (*store.AuditRecord, error) {
	var r store.AuditRecord
	var t int64
	var doc string
	if err := s.Scan(&r.EventID, &r.AccountID, &t, &doc); err != nil {
		return nil, err
	}
	r.Time, r.Doc = fromNanos(t), []byte(doc)
	return &r, nil
}

// PruneAuditRecords deletes the oldest records before the cutoff, at
// most limit, with exactly their keys (listed in each event row): point
// deletes by primary key, in one short transaction.
func (db *DB) PruneAuditRecords(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int
	err := db.write(ctx, func(c conn) error {
		old, err := queryAll(ctx, c, scanAuditRecordKeys, `SELECT event_id, account_id, event_time, '', lookup_keys FROM audit_events
			WHERE event_time < ? ORDER BY event_time, event_id LIMIT ?`, toNanos(before), limit)
		if err != nil {
			return err
		}
		var keys, events [][]any
		for _, r := range old {
			keys = append(keys, auditKeyRows(r)...)
			events = append(events, []any{toNanos(r.Time), r.EventID})
		}
		// The casts type the VALUES for PostgreSQL.
		if err := valuesRows(ctx, c, `DELETE FROM audit_event_keys WHERE (account_id, attr, value, event_time, event_id) IN (VALUES `,
			`(?, ?, ?, CAST(? AS BIGINT), ?)`, ")", keys); err != nil {
			return err
		}
		n = len(events)
		return valuesRows(ctx, c, `DELETE FROM audit_events WHERE (event_time, event_id) IN (VALUES `, `(CAST(? AS BIGINT), ?)`, ")", events)
	})
	return n, err
}
