package app

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// calendarRefreshEvery is how often serve rereads the holidays table: a
// holiday imported on any replica (file, API or chat) is in every
// replica's calendar within this time, without a restart. A variable for
// tests.
var calendarRefreshEvery = 30 * time.Second

// calendarReplaced is called after serve replaced its calendar with a new
// version from the database (tests wait on it).
var calendarReplaced = func() {}

// startCalendar loads serve's one calendar into a.cal (every job, chat
// command and page of the process holds that pointer) and keeps it in step
// with the holidays table until stop is called (or ctx ends).
func startCalendar(ctx context.Context, a *app, st *store.Store) (stop func(), err error) {
	hs, err := st.Holidays(ctx)
	if err != nil {
		return nil, err
	}
	a.cal = nil
	cal, err := loadCalendarFrom(a, hs)
	if err != nil {
		return nil, err
	}
	a.cal = cal
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := a.wall().NewTicker(calendarRefreshEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.Chan():
			}
			next, err := st.Holidays(ctx)
			if err != nil {
				if ctx.Err() == nil {
					a.log.Warn("calendar: reading the holidays", "err", err)
				}
				continue
			}
			if slices.Equal(next, hs) {
				continue
			}
			fresh, err := loadCalendarFrom(a, next)
			if err != nil {
				continue
			}
			a.cal.Replace(fresh)
			hs = next
			a.log.Info("calendar: holidays changed, calendar replaced", "overrides", len(next))
			calendarReplaced()
		}
	}()
	return func() { cancel(); <-done }, nil
}

// loadCalendarFrom builds the calendar with hs as the database's overrides.
func loadCalendarFrom(a *app, hs []models.Holiday) (*models.Calendar, error) {
	return models.NewVietnamCalendar(a.cfg.Location, a.cfg.CutoffHour, a.cfg.CutoffMinute, hs...), nil
}

// tetGauge is 1 while next year's Tết has no official override in the
// calendar from 1 October (the secretariat's digest says so weekly), else 0.
func tetGauge(a *app) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "dondoc_calendar_next_tet_unofficial",
		Help: "1 from 1 October while next year's Tết Nguyên Đán rests on the built-in rule alone (no official schedule imported), else 0.",
	}, func() float64 {
		if a.cal == nil {
			return 0
		}
		if _, ok := models.NextTetWarning(a.cal, a.cal.Today(a.clock().Now())); ok {
			return 1
		}
		return 0
	})
}
