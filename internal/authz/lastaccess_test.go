package authz

import (
	"log/slog"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/reqctx"
)

// A batch merged into a stored record keeps the later access of the
// service and of each action.
func TestMergeAccess(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration, region string) Access { return Access{At: t0.Add(d), Region: region} }
	cur := &ServiceAccess{EntityARN: "old", Access: at(2*time.Hour, "eu-west-1"),
		Actions: map[string]Access{"GetUser": at(2*time.Hour, "eu-west-1"), "ListUsers": at(time.Hour, "eu-west-1")}}
	late := &ServiceAccess{EntityARN: "late", Access: at(90*time.Minute, "us-east-1"),
		Actions: map[string]Access{"ListUsers": at(90*time.Minute, "us-east-1"), "ListRoles": at(90*time.Minute, "us-east-1")}}
	got := mergeAccess(cur, late)
	if got.EntityARN != "old" || got.Region != "eu-west-1" || got.Actions["GetUser"].Region != "eu-west-1" ||
		got.Actions["ListUsers"].Region != "us-east-1" || got.Actions["ListRoles"].At != t0.Add(90*time.Minute) {
		t.Fatalf("merged: %+v", got)
	}
}

// Noting an allowed call is on the request path: it must cost next to
// nothing, from many goroutines at once.
func BenchmarkAccessNote(b *testing.B) {
	r := newAccessRecorder(nil, slog.Default())
	r.flushing = true // no writer: this measures the note alone
	req := &reqctx.Request{Action: "iam:GetRole", Region: "us-east-1",
		Caller: &reqctx.Caller{AccountID: "123456789012", EntityID: "AIDAEXAMPLE", Arn: "arn:aws:iam::123456789012:user/bench"}}
	now := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.note(req, now)
		}
	})
}
