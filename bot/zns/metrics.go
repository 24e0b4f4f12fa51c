package zns

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts ZNS messages and their estimated cost for /metrics:
// dondoc_zns_messages_total, dondoc_zns_cost_vnd_total and
// dondoc_zns_errors_total{code}.
type Metrics struct {
	messages prometheus.Counter
	cost     prometheus.Counter
	errors   *prometheus.CounterVec
}

// NewMetrics registers the ZNS counters on reg (never the global registry).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		messages: prometheus.NewCounter(prometheus.CounterOpts{Name: "dondoc_zns_messages_total",
			Help: "ZNS template messages Zalo accepted."}),
		cost: prometheus.NewCounter(prometheus.CounterOpts{Name: "dondoc_zns_cost_vnd_total",
			Help: "Estimated cost of the ZNS messages sent, in đồng (ZALO_ZNS_PRICE_VND each)."}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dondoc_zns_errors_total",
			Help: "ZNS answers with an error, by Zalo's error code."}, []string{"code"}),
	}
	for _, c := range []prometheus.Collector{m.messages, m.cost, m.errors} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("zns: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) sent(price int) {
	if m == nil {
		return
	}
	m.messages.Inc()
	m.cost.Add(float64(price))
}

func (m *Metrics) failed(code int) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(strconv.Itoa(code)).Inc()
}
