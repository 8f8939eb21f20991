package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/mailgate/mailgate/internal/store"
)

var _ store.Wiper = (*DB)(nil)

// Wipe deletes every row of every table except schema_migrations, in one
// transaction (the one in ctx, or its own). The tables are read from the
// catalog rather than listed here, so a table a later migration adds is
// wiped too. On PostgreSQL only the tables of the current schema are
// touched (the first schema of search_path, where the migrations created
// them), so a database shared with other schemas keeps their data.
func (db *DB) Wipe(ctx context.Context) error {
	return db.write(ctx, func(c conn) error {
		tables, err := db.tables(ctx, c)
		if err != nil {
			return fmt.Errorf("sqlstore: wipe: %w", err)
		}
		if len(tables) == 0 {
			return nil
		}
		if db.dialect == Postgres {
			// One statement empties tables that reference each other,
			// whatever their order; it is transactional on PostgreSQL.
			_, err := c.tx.ExecContext(ctx, "TRUNCATE TABLE "+strings.Join(tables, ", "))
			if err != nil {
				return fmt.Errorf("sqlstore: wipe: %w", err)
			}
			return nil
		}
		// Foreign keys are checked at commit, when the referencing rows
		// are gone too; the pragma ends with the transaction.
		if _, err := c.tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("sqlstore: wipe: %w", err)
		}
		for _, t := range tables {
			if _, err := c.tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("sqlstore: wipe %s: %w", t, err)
			}
		}
		return nil
	})
}

// tables lists the store's tables but schema_migrations, quoted.
func (db *DB) tables(ctx context.Context, c conn) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`
	if db.dialect == Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY tablename`
	}
	rows, err := c.tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, `"`+strings.ReplaceAll(n, `"`, `""`)+`"`)
	}
	return out, rows.Err()
}
