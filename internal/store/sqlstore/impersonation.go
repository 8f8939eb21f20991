package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// ruleDoc is the JSON form of one rule in the rules column.
type ruleDoc struct {
	ID             string   `json:"id"`
	Name           string   `json:"name,omitempty"`
	Description    string   `json:"description,omitempty"`
	Effect         string   `json:"effect"`
	TargetUsers    []string `json:"targetUsers,omitempty"`
	NotTargetUsers []string `json:"notTargetUsers,omitempty"`
}

func encodeRules(rules []store.ImpersonationRule) (string, error) {
	docs := make([]ruleDoc, len(rules))
	for i, r := range rules {
		docs[i] = ruleDoc(r)
	}
	b, err := json.Marshal(docs)
	return string(b), err
}

func decodeRules(s string) ([]store.ImpersonationRule, error) {
	var docs []ruleDoc
	if err := json.Unmarshal([]byte(s), &docs); err != nil {
		return nil, err
	}
	rules := make([]store.ImpersonationRule, len(docs))
	for i, d := range docs {
		rules[i] = store.ImpersonationRule(d)
	}
	return rules, nil
}

const roleCols = `org_id, id, name, type, description, rules, version, client_token, request_hash, created_at, updated_at`

func scanRole(r scanner) (*store.ImpersonationRole, error) {
	var x store.ImpersonationRole
	var rules string
	var token *string
	var created, updated int64
	if err := r.Scan(&x.OrgID, &x.ID, &x.Name, &x.Type, &x.Description, &rules, &x.Version, &token, &x.RequestHash, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	var err error
	if x.Rules, err = decodeRules(rules); err != nil {
		return nil, fmt.Errorf("impersonation role %s: rules: %w", x.ID, err)
	}
	if token != nil {
		x.ClientToken = *token
	}
	x.CreatedAt, x.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &x, nil
}

func getRole(ctx context.Context, c conn, orgID, id string) (*store.ImpersonationRole, error) {
	return scanRole(c.QueryRow(ctx, `SELECT `+roleCols+` FROM workmail_impersonation_roles WHERE org_id = ? AND id = ?`, orgID, id))
}

func (db *DB) CreateImpersonationRole(ctx context.Context, r store.ImpersonationRole, maxPerOrg int) (*store.ImpersonationRole, bool, error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now()
	}
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = r.CreatedAt
	}
	r.Version = 1
	rules, err := encodeRules(r.Rules)
	if err != nil {
		return nil, false, err
	}
	var out *store.ImpersonationRole
	var replayed bool
	err = db.write(ctx, func(c conn) error {
		out, replayed = nil, false
		if _, err := liveOrg(ctx, c, r.OrgID); err != nil {
			return err
		}
		prev, err := byClientToken(ctx, c, scanRole, r.ClientToken, `SELECT `+roleCols+` FROM workmail_impersonation_roles WHERE org_id = ? AND client_token = ?`, r.OrgID, r.ClientToken)
		if err != nil || prev != nil {
			out, replayed = prev, prev != nil
			return err
		}
		if err := idFree(ctx, c, "impersonation role "+r.ID, `SELECT COUNT(*) FROM workmail_impersonation_roles WHERE org_id = ? AND id = ?`, r.OrgID, r.ID); err != nil {
			return err
		}
		if maxPerOrg > 0 {
			held, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_impersonation_roles WHERE org_id = ?`, r.OrgID)
			if err != nil {
				return err
			}
			if held >= maxPerOrg {
				return store.ErrLimitExceeded
			}
		}
		if _, err := c.Exec(ctx, `INSERT INTO workmail_impersonation_roles (`+roleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.OrgID, r.ID, r.Name, r.Type, r.Description, rules, r.Version, nullIfEmpty(r.ClientToken), r.RequestHash,
			toNanos(r.CreatedAt), toNanos(r.UpdatedAt)); err != nil {
			return db.raced(err)
		}
		created := r
		created.CreatedAt, created.UpdatedAt = fromNanos(toNanos(r.CreatedAt)), fromNanos(toNanos(r.UpdatedAt))
		out = &created
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

func (db *DB) GetImpersonationRole(ctx context.Context, orgID, id string) (*store.ImpersonationRole, error) {
	return getRole(ctx, db.reader(ctx), orgID, id)
}

func (db *DB) ListImpersonationRoles(ctx context.Context, orgID string, p store.Page) ([]store.ImpersonationRole, error) {
	return queryAll(ctx, db.reader(ctx), scanRole, `SELECT `+roleCols+` FROM workmail_impersonation_roles WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`,
		orgID, p.After, pageLimit(p))
}

func (db *DB) UpdateImpersonationRole(ctx context.Context, orgID, id string, fn func(*store.ImpersonationRole) error) (*store.ImpersonationRole, error) {
	var out *store.ImpersonationRole
	err := db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, orgID); err != nil {
			return err
		}
		cur, err := getRole(ctx, c, orgID, id)
		if err != nil {
			return err
		}
		next := *cur
		next.Rules = append([]store.ImpersonationRule(nil), cur.Rules...)
		if err := fn(&next); err != nil {
			return err
		}
		res := *cur
		res.Name, res.Type, res.Description, res.Rules = next.Name, next.Type, next.Description, next.Rules
		res.UpdatedAt = fromNanos(toNanos(next.UpdatedAt))
		res.Version = cur.Version + 1
		rules, err := encodeRules(res.Rules)
		if err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `UPDATE workmail_impersonation_roles SET name = ?, type = ?, description = ?, rules = ?, version = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
			res.Name, res.Type, res.Description, rules, res.Version, toNanos(res.UpdatedAt), orgID, id); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `DELETE FROM workmail_impersonation_tokens WHERE org_id = ? AND role_id = ?`, orgID, id); err != nil {
			return err
		}
		out = &res
		return nil
	})
	return out, err
}

func (db *DB) DeleteImpersonationRole(ctx context.Context, orgID, id string) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM workmail_impersonation_roles WHERE org_id = ? AND id = ?`, orgID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("impersonation role %s: %w", id, store.ErrNotFound)
		}
		_, err = c.Exec(ctx, `DELETE FROM workmail_impersonation_tokens WHERE org_id = ? AND role_id = ?`, orgID, id)
		return err
	})
}

const tokenCols = `id, secret_hash, org_id, role_id, role_version, issued_to, issued_at, expires_at`

func (db *DB) CreateImpersonationToken(ctx context.Context, t store.ImpersonationToken) error {
	return db.write(ctx, func(c conn) error {
		v, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_impersonation_roles WHERE org_id = ? AND id = ? AND version = ?`, t.OrgID, t.RoleID, t.RoleVersion)
		if err != nil {
			return err
		}
		if v == 0 {
			return fmt.Errorf("impersonation role %s version %d: %w", t.RoleID, t.RoleVersion, store.ErrNotFound)
		}
		if _, err := c.Exec(ctx, `DELETE FROM workmail_impersonation_tokens WHERE org_id = ? AND role_id = ? AND expires_at < ?`,
			t.OrgID, t.RoleID, toNanos(t.IssuedAt)); err != nil {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO workmail_impersonation_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.SecretHash, t.OrgID, t.RoleID, t.RoleVersion, t.IssuedTo, toNanos(t.IssuedAt), toNanos(t.ExpiresAt))
		if db.isUnique(err) {
			return fmt.Errorf("impersonation token: %w", store.ErrAlreadyExists)
		}
		return err
	})
}

func (db *DB) GetImpersonationToken(ctx context.Context, id string) (*store.ImpersonationToken, error) {
	var t store.ImpersonationToken
	var issued, expires int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT `+tokenCols+` FROM workmail_impersonation_tokens WHERE id = ?`, id).
		Scan(&t.ID, &t.SecretHash, &t.OrgID, &t.RoleID, &t.RoleVersion, &t.IssuedTo, &issued, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	t.IssuedAt, t.ExpiresAt = fromNanos(issued), fromNanos(expires)
	return &t, nil
}

func (db *DB) DeleteExpiredImpersonationTokens(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM workmail_impersonation_tokens WHERE expires_at < ?`, toNanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
