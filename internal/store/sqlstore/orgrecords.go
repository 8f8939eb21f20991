package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

const orgRecordCols = `org_id, kind, record_key, doc, created_at, updated_at`

func scanOrgRecord(r scanner) (*store.OrgRecord, error) {
	var x store.OrgRecord
	var doc string
	var created, updated int64
	if err := r.Scan(&x.OrgID, &x.Kind, &x.Key, &doc, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	x.Doc = []byte(doc)
	x.CreatedAt, x.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &x, nil
}

func getOrgRecord(ctx context.Context, c conn, orgID, kind, key string) (*store.OrgRecord, error) {
	return scanOrgRecord(c.QueryRow(ctx, `SELECT `+orgRecordCols+` FROM workmail_org_records WHERE org_id = ? AND kind = ? AND record_key = ?`, orgID, kind, key))
}

func (db *DB) PutOrgRecord(ctx context.Context, orgID, kind, key string, maxPerKind int, fn func(cur *store.OrgRecord) ([]byte, error)) (*store.OrgRecord, error) {
	var out *store.OrgRecord
	err := db.write(ctx, func(c conn) error {
		out = nil
		if _, err := liveOrg(ctx, c, orgID); err != nil {
			return err
		}
		cur, err := getOrgRecord(ctx, c, orgID, kind, key)
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
			_, err := c.Exec(ctx, `UPDATE workmail_org_records SET doc = ?, updated_at = ? WHERE org_id = ? AND kind = ? AND record_key = ?`,
				string(doc), now, orgID, kind, key)
			out = &store.OrgRecord{OrgID: orgID, Kind: kind, Key: key, Doc: doc, CreatedAt: cur.CreatedAt, UpdatedAt: fromNanos(now)}
			return err
		}
		if maxPerKind > 0 {
			held, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_org_records WHERE org_id = ? AND kind = ?`, orgID, kind)
			if err != nil {
				return err
			}
			if held >= maxPerKind {
				return store.ErrLimitExceeded
			}
		}
		if _, err := c.Exec(ctx, `INSERT INTO workmail_org_records (`+orgRecordCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
			orgID, kind, key, string(doc), now, now); err != nil {
			return db.raced(err)
		}
		out = &store.OrgRecord{OrgID: orgID, Kind: kind, Key: key, Doc: doc, CreatedAt: fromNanos(now), UpdatedAt: fromNanos(now)}
		return nil
	})
	return out, err
}

func (db *DB) GetOrgRecord(ctx context.Context, orgID, kind, key string) (*store.OrgRecord, error) {
	return getOrgRecord(ctx, db.reader(ctx), orgID, kind, key)
}

func (db *DB) ListOrgRecords(ctx context.Context, orgID, kind, prefix string, p store.Page) ([]store.OrgRecord, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT `+orgRecordCols+` FROM workmail_org_records
		WHERE org_id = ? AND kind = ? AND substr(record_key, 1, ?) = ? AND record_key > ? ORDER BY record_key LIMIT ?`,
		orgID, kind, len(prefix), prefix, p.After, pageLimit(p))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OrgRecord
	for rows.Next() {
		r, err := scanOrgRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (db *DB) DeleteOrgRecord(ctx context.Context, orgID, kind, key string) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM workmail_org_records WHERE org_id = ? AND kind = ? AND record_key = ?`, orgID, kind, key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%s %s: %w", kind, key, store.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) DeleteOrgRecords(ctx context.Context, orgID, kind, prefix string) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM workmail_org_records WHERE org_id = ? AND kind = ? AND substr(record_key, 1, ?) = ?`, orgID, kind, len(prefix), prefix)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
