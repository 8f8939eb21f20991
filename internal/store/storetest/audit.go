package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// testAudit: records are found by each key, newest first, page after
// page, within a time range, and pruned oldest first; a record written
// in a transaction that fails is gone with it.
func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	acct, other := newAccountID(), newAccountID()
	base := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
	var recs []store.AuditRecord
	for i := range 7 {
		user := "alice"
		if i%2 == 1 {
			user = "bob"
		}
		recs = append(recs, store.AuditRecord{EventID: fmt.Sprintf("%s-%02d", randHex(4), i), AccountID: acct, Time: base.Add(time.Duration(i/2) * time.Minute),
			Keys: []store.AuditKey{{Attr: "Username", Value: user}, {Attr: "EventName", Value: "CreateUser"}, {Attr: "ResourceName", Value: "r"}, {Attr: "ResourceName", Value: "r"}},
			Doc:  []byte(`{"n":` + fmt.Sprint(i) + `}`)})
	}
	if err := s.PutAuditRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAuditRecords(ctx, []store.AuditRecord{{EventID: randHex(8), AccountID: other, Time: base, Keys: []store.AuditKey{{Attr: "Username", Value: "alice"}}, Doc: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	t.Run("method=LookupAuditRecords/case=by key, newest first, in pages", func(t *testing.T) {
		var got []store.AuditRecord
		q := store.AuditQuery{AccountID: acct, Key: &store.AuditKey{Attr: "Username", Value: "alice"}, Limit: 3}
		for {
			page, err := s.LookupAuditRecords(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page...)
			if len(page) < q.Limit {
				break
			}
			last := page[len(page)-1]
			q.Before = &store.AuditCursor{Time: last.Time, EventID: last.EventID}
		}
		if len(got) != 4 {
			t.Fatalf("alice has %d records, want 4", len(got))
		}
		for i := 1; i < len(got); i++ {
			if got[i].Time.After(got[i-1].Time) {
				t.Fatalf("record %d is newer than the one before", i)
			}
		}
		if string(got[0].Doc) != `{"n":6}` || !got[0].Time.Equal(recs[6].Time) {
			t.Fatalf("newest = %s at %v", got[0].Doc, got[0].Time)
		}
	})
	t.Run("method=LookupAuditRecords/case=every record, a time range, an event ID", func(t *testing.T) {
		all, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Limit: 100})
		if err != nil || len(all) != 7 { // written with their keys
			t.Fatalf("%d records, %v", len(all), err)
		}
		ranged, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, From: base.Add(time.Minute), To: base.Add(2 * time.Minute), Key: &store.AuditKey{Attr: "ResourceName", Value: "r"}})
		if err != nil || len(ranged) != 4 {
			t.Fatalf("%d records in range, %v", len(ranged), err)
		}
		one, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Key: &store.AuditKey{Attr: store.AuditKeyEventID, Value: recs[3].EventID}})
		if err != nil || len(one) != 1 || one[0].EventID != recs[3].EventID {
			t.Fatalf("by ID: %v, %v", one, err)
		}
		none, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: other, Key: &store.AuditKey{Attr: store.AuditKeyEventID, Value: recs[3].EventID}})
		if err != nil || len(none) != 0 {
			t.Fatalf("another account's record: %v, %v", none, err)
		}
	})
	t.Run("method=PutAuditRecords/case=the event first, its keys after, twice", func(t *testing.T) {
		r := store.AuditRecord{EventID: randHex(8), AccountID: acct, Time: base.Add(30 * time.Second), Doc: []byte(`{"late":true}`),
			Keys: []store.AuditKey{{Attr: "Username", Value: "carol"}}, KeysLater: true}
		if err := s.PutAuditRecords(ctx, []store.AuditRecord{r}); err != nil {
			t.Fatal(err)
		}
		byID := &store.AuditKey{Attr: store.AuditKeyEventID, Value: r.EventID}
		if got, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Key: byID}); err != nil || len(got) != 0 {
			t.Fatalf("listed before its keys: %v, %v", got, err)
		}
		after, err := s.AuditRecordsAfter(ctx, store.AuditCursor{Time: r.Time.Add(-time.Nanosecond)}, 1)
		if err != nil || len(after) != 1 || after[0].EventID != r.EventID || string(after[0].Doc) != `{"late":true}` || len(after[0].Keys) != 1 {
			t.Fatalf("AuditRecordsAfter: %v, %v", after, err)
		}
		if last, err := s.LastAuditTime(ctx); err != nil || last.Before(recs[6].Time) {
			t.Fatalf("LastAuditTime %v, %v", last, err)
		}
		r = after[0]
		r.EventStored = true
		for range 2 {
			if err := s.PutAuditRecords(ctx, []store.AuditRecord{r}); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []*store.AuditKey{byID, {Attr: "Username", Value: "carol"}} {
			if got, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Key: k}); err != nil || len(got) != 1 {
				t.Fatalf("by %v: %v, %v", k, got, err)
			}
		}
	})
	t.Run("method=PutAuditRecords/case=rolled back with its transaction", func(t *testing.T) {
		id := randHex(8)
		_ = s.InTx(ctx, func(ctx context.Context) error {
			if err := s.PutAuditRecords(ctx, []store.AuditRecord{{EventID: id, AccountID: acct, Time: base, Doc: []byte(`{}`)}}); err != nil {
				t.Fatal(err)
			}
			return fmt.Errorf("boom")
		})
		got, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Key: &store.AuditKey{Attr: store.AuditKeyEventID, Value: id}})
		if err != nil || len(got) != 0 {
			t.Fatalf("%v, %v", got, err)
		}
	})
	t.Run("method=PruneAuditRecords/case=oldest first, in batches", func(t *testing.T) {
		cutoff := base.Add(2 * time.Minute) // records 0..3 are older
		n, err := s.PruneAuditRecords(ctx, cutoff, 1)
		if err != nil || n < 1 {
			t.Fatalf("first batch: %d, %v", n, err)
		}
		for {
			m, err := s.PruneAuditRecords(ctx, cutoff, 2)
			if err != nil {
				t.Fatal(err)
			}
			if m == 0 {
				break
			}
		}
		left, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Limit: 100})
		if err != nil || len(left) != 3 {
			t.Fatalf("%d records left, want 3: %v", len(left), err)
		}
		bob, err := s.LookupAuditRecords(ctx, store.AuditQuery{AccountID: acct, Key: &store.AuditKey{Attr: "Username", Value: "bob"}})
		if err != nil || len(bob) != 1 {
			t.Fatalf("bob's keys left: %d, %v", len(bob), err)
		}
	})
}
