package notify

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// PrometheusMetrics counts send attempts by platform and outcome in
// dondoc_notify_messages_total.
type PrometheusMetrics struct {
	messages *prometheus.CounterVec
}

// NewPrometheusMetrics registers the dispatcher's collectors on reg (never
// the global registry).
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	m := &PrometheusMetrics{messages: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "dondoc",
		Subsystem: "notify",
		Name:      "messages_total",
		Help:      "Send attempts by platform and outcome (sent, retried, rate_limited, plain_resent, migrated, failed).",
	}, []string{"platform", "outcome"})}
	if err := reg.Register(m.messages); err != nil {
		return nil, fmt.Errorf("notify: register metrics: %w", err)
	}
	return m, nil
}

// Observe implements Metrics.
func (m *PrometheusMetrics) Observe(platform string, outcome Outcome) {
	m.messages.WithLabelValues(platform, string(outcome)).Inc()
}

var _ Metrics = (*PrometheusMetrics)(nil)
