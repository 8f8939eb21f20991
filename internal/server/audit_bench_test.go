package server_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/server"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

// BenchmarkAudit measures what the audit trail costs a request: a signed
// IAM CreateUser (a write, recorded in its transaction) and GetUser (a
// read, queued for the background writer), sent by the AWS SDK through
// the whole stack at concurrency 16, on a server that records them
// (audit=on) and on one that records nothing (audit=off), the two
// alternating round after round (auditRounds).
func BenchmarkAudit(b *testing.B) {
	on := testenv.New(b)
	off := testenv.New(b, testenv.Options{Configure: func(c *server.Config) { c.Audit = nil }})
	var n atomic.Int64
	prefix := ids.AccountID()
	envs := []struct {
		name string
		e    *testenv.Env
	}{{"audit=off", off}, {"audit=on", on}}
	for _, v := range envs {
		// GetUser's user, made once.
		if _, err := v.e.IAM().CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
			b.Fatal(err)
		}
	}
	for round := range auditRounds() {
		for _, v := range envs {
			im := v.e.IAM()
			b.Run(fmt.Sprintf("op=CreateUser/%s/round=%d", v.name, round), func(b *testing.B) {
				parallel16(b, func() error {
					_, err := im.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%s-%d", prefix, n.Add(1)))})
					return err
				})
			})
		}
	}
	for round := range auditRounds() {
		for _, v := range envs {
			im := v.e.IAM()
			b.Run(fmt.Sprintf("op=GetUser/%s/round=%d", v.name, round), func(b *testing.B) {
				parallel16(b, func() error {
					_, err := im.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("reader")})
					return err
				})
			})
			// One at a time: the latency of the request path itself.
			b.Run(fmt.Sprintf("op=GetUser/c=1/%s/round=%d", v.name, round), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := im.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("reader")}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// auditRounds is how many times BenchmarkAudit alternates off and on:
// MAILGATE_BENCH_ROUNDS, default 3.
func auditRounds() int {
	if n, err := strconv.Atoi(os.Getenv("MAILGATE_BENCH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 3
}

// BenchmarkLookupEventsByUsername measures a page of `lookup-events`
// filtered by user name (50 events, through the SDK and the whole
// stack) in a trail of MAILGATE_BENCH_AUDIT_RECORDS records (default
// 1,000,000) spread over 1,000 users, seeded in bulk through the store:
// the first page, and a page 10 deep (keyset continuation; fewer with
// fewer records).
func BenchmarkLookupEventsByUsername(b *testing.B) {
	total := 1_000_000
	if v := os.Getenv("MAILGATE_BENCH_AUDIT_RECORDS"); v != "" {
		total, _ = strconv.Atoi(v)
	}
	e := testenv.New(b)
	start := time.Now()
	seedAudit(b, e, total, 1000)
	b.Logf("seeded %d records in %v", total, time.Since(start).Round(time.Second))
	ct := e.CloudTrail()
	in := &cloudtrail.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("user-0421")}}}
	b.Run("page=first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out, err := ct.LookupEvents(context.Background(), in)
			if err != nil || len(out.Events) != 50 {
				b.Fatalf("%v, %v", out, err)
			}
		}
	})
	deep := *in
	for range min(10, total/1000/50-1) {
		out, err := ct.LookupEvents(context.Background(), &deep)
		if err != nil {
			b.Fatal(err)
		}
		deep.NextToken = out.NextToken
	}
	b.Run("page=deep", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out, err := ct.LookupEvents(context.Background(), &deep)
			if err != nil || len(out.Events) != 50 {
				b.Fatalf("%v, %v", out, err)
			}
		}
	})
}

// seedAudit writes n records of users user-0000… over the last 30 days,
// as the server would record an IAM write of theirs, 2,000 a transaction.
func seedAudit(b *testing.B, e *testenv.Env, n, users int) {
	ctx := context.Background()
	now := time.Now()
	step := 30 * 24 * time.Hour / time.Duration(n)
	batch := make([]store.AuditRecord, 0, 2000)
	for i := range n {
		user := fmt.Sprintf("user-%04d", i%users)
		ev := audit.Event{AccountID: e.AccountID, Region: "us-east-1", Time: now.Add(-time.Duration(n-i) * step), RequestID: ids.Unique(""),
			Identity: audit.Identity{Type: audit.IdentityIAMUser, PrincipalID: "AIDA" + user, ARN: "arn:aws:iam::" + e.AccountID + ":user/" + user,
				AccountID: e.AccountID, AccessKeyID: "AKIA" + user, UserName: user},
			SourceIP: "192.0.2.10", UserAgent: "aws-cli/2.15.0", Source: "iam.amazonaws.com", Name: "TagUser",
			Request:   audit.Params{Doc: map[string]any{"UserName": user, "Tags": []any{map[string]any{"Key": "team", "Value": "mail"}}}},
			Resources: []audit.Resource{{ARN: "arn:aws:iam::" + e.AccountID + ":user/" + user, Type: "AWS::IAM::User", Name: user}}}
		rec, err := audit.Encode(ev)
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, rec)
		if len(batch) == cap(batch) || i == n-1 {
			if err := e.Store.PutAuditRecords(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}
