package audit

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/store"
)

// EventVersion is the CloudTrail record version written.
const EventVersion = "1.09"

// Record is a CloudTrail record, as LookupEvents' CloudTrailEvent and the
// JSON Lines stream carry it.
type Record struct {
	EventVersion        string           `json:"eventVersion"`
	UserIdentity        Identity         `json:"userIdentity"`
	EventTime           string           `json:"eventTime"`
	EventSource         string           `json:"eventSource"`
	EventName           string           `json:"eventName"`
	AWSRegion           string           `json:"awsRegion"`
	SourceIPAddress     string           `json:"sourceIPAddress"`
	UserAgent           string           `json:"userAgent"`
	ErrorCode           string           `json:"errorCode,omitempty"`
	ErrorMessage        string           `json:"errorMessage,omitempty"`
	RequestParameters   map[string]any   `json:"requestParameters"`
	ResponseElements    map[string]any   `json:"responseElements"`
	AdditionalEventData map[string]any   `json:"additionalEventData,omitempty"`
	RequestID           string           `json:"requestID,omitempty"`
	EventID             string           `json:"eventID"`
	ReadOnly            bool             `json:"readOnly"`
	Resources           []RecordResource `json:"resources,omitempty"`
	EventType           string           `json:"eventType"`
	ManagementEvent     bool             `json:"managementEvent"`
	RecipientAccountID  string           `json:"recipientAccountId"`
	EventCategory       string           `json:"eventCategory"`
}

// RecordResource is a resource of a record. Name is mailgate's: the
// name LookupEvents reports for the resource.
type RecordResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
	Name      string `json:"name,omitempty"`
}

// fill sets what the caller left empty.
func (e *Event) fill(now time.Time) {
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.Time.IsZero() {
		e.Time = now
	}
	if e.Type == "" {
		e.Type = TypeAPICall
	}
}

// Record is the event as a CloudTrail record, secrets redacted.
func (e *Event) Record() Record {
	r := Record{
		EventVersion: EventVersion, UserIdentity: e.Identity, EventTime: formatTime(e.Time),
		EventSource: e.Source, EventName: e.Name, AWSRegion: e.Region, SourceIPAddress: e.SourceIP, UserAgent: e.UserAgent,
		ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage,
		RequestParameters: Redact(e.Request.Doc, e.Request.Shape), ResponseElements: Redact(e.Response.Doc, e.Response.Shape),
		AdditionalEventData: Redact(e.Additional, nil),
		RequestID:           e.RequestID, EventID: e.ID, ReadOnly: e.ReadOnly, EventType: e.Type,
		ManagementEvent: !e.Data, RecipientAccountID: e.AccountID, EventCategory: "Management",
	}
	if e.Data {
		r.EventCategory = "Data"
	}
	for _, res := range e.Resources {
		r.Resources = append(r.Resources, RecordResource{AccountID: arn.Account(res.ARN), Type: res.Type, ARN: res.ARN, Name: res.Name})
	}
	return r
}

// entry is an event encoded for the store and the stream.
type entry struct {
	rec  store.AuditRecord
	line []byte
}

// encode redacts and marshals the event and names its lookup keys.
func (e *Event) encode() (entry, error) {
	r := e.Record()
	doc, err := json.Marshal(r)
	if err != nil {
		return entry{}, err
	}
	return entry{rec: store.AuditRecord{EventID: e.ID, AccountID: e.AccountID, Time: e.Time, Keys: r.keys(), Doc: doc}, line: doc}, nil
}

// keys are what LookupEvents finds a record by (the store adds its event
// ID).
func (r *Record) keys() []store.AuditKey {
	keys := []store.AuditKey{
		{Attr: "EventName", Value: r.EventName},
		{Attr: "EventSource", Value: r.EventSource},
		{Attr: "Username", Value: r.UserIdentity.LookupName()},
		{Attr: "AccessKeyId", Value: r.UserIdentity.AccessKeyID},
		{Attr: "ReadOnly", Value: strconv.FormatBool(r.ReadOnly)},
	}
	for _, res := range r.Resources {
		keys = append(keys, store.AuditKey{Attr: "ResourceType", Value: res.Type}, store.AuditKey{Attr: "ResourceName", Value: res.Name})
	}
	return keys
}

// resourceTypes name the resource types of ARNs, by service and the
// resource's first path element, as AWS Config and CloudTrail do.
var resourceTypes = map[string]string{
	"iam/user": "AWS::IAM::User", "iam/role": "AWS::IAM::Role", "iam/group": "AWS::IAM::Group",
	"iam/policy": "AWS::IAM::Policy", "iam/instance-profile": "AWS::IAM::InstanceProfile",
	"iam/oidc-provider": "AWS::IAM::OIDCProvider", "iam/saml-provider": "AWS::IAM::SAMLProvider",
	"iam/mfa": "AWS::IAM::VirtualMFADevice", "iam/server-certificate": "AWS::IAM::ServerCertificate",
	"iam/root": "AWS::IAM::Root", "sts/assumed-role": "AWS::STS::AssumedRole",
	"workmail/organization": "AWS::WorkMail::Organization",
}

// ResourceOf names the resource an ARN identifies: its CloudTrail type
// ("AWS::IAM::User", or AWS::<Service>::<Kind> for kinds without one)
// and its name (the last element of its path). ok is false for "*" and
// anything not an ARN.
func ResourceOf(s string) (Resource, bool) {
	a, ok := arn.Parse(s)
	if !ok || a.Resource == "*" {
		return Resource{}, false
	}
	kind, rest, found := strings.Cut(a.Resource, "/")
	if !found {
		kind, rest, _ = strings.Cut(a.Resource, ":")
	}
	typ := resourceTypes[a.Service+"/"+kind]
	if typ == "" {
		typ = "AWS::" + titleWord(a.Service) + "::" + titleWord(kind)
	}
	name := rest
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		name = rest[i+1:]
	}
	if name == "" {
		name = kind
	}
	return Resource{ARN: s, Type: typ, Name: name}, true
}

// titleWord is "workmail" → "WorkMail"-like: each dash-separated word
// capitalised ("impersonation-role" → "ImpersonationRole").
func titleWord(s string) string {
	if s == "workmail" {
		return "WorkMail"
	}
	var b strings.Builder
	for _, w := range strings.Split(s, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// Encode is the stored form of an event, its empty fields filled in as
// Record and Write fill them: for bulk imports and benchmarks that write
// through the store directly.
func Encode(e Event) (store.AuditRecord, error) {
	e.fill(time.Now())
	en, err := e.encode()
	return en.rec, err
}
