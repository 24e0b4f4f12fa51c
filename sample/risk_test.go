package sample

import (
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// riskHistory generates months of a district's history up to now into a
// models.RiskData.
func riskHistory(t testing.TB, now time.Time, months, dossiers int) (*models.RiskData, *models.Calendar) {
	t.Helper()
	loc := models.DefaultLocation()
	cal := models.NewCalendar(models.CalendarConfig{Location: loc})
	data := &Data{}
	if err := Generate(Config{Seed: DistrictSeed, Now: now, Months: months, Dossiers: dossiers, Calendar: cal, StepTiming: true}, data); err != nil {
		t.Fatal(err)
	}
	rd := models.NewRiskData(cal)
	steps := map[string][]models.Step{}
	for _, s := range data.Steps {
		steps[s.DossierCode] = append(steps[s.DossierCode], s)
	}
	for i := range data.Dossiers {
		rd.Add(&data.Dossiers[i], steps[data.Dossiers[i].Code])
	}
	return rd, cal
}

func TestRiskBacktestOnSample(t *testing.T) {
	loc := models.DefaultLocation()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	rd, cal := riskHistory(t, now, 12, 12000)
	ats := models.MonthStarts(cal, now.AddDate(0, -6, 0), now.AddDate(0, -1, 0))
	ev := rd.Backtest(ats, now, models.RiskOptions{})
	for _, p := range ev.Periods {
		t.Logf("%s n=%d late=%d model %.3f/%.3f/%.3f dueSoon %.3f/%.3f/%.3f elapsed %.3f/%.3f/%.3f", p.At.Format("2006-01"), p.N, p.Late,
			p.Model.AUC, p.Model.Brier, p.Model.PrecisionAtK, p.DueSoon.AUC, p.DueSoon.Brier, p.DueSoon.PrecisionAtK, p.Elapsed.AUC, p.Elapsed.Brier, p.Elapsed.PrecisionAtK)
	}
	o := ev.Overall
	t.Logf("overall n=%d late=%d model %.3f/%.3f/%.3f dueSoon %.3f elapsed %.3f", o.N, o.Late, o.Model.AUC, o.Model.Brier, o.Model.PrecisionAtK, o.DueSoon.AUC, o.Elapsed.AUC)
}
