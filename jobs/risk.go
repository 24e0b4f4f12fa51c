package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/dondoc/dondoc/models"
)

// RiskSource gives the early-warning list at an instant. *RiskCache is
// one; nil in Deps leaves the risk section out of every message.
type RiskSource interface {
	Risks(ctx context.Context, now time.Time) (*models.RiskList, error)
}

// History is the case history the early-warning model learns from;
// *store.Store is one.
type History interface {
	EachDossierWithSteps(ctx context.Context, fn func(*models.Dossier, []models.Step) error) error
}

// RiskCache fits the early-warning model at most once per local day: the
// first call of a day (the morning digest, say) reads the whole history,
// fits on what was known at its instant and keeps the list; later calls
// that day, at a later instant, get that list (fitted and judged on what
// was known then, never on anything later). A call at an instant before
// the kept one, or on another day, fits again. The fit runs on its own
// (a caller giving up does not stop it): a caller waits at most Wait for
// it, then gets models.ErrRiskNotReady, so that a slow history (a province on a
// busy database) delays no message; the next caller gets the list once
// it is ready. Safe for concurrent use.
type RiskCache struct {
	History   History
	Rules     *models.Rules
	Threshold float64 // ≤ 0: models.DefaultRiskThreshold
	MinEvents int     // 0: models.DefaultRiskMinEvents
	// Wait bounds how long a caller waits for a fit in progress (0: until
	// it is done).
	Wait   time.Duration
	Logger *slog.Logger
	// Wall measures how long a fit takes, for the log (nil: not measured).
	Wall func() time.Time

	mu      sync.Mutex
	day     models.Date
	list    *models.RiskList
	pending *riskFit
	fits    int
}

// riskFit is a fit in progress.
type riskFit struct {
	at   time.Time
	day  models.Date
	done chan struct{}
	list *models.RiskList
	err  error
}

// Fits returns how many fits were completed (for tests and logs).
func (c *RiskCache) Fits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fits
}

// Invalidate forgets the kept list (after an import, say): the next call
// fits again.
func (c *RiskCache) Invalidate() {
	c.mu.Lock()
	c.list = nil
	c.mu.Unlock()
}

// Risks returns the list at now; see RiskCache.
func (c *RiskCache) Risks(ctx context.Context, now time.Time) (*models.RiskList, error) {
	c.mu.Lock()
	day := c.Rules.Cal.Today(now)
	if c.list != nil && c.day == day && !now.Before(c.list.At) {
		l := c.list
		c.mu.Unlock()
		return l, nil
	}
	p := c.pending
	if p == nil || p.day != day || now.Before(p.at) {
		p = &riskFit{at: now, day: day, done: make(chan struct{})}
		c.pending = p
		go c.run(context.WithoutCancel(ctx), p)
	}
	c.mu.Unlock()
	var timeout <-chan time.Time
	if c.Wait > 0 {
		t := time.NewTimer(c.Wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-p.done:
		return p.list, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timeout:
		return nil, models.ErrRiskNotReady
	}
}

// run fits p and keeps its list when it is still the latest asked for.
func (c *RiskCache) run(ctx context.Context, p *riskFit) {
	l, err := c.fit(ctx, p.at)
	c.mu.Lock()
	p.list, p.err = l, err
	if err == nil {
		c.fits++
		if c.pending == p || c.list == nil {
			c.list, c.day = l, p.day
		}
	} else if c.Logger != nil {
		c.Logger.Warn("jobs: risk fit failed", "err", err)
	}
	if c.pending == p {
		c.pending = nil
	}
	c.mu.Unlock()
	close(p.done)
}

func (c *RiskCache) fit(ctx context.Context, now time.Time) (*models.RiskList, error) {
	var start time.Time
	if c.Wall != nil {
		start = c.Wall()
	}
	data := models.NewRiskData(c.Rules.Cal)
	open := map[string]*models.Dossier{}
	err := c.History.EachDossierWithSteps(ctx, func(d *models.Dossier, steps []models.Step) error {
		data.Add(d, steps)
		if !d.Status.IsFinished() && !d.Status.IsEndedWithoutResult() && !d.Status.IsPaused() {
			x := *d // the store reuses d after we return
			x.Supplements = slices.Clone(d.Supplements)
			open[x.Code] = &x
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: risk history: %w", err)
	}
	var loaded time.Time
	if c.Wall != nil {
		loaded = c.Wall()
	}
	th := c.Threshold
	if th <= 0 {
		th = models.DefaultRiskThreshold
	}
	m := data.Fit(now, models.RiskOptions{MinEvents: c.MinEvents, DueSoonDays: c.Rules.DueSoonDays})
	l := models.NewRiskList(c.Rules, now, th, m.Assess(nil), func(code string) (*models.Dossier, bool) {
		d, ok := open[code]
		return d, ok
	})
	if c.Logger != nil {
		attrs := []any{"dossiers", data.Len(), "open", l.Open, "at_risk", l.Len(), "threshold", th}
		if c.Wall != nil {
			end := c.Wall()
			attrs = append(attrs, "load", loaded.Sub(start).Round(time.Millisecond), "fit", end.Sub(loaded).Round(time.Millisecond))
		}
		c.Logger.Info("jobs: risk fitted", attrs...)
	}
	return l, nil
}

// risks returns the early-warning list at now, or nil (none configured,
// or the fit failed: logged, the job goes on without it).
func (d *Deps) risks(ctx context.Context, now time.Time) *models.RiskList {
	if d.Risks == nil {
		return nil
	}
	l, err := d.Risks.Risks(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			d.log().Warn("jobs: early warning left out", "err", err)
		}
		return nil
	}
	return l
}
