// Package sqlstore implements store.Store on database/sql for both
// embedded SQLite (modernc.org/sqlite, pure Go) and PostgreSQL (pgx).
//
// One implementation serves both dialects rather than a package per
// backend: the queries are plain SQL written with '?' placeholders, which
// are rebound to $n for PostgreSQL, so every domain is written and tested
// once and a backend cannot silently lag behind the other. Dialect
// differences (error codes, locking) stay in this file.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mailgate/mailgate/internal/secretbox"
	"github.com/mailgate/mailgate/internal/store"
)

// Dialect names the SQL backend.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config opens a store.
type Config struct {
	// URL is "postgres://..." for PostgreSQL; otherwise the path of the
	// SQLite database file (":memory:" is not supported: use a temp dir).
	URL string
	// Box seals secrets at rest.
	Box *secretbox.Box
	// PostgreSQL pool and timeouts (ignored on SQLite); zero = defaults.
	MaxConns         int           // default 16 per replica
	StatementTimeout time.Duration // default 10s: a stuck query fails cleanly
	ConnectTimeout   time.Duration // default 5s
}

// DB is the SQL store.
type DB struct {
	dialect Dialect
	w       *sql.DB // writes: one connection on SQLite, which has one writer anyway
	r       *sql.DB // reads
	box     *secretbox.Box

	stmts sync.Map // read query → *sql.Stmt on the read pool
}

var _ store.Store = (*DB)(nil)

// Open connects, applies the embedded migrations, and returns the store.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Box == nil {
		return nil, errors.New("sqlstore: a secretbox is required")
	}
	db := &DB{box: cfg.Box}
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		db.dialect = Postgres
		pc, err := pgx.ParseConfig(cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s", redactURL(err.Error(), cfg.URL))
		}
		if cfg.StatementTimeout <= 0 {
			cfg.StatementTimeout = 10 * time.Second
		}
		if cfg.ConnectTimeout <= 0 {
			cfg.ConnectTimeout = 5 * time.Second
		}
		if cfg.MaxConns <= 0 {
			cfg.MaxConns = 16
		}
		pc.ConnectTimeout = cfg.ConnectTimeout
		pc.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
		pc.RuntimeParams["application_name"] = "mailgate"
		p := stdlib.OpenDB(*pc)
		p.SetMaxOpenConns(cfg.MaxConns)
		p.SetMaxIdleConns(cfg.MaxConns)
		p.SetConnMaxIdleTime(5 * time.Minute)
		// Recycled connections pick up a restarted server's new state.
		p.SetConnMaxLifetime(30 * time.Minute)
		db.w, db.r = p, p
	} else {
		db.dialect = SQLite
		if err := os.MkdirAll(filepath.Dir(cfg.URL), 0o700); err != nil {
			return nil, err
		}
		// WAL lets readers run beside the writer; synchronous=FULL makes a
		// commit durable before it is acknowledged; immediate transactions
		// take the write lock up front so two writers queue instead of
		// failing on lock upgrade.
		dsn := "file:" + cfg.URL + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
		w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(8)
		db.w, db.r = w, r
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// redactURL keeps a database password out of error messages.
func redactURL(msg, url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if at := strings.Index(url[i+3:], "@"); at >= 0 {
			if colon := strings.Index(url[i+3:i+3+at], ":"); colon >= 0 {
				pw := url[i+3+colon+1 : i+3+at]
				if pw != "" {
					msg = strings.ReplaceAll(msg, pw, "xxxxx")
				}
			}
		}
	}
	return msg
}

// Dialect reports the backend.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes the pools.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// conn runs queries on the read pool or inside a transaction, rebinding
// '?' placeholders for the dialect. Reads outside transactions reuse
// prepared statements: preparing dominated the cost of a point read
// (SQLite parses every query). Transactions run their statements directly:
// preparing on the pool from inside one would wait for the connection the
// transaction holds, and writes are not the hot path.
type conn struct {
	db *DB
	tx *sql.Tx // nil: the read pool
}

func (c conn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.db.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	prepared, err := c.db.r.PrepareContext(ctx, rebind(c.db.dialect, query))
	if err != nil {
		return nil, err
	}
	if v, loaded := c.db.stmts.LoadOrStore(query, prepared); loaded {
		prepared.Close()
		return v.(*sql.Stmt), nil
	}
	return prepared, nil
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	var err error
	if c.tx != nil {
		res, err = c.tx.ExecContext(ctx, rebind(c.db.dialect, query), args...)
	} else {
		res, err = c.db.w.ExecContext(ctx, rebind(c.db.dialect, query), args...)
	}
	return res, c.db.observe(err)
}

func (c conn) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if c.tx != nil {
		rows, err := c.tx.QueryContext(ctx, rebind(c.db.dialect, query), args...)
		return rows, c.db.observe(err)
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, c.db.observe(err)
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, c.db.observe(err)
}

// row defers a statement error to Scan, as *sql.Row does.
type row struct {
	db  *DB
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.db.observe(r.err)
	}
	return r.db.observe(r.r.Scan(dest...))
}

func (r row) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.r.Err()
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) row {
	if c.tx != nil {
		return row{db: c.db, r: c.tx.QueryRowContext(ctx, rebind(c.db.dialect, query), args...)}
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return row{db: c.db, err: err}
	}
	return row{db: c.db, r: st.QueryRowContext(ctx, args...)}
}

type txKey struct{}

// reader returns the transaction in ctx, or the read pool.
func (db *DB) reader(ctx context.Context) conn {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return conn{db: db, tx: tx}
	}
	return conn{db: db}
}

// InTx runs fn in one write transaction; domain calls made with the ctx it
// passes join that transaction. Nested calls join the outer one.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 0; attempt < txAttempts; attempt++ {
		err = db.tryTx(ctx, fn)
		if err == nil || !(db.retryable(err) || errors.Is(err, errRaced)) || ctx.Err() != nil {
			return err
		}
		// Jitter spreads writers that collided so they do not collide again.
		time.Sleep(time.Duration(1+rand.IntN(10*(attempt+1))) * time.Millisecond)
	}
	return err
}

// txAttempts bounds the retries of a write transaction: many writers on
// one entity make PostgreSQL's serializable transactions (and SQLite's
// busy lock) fail often, and every such failure is safe to retry.
const txAttempts = 25

// errRaced marks a unique violation on a key the transaction had checked
// to be free: a concurrent transaction took it in between (PostgreSQL
// reports that as a violation rather than a serialization failure). A
// retry sees the winner and reports the proper conflict.
var errRaced = errors.New("sqlstore: unique key taken by a concurrent write")

// raced turns a unique violation into errRaced.
func (db *DB) raced(err error) error {
	if db.isUnique(err) {
		return fmt.Errorf("%w: %v", errRaced, err)
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	tx, err := db.w.BeginTx(ctx, opts)
	if err != nil {
		return db.observe(err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(context.WithValue(ctx, txKey{}, tx)); err != nil {
		return err
	}
	return db.observe(tx.Commit())
}

// write runs fn with a connection inside a write transaction.
func (db *DB) write(ctx context.Context, fn func(c conn) error) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		return fn(conn{db: db, tx: ctx.Value(txKey{}).(*sql.Tx)})
	})
}

// retryable reports transient failures worth another attempt: SQLite busy
// and PostgreSQL serialization or deadlock failures.
func (db *DB) retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	var pc interface{ SQLState() string }
	if errors.As(err, &pc) {
		s := pc.SQLState()
		return s == "40001" || s == "40P01"
	}
	return false
}

// isUnique reports a unique-constraint violation.
func (db *DB) isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pc interface{ SQLState() string }
	if errors.As(err, &pc) {
		return pc.SQLState() == "23505"
	}
	return false
}

// rebind turns '?' placeholders into $1..$n for PostgreSQL. Queries in this
// package never contain a literal '?' inside a string.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Times are stored as Unix nanoseconds (BIGINT): portable and exact.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, c conn, scan func(scanner) (*T, error), q string, args ...any) ([]T, error) {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

// byClientToken finds what an earlier create with the same client token
// made, for idempotent creates: nil when the token is empty or unused.
// q selects the record by token.
func byClientToken[T any](ctx context.Context, c conn, scan func(scanner) (*T, error), token, q string, args ...any) (*T, error) {
	if token == "" {
		return nil, nil
	}
	prev, err := scan(c.QueryRow(ctx, q, args...))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return prev, err
}

// idFree refuses to create what, whose ID a row already holds (q counts
// the rows holding it): ErrAlreadyExists.
func idFree(ctx context.Context, c conn, what, q string, args ...any) error {
	n, err := count(ctx, c, q, args...)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s: %w", what, store.ErrAlreadyExists)
	}
	return nil
}
