package notify

// Outcome is what became of one send attempt, for metrics.
type Outcome string

// The outcomes.
const (
	OutcomeSent        Outcome = "sent"
	OutcomeRetried     Outcome = "retried"      // retryable error, due again later
	OutcomeRateLimited Outcome = "rate_limited" // 429, due again after retry_after
	OutcomePlainResent Outcome = "plain_resent" // bad markup, resent as plain text
	OutcomeMigrated    Outcome = "migrated"     // chat moved, resent to the new chat
	OutcomeFailed      Outcome = "failed"       // permanent error or attempts exhausted
)

// Metrics receives one call per send attempt. Implementations must be safe
// for concurrent use; NewPrometheusMetrics provides one.
type Metrics interface {
	Observe(platform string, outcome Outcome)
}

// ErrorObserver is optionally implemented by a Metrics: it receives the
// class of every failed send attempt (retryable, rate_limited, permanent…),
// for the "failed sends by class" alerts.
type ErrorObserver interface {
	ObserveError(platform string, class Class)
}

type noMetrics struct{}

func (noMetrics) Observe(string, Outcome) {}
