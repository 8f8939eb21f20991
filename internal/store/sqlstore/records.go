package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// recordTable is one table of scoped JSON records (store.Record): the
// organization records and the account records share their code and
// differ in table, scope column, and whether the scope must be checked
// live before a write.
type recordTable struct {
	table, scope string
	// live, when set, fails a write to a scope that does not exist.
	live func(ctx context.Context, c conn, scope string) error
}

var (
	orgRecords = recordTable{table: "workmail_org_records", scope: "org_id",
		live: func(ctx context.Context, c conn, orgID string) error { _, err := liveOrg(ctx, c, orgID); return err }}
	accountRecords = recordTable{table: "account_records", scope: "account_id"}
)

func (t recordTable) cols() string {
	return t.scope + `, kind, record_key, doc, created_at, updated_at`
}

func scanRecord(r scanner) (*store.Record, error) {
	var x store.Record
	var doc string
	var created, updated int64
	if err := r.Scan(&x.Scope, &x.Kind, &x.Key, &doc, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	x.Doc = []byte(doc)
	x.CreatedAt, x.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &x, nil
}

func (t recordTable) get(ctx context.Context, c conn, scope, kind, key string) (*store.Record, error) {
	return scanRecord(c.QueryRow(ctx, `SELECT `+t.cols()+` FROM `+t.table+` WHERE `+t.scope+` = ? AND kind = ? AND record_key = ?`, scope, kind, key))
}

func (t recordTable) put(ctx context.Context, db *DB, scope, kind, key string, maxPerKind int, fn func(cur *store.Record) ([]byte, error)) (*store.Record, error) {
	var out *store.Record
	err := db.write(ctx, func(c conn) error {
		out = nil
		if t.live != nil {
			if err := t.live(ctx, c, scope); err != nil {
				return err
			}
		}
		cur, err := t.get(ctx, c, scope, kind, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		doc, err := fn(cur)
		if err != nil || doc == nil {
			out = cur
			return err
		}
		now := toNanos(time.Now())
		if cur != nil {
			_, err := c.Exec(ctx, `UPDATE `+t.table+` SET doc = ?, updated_at = ? WHERE `+t.scope+` = ? AND kind = ? AND record_key = ?`,
				string(doc), now, scope, kind, key)
			out = &store.Record{Scope: scope, Kind: kind, Key: key, Doc: doc, CreatedAt: cur.CreatedAt, UpdatedAt: fromNanos(now)}
			return err
		}
		if maxPerKind > 0 {
			held, err := count(ctx, c, `SELECT COUNT(*) FROM `+t.table+` WHERE `+t.scope+` = ? AND kind = ?`, scope, kind)
			if err != nil {
				return err
			}
			if held >= maxPerKind {
				return store.ErrLimitExceeded
			}
		}
		if _, err := c.Exec(ctx, `INSERT INTO `+t.table+` (`+t.cols()+`) VALUES (?, ?, ?, ?, ?, ?)`,
			scope, kind, key, string(doc), now, now); err != nil {
			return db.raced(err)
		}
		out = &store.Record{Scope: scope, Kind: kind, Key: key, Doc: doc, CreatedAt: fromNanos(now), UpdatedAt: fromNanos(now)}
		return nil
	})
	return out, err
}

func (t recordTable) list(ctx context.Context, c conn, scope, kind, prefix string, p store.Page) ([]store.Record, error) {
	rows, err := c.Query(ctx, `SELECT `+t.cols()+` FROM `+t.table+`
		WHERE `+t.scope+` = ? AND kind = ? AND substr(record_key, 1, ?) = ? AND record_key > ? ORDER BY record_key LIMIT ?`,
		scope, kind, len(prefix), prefix, p.After, pageLimit(p))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (t recordTable) delete(ctx context.Context, db *DB, scope, kind, key string) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM `+t.table+` WHERE `+t.scope+` = ? AND kind = ? AND record_key = ?`, scope, kind, key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s %s: %w", kind, key, store.ErrNotFound)
		}
		return nil
	})
}

func (t recordTable) deleteAll(ctx context.Context, db *DB, scope, kind, prefix string) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM `+t.table+` WHERE `+t.scope+` = ? AND kind = ? AND substr(record_key, 1, ?) = ?`, scope, kind, len(prefix), prefix)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (db *DB) PutOrgRecord(ctx context.Context, orgID, kind, key string, maxPerKind int, fn func(cur *store.Record) ([]byte, error)) (*store.Record, error) {
	return orgRecords.put(ctx, db, orgID, kind, key, maxPerKind, fn)
}

func (db *DB) GetOrgRecord(ctx context.Context, orgID, kind, key string) (*store.Record, error) {
	return orgRecords.get(ctx, db.reader(ctx), orgID, kind, key)
}

func (db *DB) ListOrgRecords(ctx context.Context, orgID, kind, prefix string, p store.Page) ([]store.Record, error) {
	return orgRecords.list(ctx, db.reader(ctx), orgID, kind, prefix, p)
}

func (db *DB) DeleteOrgRecord(ctx context.Context, orgID, kind, key string) error {
	return orgRecords.delete(ctx, db, orgID, kind, key)
}

func (db *DB) DeleteOrgRecords(ctx context.Context, orgID, kind, prefix string) (int, error) {
	return orgRecords.deleteAll(ctx, db, orgID, kind, prefix)
}

func (db *DB) PutAccountRecord(ctx context.Context, accountID, kind, key string, maxPerKind int, fn func(cur *store.Record) ([]byte, error)) (*store.Record, error) {
	return accountRecords.put(ctx, db, accountID, kind, key, maxPerKind, fn)
}

func (db *DB) GetAccountRecord(ctx context.Context, accountID, kind, key string) (*store.Record, error) {
	return accountRecords.get(ctx, db.reader(ctx), accountID, kind, key)
}

func (db *DB) ListAccountRecords(ctx context.Context, accountID, kind, prefix string, p store.Page) ([]store.Record, error) {
	return accountRecords.list(ctx, db.reader(ctx), accountID, kind, prefix, p)
}

func (db *DB) DeleteAccountRecord(ctx context.Context, accountID, kind, key string) error {
	return accountRecords.delete(ctx, db, accountID, kind, key)
}

func (db *DB) DeleteAccountRecords(ctx context.Context, accountID, kind, prefix string) (int, error) {
	return accountRecords.deleteAll(ctx, db, accountID, kind, prefix)
}
