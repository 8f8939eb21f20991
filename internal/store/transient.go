package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
)

// IsUnavailable reports whether err means the backend could not be reached
// or dropped the connection (a restart, a network fault, a statement
// timeout), as opposed to a defect or a refused write. Callers answer such
// errors with a retryable 503; clients retry and succeed once it is back.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		s := st.SQLState()
		// 08: connection exception; 57P01-03: shutdown, crash, cannot
		// connect now; 57014: statement timeout.
		return strings.HasPrefix(s, "08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57014"
	}
	// pgx reports a failed dial as a *pgconn.ConnectError, whose text is
	// the stable part of its contract.
	msg := err.Error()
	return strings.Contains(msg, "failed to connect to") || strings.Contains(msg, "conn closed")
}
