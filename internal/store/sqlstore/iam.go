package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// ---- entities ----

const iamEntityCols = `account_id, kind, id, name, path, description, max_session, trust_policy, service_name, boundary_id, last_used_at, last_used_region, created_at`

func scanIAMEntity(r scanner) (*store.IAMEntity, error) { return scanIAMEntityAnd(r) }

// scanIAMEntityAnd scans an entity followed by the extra columns.
func scanIAMEntityAnd(r scanner, extra ...any) (*store.IAMEntity, error) {
	var e store.IAMEntity
	var used, created int64
	dest := append([]any{&e.AccountID, &e.Kind, &e.ID, &e.Name, &e.Path, &e.Description, &e.MaxSessionDuration, &e.TrustPolicy,
		&e.ServiceName, &e.BoundaryPolicyID, &used, &e.LastUsedRegion, &created}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	e.LastUsedAt, e.CreatedAt = fromNanos(used), fromNanos(created)
	return &e, nil
}

func scanIAMEntities(ctx context.Context, c conn, q string, args ...any) ([]store.IAMEntity, error) {
	return queryAll(ctx, c, scanIAMEntity, q, args...)
}

// execOne runs a write that must touch a row (ErrNotFound otherwise).
func (db *DB) execOne(ctx context.Context, q string, args ...any) error {
	return db.execOneThen(ctx, nil, q, args...)
}

// execOneThen is execOne that runs then (when not nil) in the same
// transaction once the row was touched: to bump a generation.
func (db *DB) execOneThen(ctx context.Context, then func(c conn) error, q string, args ...any) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if then != nil {
			return then(c)
		}
		return nil
	})
}

func (db *DB) CreateIAMEntity(ctx context.Context, e store.IAMEntity, tags []store.Tag) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now()
	}
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `INSERT INTO iam_entities (`+iamEntityCols+`, name_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.AccountID, e.Kind, e.ID, e.Name, e.Path, e.Description, e.MaxSessionDuration, e.TrustPolicy, e.ServiceName,
			e.BoundaryPolicyID, toNanos(e.LastUsedAt), e.LastUsedRegion, toNanos(e.CreatedAt), strings.ToLower(e.Name))
		if db.isUnique(err) {
			return fmt.Errorf("%s %s: %w", e.Kind, e.Name, store.ErrAlreadyExists)
		}
		if err != nil {
			return err
		}
		return putTags(ctx, c, e.ID, tags)
	})
}

func (db *DB) GetIAMEntity(ctx context.Context, accountID, kind, name string) (*store.IAMEntity, error) {
	return scanIAMEntity(db.reader(ctx).QueryRow(ctx, `SELECT `+iamEntityCols+` FROM iam_entities WHERE account_id = ? AND kind = ? AND name_lower = ?`,
		accountID, kind, strings.ToLower(name)))
}

func (db *DB) GetIAMEntityByID(ctx context.Context, id string) (*store.IAMEntity, error) {
	return scanIAMEntity(db.reader(ctx).QueryRow(ctx, `SELECT `+iamEntityCols+` FROM iam_entities WHERE id = ?`, id))
}

func (db *DB) ListIAMEntities(ctx context.Context, accountID, kind, pathPrefix string, p store.Page) ([]store.IAMEntity, error) {
	q := `SELECT ` + iamEntityCols + ` FROM iam_entities WHERE account_id = ? AND kind = ?`
	args := []any{accountID, kind}
	if p.After != "" {
		path, name, _ := strings.Cut(p.After, "\x00")
		// A row-value comparison: both dialects seek the list index to it.
		q += ` AND (path, name_lower) > (?, ?)`
		args = append(args, path, name)
	}
	if pathPrefix != "" && pathPrefix != "/" {
		q += ` AND substr(path, 1, ?) = ?`
		args = append(args, len(pathPrefix), pathPrefix)
	}
	q += ` ORDER BY path, name_lower LIMIT ?`
	args = append(args, pageLimit(p))
	return scanIAMEntities(ctx, db.reader(ctx), q, args...)
}

func (db *DB) UpdateIAMEntity(ctx context.Context, accountID, kind, name string, fn func(*store.IAMEntity) error) (*store.IAMEntity, error) {
	var out *store.IAMEntity
	err := db.write(ctx, func(c conn) error {
		cur, err := scanIAMEntity(c.QueryRow(ctx, `SELECT `+iamEntityCols+` FROM iam_entities WHERE account_id = ? AND kind = ? AND name_lower = ?`,
			accountID, kind, strings.ToLower(name)))
		if err != nil {
			return err
		}
		n := *cur
		if err := fn(&n); err != nil {
			return err
		}
		_, err = c.Exec(ctx, `UPDATE iam_entities SET name = ?, name_lower = ?, path = ?, description = ?, max_session = ?, trust_policy = ?,
			boundary_id = ?, last_used_at = ?, last_used_region = ? WHERE id = ?`,
			n.Name, strings.ToLower(n.Name), n.Path, n.Description, n.MaxSessionDuration, n.TrustPolicy, n.BoundaryPolicyID,
			toNanos(n.LastUsedAt), n.LastUsedRegion, cur.ID)
		if db.isUnique(err) {
			return fmt.Errorf("%s %s: %w", kind, n.Name, store.ErrAlreadyExists)
		}
		if err != nil {
			return err
		}
		// What the entity may do, or what names it, changed: the
		// account's generation moves (last use and descriptions do not).
		if n.Name != cur.Name || n.Path != cur.Path || n.BoundaryPolicyID != cur.BoundaryPolicyID || n.TrustPolicy != cur.TrustPolicy {
			if err := bumpAccount(ctx, c, cur.AccountID); err != nil {
				return err
			}
		}
		if kind == store.IAMUser && n.Name != cur.Name {
			if _, err := c.Exec(ctx, `UPDATE access_keys SET user_name = ? WHERE account_id = ? AND user_name = ?`, n.Name, accountID, cur.Name); err != nil {
				return err
			}
		}
		res := *cur
		res.Name, res.Path, res.Description, res.MaxSessionDuration = n.Name, n.Path, n.Description, n.MaxSessionDuration
		res.TrustPolicy, res.BoundaryPolicyID, res.LastUsedAt, res.LastUsedRegion = n.TrustPolicy, n.BoundaryPolicyID, n.LastUsedAt, n.LastUsedRegion
		out = &res
		return nil
	})
	return out, err
}

func (db *DB) DeleteIAMEntity(ctx context.Context, accountID, kind, name string) error {
	return db.write(ctx, func(c conn) error {
		var id string
		err := c.QueryRow(ctx, `SELECT id FROM iam_entities WHERE account_id = ? AND kind = ? AND name_lower = ?`, accountID, kind, strings.ToLower(name)).Scan(&id)
		if err != nil {
			return notFound(err)
		}
		for _, q := range []string{
			`DELETE FROM iam_tags WHERE owner_id = ?`,
			`DELETE FROM iam_inline_policies WHERE owner_id = ?`,
			`DELETE FROM iam_attachments WHERE entity_id = ?`,
			`DELETE FROM iam_group_members WHERE group_id = ? OR user_id = ?`,
			`DELETE FROM iam_entities WHERE id = ?`,
		} {
			args := []any{id}
			if strings.Count(q, "?") == 2 {
				args = append(args, id)
			}
			if _, err := c.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return bumpAccount(ctx, c, accountID)
	})
}

// ---- tags ----

func putTags(ctx context.Context, c conn, ownerID string, tags []store.Tag) error {
	for _, t := range tags {
		kl := strings.ToLower(t.Key)
		if _, err := c.Exec(ctx, `DELETE FROM iam_tags WHERE owner_id = ? AND key_lower = ?`, ownerID, kl); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `INSERT INTO iam_tags (owner_id, key_lower, tag_key, value) VALUES (?, ?, ?, ?)`, ownerID, kl, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) ListIAMTags(ctx context.Context, ownerID string) ([]store.Tag, error) {
	return scanTags(db.reader(ctx).Query(ctx, `SELECT tag_key, value FROM iam_tags WHERE owner_id = ? ORDER BY key_lower`, ownerID))
}

func (db *DB) PutIAMTags(ctx context.Context, ownerID string, tags []store.Tag, max int) error {
	return db.write(ctx, func(c conn) error {
		if err := putTags(ctx, c, ownerID, tags); err != nil {
			return err
		}
		n, err := count(ctx, c, `SELECT COUNT(*) FROM iam_tags WHERE owner_id = ?`, ownerID)
		if err != nil {
			return err
		}
		if max > 0 && n > max {
			return store.ErrLimitExceeded
		}
		return nil
	})
}

func (db *DB) DeleteIAMTags(ctx context.Context, ownerID string, keys []string) error {
	return db.write(ctx, func(c conn) error {
		for _, k := range keys {
			if _, err := c.Exec(ctx, `DELETE FROM iam_tags WHERE owner_id = ? AND key_lower = ?`, ownerID, strings.ToLower(k)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- inline policies ----

func (db *DB) PutInlinePolicy(ctx context.Context, p store.InlinePolicy) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `UPDATE iam_inline_policies SET document = ? WHERE owner_id = ? AND name_lower = ?`, p.Document, p.OwnerID, strings.ToLower(p.Name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			_, err = c.Exec(ctx, `INSERT INTO iam_inline_policies (owner_id, name_lower, name, document) VALUES (?, ?, ?, ?)`, p.OwnerID, strings.ToLower(p.Name), p.Name, p.Document)
			if err != nil {
				return err
			}
		}
		return bumpEntity(ctx, c, p.OwnerID)
	})
}

func (db *DB) GetInlinePolicy(ctx context.Context, ownerID, name string) (*store.InlinePolicy, error) {
	p := store.InlinePolicy{OwnerID: ownerID}
	err := db.reader(ctx).QueryRow(ctx, `SELECT name, document FROM iam_inline_policies WHERE owner_id = ? AND name_lower = ?`, ownerID, strings.ToLower(name)).Scan(&p.Name, &p.Document)
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

func (db *DB) ListInlinePolicies(ctx context.Context, ownerID string) ([]store.InlinePolicy, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT name, document FROM iam_inline_policies WHERE owner_id = ? ORDER BY name_lower`, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.InlinePolicy
	for rows.Next() {
		p := store.InlinePolicy{OwnerID: ownerID}
		if err := rows.Scan(&p.Name, &p.Document); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) DeleteInlinePolicy(ctx context.Context, ownerID, name string) error {
	return db.execOneThen(ctx, func(c conn) error { return bumpEntity(ctx, c, ownerID) },
		`DELETE FROM iam_inline_policies WHERE owner_id = ? AND name_lower = ?`, ownerID, strings.ToLower(name))
}

// ---- managed policies ----

// policyCols reads a policy with the usage counts of one account (the
// last two placeholders, in order).
const policyCols = `p.account_id, p.id, p.name, p.path, p.description, p.default_version, p.next_version, p.created_at, p.updated_at,
	(SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_id = p.id AND a.account_id = ?),
	(SELECT COUNT(*) FROM iam_entities e WHERE e.boundary_id = p.id AND e.account_id = ?)`

func scanPolicy(r scanner) (*store.ManagedPolicy, error) {
	var p store.ManagedPolicy
	var created, updated int64
	if err := r.Scan(&p.AccountID, &p.ID, &p.Name, &p.Path, &p.Description, &p.DefaultVersion, &p.NextVersion, &created, &updated,
		&p.AttachmentCount, &p.BoundaryCount); err != nil {
		return nil, notFound(err)
	}
	p.CreatedAt, p.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &p, nil
}

func scanPolicies(ctx context.Context, c conn, q string, args ...any) ([]store.ManagedPolicy, error) {
	return queryAll(ctx, c, scanPolicy, q, args...)
}

func (db *DB) CreateManagedPolicy(ctx context.Context, p store.ManagedPolicy, v store.PolicyVersion, tags []store.Tag) error {
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `INSERT INTO iam_policies (id, account_id, name, name_lower, path, description, default_version, next_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.AccountID, p.Name, strings.ToLower(p.Name), p.Path, p.Description, p.DefaultVersion,
			p.NextVersion, toNanos(p.CreatedAt), toNanos(p.UpdatedAt))
		if db.isUnique(err) {
			return fmt.Errorf("policy %s: %w", p.Name, store.ErrAlreadyExists)
		}
		if err != nil {
			return err
		}
		v.PolicyID = p.ID
		if err := insertVersion(ctx, c, v); err != nil {
			return err
		}
		return putTags(ctx, c, p.ID, tags)
	})
}

func insertVersion(ctx context.Context, c conn, v store.PolicyVersion) error {
	n, _ := strconv.Atoi(strings.TrimPrefix(v.VersionID, "v"))
	_, err := c.Exec(ctx, `INSERT INTO iam_policy_versions (policy_id, version_id, version_no, document, created_at) VALUES (?, ?, ?, ?, ?)`,
		v.PolicyID, v.VersionID, n, v.Document, toNanos(v.CreatedAt))
	if err != nil && c.db.isUnique(err) {
		return fmt.Errorf("policy version %s: %w", v.VersionID, store.ErrAlreadyExists)
	}
	return err
}

func (db *DB) GetManagedPolicy(ctx context.Context, owner, name, usageAccount string) (*store.ManagedPolicy, error) {
	return scanPolicy(db.reader(ctx).QueryRow(ctx, `SELECT `+policyCols+` FROM iam_policies p WHERE p.account_id = ? AND p.name_lower = ?`,
		usageAccount, usageAccount, owner, strings.ToLower(name)))
}

func (db *DB) GetManagedPolicyByID(ctx context.Context, id, usageAccount string) (*store.ManagedPolicy, error) {
	return scanPolicy(db.reader(ctx).QueryRow(ctx, `SELECT `+policyCols+` FROM iam_policies p WHERE p.id = ?`, usageAccount, usageAccount, id))
}

func (db *DB) ListManagedPolicies(ctx context.Context, usageAccount string, f store.PolicyFilter, p store.Page) ([]store.ManagedPolicy, error) {
	if len(f.Accounts) == 0 {
		return nil, nil
	}
	q := `SELECT ` + policyCols + ` FROM iam_policies p WHERE p.account_id IN (?` + strings.Repeat(", ?", len(f.Accounts)-1) + `)`
	args := []any{usageAccount, usageAccount}
	for _, a := range f.Accounts {
		args = append(args, a)
	}
	if p.After != "" {
		parts := strings.SplitN(p.After, "\x00", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		q += ` AND (p.path, p.name_lower, p.id) > (?, ?, ?)`
		args = append(args, parts[0], parts[1], parts[2])
	}
	if f.PathPrefix != "" && f.PathPrefix != "/" {
		q += ` AND substr(p.path, 1, ?) = ?`
		args = append(args, len(f.PathPrefix), f.PathPrefix)
	}
	if f.Attached {
		attached := `EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_id = p.id AND a.account_id = ?)`
		bound := `EXISTS (SELECT 1 FROM iam_entities e WHERE e.boundary_id = p.id AND e.account_id = ?)`
		switch f.Usage {
		case "PermissionsPolicy":
			q += ` AND ` + attached
			args = append(args, usageAccount)
		case "PermissionsBoundary":
			q += ` AND ` + bound
			args = append(args, usageAccount)
		default:
			q += ` AND (` + attached + ` OR ` + bound + `)`
			args = append(args, usageAccount, usageAccount)
		}
	}
	q += ` ORDER BY p.path, p.name_lower, p.id LIMIT ?`
	args = append(args, pageLimit(p))
	return scanPolicies(ctx, db.reader(ctx), q, args...)
}

func (db *DB) UpdateManagedPolicy(ctx context.Context, id string, fn func(*store.ManagedPolicy) error) (*store.ManagedPolicy, error) {
	var out *store.ManagedPolicy
	err := db.write(ctx, func(c conn) error {
		cur, err := scanPolicy(c.QueryRow(ctx, `SELECT `+policyCols+` FROM iam_policies p WHERE p.id = ?`, "", "", id))
		if err != nil {
			return err
		}
		n := *cur
		if err := fn(&n); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `UPDATE iam_policies SET default_version = ?, next_version = ?, updated_at = ? WHERE id = ?`,
			n.DefaultVersion, n.NextVersion, toNanos(n.UpdatedAt), id); err != nil {
			return err
		}
		if n.DefaultVersion != cur.DefaultVersion {
			if err := bumpPolicy(ctx, c, id); err != nil {
				return err
			}
		}
		res := *cur
		res.DefaultVersion, res.NextVersion, res.UpdatedAt = n.DefaultVersion, n.NextVersion, n.UpdatedAt
		out = &res
		return nil
	})
	return out, err
}

func (db *DB) DeleteManagedPolicy(ctx context.Context, id string) error {
	return db.write(ctx, func(c conn) error {
		// While the policy's rows still say whom it affects.
		if err := bumpPolicy(ctx, c, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM iam_policy_versions WHERE policy_id = ?`, `DELETE FROM iam_tags WHERE owner_id = ?`} {
			if _, err := c.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		res, err := c.Exec(ctx, `DELETE FROM iam_policies WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

func (db *DB) PutPolicyVersion(ctx context.Context, v store.PolicyVersion) error {
	return db.write(ctx, func(c conn) error {
		if err := insertVersion(ctx, c, v); err != nil {
			return err
		}
		return bumpPolicy(ctx, c, v.PolicyID)
	})
}

func (db *DB) GetPolicyVersion(ctx context.Context, policyID, versionID string) (*store.PolicyVersion, error) {
	v := store.PolicyVersion{PolicyID: policyID, VersionID: versionID}
	var created int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT document, created_at FROM iam_policy_versions WHERE policy_id = ? AND version_id = ?`, policyID, versionID).
		Scan(&v.Document, &created)
	if err != nil {
		return nil, notFound(err)
	}
	v.CreatedAt = fromNanos(created)
	return &v, nil
}

func (db *DB) ListPolicyVersions(ctx context.Context, policyID string) ([]store.PolicyVersion, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT version_id, document, created_at FROM iam_policy_versions WHERE policy_id = ? ORDER BY version_no DESC`, policyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.PolicyVersion
	for rows.Next() {
		v := store.PolicyVersion{PolicyID: policyID}
		var created int64
		if err := rows.Scan(&v.VersionID, &v.Document, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = fromNanos(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

func (db *DB) DeletePolicyVersion(ctx context.Context, policyID, versionID string) error {
	return db.execOneThen(ctx, func(c conn) error { return bumpPolicy(ctx, c, policyID) },
		`DELETE FROM iam_policy_versions WHERE policy_id = ? AND version_id = ?`, policyID, versionID)
}

// ---- attachments ----

func (db *DB) AttachPolicy(ctx context.Context, accountID string, e store.IAMEntity, policyID string) error {
	return db.write(ctx, func(c conn) error {
		n, err := count(ctx, c, `SELECT COUNT(*) FROM iam_attachments WHERE entity_id = ? AND policy_id = ?`, e.ID, policyID)
		if err != nil || n > 0 {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO iam_attachments (entity_id, policy_id, account_id, created_at) VALUES (?, ?, ?, ?)`, e.ID, policyID, accountID, nowNanos())
		if err != nil {
			return err
		}
		return bumpAccount(ctx, c, accountID)
	})
}

func (db *DB) DetachPolicy(ctx context.Context, entityID, policyID string) error {
	return db.execOneThen(ctx, func(c conn) error { return bumpEntity(ctx, c, entityID) },
		`DELETE FROM iam_attachments WHERE entity_id = ? AND policy_id = ?`, entityID, policyID)
}

func (db *DB) ListAttachedPolicies(ctx context.Context, entityID string) ([]store.ManagedPolicy, error) {
	return scanPolicies(ctx, db.reader(ctx), `SELECT `+policyCols+` FROM iam_policies p JOIN iam_attachments x ON x.policy_id = p.id
		WHERE x.entity_id = ? ORDER BY p.name_lower, p.id`, "", "", entityID)
}

func (db *DB) ListPolicyEntities(ctx context.Context, accountID, policyID string, boundary bool) ([]store.IAMEntity, error) {
	cols := `e.` + strings.ReplaceAll(iamEntityCols, `, `, `, e.`)
	if boundary {
		return scanIAMEntities(ctx, db.reader(ctx), `SELECT `+cols+` FROM iam_entities e WHERE e.boundary_id = ? AND e.account_id = ? ORDER BY e.kind, e.name_lower`,
			policyID, accountID)
	}
	return scanIAMEntities(ctx, db.reader(ctx), `SELECT `+cols+` FROM iam_entities e JOIN iam_attachments x ON x.entity_id = e.id
		WHERE x.policy_id = ? AND x.account_id = ? ORDER BY e.kind, e.name_lower`, policyID, accountID)
}

// ---- groups ----

func (db *DB) AddIAMGroupMember(ctx context.Context, groupID, userID string) error {
	return db.write(ctx, func(c conn) error {
		n, err := count(ctx, c, `SELECT COUNT(*) FROM iam_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
		if err != nil || n > 0 {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO iam_group_members (group_id, user_id) VALUES (?, ?)`, groupID, userID)
		if err != nil {
			return err
		}
		return bumpEntity(ctx, c, groupID)
	})
}

func (db *DB) RemoveIAMGroupMember(ctx context.Context, groupID, userID string) error {
	return db.execOneThen(ctx, func(c conn) error { return bumpEntity(ctx, c, groupID) },
		`DELETE FROM iam_group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
}

func (db *DB) ListIAMGroupMembers(ctx context.Context, groupID string) ([]store.IAMEntity, error) {
	cols := `e.` + strings.ReplaceAll(iamEntityCols, `, `, `, e.`)
	return scanIAMEntities(ctx, db.reader(ctx), `SELECT `+cols+` FROM iam_entities e JOIN iam_group_members m ON m.user_id = e.id
		WHERE m.group_id = ? ORDER BY e.name_lower`, groupID)
}

func (db *DB) ListIAMUserGroups(ctx context.Context, userID string) ([]store.IAMEntity, error) {
	cols := `e.` + strings.ReplaceAll(iamEntityCols, `, `, `, e.`)
	return scanIAMEntities(ctx, db.reader(ctx), `SELECT `+cols+` FROM iam_entities e JOIN iam_group_members m ON m.group_id = e.id
		WHERE m.user_id = ? ORDER BY e.name_lower`, userID)
}

// ---- access keys ----

func (db *DB) ListUserAccessKeys(ctx context.Context, accountID, userName string) ([]store.AccessKey, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT access_key_id, status, created_at, user_name FROM access_keys WHERE account_id = ? AND user_name = ? ORDER BY created_at, access_key_id`,
		accountID, userName)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AccessKey
	for rows.Next() {
		k := store.AccessKey{AccountID: accountID}
		var created int64
		if err := rows.Scan(&k.AccessKeyID, &k.Status, &created, &k.UserName); err != nil {
			return nil, err
		}
		k.CreatedAt = fromNanos(created)
		out = append(out, k)
	}
	return out, rows.Err()
}

func (db *DB) SetAccessKeyStatus(ctx context.Context, id, status string) error {
	return db.execOne(ctx, `UPDATE access_keys SET status = ? WHERE access_key_id = ?`, status, id)
}

func (db *DB) TouchAccessKey(ctx context.Context, id string, u store.AccessKeyUsage) error {
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `UPDATE access_keys SET last_used_at = ?, last_used_region = ?, last_used_service = ? WHERE access_key_id = ?`,
			toNanos(u.At), u.Region, u.Service, id)
		return err
	})
}

func (db *DB) GetAccessKeyUsage(ctx context.Context, id string) (*store.AccessKeyUsage, error) {
	var u store.AccessKeyUsage
	var at int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT last_used_at, last_used_region, last_used_service FROM access_keys WHERE access_key_id = ?`, id).Scan(&at, &u.Region, &u.Service)
	if err != nil {
		return nil, notFound(err)
	}
	u.At = fromNanos(at)
	return &u, nil
}
