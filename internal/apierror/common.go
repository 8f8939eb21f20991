package apierror

import "net/http"

// Common is an error that any AWS service may answer although no model
// lists it (the "common errors" of each API reference), with its spelling
// and status in each protocol: awsJson services add "Exception" and answer
// most of them with 400, awsQuery services answer 403 for refusals.
type Common struct {
	JSONCode, QueryCode     string
	JSONStatus, QueryStatus int
}

// The common errors mailgate answers.
var (
	AccessDenied               = Common{"AccessDeniedException", "AccessDenied", 400, 403}
	ExpiredToken               = Common{"ExpiredTokenException", "ExpiredToken", 400, 403}
	IncompleteSignature        = Common{"IncompleteSignatureException", "IncompleteSignature", 400, 400}
	InternalFailure            = Common{"InternalFailure", "InternalFailure", 500, 500}
	InvalidAction              = Common{"UnknownOperationException", "InvalidAction", 400, 400}
	InvalidClientTokenID       = Common{"UnrecognizedClientException", "InvalidClientTokenId", 400, 403}
	InvalidQueryParameter      = Common{"SerializationException", "InvalidQueryParameter", 400, 400}
	InvalidParameterValue      = Common{"InvalidParameterValueException", "InvalidParameterValue", 400, 400}
	MalformedInput             = Common{"SerializationException", "MalformedInput", 400, 400}
	MalformedQueryString       = Common{"SerializationException", "MalformedQueryString", 400, 400}
	MethodNotAllowed           = Common{"UnknownOperationException", "InvalidAction", 400, http.StatusMethodNotAllowed}
	MissingAction              = Common{"UnknownOperationException", "MissingAction", 400, 400}
	MissingAuthenticationToken = Common{"MissingAuthenticationTokenException", "MissingAuthenticationToken", 400, 403}
	NotImplementedError        = Common{"NotImplemented", "NotImplemented", 501, 501}
	RequestCanceled            = Common{"RequestCanceled", "RequestCanceled", 499, 499}
	RequestEntityTooLarge      = Common{"RequestEntityTooLargeException", "RequestEntityTooLarge", 413, 413}
	ServiceUnavailable         = Common{"ServiceUnavailable", "ServiceUnavailable", 503, 503}
	SignatureDoesNotMatch      = Common{"InvalidSignatureException", "SignatureDoesNotMatch", 400, 403}
	UnsupportedMediaType       = Common{"UnsupportedMediaTypeException", "UnsupportedMediaType", 415, 415}
	ValidationError            = Common{"ValidationException", "ValidationError", 400, 400}
)

// Protocols, as model.Service.Protocol names them.
const (
	ProtocolJSON  = "json"
	ProtocolQuery = "query"
)

// New builds the error in the spelling of protocol ("json" or "query").
func (c Common) New(protocol, format string, args ...any) *Error {
	if protocol == ProtocolQuery {
		return c.InQuery(format, args...)
	}
	return c.InJSON(format, args...)
}

// InJSON builds the awsJson spelling.
func (c Common) InJSON(format string, args ...any) *Error {
	return &Error{Code: c.JSONCode, Message: Message(format, args...), Status: c.JSONStatus, Sender: c.JSONStatus < 500}
}

// InQuery builds the awsQuery spelling.
func (c Common) InQuery(format string, args ...any) *Error {
	return &Error{Code: c.QueryCode, Message: Message(format, args...), Status: c.QueryStatus, Sender: c.QueryStatus < 500}
}

// Internal is the answer to any failure that is not an API error.
func Internal() *Error {
	return InternalFailure.InJSON("The request processing has failed because of an unknown error, exception or failure.")
}

// NotImplemented answers modeled operations mailgate does not serve yet.
func NotImplemented(op string) *Error {
	return NotImplementedError.InJSON("The operation %s is not implemented by this server.", op)
}
