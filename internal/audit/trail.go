package audit

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// DefaultRetention is how long records are kept unless told otherwise.
const DefaultRetention = 90 * 24 * time.Hour

// Options configure a Trail.
type Options struct {
	Store store.Audit
	// Stream, when set, receives each record as one line of JSON once
	// it is stored (--audit-log).
	Stream io.Writer
	// Retention is how long records are kept: 0 is DefaultRetention,
	// negative keeps them forever.
	Retention time.Duration
	Logger    *slog.Logger
	Now       func() time.Time
	// QueueSize bounds the events waiting for the background writer;
	// past it Record waits (nothing is dropped). 0 = 8192.
	QueueSize int
}

// Trail writes audit records (see the package comment).
type Trail struct {
	store  store.Audit
	log    *slog.Logger
	now    func() time.Time
	stream *lineWriter

	mu     sync.RWMutex // Record holds it to send; Close to close queue
	closed bool
	queue  chan queued
	done   chan struct{} // the writer has stopped
	stop   chan struct{} // stops the pruner
	pruned chan struct{} // the pruner has stopped
}

// queued is an event for the writer, the keys of a record a write's
// transaction stored, or a flush marker.
type queued struct {
	ev      *Event
	keysOf  *store.AuditRecord
	flushed chan struct{}
}

// maxBatch bounds the records of one background transaction.
const maxBatch = 256

var _ Recorder = (*Trail)(nil)

// New starts a trail's background writer and pruner.
func New(o Options) *Trail {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	t := &Trail{store: o.Store, log: o.Logger, now: o.Now, queue: make(chan queued, o.QueueSize),
		done: make(chan struct{}), stop: make(chan struct{}), pruned: make(chan struct{})}
	if o.Stream != nil {
		t.stream = &lineWriter{w: o.Stream}
	}
	go t.writer()
	go t.pruner(o.Retention)
	return t
}

// Record queues e for the background writer. After Close it writes e
// at once.
func (t *Trail) Record(ctx context.Context, e Event) {
	e.fill(t.now())
	t.enqueue(queued{ev: &e})
}

// enqueue hands q to the writer, or writes it at once after Close.
func (t *Trail) enqueue(q queued) {
	t.mu.RLock()
	if !t.closed {
		t.queue <- q
		t.mu.RUnlock()
		return
	}
	t.mu.RUnlock()
	t.writeBatch([]queued{q})
}

// Written is a record stored in a transaction that has not committed yet.
type Written struct{ en entry }

// Write stores e's record now, in the transaction of ctx (store.Tx), so
// that it commits or rolls back with the write it describes. Only the
// record is written there, not its lookup keys: once the transaction has
// committed, pass the result to Committed, which queues them.
func (t *Trail) Write(ctx context.Context, e Event) (Written, error) {
	e.fill(t.now())
	en, err := e.encode()
	if err != nil {
		return Written{}, err
	}
	if e.AccountID != "" {
		rec := en.rec
		rec.KeysLater = true
		if err := t.store.PutAuditRecords(ctx, []store.AuditRecord{rec}); err != nil {
			return Written{}, err
		}
	}
	return Written{en: en}, nil
}

// Committed queues the keys of a record Write stored, its transaction
// committed, and streams it.
func (t *Trail) Committed(w Written) {
	if w.en.line == nil {
		return
	}
	if w.en.rec.AccountID != "" {
		rec := w.en.rec
		rec.EventStored = true
		t.enqueue(queued{keysOf: &rec})
	}
	if t.stream != nil {
		t.stream.write(w.en.line)
	}
}

// Flush waits until every event queued before it is stored.
func (t *Trail) Flush(ctx context.Context) error {
	t.mu.RLock()
	if t.closed {
		t.mu.RUnlock()
		return nil
	}
	ch := make(chan struct{})
	t.queue <- queued{flushed: ch}
	t.mu.RUnlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes every queued event and stops the trail. Events recorded
// afterwards are written as they come.
func (t *Trail) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	close(t.queue)
	close(t.stop)
	t.mu.Unlock()
	<-t.done
	<-t.pruned
	return nil
}

// writer stores queued events a batch at a time: what has arrived while
// the previous batch was written, at most maxBatch. It first writes the
// keys a crash may have left unwritten.
func (t *Trail) writer() {
	defer close(t.done)
	t.recoverKeys()
	for first := range t.queue {
		batch, marks := t.collect(first)
		t.writeBatch(batch)
		for _, m := range marks {
			close(m)
		}
	}
}

// batchDelay is how long the writer gathers events after the first of
// a batch. Each batch is one transaction, and on SQLite every commit
// waits for the disk with the single writer's lock held: a batch a
// request would take the lock from the requests' own writes as often as
// they come. A flush marker ends the gathering at once.
const batchDelay = 50 * time.Millisecond

// collect takes first and what else arrives within batchDelay, up to
// maxBatch.
func (t *Trail) collect(first queued) ([]queued, []chan struct{}) {
	var batch []queued
	var marks []chan struct{}
	add := func(q queued) {
		if q.flushed != nil {
			marks = append(marks, q.flushed)
		} else {
			batch = append(batch, q)
		}
	}
	add(first)
	timer := time.NewTimer(batchDelay)
	defer timer.Stop()
	for len(batch) < maxBatch && len(marks) == 0 {
		select {
		case q, ok := <-t.queue:
			if !ok {
				return batch, marks
			}
			add(q)
		case <-timer.C:
			return batch, marks
		}
	}
	return batch, marks
}

// writeAttempts and writeBackoff bound the retries of a batch the store
// refuses (a restarting database): after them it is logged as lost.
const (
	writeAttempts = 8
	writeBackoff  = 100 * time.Millisecond
)

// writeBatch redacts, encodes and stores queued events, and the keys of
// records already stored, in one transaction; then streams the events.
func (t *Trail) writeBatch(batch []queued) {
	recs := make([]store.AuditRecord, 0, len(batch))
	var lines [][]byte
	for _, q := range batch {
		if q.keysOf != nil {
			recs = append(recs, *q.keysOf)
			continue
		}
		en, err := q.ev.encode()
		if err != nil {
			t.log.Error("audit: cannot encode a record", "event_name", q.ev.Name, "request_id", q.ev.RequestID, "error", err)
			continue
		}
		if q.ev.AccountID != "" {
			recs = append(recs, en.rec)
		}
		lines = append(lines, en.line)
	}
	t.put(recs)
	if t.stream != nil {
		for _, l := range lines {
			t.stream.write(l)
		}
	}
}

// put stores records, retrying while the store refuses them.
func (t *Trail) put(recs []store.AuditRecord) {
	if len(recs) == 0 {
		return
	}
	var err error
	for attempt := range writeAttempts {
		if err = t.store.PutAuditRecords(context.Background(), recs); err == nil {
			return
		}
		time.Sleep(writeBackoff << attempt)
	}
	t.log.Error("audit: records lost: the store refused them", "records", len(recs), "error", err)
}

// RecoveryWindow is how far before the newest record the keys of records
// are rewritten at start: a crash leaves unwritten at most the keys of
// the records committed in its last moments.
const RecoveryWindow = 10 * time.Minute

// recoverKeys writes the keys of the records of the RecoveryWindow
// (those already there are skipped by the store).
func (t *Trail) recoverKeys() {
	ctx := context.Background()
	last, err := t.store.LastAuditTime(ctx)
	if err != nil || last.IsZero() {
		return
	}
	cur := store.AuditCursor{Time: last.Add(-RecoveryWindow)}
	for {
		recs, err := t.store.AuditRecordsAfter(ctx, cur, maxBatch)
		if err != nil {
			t.log.Warn("audit: cannot read the latest records to rebuild their keys", "error", err)
			return
		}
		if len(recs) == 0 {
			return
		}
		for i := range recs {
			recs[i].EventStored = true
		}
		t.put(recs)
		last := recs[len(recs)-1]
		cur = store.AuditCursor{Time: last.Time, EventID: last.EventID}
	}
}

// lineWriter writes whole lines, one writer at a time.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(append(line[:len(line):len(line)], '\n'))
}
