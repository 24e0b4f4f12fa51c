package app

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// opsCollector exports, at each scrape, what the operator's alerts read
// from the database: the outbox by status and the age of its oldest
// pending entry, and the last successful run of each job. A scrape that
// cannot reach the database exports dondoc_store_up 0 and nothing else.
type opsCollector struct {
	st   *store.Store
	now  func() time.Time // wall clock: outbox ages
	up   *prometheus.Desc
	ob   *prometheus.Desc
	age  *prometheus.Desc
	last *prometheus.Desc
}

func newOpsCollector(st *store.Store, now func() time.Time) *opsCollector {
	return &opsCollector{st: st, now: now,
		up: prometheus.NewDesc("dondoc_store_up", "1 when the last scrape could read the database.", nil, nil),
		ob: prometheus.NewDesc("dondoc_outbox_entries", "Outbox entries by status (pending, sent, failed).", []string{"status"}, nil),
		age: prometheus.NewDesc("dondoc_outbox_oldest_pending_age_seconds",
			"Age of the oldest pending outbox entry (0 when none is pending).", nil, nil),
		last: prometheus.NewDesc("dondoc_job_last_success_timestamp_seconds",
			"When each job last finished a run successfully (unix seconds, on the jobs' clock).", []string{"job"}, nil),
	}
}

func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.up
	ch <- c.ob
	ch <- c.age
	ch <- c.last
}

func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	counts, err := c.st.OutboxCounts(ctx)
	var oldest time.Time
	var last map[string]time.Time
	if err == nil {
		oldest, err = c.st.OutboxOldestPending(ctx)
	}
	if err == nil {
		last, err = c.st.LastJobSuccesses(ctx)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, s := range []notify.Status{notify.StatusPending, notify.StatusSent, notify.StatusFailed} {
		ch <- prometheus.MustNewConstMetric(c.ob, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(0, c.now().Sub(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
	for job, at := range last {
		ch <- prometheus.MustNewConstMetric(c.last, prometheus.GaugeValue, float64(at.Unix()), job)
	}
}

// serveMetrics registers serve's own collectors on reg: the dispatcher's
// send counters, the replica's role, the database-backed gauges and the
// import counters. It returns the dispatcher's metrics and the import
// counter.
func serveMetrics(reg *prometheus.Registry, st *store.Store, rp *replica, now func() time.Time) (notify.Metrics, *prometheus.CounterVec, error) {
	m, err := notify.NewPrometheusMetrics(reg)
	if err != nil {
		return nil, nil, err
	}
	leader := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "dondoc_leader",
		Help:        "1 when this replica is the leader (runs the jobs, dispatches the outbox, polls Telegram).",
		ConstLabels: prometheus.Labels{"replica": rp.id},
	}, func() float64 {
		if rp.Leading() {
			return 1
		}
		return 0
	})
	imports := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dondoc_imports_total",
		Help: "Imports by source (api, chat, upload) and result (ok, rows_rejected, failed).",
	}, []string{"source", "result"})
	for _, c := range []prometheus.Collector{leader, imports, newOpsCollector(st, now)} {
		if err := reg.Register(c); err != nil {
			return nil, nil, err
		}
	}
	return m, imports, nil
}

// countImports counts the ingest API's answers: 2xx ok, 422 rows
// rejected, anything else failed.
func countImports(h http.Handler, imports *prometheus.CounterVec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		result := "failed"
		switch {
		case sw.code < 300:
			result = "ok"
		case sw.code == http.StatusUnprocessableEntity:
			result = "rows_rejected"
		}
		imports.WithLabelValues("api", result).Inc()
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
