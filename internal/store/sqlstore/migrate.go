package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Migrations are plain SQL that both dialects accept, named
// NNNN_description.sql and applied in order, each in its own transaction.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	ents, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		n := e.Name()
		v, err := strconv.Atoi(strings.SplitN(n, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration %s: name must start with a number", n)
		}
		b, err := migrationFS.ReadFile("migrations/" + n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: n, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrationLock is the PostgreSQL advisory lock key that serializes
// replicas migrating one database.
const migrationLock = 7428190001

// migrate applies pending migrations. On PostgreSQL a session advisory
// lock, held on a dedicated connection for the whole run, serializes
// replicas that start together, from the first CREATE TABLE on.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if db.dialect == Postgres {
		lc, err := db.w.Conn(ctx)
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		defer lc.Close()
		if _, err := lc.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
		defer lc.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: migrations table: %w", err)
	}
	for _, m := range ms {
		err := db.write(ctx, func(c conn) error {
			var n int
			if err := c.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(m.sql) {
				// DDL runs unprepared: it is executed once.
				if _, err := c.tx.ExecContext(ctx, rebind(db.dialect, dialectDDL(db.dialect, stmt))); err != nil {
					return fmt.Errorf("%s: %w", m.name, err)
				}
			}
			_, err := c.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, nowNanos())
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
	}
	return nil
}

// splitStatements splits a migration on ';' at line ends; migrations hold
// no procedural code, so that is enough.
func splitStatements(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";\n") {
		var lines []string
		for _, l := range strings.Split(part, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, l)
			}
		}
		if st := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Join(lines, "\n")), ";")); st != "" {
			out = append(out, st)
		}
	}
	return out
}

// dialectDDL drops what only SQLite understands from a statement for
// PostgreSQL: WITHOUT ROWID (a table stored in its primary key's B-tree,
// as PostgreSQL's tables are not; SQLite otherwise keeps a rowid table
// and a separate index for a composite key).
func dialectDDL(d Dialect, stmt string) string {
	if d == Postgres {
		return strings.ReplaceAll(stmt, ") WITHOUT ROWID", ")")
	}
	return stmt
}
