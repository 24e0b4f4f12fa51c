package models_test

import (
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
)

// history generates a sample with realistic step timing.
func history(tb testing.TB, now time.Time, months, dossiers, officers int) (*sample.Data, *models.Calendar) {
	tb.Helper()
	cal := models.NewCalendar(models.CalendarConfig{Location: models.DefaultLocation()})
	data := &sample.Data{}
	err := sample.Generate(sample.Config{Seed: sample.DistrictSeed, Now: now, Months: months, Dossiers: dossiers,
		Officers: officers, Calendar: cal, StepTiming: true}, data)
	if err != nil {
		tb.Fatal(err)
	}
	return data, cal
}

func riskData(cal *models.Calendar, ds []models.Dossier, steps []models.Step) *models.RiskData {
	by := map[string][]models.Step{}
	for _, s := range steps {
		by[s.DossierCode] = append(by[s.DossierCode], s)
	}
	rd := models.NewRiskData(cal)
	for i := range ds {
		rd.Add(&ds[i], by[ds[i].Code])
	}
	return rd
}

// truncate returns what the provincial system would have shown at at:
// nothing received after it, nothing finished, started or requested after
// it.
func truncate(ds []models.Dossier, steps []models.Step, at time.Time) ([]models.Dossier, []models.Step) {
	var outD []models.Dossier
	keep := map[string]bool{}
	for _, d := range ds {
		if !d.ReceivedAt.Before(at) {
			continue
		}
		keep[d.Code] = true
		var sups []models.Interval
		paused := false
		for _, iv := range d.Supplements {
			if !iv.Start.Before(at) {
				continue
			}
			if iv.End.After(at) || iv.End.IsZero() {
				iv.End, paused = time.Time{}, true
			}
			sups = append(sups, iv)
		}
		d.Supplements, d.SupplementCount = sups, len(sups)
		if stop := models.StopAt(&d); (d.Status.IsFinished() || d.Status.IsEndedWithoutResult()) && stop.After(at) || d.Status.IsOpen() {
			d.FinishedAt, d.SystemFinishedAt, d.ReturnedAt = time.Time{}, time.Time{}, time.Time{}
			d.Status = models.StatusProcessing
			if paused {
				d.Status = models.StatusSupplement
			}
		}
		outD = append(outD, d)
	}
	var outS []models.Step
	for _, s := range steps {
		if !keep[s.DossierCode] || !s.StartedAt.Before(at) {
			continue
		}
		if s.FinishedAt.After(at) {
			s.FinishedAt = time.Time{}
		}
		outS = append(outS, s)
	}
	return outD, outS
}

// TestRiskIgnoresTheFuture: the model fitted at at on the whole history
// gives exactly what it gives on the history cut at at.
func TestRiskIgnoresTheFuture(t *testing.T) {
	loc := models.DefaultLocation()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	data, cal := history(t, now, 6, 4000, 0)
	at := time.Date(2026, 9, 15, 9, 30, 0, 0, loc)
	full := riskData(cal, data.Dossiers, data.Steps).Fit(at, models.RiskOptions{}).Assess(nil)
	cd, cs := truncate(data.Dossiers, data.Steps, at)
	cut := riskData(cal, cd, cs).Fit(at, models.RiskOptions{}).Assess(nil)
	if len(full) < 50 {
		t.Fatalf("only %d open dossiers at %s", len(full), at)
	}
	if !reflect.DeepEqual(full, cut) {
		for i := range min(len(full), len(cut)) {
			if !reflect.DeepEqual(full[i], cut[i]) {
				t.Fatalf("first difference at %d:\nfull %+v\ncut  %+v", i, full[i], cut[i])
			}
		}
		t.Fatalf("%d assessments on the full history, %d on the cut one", len(full), len(cut))
	}
}

// TestRiskBacktestOnSample: on a sample with realistic timing the model
// ranks and calibrates better than dondoc's due-soon rule and the elapsed
// share of the limit.
func TestRiskBacktestOnSample(t *testing.T) {
	loc := models.DefaultLocation()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	data, cal := history(t, now, 12, 12000, 0)
	rd := riskData(cal, data.Dossiers, data.Steps)
	ev := rd.Backtest(models.MonthStarts(cal, now.AddDate(0, -6, 0), now.AddDate(0, -1, 0)), now, models.RiskOptions{})
	for _, p := range ev.Periods {
		t.Logf("%s n=%d late=%d AUC %.3f/%.3f/%.3f Brier %.3f/%.3f/%.3f", p.At.Format("2006-01"), p.N, p.Late,
			p.Model.AUC, p.DueSoon.AUC, p.Elapsed.AUC, p.Model.Brier, p.DueSoon.Brier, p.Elapsed.Brier)
	}
	o := ev.Overall
	if o.Model.AUC < 0.8 || o.Model.AUC <= o.DueSoon.AUC || o.Model.AUC <= o.Elapsed.AUC {
		t.Errorf("overall AUC model %.3f, due soon %.3f, elapsed %.3f", o.Model.AUC, o.DueSoon.AUC, o.Elapsed.AUC)
	}
	if o.Model.Brier >= o.DueSoon.Brier || o.Model.Brier >= o.Elapsed.Brier {
		t.Errorf("overall Brier model %.3f, due soon %.3f, elapsed %.3f", o.Model.Brier, o.DueSoon.Brier, o.Elapsed.Brier)
	}
}

// benchHistory is the history the benchmarks fit, over months: 30k
// dossiers by default, the 1M-dossier province with
// DONDOC_BENCH_PROVINCE=1, or DONDOC_BENCH_DOSSIERS.
func benchHistory(b *testing.B, months int) (*models.RiskData, time.Time) {
	b.Helper()
	loc := models.DefaultLocation()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	n, officers := 30_000, 0
	if os.Getenv("DONDOC_BENCH_PROVINCE") != "" {
		n, officers = 1_000_000, 20_000
	}
	if v, err := strconv.Atoi(os.Getenv("DONDOC_BENCH_DOSSIERS")); err == nil && v > 0 {
		n, officers = v, max(0, v/50)
	}
	cal := models.NewCalendar(models.CalendarConfig{Location: loc})
	rd := models.NewRiskData(cal)
	sink := &riskSink{rd: rd}
	err := sample.Generate(sample.Config{Seed: 1, Now: now, Months: months, Dossiers: n, Officers: officers, Calendar: cal, StepTiming: true}, sink)
	if err != nil {
		b.Fatal(err)
	}
	sink.flush()
	return rd, now
}

// riskSink feeds a RiskData from the generator without keeping the sample.
type riskSink struct {
	rd    *models.RiskData
	d     models.Dossier
	steps []models.Step
	have  bool
	nStep int
}

func (s *riskSink) Unit(models.Unit) error           { return nil }
func (s *riskSink) Officer(models.Officer) error     { return nil }
func (s *riskSink) Procedure(models.Procedure) error { return nil }
func (s *riskSink) Dossier(d *models.Dossier) error {
	s.flush()
	s.d = *d
	s.d.Supplements = append([]models.Interval(nil), d.Supplements...)
	s.have = true
	return nil
}
func (s *riskSink) Step(st models.Step) error { s.steps = append(s.steps, st); s.nStep++; return nil }
func (s *riskSink) flush() {
	if s.have {
		s.rd.Add(&s.d, s.steps)
	}
	s.steps, s.have = s.steps[:0], false
}

// BenchmarkRiskFit fits the model on a year of history (30k dossiers; 1M
// and about 3M steps with DONDOC_BENCH_PROVINCE=1).
func BenchmarkRiskFit(b *testing.B) {
	rd, now := benchHistory(b, 12)
	cpu := processCPU()
	for b.Loop() {
		rd.Fit(now, models.RiskOptions{})
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e9, "cpu-s/op")
	b.ReportMetric(float64(rd.Len()), "dossiers")
}

// BenchmarkRiskScore scores every dossier open and not yet overdue with a
// fitted model: the province's million dossiers over three months leave
// about 50k of them open (DONDOC_BENCH_PROVINCE=1).
func BenchmarkRiskScore(b *testing.B) {
	rd, now := benchHistory(b, 3)
	m := rd.Fit(now, models.RiskOptions{})
	open := 0
	cpu := processCPU()
	for b.Loop() {
		open = len(m.Assess(nil))
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e9, "cpu-s/op")
	b.ReportMetric(float64(open), "open")
}
