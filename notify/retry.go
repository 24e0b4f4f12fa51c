package notify

import (
	"math/rand/v2"
	"time"
)

// Backoff is dondoc's one retry/backoff helper: the pause before the
// attempt-th retry (attempt ≥ 1) is Base·2^(attempt-1), capped at Max,
// spread by ±Jitter (0.2: ±20 %) so that replicas and chats do not retry
// in step. The dispatcher's retries and the adapters' polling loops use it.
type Backoff struct {
	Base, Max time.Duration
	Jitter    float64 // 0 ≤ Jitter < 1
}

// Delay is the pause before the attempt-th retry.
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if b.Jitter <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 - b.Jitter + 2*b.Jitter*rand.Float64()))
}

// ExponentialBackoff returns base·2^(attempt-1), capped at max, with ±20 % jitter.
func ExponentialBackoff(base, max time.Duration) func(attempt int) time.Duration {
	return Backoff{Base: base, Max: max, Jitter: 0.2}.Delay
}

// PollBackoff is the pause after the attempt-th consecutive failure of an
// adapter's receive loop (getUpdates): 1 s doubling to 60 s, ±50 %.
func PollBackoff(attempt int) time.Duration {
	return Backoff{Base: time.Second, Max: time.Minute, Jitter: 0.5}.Delay(attempt)
}
