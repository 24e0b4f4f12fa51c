package app

import (
	"context"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// loadCalendar builds the working-day calendar: the built-in rules, the
// official notices shipped with dondoc, and the overrides the secretariat
// imported into the database (which win).
func loadCalendar(ctx context.Context, a *app, st *store.Store) (*models.Calendar, error) {
	var extra []models.Holiday
	if st != nil {
		hs, err := st.Holidays(ctx)
		if err != nil {
			return nil, err
		}
		extra = hs
	}
	return models.NewVietnamCalendar(a.cfg.Location, a.cfg.CutoffHour, a.cfg.CutoffMinute, extra...), nil
}

// rulesFor returns the classification rules configured for a.
func rulesFor(a *app, cal *models.Calendar) *models.Rules {
	return &models.Rules{Cal: cal, DueSoonDays: a.cfg.DueSoonDays, Clock: supplementClock(a)}
}

// supplementClock is SUPPLEMENT_CLOCK (validated by config; pause else).
func supplementClock(a *app) models.SupplementClock {
	c, err := models.ParseSupplementClock(a.cfg.SupplementClock)
	if err != nil {
		return models.ClockPause
	}
	return c
}
