package app

import (
	"time"

	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// riskWait is how long a job or a chat question waits for the day's fit
// before going on without the early warning (the fit goes on; the next
// question gets it). A district fits in well under a second; a province
// read from a busy database can take minutes (docs/BENCHMARKS.md).
const riskWait = time.Minute

// riskSource returns the process's early-warning cache on st, made on
// first use, or nil when RISK_THRESHOLD is off. The jobs and the chat
// commands share it, so that the model is fitted at most once a day.
func riskSource(a *app, st *store.Store, rules *models.Rules) *jobs.RiskCache {
	if a.cfg.RiskThreshold <= 0 {
		return nil
	}
	a.riskMu.Lock()
	defer a.riskMu.Unlock()
	if a.risk == nil {
		a.risk = &jobs.RiskCache{History: st, Rules: rules, Threshold: a.cfg.RiskThreshold, Wait: riskWait, Logger: a.log, Wall: a.wall().Now}
	}
	return a.risk
}
