package jobs

import "github.com/dondoc/dondoc/notify"

// RateMargin is the share of a platform's overall rate the dispatcher
// uses: requests paced exactly at 30/s reach Telegram with network jitter,
// and a sliding one-second window then sometimes counts 31 (3 in 10,000
// sends measured against the enforcing fake). 2 % below the limit keeps
// every window under it at the cost of 0.6 msg/s.
const RateMargin = 0.98

// SafeLimits returns l with the overall rate lowered by RateMargin.
func SafeLimits(l notify.Limits) notify.Limits {
	l.PerSecond *= RateMargin
	return l
}
