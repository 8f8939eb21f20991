package audit

import (
	"context"
	"time"
)

// Pruning deletes records past the retention a small batch at a time, a
// pause between batches, so no transaction holds the store for long.
const (
	pruneEvery = 10 * time.Minute
	pruneBatch = 500
	prunePause = 20 * time.Millisecond
)

// pruner prunes shortly after start, then every pruneEvery, until Close.
func (t *Trail) pruner(retention time.Duration) {
	defer close(t.pruned)
	if retention < 0 {
		<-t.stop
		return
	}
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-timer.C:
		}
		t.Prune(context.Background(), t.now().Add(-retention))
		timer.Reset(pruneEvery)
	}
}

// Prune deletes the records older than before, in batches, and reports
// how many it deleted. It stops early when the trail closes.
func (t *Trail) Prune(ctx context.Context, before time.Time) int {
	total := 0
	for {
		n, err := t.store.PruneAuditRecords(ctx, before, pruneBatch)
		total += n
		if err != nil {
			t.log.Warn("audit: pruning failed; retrying later", "error", err)
			return total
		}
		if n < pruneBatch {
			return total
		}
		select {
		case <-t.stop:
			return total
		case <-time.After(prunePause):
		}
	}
}
