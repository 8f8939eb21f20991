// Package apierror is the one error type that crosses from handlers to the
// protocol layer. Handlers return the constructors generated per service
// (workmailapi.NewEntityNotFoundException, ...); the codecs turn an *Error
// into the wire shape of their protocol. Anything else a handler returns is
// an internal failure: logged with the request ID, answered as a 500 whose
// message reveals nothing.
package apierror

import (
	"errors"
	"fmt"
)

// Error is an AWS API error.
type Error struct {
	Code    string // wire code: "EntityNotFoundException", "NoSuchEntity", ...
	Message string
	Status  int  // HTTP status
	Sender  bool // client fault (awsQuery <Type>Sender</Type>)
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New builds an error.
func New(code string, status int, sender bool, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, Status: status, Sender: sender}
}

// As extracts an *Error from err.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Internal is the answer to any failure that is not an API error.
func Internal() *Error {
	return &Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: 500}
}

// NotImplemented answers modeled operations mailgate does not serve yet.
func NotImplemented(op string) *Error {
	return &Error{Code: "NotImplemented", Message: fmt.Sprintf("The operation %s is not implemented by this server.", op), Status: 501}
}
