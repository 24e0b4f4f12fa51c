package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestPrometheusMetricsCountOutcomes(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := NewPrometheusMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	s := newSetup(t, func(msg Message, n int) error {
		switch {
		case msg.ChatID == "1" && n == 0:
			return &SendError{Class: Retryable, Reason: "Bad Gateway"}
		case msg.ChatID == "2":
			return &SendError{Class: Permanent, Reason: "Forbidden: user is deactivated"}
		}
		return nil
	}, func(c *DispatcherConfig) { c.Metrics = m })
	s.enqueue(t, msg("a", "1", "x"), msg("b", "2", "x"))
	s.drain(t, 10*time.Millisecond)
	s.clk.Advance(time.Second)
	s.drain(t, 10*time.Millisecond)
	want := `
# HELP dondoc_notify_messages_total Send attempts by platform and outcome (sent, retried, rate_limited, plain_resent, migrated, failed).
# TYPE dondoc_notify_messages_total counter
dondoc_notify_messages_total{outcome="failed",platform="telegram"} 1
dondoc_notify_messages_total{outcome="retried",platform="telegram"} 1
dondoc_notify_messages_total{outcome="sent",platform="telegram"} 1
# HELP dondoc_notify_send_errors_total Failed send attempts by platform and error class (retryable, rate_limited, permanent, bad_markup, migrated).
# TYPE dondoc_notify_send_errors_total counter
dondoc_notify_send_errors_total{class="permanent",platform="telegram"} 1
dondoc_notify_send_errors_total{class="retryable",platform="telegram"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPrometheusMetrics(reg); err == nil {
		t.Fatal("registering twice succeeded")
	}
}

func TestShutdownReleasesWithoutCountingAnAttempt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := newSetup(t, func(m Message, n int) error {
		if m.Key == "a" {
			cancel() // the service stops while this send is in flight
			return &SendError{Class: Retryable, Reason: "request canceled", Err: context.Canceled}
		}
		return nil
	}, nil)
	s.enqueue(t, msg("a", "1", "x"), msg("b", "1", "y"), msg("c", "2", "z"))
	if err := s.d.Drain(ctx); err == nil {
		t.Fatal("Drain returned nil after its context was cancelled")
	}
	for _, k := range []string{"a", "b", "c"} {
		e := s.entry(t, k)
		if e.Status != StatusPending || e.Attempts != 0 || !e.LeaseUntil.IsZero() {
			t.Fatalf("entry %s = %+v; want pending, unleased, no attempt counted", k, e)
		}
	}
}
