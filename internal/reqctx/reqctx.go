// Package reqctx carries what the server learned about a request (its ID,
// the authenticated caller, the region it was signed for) to the services.
package reqctx

import (
	"context"
	"strings"
	"time"
)

// Caller is the authenticated principal.
type Caller struct {
	AccountID   string
	AccessKeyID string
	// Arn is the principal's ARN ("arn:aws:iam::123456789012:root").
	Arn string
	// UserID is the unique ID GetCallerIdentity reports (the account ID for root).
	UserID string
	Root   bool

	// Type is the aws:PrincipalType: "Account" (root), "User" or
	// "AssumedRole".
	Type string
	// UserName is the IAM user's name (users, and their GetSessionToken
	// sessions).
	UserName string
	// EntityID is the unique ID of the IAM user or role whose policies
	// apply ("" for root).
	EntityID string
	// RoleName and RoleArn name the role of an assumed-role session;
	// SessionName is its session name.
	RoleName, RoleArn, SessionName string
	// AuthzGeneration is the account's authorization generation, read
	// with the user or role (store.Authz.GetIAMPrincipal) when
	// HasAuthzGeneration: policies loaded at the same generation are
	// still the principal's.
	AuthzGeneration    int64
	HasAuthzGeneration bool

	// Session is set for temporary credentials.
	Session *Session
}

// Session describes the temporary credentials a request was signed with.
type Session struct {
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Policies cap the session's permissions (session policies).
	Policies          []string
	Tags              map[string]string
	TransitiveTagKeys []string
	SourceIdentity    string
	// ContextKeys are condition keys of the session's own (the web
	// identity token's), set on each of its requests.
	ContextKeys map[string][]string
	// Kind is "assumed-role" or "session-token".
	Kind string

	// MFAAt is when the session's caller proved an MFA device (zero: it
	// did not).
	MFAAt time.Time
}

// Request describes one API request.
type Request struct {
	ID        string
	Service   string // "workmail", "iam", "sts"
	Operation string
	Action    string // "workmail:CreateUser", set before authorization
	Resource  string // the ARN the operation acts on, or "*"
	Region    string
	Partition string // "aws", "aws-cn", ...
	Caller    *Caller
	SourceIP  string
	Secure    bool
	Received  time.Time

	// MFAAt is set when the request itself proved an MFA device
	// (AssumeRole's SerialNumber and TokenCode, checked before
	// authorization).
	MFAAt time.Time
}

type key struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r *Request) context.Context { return context.WithValue(ctx, key{}, r) }

// From returns the request in ctx; a zero Request when there is none, so
// services never dereference nil.
func From(ctx context.Context) *Request {
	if r, ok := ctx.Value(key{}).(*Request); ok {
		return r
	}
	return &Request{Caller: &Caller{}}
}

// ARNPartition is the partition for ARNs made in this request.
func (r *Request) ARNPartition() string {
	if r.Partition != "" {
		return r.Partition
	}
	return PartitionOf(r.Region)
}

// partitions maps region prefixes to ARN partitions (botocore's
// endpoints.json regionRegex of each partition).
var partitions = []struct{ prefix, partition string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-iso-", "aws-iso"},
	{"us-isob-", "aws-iso-b"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-isof-", "aws-iso-f"},
}

// PartitionOf maps a region to its ARN partition, as AWS does.
func PartitionOf(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
