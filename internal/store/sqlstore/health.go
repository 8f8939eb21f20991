package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/store"
)

// Ping checks that the database answers on every pool (readiness).
func (db *DB) Ping(ctx context.Context) error {
	if err := ping(ctx, db.w); err != nil {
		return db.observe(err)
	}
	if db.r != db.w {
		return db.observe(ping(ctx, db.r))
	}
	return nil
}

// ping pings through the pool. A ping on an idle connection that the
// database dropped (a restart, a network fault) fails and discards that
// connection, and the pool may hold several: it tries again while the
// failure is such a connection, so that a database that is back answers
// ready at once.
func ping(ctx context.Context, p *sql.DB) error {
	err := p.PingContext(ctx)
	for range p.Stats().Idle + 1 {
		if !errors.Is(err, driver.ErrBadConn) || ctx.Err() != nil {
			break
		}
		err = p.PingContext(ctx)
	}
	return err
}

// Stats reports the connection pools' statistics by pool: "write" and
// "read" on SQLite (one writer connection, a pool of readers), "main" on
// PostgreSQL (one pool for both).
func (db *DB) Stats() map[string]sql.DBStats {
	if db.r == db.w {
		return map[string]sql.DBStats{"main": db.w.Stats()}
	}
	return map[string]sql.DBStats{"write": db.w.Stats(), "read": db.r.Stats()}
}

// observe counts a failed statement (metrics.StoreError) and returns err
// unchanged; nil and sql.ErrNoRows are not failures.
func (db *DB) observe(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	metrics.StoreError(db.errorKind(err))
	return err
}

func (db *DB) errorKind(err error) metrics.StoreErrorKind {
	switch {
	case errors.Is(err, context.Canceled):
		return metrics.StoreCanceled
	case db.retryable(err):
		return metrics.StoreBusy
	case db.isUnique(err):
		return metrics.StoreConstraint
	case store.IsUnavailable(err):
		return metrics.StoreUnavailable
	}
	return metrics.StoreOther
}
