// Package reqctx carries what the server learned about a request (its ID,
// the authenticated caller, the region it was signed for) to the services.
package reqctx

import (
	"context"
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

// PartitionOf maps a region to its ARN partition, as AWS does.
func PartitionOf(region string) string {
	switch {
	case len(region) >= 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) >= 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	case len(region) >= 9 && region[:9] == "us-isob-":
		return "aws-iso-b"
	case len(region) >= 8 && region[:8] == "us-iso-":
		return "aws-iso"
	}
	return "aws"
}
