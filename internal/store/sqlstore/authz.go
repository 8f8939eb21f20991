package sqlstore

import (
	"context"

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
