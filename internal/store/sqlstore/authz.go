package sqlstore

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/store"
)

// principalPolicies reads every policy of a principal in one statement:
// the entity's own row (for its boundary), the inline policies of the
// entity and its groups, the default versions of the managed policies
// attached to them, and the boundary's default version. Every join is on
// a key or an index.
const principalPolicies = `
SELECT 0, 'entity', kind, '', '', '', boundary_id FROM iam_entities WHERE id = ?
UNION ALL
SELECT 1, 'inline', o.kind, ip.name, '', '', ip.document
  FROM iam_inline_policies ip JOIN iam_entities o ON o.id = ip.owner_id
 WHERE ip.owner_id = ? OR ip.owner_id IN (SELECT group_id FROM iam_group_members WHERE user_id = ?)
UNION ALL
SELECT 2, 'attached', o.kind, p.name, p.account_id, p.path, v.document
  FROM iam_attachments a
  JOIN iam_entities o ON o.id = a.entity_id
  JOIN iam_policies p ON p.id = a.policy_id
  JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version
 WHERE a.entity_id = ? OR a.entity_id IN (SELECT group_id FROM iam_group_members WHERE user_id = ?)
UNION ALL
SELECT 3, 'boundary', e.kind, p.name, p.account_id, p.path, v.document
  FROM iam_entities e
  JOIN iam_policies p ON p.id = e.boundary_id
  JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version
 WHERE e.id = ?
ORDER BY 1, 3, 4`

func (db *DB) PrincipalPolicyDocuments(ctx context.Context, id string) ([]store.PolicyDocument, string, bool, error) {
	rows, err := db.reader(ctx).Query(ctx, principalPolicies, id, id, id, id, id, id)
	if err != nil {
		return nil, "", false, err
	}
	defer rows.Close()
	var out []store.PolicyDocument
	var boundary string
	found := false
	for rows.Next() {
		var n int
		var d store.PolicyDocument
		if err := rows.Scan(&n, &d.Use, &d.OwnerKind, &d.Name, &d.PolicyAccount, &d.PolicyPath, &d.Document); err != nil {
			return nil, "", false, err
		}
		if n == 0 {
			found, boundary = true, d.Document
			continue
		}
		out = append(out, d)
	}
	return out, boundary, found, rows.Err()
}

// ---- authorization generations ----

// principalCols reads an entity (as e) and its account's authorization
// generation in one statement.
var principalCols = `e.` + strings.ReplaceAll(iamEntityCols, `, `, `, e.`) +
	`, COALESCE((SELECT g.n FROM iam_generations g WHERE g.account_id = e.account_id), 0)`

func (db *DB) GetIAMPrincipal(ctx context.Context, accountID, kind, name string) (*store.IAMEntity, int64, error) {
	var gen int64
	e, err := scanIAMEntityAnd(db.reader(ctx).QueryRow(ctx, `SELECT `+principalCols+` FROM iam_entities e WHERE e.account_id = ? AND e.kind = ? AND e.name_lower = ?`,
		accountID, kind, strings.ToLower(name)), &gen)
	if err != nil {
		return nil, 0, err
	}
	return e, gen, nil
}

func (db *DB) GetIAMPrincipalByID(ctx context.Context, id string) (*store.IAMEntity, int64, error) {
	var gen int64
	e, err := scanIAMEntityAnd(db.reader(ctx).QueryRow(ctx, `SELECT `+principalCols+` FROM iam_entities e WHERE e.id = ?`, id), &gen)
	if err != nil {
		return nil, 0, err
	}
	return e, gen, nil
}

func (db *DB) AuthzGeneration(ctx context.Context, accountID string) (int64, error) {
	var gen int64
	err := db.reader(ctx).QueryRow(ctx, `SELECT COALESCE((SELECT n FROM iam_generations WHERE account_id = ?), 0)`, accountID).Scan(&gen)
	return gen, err
}

// bumpUpsert increments an account's generation, creating it at 1.
// INSERT … ON CONFLICT … DO UPDATE is the same on SQLite (3.24+) and
// PostgreSQL; an INSERT … SELECT needs a WHERE for SQLite to parse it.
const bumpUpsert = ` ON CONFLICT (account_id) DO UPDATE SET n = iam_generations.n + 1`

// bumpAccount increments the authorization generation of an account
// (AWS-managed policies' account has none: its policies never change
// after seeding, and a change to one bumps the accounts that use it).
func bumpAccount(ctx context.Context, c conn, accountID string) error {
	if accountID == "" || accountID == store.AWSManagedAccount {
		return nil
	}
	_, err := c.Exec(ctx, `INSERT INTO iam_generations (account_id, n) VALUES (?, 1)`+bumpUpsert, accountID)
	return err
}

// bumpEntity increments the generation of the account of an entity.
func bumpEntity(ctx context.Context, c conn, entityID string) error {
	_, err := c.Exec(ctx, `INSERT INTO iam_generations (account_id, n) SELECT account_id, 1 FROM iam_entities WHERE id = ?`+bumpUpsert, entityID)
	return err
}

// bumpPolicy increments the generation of every account a managed
// policy can affect: its owner, and the accounts where it is attached
// or set as a permissions boundary (for AWS-managed policies, those are
// all). It must run before the policy's rows are deleted.
func bumpPolicy(ctx context.Context, c conn, policyID string) error {
	_, err := c.Exec(ctx, `INSERT INTO iam_generations (account_id, n)
SELECT account_id, 1 FROM (
	SELECT account_id FROM iam_policies WHERE id = ? AND account_id <> ?
	UNION SELECT account_id FROM iam_attachments WHERE policy_id = ?
	UNION SELECT account_id FROM iam_entities WHERE boundary_id = ?
) affected WHERE account_id <> ''`+bumpUpsert, policyID, store.AWSManagedAccount, policyID, policyID)
	return err
}
