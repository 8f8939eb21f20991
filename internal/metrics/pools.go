package metrics

import (
	"database/sql"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// PoolStats reports the database/sql statistics of a store's connection
// pools by pool name (sqlstore.DB.Stats).
type PoolStats func() map[string]sql.DBStats

// WatchPools publishes the pools' statistics at every scrape until stop
// is called. A process has one store; its pool names label the series.
func WatchPools(stats PoolStats) (stop func()) {
	pools.mu.Lock()
	defer pools.mu.Unlock()
	id := pools.next
	pools.next++
	pools.sources[id] = stats
	return func() {
		pools.mu.Lock()
		defer pools.mu.Unlock()
		delete(pools.sources, id)
	}
}

// poolCollector turns sql.DBStats into metrics at scrape time.
type poolCollector struct {
	mu      sync.Mutex
	next    int
	sources map[int]PoolStats
}

var pools = &poolCollector{sources: map[int]PoolStats{}}

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(namespace+"_store_pool_"+name, help, []string{"pool"}, nil)
}

var (
	poolMaxOpen      = poolDesc("max_open_connections", "Most connections the pool may open.")
	poolOpen         = poolDesc("open_connections", "Connections open, in use or idle.")
	poolInUse        = poolDesc("in_use_connections", "Connections in use.")
	poolIdle         = poolDesc("idle_connections", "Idle connections.")
	poolWaitCount    = poolDesc("wait_count_total", "Times a statement waited for a free connection.")
	poolWaitDuration = poolDesc("wait_duration_seconds_total", "Time spent waiting for a free connection.")
	poolClosedIdle   = poolDesc("closed_max_idle_total", "Connections closed because the pool had enough idle ones.")
	poolClosedIdleT  = poolDesc("closed_max_idle_time_total", "Connections closed after being idle too long.")
	poolClosedLife   = poolDesc("closed_max_lifetime_total", "Connections closed at the end of their lifetime.")
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMaxOpen, poolOpen, poolInUse, poolIdle, poolWaitCount, poolWaitDuration, poolClosedIdle, poolClosedIdleT, poolClosedLife} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	sources := make([]PoolStats, 0, len(c.sources))
	for _, s := range c.sources {
		sources = append(sources, s)
	}
	c.mu.Unlock()
	for _, src := range sources {
		for name, s := range src() {
			gauge := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, name)
			}
			counter := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, name)
			}
			gauge(poolMaxOpen, float64(s.MaxOpenConnections))
			gauge(poolOpen, float64(s.OpenConnections))
			gauge(poolInUse, float64(s.InUse))
			gauge(poolIdle, float64(s.Idle))
			counter(poolWaitCount, float64(s.WaitCount))
			counter(poolWaitDuration, s.WaitDuration.Seconds())
			counter(poolClosedIdle, float64(s.MaxIdleClosed))
			counter(poolClosedIdleT, float64(s.MaxIdleTimeClosed))
			counter(poolClosedLife, float64(s.MaxLifetimeClosed))
		}
	}
}
