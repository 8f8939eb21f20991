package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// ---- Identity Center applications ----

const idcAppCols = `arn, account_id, region, instance_arn, name, client_token, request_hash, created_at`

func scanIDCApp(r scanner) (*store.IdentityCenterApplication, error) {
	var a store.IdentityCenterApplication
	var token *string
	var created int64
	if err := r.Scan(&a.ARN, &a.AccountID, &a.Region, &a.InstanceARN, &a.Name, &token, &a.RequestHash, &created); err != nil {
		return nil, notFound(err)
	}
	if token != nil {
		a.ClientToken = *token
	}
	a.CreatedAt = fromNanos(created)
	return &a, nil
}

func (db *DB) CreateIdentityCenterApplication(ctx context.Context, a store.IdentityCenterApplication) (*store.IdentityCenterApplication, bool, error) {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	var out *store.IdentityCenterApplication
	var replayed bool
	err := db.write(ctx, func(c conn) error {
		out, replayed = nil, false
		prev, err := byClientToken(ctx, c, scanIDCApp, a.ClientToken, `SELECT `+idcAppCols+` FROM workmail_idc_applications WHERE account_id = ? AND region = ? AND client_token = ?`,
			a.AccountID, a.Region, a.ClientToken)
		if err != nil || prev != nil {
			out, replayed = prev, prev != nil
			return err
		}
		if err := idFree(ctx, c, "identity center application "+a.ARN, `SELECT COUNT(*) FROM workmail_idc_applications WHERE arn = ?`, a.ARN); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `INSERT INTO workmail_idc_applications (`+idcAppCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ARN, a.AccountID, a.Region, a.InstanceARN, a.Name, nullIfEmpty(a.ClientToken), a.RequestHash, toNanos(a.CreatedAt)); err != nil {
			return db.raced(err)
		}
		created := a
		created.CreatedAt = fromNanos(toNanos(a.CreatedAt))
		out = &created
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

func (db *DB) GetIdentityCenterApplication(ctx context.Context, arn string) (*store.IdentityCenterApplication, error) {
	return scanIDCApp(db.reader(ctx).QueryRow(ctx, `SELECT `+idcAppCols+` FROM workmail_idc_applications WHERE arn = ?`, arn))
}

func (db *DB) DeleteIdentityCenterApplication(ctx context.Context, arn string) error {
	return db.write(ctx, func(c conn) error {
		used, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_identity_provider_configs p JOIN workmail_organizations o ON o.id = p.org_id
			WHERE p.application_arn = ? AND o.state = ?`, arn, store.OrganizationActive)
		if err != nil {
			return err
		}
		if used > 0 {
			return fmt.Errorf("identity center application %s: %w", arn, store.ErrInUse)
		}
		res, err := c.Exec(ctx, `DELETE FROM workmail_idc_applications WHERE arn = ?`, arn)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("identity center application %s: %w", arn, store.ErrNotFound)
		}
		return nil
	})
}

// ---- identity provider configurations ----

const idpConfigCols = `org_id, auth_mode, instance_arn, application_arn, pat_status, pat_lifetime_days, updated_at`

func scanIDPConfig(r scanner) (*store.IdentityProviderConfig, error) {
	var x store.IdentityProviderConfig
	var updated int64
	if err := r.Scan(&x.OrgID, &x.AuthenticationMode, &x.InstanceARN, &x.ApplicationARN, &x.PATStatus, &x.PATLifetimeDays, &updated); err != nil {
		return nil, notFound(err)
	}
	x.UpdatedAt = fromNanos(updated)
	return &x, nil
}

func getIDPConfig(ctx context.Context, c conn, orgID string) (*store.IdentityProviderConfig, error) {
	return scanIDPConfig(c.QueryRow(ctx, `SELECT `+idpConfigCols+` FROM workmail_identity_provider_configs WHERE org_id = ?`, orgID))
}

func (db *DB) PutIdentityProviderConfig(ctx context.Context, x store.IdentityProviderConfig) error {
	if x.UpdatedAt.IsZero() {
		x.UpdatedAt = time.Now()
	}
	return db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, x.OrgID); err != nil {
			return err
		}
		apps, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_idc_applications WHERE arn = ?`, x.ApplicationARN)
		if err != nil {
			return err
		}
		if apps == 0 {
			return fmt.Errorf("identity center application %s: %w", x.ApplicationARN, store.ErrNotFound)
		}
		res, err := c.Exec(ctx, `UPDATE workmail_identity_provider_configs SET auth_mode = ?, instance_arn = ?, application_arn = ?, pat_status = ?,
			pat_lifetime_days = ?, updated_at = ? WHERE org_id = ?`,
			x.AuthenticationMode, x.InstanceARN, x.ApplicationARN, x.PATStatus, x.PATLifetimeDays, toNanos(x.UpdatedAt), x.OrgID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO workmail_identity_provider_configs (`+idpConfigCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			x.OrgID, x.AuthenticationMode, x.InstanceARN, x.ApplicationARN, x.PATStatus, x.PATLifetimeDays, toNanos(x.UpdatedAt))
		return db.raced(err)
	})
}

func (db *DB) GetIdentityProviderConfig(ctx context.Context, orgID string) (*store.IdentityProviderConfig, error) {
	return getIDPConfig(ctx, db.reader(ctx), orgID)
}

func (db *DB) DeleteIdentityProviderConfig(ctx context.Context, orgID string) error {
	return db.write(ctx, func(c conn) error {
		if _, err := c.Exec(ctx, `DELETE FROM workmail_identity_provider_configs WHERE org_id = ?`, orgID); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `DELETE FROM workmail_personal_access_tokens WHERE org_id = ?`, orgID)
		return err
	})
}

func (db *DB) FindUsersByIdentityProviderUserID(ctx context.Context, orgID, id string) ([]store.Entity, error) {
	return queryAll(ctx, db.reader(ctx), scanEntity, `SELECT `+eCols+` FROM workmail_entities WHERE org_id = ? AND idp_user_id = ? AND type = ? AND state <> ? ORDER BY id LIMIT 10`,
		orgID, id, store.EntityUser, store.EntityDeleted)
}

// ---- personal access tokens ----

const patCols = `id, org_id, user_id, name, scopes, secret_hash, created_at, expires_at, last_used_at`

func scanPAT(r scanner) (*store.PersonalAccessToken, error) {
	var t store.PersonalAccessToken
	var scopes string
	var created, expires, used int64
	if err := r.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &scopes, &t.SecretHash, &created, &expires, &used); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(scopes), &t.Scopes); err != nil {
		return nil, fmt.Errorf("personal access token %s: scopes: %w", t.ID, err)
	}
	if len(t.Scopes) == 0 {
		t.Scopes = nil
	}
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt = fromNanos(created), fromNanos(expires), fromNanos(used)
	return &t, nil
}

func (db *DB) CreatePersonalAccessToken(ctx context.Context, t store.PersonalAccessToken, prepare func(*store.IdentityProviderConfig, *store.PersonalAccessToken) error) error {
	return db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, t.OrgID); err != nil {
			return err
		}
		cfg, err := getIDPConfig(ctx, c, t.OrgID)
		if err != nil {
			return fmt.Errorf("identity provider configuration of %s: %w", t.OrgID, err)
		}
		next := t
		next.Scopes = append([]string(nil), t.Scopes...)
		if prepare != nil {
			if err := prepare(cfg, &next); err != nil {
				return err
			}
		}
		scopes := next.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		b, err := json.Marshal(scopes)
		if err != nil {
			return err
		}
		_, err = c.Exec(ctx, `INSERT INTO workmail_personal_access_tokens (`+patCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			next.ID, next.OrgID, next.UserID, next.Name, string(b), next.SecretHash, toNanos(next.CreatedAt), toNanos(next.ExpiresAt), toNanos(next.LastUsedAt))
		if db.isUnique(err) {
			return fmt.Errorf("personal access token: %w", store.ErrAlreadyExists)
		}
		return err
	})
}

func (db *DB) GetPersonalAccessToken(ctx context.Context, id string) (*store.PersonalAccessToken, error) {
	return scanPAT(db.reader(ctx).QueryRow(ctx, `SELECT `+patCols+` FROM workmail_personal_access_tokens WHERE id = ?`, id))
}

func (db *DB) ListPersonalAccessTokens(ctx context.Context, orgID, userID string, p store.Page) ([]store.PersonalAccessToken, error) {
	q, args := `SELECT `+patCols+` FROM workmail_personal_access_tokens WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?`, []any{orgID, p.After, pageLimit(p)}
	if userID != "" {
		q, args = `SELECT `+patCols+` FROM workmail_personal_access_tokens WHERE org_id = ? AND user_id = ? AND id > ? ORDER BY id LIMIT ?`,
			[]any{orgID, userID, p.After, pageLimit(p)}
	}
	return queryAll(ctx, db.reader(ctx), scanPAT, q, args...)
}

func (db *DB) DeletePersonalAccessToken(ctx context.Context, orgID, userID, id string) error {
	return db.write(ctx, func(c conn) error {
		q, args := `DELETE FROM workmail_personal_access_tokens WHERE org_id = ? AND id = ?`, []any{orgID, id}
		if userID != "" {
			q, args = `DELETE FROM workmail_personal_access_tokens WHERE org_id = ? AND id = ? AND user_id = ?`, []any{orgID, id, userID}
		}
		res, err := c.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("personal access token %s: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// TouchPersonalAccessToken is one conditional UPDATE outside any
// explicit transaction: the caller already limits how often it runs.
func (db *DB) TouchPersonalAccessToken(ctx context.Context, id string, at time.Time) error {
	_, err := db.reader(ctx).Exec(ctx, `UPDATE workmail_personal_access_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`,
		toNanos(at), id, toNanos(at))
	return err
}
