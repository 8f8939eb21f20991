// Package audit is mailgate's audit trail: one CloudTrail record per API
// call, sign-in, token use and authorization denial, kept in the store
// (store.Audit) for CloudTrail's LookupEvents and, optionally, streamed
// as JSON Lines for a SIEM.
//
// Components report events through Recorder. A Trail writes them two
// ways:
//
//   - Write stores a record in the transaction of its context: the
//     server runs each mutating call and its record in one transaction,
//     so no acknowledged write lacks its record. Its lookup keys are
//     written after the commit by the background writer (Committed),
//     and rebuilt at start for the last records after a crash.
//   - Record queues a record for a background writer that stores them
//     in batches (reads, denials, failures, sign-ins): the request does
//     not wait for the store. Close writes whatever is queued.
//
// Secrets never reach a record: request parameters and response
// elements are redacted from the model (members of sensitive shapes)
// and by member name (passwords, tokens, secret and private keys, TOTP
// seeds), in the background writer for queued events.
package audit

import (
	"context"
	"time"

	"github.com/mailgate/mailgate/internal/model"
)

// Recorder takes the events of a component (the API server, the sign-in
// endpoints, a mail front end). Record never blocks on the store: the
// event is written shortly after, in the background. Fields left empty
// are filled in (ID, Time, Type "AwsApiCall").
type Recorder interface {
	Record(ctx context.Context, e Event)
}

// Discard is a Recorder that keeps nothing.
var Discard Recorder = discard{}

type discard struct{}

func (discard) Record(context.Context, Event) {}

// Event types (eventType).
const (
	TypeAPICall       = "AwsApiCall"
	TypeConsoleSignIn = "AwsConsoleSignIn"
	TypeServiceEvent  = "AwsServiceEvent"
)

// Event is one thing that happened, as the record it becomes.
type Event struct {
	ID        string    // eventID; a new UUID when empty
	Time      time.Time // eventTime; now when zero
	RequestID string
	// AccountID is the account whose trail holds the event
	// (recipientAccountId); events without one are not kept.
	AccountID string
	Region    string
	Identity  Identity
	SourceIP  string
	UserAgent string
	Source    string // eventSource: "iam.amazonaws.com"
	Name      string // eventName: "CreateUser"
	Type      string // eventType; TypeAPICall when empty
	ReadOnly  bool
	// Data marks a data event (a token used, a mailbox signed in to)
	// rather than a management event.
	Data         bool
	ErrorCode    string
	ErrorMessage string
	Request      Params // requestParameters
	Response     Params // responseElements
	// Additional is additionalEventData; its values are redacted by
	// member name as parameters are.
	Additional map[string]any
	Resources  []Resource
}

// Params are request parameters or response elements: a document of the
// model (member name → value) and its shape, which tells what to redact.
// A nil Shape redacts by member name only.
type Params struct {
	Doc   map[string]any
	Shape *model.Shape
}

// Resource is a resource an event acts on.
type Resource struct {
	ARN  string
	Type string // "AWS::IAM::User"
	Name string // "alice"
}

// Source is the eventSource of a service's signing name.
func Source(service string) string { return service + ".amazonaws.com" }
