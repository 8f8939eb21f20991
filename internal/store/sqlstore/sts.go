package sqlstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

type sessionDetails struct {
	Policies       []string            `json:"policies,omitempty"`
	Tags           []store.Tag         `json:"tags,omitempty"`
	Transitive     []string            `json:"transitive,omitempty"`
	SourceIdentity string              `json:"source_identity,omitempty"`
	ContextKeys    map[string][]string `json:"context_keys,omitempty"`
}

func (db *DB) PutSTSSession(ctx context.Context, s store.STSSession) error {
	sealed := db.box.Seal(s.SecretAccessKey, s.AccessKeyID)
	details, err := json.Marshal(sessionDetails{Policies: s.SessionPolicies, Tags: s.Tags, Transitive: s.TransitiveTagKeys, SourceIdentity: s.SourceIdentity, ContextKeys: s.ContextKeys})
	if err != nil {
		return err
	}
	if details, err = withMFA(details, s.MFAAuthenticatedAt); err != nil {
		return err
	}
	chained := 0
	if s.Chained {
		chained = 1
	}
	return db.write(ctx, func(c conn) error {
		_, err := c.Exec(ctx, `INSERT INTO sts_sessions (access_key_id, account_id, secret, token_sha256, kind, role_id, role_name, role_path,
			session_name, user_name, chained, details, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.AccessKeyID, s.AccountID, sealed, hex.EncodeToString(s.TokenSHA256), s.Kind, s.RoleID, s.RoleName, s.RolePath,
			s.SessionName, s.UserName, chained, string(details), toNanos(s.IssuedAt), toNanos(s.ExpiresAt))
		if db.isUnique(err) {
			return fmt.Errorf("sts session: %w", store.ErrAlreadyExists)
		}
		return err
	})
}

func (db *DB) GetSTSSession(ctx context.Context, id string) (*store.STSSession, error) {
	var s store.STSSession
	var sealed, token, details string
	var chained int
	var issued, expires int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT access_key_id, account_id, secret, token_sha256, kind, role_id, role_name, role_path,
		session_name, user_name, chained, details, issued_at, expires_at FROM sts_sessions WHERE access_key_id = ?`, id).
		Scan(&s.AccessKeyID, &s.AccountID, &sealed, &token, &s.Kind, &s.RoleID, &s.RoleName, &s.RolePath,
			&s.SessionName, &s.UserName, &chained, &details, &issued, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	if s.SecretAccessKey, err = db.box.Open(sealed, s.AccessKeyID); err != nil {
		return nil, err
	}
	if s.TokenSHA256, err = hex.DecodeString(token); err != nil {
		return nil, err
	}
	var d sessionDetails
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		return nil, err
	}
	s.SessionPolicies, s.Tags, s.TransitiveTagKeys, s.SourceIdentity = d.Policies, d.Tags, d.Transitive, d.SourceIdentity
	s.ContextKeys = d.ContextKeys
	s.Chained = chained != 0
	s.IssuedAt, s.ExpiresAt = fromNanos(issued), fromNanos(expires)
	if s.MFAAuthenticatedAt, err = mfaOf(details); err != nil {
		return nil, err
	}
	return &s, nil
}

func (db *DB) DeleteExpiredSTSSessions(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM sts_sessions WHERE expires_at < ?`, toNanos(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
