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

// PutAuditRecords inserts the records and their keys with multi-row
// INSERTs, in the transaction of ctx or its own.
func (db *DB) PutAuditRecords(ctx context.Context, recs []store.AuditRecord) error {
	if len(recs) == 0 {
		return nil
	}
	var events, keys [][]any
	for _, r := range recs {
		t := toNanos(r.Time)
		events = append(events, []any{r.EventID, r.AccountID, t, string(r.Doc)})
		seen := map[store.AuditKey]bool{}
		for _, k := range r.Keys {
			if k.Value == "" || k.Attr == store.AuditKeyEventID || seen[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, []any{r.AccountID, k.Attr, k.Value, t, r.EventID})
		}
	}
	return db.write(ctx, func(c conn) error {
		if err := insertRows(ctx, c, `INSERT INTO audit_events (event_id, account_id, event_time, doc) VALUES `, events); err != nil {
			return err
		}
		return insertRows(ctx, c, `INSERT INTO audit_event_keys (account_id, attr, value, event_time, event_id) VALUES `, keys)
	})
}

// insertRows runs prefix with rows as VALUES tuples, a chunk at a time.
func insertRows(ctx context.Context, c conn, prefix string, rows [][]any) error {
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
		if _, err := c.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// LookupAuditRecords reads one range of an index, newest first: the keys
// of one (attribute, value), or the account's events by time.
func (db *DB) LookupAuditRecords(ctx context.Context, q store.AuditQuery) ([]store.AuditRecord, error) {
	var where []string
	var args []any
	from := `audit_events e`
	col := func(c string) string { return "e." + c }
	switch {
	case q.Key != nil && q.Key.Attr == store.AuditKeyEventID:
		where, args = append(where, "e.event_id = ?"), append(args, q.Key.Value)
	case q.Key != nil:
		from = `audit_event_keys k JOIN audit_events e ON e.event_id = k.event_id`
		col = func(c string) string { return "k." + c }
		where, args = append(where, "k.attr = ?", "k.value = ?"), append(args, q.Key.Attr, q.Key.Value)
	}
	where, args = append(where, col("account_id")+" = ?"), append(args, q.AccountID)
	if !q.From.IsZero() {
		where, args = append(where, col("event_time")+" >= ?"), append(args, toNanos(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, col("event_time")+" <= ?"), append(args, toNanos(q.To))
	}
	if q.Before != nil {
		// A row value: both dialects read it as one range of the index.
		where = append(where, "("+col("event_time")+", "+col("event_id")+") < (?, ?)")
		args = append(args, toNanos(q.Before.Time), q.Before.EventID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	query := `SELECT e.event_id, e.account_id, e.event_time, e.doc FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + col("event_time") + ` DESC, ` + col("event_id") + ` DESC LIMIT ?`
	return queryAll(ctx, db.reader(ctx), scanAuditRecord, query, args...)
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
// each DELETE is one short range of the time indexes.
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
