package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// loadCalendar builds the working-day calendar: the built-in rules, the
// official notices shipped with dondoc, and the overrides the secretariat
// imported into the database (which win).
func loadCalendar(ctx context.Context, a *app, st *store.Store) (*models.Calendar, error) {
	if a.cal != nil {
		return a.cal, nil
	}
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
	return &models.Rules{Cal: cal, DueSoonDays: a.cfg.DueSoonDays, Clock: supplementClock(a), Excess: supplementExcess(a)}
}

// supplementExcess is SUPPLEMENT_EXCESS (validated by config; all else).
func supplementExcess(a *app) models.ExcessRule {
	if a.cfg.SupplementExcess == string(models.ExcessWaiting) {
		return models.ExcessWaiting
	}
	return models.ExcessAll
}

// supplementClock is SUPPLEMENT_CLOCK (validated by config; pause else).
func supplementClock(a *app) models.SupplementClock {
	c, err := models.ParseSupplementClock(a.cfg.SupplementClock)
	if err != nil {
		return models.ClockPause
	}
	return c
}

// calendarWithDB is the calendar of dondoc calendar: with the database's
// overrides when there is a database (a Postgres URL, or a SQLite file that
// exists), else the built-in rules and shipped notices alone.
func calendarWithDB(ctx context.Context, a *app) (*models.Calendar, error) {
	if !a.cfg.IsPostgres() {
		path := strings.TrimPrefix(a.cfg.DatabaseURL, "sqlite://")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return loadCalendar(ctx, a, nil)
		}
	}
	st, err := openStore(ctx, a, false)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return loadCalendar(ctx, a, st)
}
