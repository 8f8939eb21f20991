// Package apierror is what crosses from handlers to the protocol layer when
// a call fails. Every error that reaches the wire implements APIError:
// handlers return the types generated per modeled error
// (workmailapi.EntityNotFoundException, iamapi.NoSuchEntityException, ...),
// and the server's own protocol-level answers are the common errors of
// common.go. The codecs turn an APIError into the wire shape of their
// protocol. Anything else a handler returns is an internal failure: logged
// with the request ID, answered as a 500 whose message reveals nothing.
package apierror

import (
	"errors"
	"fmt"
)

// APIError is an AWS API error, modeled or common, in the shape smithy's
// APIError has: a wire code, a message, and who is at fault.
type APIError interface {
	error
	// ErrorCode is the wire code ("EntityNotFoundException", "NoSuchEntity").
	ErrorCode() string
	ErrorMessage() string
	// HTTPStatus is the status the error is answered with.
	HTTPStatus() int
	// SenderFault is true for client faults (awsQuery <Type>Sender</Type>).
	SenderFault() bool
}

// Error is an API error that no model describes: the common errors every
// AWS service answers (common.go), and errors a client decodes from a
// response whose code it does not know.
type Error struct {
	Code    string
	Message string
	Status  int
	Sender  bool
}

func (e *Error) Error() string        { return e.Code + ": " + e.Message }
func (e *Error) ErrorCode() string    { return e.Code }
func (e *Error) ErrorMessage() string { return e.Message }
func (e *Error) HTTPStatus() int      { return e.Status }
func (e *Error) SenderFault() bool    { return e.Sender }

// Message formats an error message: format alone when there are no args,
// so that a message holding '%' is kept as written.
func Message(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// As extracts the APIError from err.
func As(err error) (APIError, bool) {
	var e APIError
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err is an API error with the given wire code.
func Is(err error, code string) bool {
	e, ok := As(err)
	return ok && e.ErrorCode() == code
}

// Constructor is a generated error constructor seen as returning error,
// for code that is handed the error to build (Maker).
type Constructor func(format string, args ...any) error

// Maker adapts a generated constructor (iamapi.NewNoSuchEntityException)
// to a Constructor.
func Maker[E error](f func(string, ...any) E) Constructor {
	return func(format string, args ...any) error { return f(format, args...) }
}
