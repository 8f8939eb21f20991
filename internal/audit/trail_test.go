package audit_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Queued events are stored by Flush and by Close, streamed one line
// each; a write's record rolls back with its transaction.
func TestTrail(t *testing.T) {
	st := testenv.OpenStore(t)
	ctx := context.Background()
	acct := ids.AccountID()
	var stream syncBuffer
	tr := audit.New(audit.Options{Store: st, Stream: &stream})
	count := func() int {
		recs, err := st.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	ev := audit.Event{AccountID: acct, Source: audit.Source("iam"), Name: "GetUser", ReadOnly: true}
	for range 300 {
		tr.Record(ctx, ev)
	}
	if err := tr.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 300 {
		t.Fatalf("%d records after Flush", n)
	}
	_ = st.InTx(ctx, func(ctx context.Context) error {
		if _, err := tr.Write(ctx, audit.Event{AccountID: acct, Name: "CreateUser"}); err != nil {
			t.Fatal(err)
		}
		return context.Canceled
	})
	w, err := tr.Write(ctx, audit.Event{AccountID: acct, Name: "CreateUser"})
	if err != nil {
		t.Fatal(err)
	}
	tr.Committed(w)
	for range 50 {
		tr.Record(ctx, ev)
	}
	tr.Close()
	if n := count(); n != 351 {
		t.Fatalf("%d records after Close, want 351", n)
	}
	lines := strings.Split(strings.TrimSpace(stream.String()), "\n")
	if len(lines) != 351 || !strings.HasPrefix(lines[0], `{"eventVersion":"1.09"`) {
		t.Fatalf("%d lines streamed: %.200s", len(lines), stream.String())
	}
	tr.Record(ctx, ev) // after Close: written at once
	if n := count(); n != 352 {
		t.Fatalf("%d records after a late Record", n)
	}
}

// Pruning deletes what is older than the cutoff, in batches.
func TestPrune(t *testing.T) {
	st := testenv.OpenStore(t)
	ctx := context.Background()
	acct := ids.AccountID()
	tr := audit.New(audit.Options{Store: st, Retention: -1})
	defer tr.Close()
	old := time.Now().Add(-100 * 24 * time.Hour)
	var recs []store.AuditRecord
	for i := range 1200 {
		r, _ := audit.Encode(audit.Event{AccountID: acct, Name: "GetUser", Time: old.Add(time.Duration(i) * time.Second)})
		recs = append(recs, r)
	}
	r, _ := audit.Encode(audit.Event{AccountID: acct, Name: "GetUser"})
	if err := st.PutAuditRecords(ctx, append(recs, r)); err != nil {
		t.Fatal(err)
	}
	if n := tr.Prune(ctx, time.Now().Add(-90*24*time.Hour)); n < 1200 { // and any left by other suites on the same database
		t.Fatalf("pruned %d", n)
	}
	left, _ := st.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct})
	if len(left) != 1 {
		t.Fatalf("%d left", len(left))
	}
}

// A record whose transaction committed but whose keys were not written
// (the process died in between) gets them when the next trail starts.
func TestRecoverKeys(t *testing.T) {
	st := testenv.OpenStore(t)
	ctx := context.Background()
	acct := ids.AccountID()
	// What Write stores in a write's transaction: the record, its keys
	// left for later.
	rec, err := audit.Encode(audit.Event{AccountID: acct, Source: audit.Source("iam"), Name: "CreateUser"})
	if err != nil {
		t.Fatal(err)
	}
	rec.KeysLater = true
	if err := st.PutAuditRecords(ctx, []store.AuditRecord{rec}); err != nil {
		t.Fatal(err)
	}
	byName := store.AuditQuery{AccountID: acct, Key: &store.AuditKey{Attr: "EventName", Value: "CreateUser"}}
	if got, _ := st.LookupAuditRecords(ctx, byName); len(got) != 0 {
		t.Fatal("keys written with KeysLater")
	}
	tr := audit.New(audit.Options{Store: st})
	defer tr.Close()
	if err := tr.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.LookupAuditRecords(ctx, byName); len(got) != 1 {
		t.Fatalf("%d records after the restart", len(got))
	}
}
