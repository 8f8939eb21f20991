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

// queued is an event for the writer, or a flush marker (ev nil).
type queued struct {
	ev      *Event
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
	t.mu.RLock()
	if !t.closed {
		t.queue <- queued{ev: &e}
		t.mu.RUnlock()
		return
	}
	t.mu.RUnlock()
	t.writeBatch([]*Event{&e})
}

// Written is a record stored in a transaction that has not committed yet.
type Written struct{ line []byte }

// Write stores e's record now, in the transaction of ctx (store.Tx), so
// that it commits or rolls back with the write it describes. Once that
// transaction has committed, pass the result to Committed.
func (t *Trail) Write(ctx context.Context, e Event) (Written, error) {
	e.fill(t.now())
	en, err := e.encode()
	if err != nil {
		return Written{}, err
	}
	if e.AccountID != "" {
		if err := t.store.PutAuditRecords(ctx, []store.AuditRecord{en.rec}); err != nil {
			return Written{}, err
		}
	}
	return Written{line: en.line}, nil
}

// Committed streams a record Write stored, its transaction committed.
func (t *Trail) Committed(w Written) {
	if t.stream != nil && w.line != nil {
		t.stream.write(w.line)
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
// the previous batch was written, at most maxBatch.
func (t *Trail) writer() {
	defer close(t.done)
	for first := range t.queue {
		batch, marks := t.collect(first)
		t.writeBatch(batch)
		for _, m := range marks {
			close(m)
		}
	}
}

// collect takes first and whatever else is queued, up to maxBatch.
func (t *Trail) collect(first queued) ([]*Event, []chan struct{}) {
	var batch []*Event
	var marks []chan struct{}
	add := func(q queued) {
		if q.ev != nil {
			batch = append(batch, q.ev)
		} else {
			marks = append(marks, q.flushed)
		}
	}
	add(first)
	for len(batch) < maxBatch {
		select {
		case q, ok := <-t.queue:
			if !ok {
				return batch, marks
			}
			add(q)
		default:
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

// writeBatch redacts, encodes and stores events in one transaction, then
// streams them.
func (t *Trail) writeBatch(evs []*Event) {
	if len(evs) == 0 {
		return
	}
	recs := make([]store.AuditRecord, 0, len(evs))
	lines := make([][]byte, 0, len(evs))
	for _, e := range evs {
		en, err := e.encode()
		if err != nil {
			t.log.Error("audit: cannot encode a record", "event_name", e.Name, "request_id", e.RequestID, "error", err)
			continue
		}
		if e.AccountID != "" {
			recs = append(recs, en.rec)
		}
		lines = append(lines, en.line)
	}
	var err error
	for attempt := range writeAttempts {
		if err = t.store.PutAuditRecords(context.Background(), recs); err == nil {
			break
		}
		time.Sleep(writeBackoff << attempt)
	}
	if err != nil {
		t.log.Error("audit: records lost: the store refused them", "records", len(recs), "error", err)
	}
	if t.stream != nil {
		for _, l := range lines {
			t.stream.write(l)
		}
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
