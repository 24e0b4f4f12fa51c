package notify

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// PrometheusMetrics counts send attempts by platform and outcome in
// dondoc_notify_messages_total.
// Failed attempts are also counted by error class in
// dondoc_notify_send_errors_total.
type PrometheusMetrics struct {
	messages *prometheus.CounterVec
	errors   *prometheus.CounterVec
}

// NewPrometheusMetrics registers the dispatcher's collectors on reg (never
// the global registry).
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	m := &PrometheusMetrics{messages: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "dondoc",
		Subsystem: "notify",
		Name:      "messages_total",
		Help:      "Send attempts by platform and outcome (sent, retried, rate_limited, plain_resent, migrated, failed).",
	}, []string{"platform", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "dondoc",
			Subsystem: "notify",
			Name:      "send_errors_total",
			Help:      "Failed send attempts by platform and error class (retryable, rate_limited, permanent, bad_markup, migrated).",
		}, []string{"platform", "class"})}
	for _, c := range []prometheus.Collector{m.messages, m.errors} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("notify: register metrics: %w", err)
		}
	}
	return m, nil
}

// Observe implements Metrics.
func (m *PrometheusMetrics) Observe(platform string, outcome Outcome) {
	m.messages.WithLabelValues(platform, string(outcome)).Inc()
}

// ObserveError implements ErrorObserver.
func (m *PrometheusMetrics) ObserveError(platform string, class Class) {
	m.errors.WithLabelValues(platform, class.String()).Inc()
}

var (
	_ Metrics       = (*PrometheusMetrics)(nil)
	_ ErrorObserver = (*PrometheusMetrics)(nil)
)
