package sqlstore

import (
	"context"
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
			events = append(events, []any{t, r.EventID, r.AccountID, string(r.Doc)})
		}
		if r.Keys == nil {
			continue
		}
		seen := map[store.AuditKey]bool{}
		own := []store.AuditKey{{Attr: store.AuditKeyAll}, {Attr: store.AuditKeyEventID, Value: r.EventID}}
		for _, k := range append(own, r.Keys...) {
			if (k.Value == "" && k.Attr != store.AuditKeyAll) || seen[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, []any{r.AccountID, k.Attr, k.Value, t, r.EventID})
		}
	}
	if len(events) == 0 && len(keys) == 0 {
		return nil
	}
	return db.write(ctx, func(c conn) error {
		if err := insertRows(ctx, c, `INSERT INTO audit_events (event_time, event_id, account_id, doc) VALUES `, "", events); err != nil {
			return err
		}
		return insertRows(ctx, c, `INSERT INTO audit_event_keys (account_id, attr, value, event_time, event_id) VALUES `, ` ON CONFLICT DO NOTHING`, keys)
	})
}

// insertRows runs prefix with rows as VALUES tuples, then suffix, a
// chunk at a time.
func insertRows(ctx context.Context, c conn, prefix, suffix string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), auditRowsPerInsert)
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, n*len(rows[0]))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(strings.Repeat("?,", len(r)-1))
			b.WriteString("?)")
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

// LookupAuditRecords reads one range of the keys' index, newest first,
// and the events it names.
func (db *DB) LookupAuditRecords(ctx context.Context, q store.AuditQuery) ([]store.AuditRecord, error) {
	key := store.AuditKey{Attr: store.AuditKeyAll}
	if q.Key != nil {
		key = *q.Key
	}
	where := []string{"k.account_id = ?", "k.attr = ?", "k.value = ?"}
	args := []any{q.AccountID, key.Attr, key.Value}
	if !q.From.IsZero() {
		where, args = append(where, "k.event_time >= ?"), append(args, toNanos(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, "k.event_time <= ?"), append(args, toNanos(q.To))
	}
	if q.Before != nil {
		// A row value: both dialects read it as one range of the index.
		where = append(where, "(k.event_time, k.event_id) < (?, ?)")
		args = append(args, toNanos(q.Before.Time), q.Before.EventID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	query := `SELECT e.event_id, e.account_id, e.event_time, e.doc FROM audit_event_keys k
		JOIN audit_events e ON e.event_time = k.event_time AND e.event_id = k.event_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY k.event_time DESC, k.event_id DESC LIMIT ?`
	return queryAll(ctx, db.reader(ctx), scanAuditRecord, query, args...)
}

// AuditRecordsAfter lists records after a position, oldest first.
func (db *DB) AuditRecordsAfter(ctx context.Context, after store.AuditCursor, limit int) ([]store.AuditRecord, error) {
	return queryAll(ctx, db.reader(ctx), scanAuditRecord, `SELECT event_id, account_id, event_time, doc FROM audit_events
		WHERE (event_time, event_id) > (?, ?) ORDER BY event_time, event_id LIMIT ?`, toNanos(after.Time), after.EventID, limit)
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

// PruneAuditRecords deletes the oldest records before the cutoff, about
// limit at a time: the batch ends at the time of the limit-th oldest, so
// each DELETE is one short range of an index by time.
func (db *DB) PruneAuditRecords(ctx context.Context, before time.Time, limit int) (int, error) {
	cut := toNanos(before)
	var bound int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT event_time FROM audit_events WHERE event_time < ? ORDER BY event_time LIMIT 1 OFFSET ?`, cut, limit-1).Scan(&bound)
	switch {
	case err == nil:
		cut = bound + 1
	case notFound(err) != store.ErrNotFound:
		return 0, err
	}
	var n int64
	err = db.write(ctx, func(c conn) error {
		if _, err := c.Exec(ctx, `DELETE FROM audit_event_keys WHERE event_time < ?`, cut); err != nil {
			return err
		}
		res, err := c.Exec(ctx, `DELETE FROM audit_events WHERE event_time < ?`, cut)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
