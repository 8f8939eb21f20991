package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

func nowNanos() int64 { return time.Now().UnixNano() }

func (db *DB) GetSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.reader(ctx).QueryRow(ctx, `SELECT value FROM settings WHERE name = ?`, key).Scan(&v)
	return v, notFound(err)
}

func (db *DB) PutSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	var out string
	err := db.write(ctx, func(c conn) error {
		err := c.QueryRow(ctx, `SELECT value FROM settings WHERE name = ?`, key).Scan(&out)
		if err == nil {
			return nil
		}
		if notFound(err) != store.ErrNotFound {
			return err
		}
		out = value
		_, err = c.Exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, key, value)
		return err
	})
	return out, err
}

func (db *DB) CreateAccount(ctx context.Context, a store.Account) error {
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `INSERT INTO accounts (id, created_at) VALUES (?, ?)`, a.ID, toNanos(a.CreatedAt))
		if db.isUnique(err) {
			return fmt.Errorf("account %s: %w", a.ID, store.ErrAlreadyExists)
		}
		return err
	})
}

func (db *DB) GetAccount(ctx context.Context, id string) (*store.Account, error) {
	var a store.Account
	var created int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT id, created_at FROM accounts WHERE id = ?`, id).Scan(&a.ID, &created)
	if err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt = fromNanos(created)
	return &a, nil
}

func (db *DB) ListAccounts(ctx context.Context) ([]store.Account, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT id, created_at FROM accounts ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Account
	for rows.Next() {
		var a store.Account
		var created int64
		if err := rows.Scan(&a.ID, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromNanos(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

func (db *DB) PutAccessKey(ctx context.Context, k store.AccessKey) error {
	sealed := db.box.Seal(k.SecretAccessKey, k.AccessKeyID)
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `INSERT INTO access_keys (access_key_id, account_id, user_name, secret, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			k.AccessKeyID, k.AccountID, k.UserName, sealed, k.Status, toNanos(k.CreatedAt))
		if db.isUnique(err) {
			return fmt.Errorf("access key: %w", store.ErrAlreadyExists)
		}
		return err
	})
}

func (db *DB) GetAccessKey(ctx context.Context, id string) (*store.AccessKey, error) {
	var k store.AccessKey
	var sealed string
	var created int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT access_key_id, account_id, user_name, secret, status, created_at FROM access_keys WHERE access_key_id = ?`, id).
		Scan(&k.AccessKeyID, &k.AccountID, &k.UserName, &sealed, &k.Status, &created)
	if err != nil {
		return nil, notFound(err)
	}
	if k.SecretAccessKey, err = db.box.Open(sealed, k.AccessKeyID); err != nil {
		return nil, err
	}
	k.CreatedAt = fromNanos(created)
	return &k, nil
}

func (db *DB) DeleteAccessKey(ctx context.Context, id string) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM access_keys WHERE access_key_id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}
