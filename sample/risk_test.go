package sample

import (
	"sort"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// TestStepTiming: with realistic timing, examination time differs by
// officer, has a long tail, and lateness follows from it in a plausible
// share.
func TestStepTiming(t *testing.T) {
	loc := models.DefaultLocation()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	cal := models.NewCalendar(models.CalendarConfig{Location: loc})
	data := &Data{}
	if err := Generate(Config{Seed: DistrictSeed, Now: now, Months: 12, Dossiers: 12000, Calendar: cal, StepTiming: true}, data); err != nil {
		t.Fatal(err)
	}
	// Examination durations per officer, in working minutes.
	by := map[string][]int64{}
	var all []int64
	for _, s := range data.Steps {
		if s.Seq != 2 || s.FinishedAt.IsZero() {
			continue
		}
		if s.FinishedAt.Before(s.StartedAt) {
			t.Fatalf("step ends before it starts: %+v", s)
		}
		m := cal.WorkingMinutes(s.StartedAt, s.FinishedAt)
		by[s.OfficerCode] = append(by[s.OfficerCode], m)
		all = append(all, m)
	}
	median := func(x []int64) int64 {
		sort.Slice(x, func(i, j int) bool { return x[i] < x[j] })
		return x[len(x)/2]
	}
	var meds []int64
	for _, x := range by {
		if len(x) >= 30 {
			meds = append(meds, median(x))
		}
	}
	if len(meds) < 10 {
		t.Fatalf("only %d officers with 30 examinations", len(meds))
	}
	sort.Slice(meds, func(i, j int) bool { return meds[i] < meds[j] })
	if lo, hi := meds[len(meds)/10], meds[len(meds)*9/10]; float64(hi) < 1.5*float64(lo) {
		t.Errorf("officers' median examinations too alike: p10 %d, p90 %d minutes", lo, hi)
	}
	med := median(all)
	if p99 := all[len(all)*99/100]; float64(p99) < 4*float64(med) {
		t.Errorf("no long tail: median %d, p99 %d minutes", med, p99)
	}
	late, finished := 0, 0
	for i := range data.Dossiers {
		d := &data.Dossiers[i]
		if !d.Status.IsFinished() || d.DueAt.IsZero() {
			continue
		}
		finished++
		if d.FinishedAt.After(d.DueAt.Add(d.SupplementWait(d.DueAt))) {
			late++
		}
	}
	if share := float64(late) / float64(finished); share < 0.03 || share > 0.2 {
		t.Errorf("late share %.3f of %d finished", share, finished)
	}
}
