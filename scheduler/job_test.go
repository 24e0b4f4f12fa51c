package scheduler

import (
	"context"
	"testing"

	"github.com/dondoc/dondoc/models"
)

func TestPeriodFor(t *testing.T) {
	cal := testCalendar()
	tests := []struct {
		name     string
		r        Recurrence
		day      models.Date
		due      bool
		key      string
		from, to models.Date
	}{
		{"daily working day", DailyWorking, d(2026, 11, 27), true, "2026-11-27", d(2026, 11, 27), d(2026, 11, 27)},
		{"daily holiday", DailyWorking, d(2026, 9, 2), false, "2026-09-02", d(2026, 9, 2), d(2026, 9, 2)},
		{"daily làm bù Saturday", DailyWorking, d(2026, 9, 5), true, "2026-09-05", d(2026, 9, 5), d(2026, 9, 5)},
		{"daily Sunday", DailyWorking, d(2026, 9, 6), false, "2026-09-06", d(2026, 9, 6), d(2026, 9, 6)},
		{"weekly Monday", WeeklyFirstWorkingDay, d(2026, 11, 23), true, "2026-W48", d(2026, 11, 16), d(2026, 11, 22)},
		{"weekly Friday", WeeklyFirstWorkingDay, d(2026, 11, 27), false, "2026-W48", d(2026, 11, 16), d(2026, 11, 22)},
		{"weekly Monday off: Tuesday", WeeklyFirstWorkingDay, d(2026, 9, 8), true, "2026-W37", d(2026, 8, 31), d(2026, 9, 6)},
		{"weekly Monday off itself", WeeklyFirstWorkingDay, d(2026, 9, 7), false, "2026-W37", d(2026, 8, 31), d(2026, 9, 6)},
		{"weekly across the year", WeeklyFirstWorkingDay, d(2026, 1, 2), false, "2026-W01", d(2025, 12, 22), d(2025, 12, 28)},
		{"weekly ISO year", WeeklyFirstWorkingDay, d(2025, 12, 29), true, "2026-W01", d(2025, 12, 22), d(2025, 12, 28)},
		{"monthly 1/1 off: 2/1", MonthlyFirstWorkingDay, d(2026, 1, 2), true, "2025-12", d(2025, 12, 1), d(2025, 12, 31)},
		{"monthly holiday 1/1", MonthlyFirstWorkingDay, d(2026, 1, 1), false, "2025-12", d(2025, 12, 1), d(2025, 12, 31)},
		{"monthly after two days off", MonthlyFirstWorkingDay, d(2026, 9, 3), true, "2026-08", d(2026, 8, 1), d(2026, 8, 31)},
		{"monthly weekend start", MonthlyFirstWorkingDay, d(2026, 8, 3), true, "2026-07", d(2026, 7, 1), d(2026, 7, 31)},
		{"monthly second working day", MonthlyFirstWorkingDay, d(2026, 8, 4), false, "2026-07", d(2026, 7, 1), d(2026, 7, 31)},
		{"monthly March covers February", MonthlyFirstWorkingDay, d(2028, 3, 1), true, "2028-02", d(2028, 2, 1), d(2028, 2, 29)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, due := PeriodFor(cal, tc.r, tc.day)
			if due != tc.due || p.Key != tc.key || p.From != tc.from || p.To != tc.to || p.Day != tc.day {
				t.Errorf("PeriodFor(%v, %s) = %+v due %v; want key %s [%s, %s] due %v",
					tc.r, tc.day, p, due, tc.key, tc.from, tc.to, tc.due)
			}
		})
	}
}

func TestPlanJobs(t *testing.T) {
	run := func(context.Context, RunPeriod) error { return nil }
	jobs := Plan{RemindAt: "07:30", EscalateAt: "08:00", MonthlyAt: "", Digest: run, Monthly: run}.Jobs()
	if len(jobs) != 2 || jobs[0].Name != models.JobDigest || jobs[0].When != DailyWorking || jobs[0].At != "07:30" ||
		jobs[1].Name != models.JobMonthly || jobs[1].When != MonthlyFirstWorkingDay || jobs[1].At != "" {
		t.Fatalf("Plan.Jobs() = %+v", jobs)
	}
	if _, err := New(Config{Calendar: testCalendar(), RunLog: NewMemRunLog(), Jobs: jobs}); err != nil {
		t.Fatal(err)
	}
}

// TestWeekAllOff: a week whose working days are all off (Tết) has no weekly
// run, and the weekly job runs on the first working day of the next week.
func TestWeekAllOff(t *testing.T) {
	var off []models.Holiday
	for day := d(2027, 2, 8); day <= d(2027, 2, 12); day++ {
		off = append(off, models.Holiday{Date: day, Kind: models.DayOff, Name: "Tết"})
	}
	cal := models.NewCalendar(models.CalendarConfig{Location: loc, Rules: func(int) []models.Holiday { return nil }, Overrides: off})
	for day := d(2027, 2, 8); day <= d(2027, 2, 14); day++ {
		if _, due := PeriodFor(cal, WeeklyFirstWorkingDay, day); due {
			t.Errorf("weekly due on %s in a week off", day)
		}
	}
	if p, due := PeriodFor(cal, WeeklyFirstWorkingDay, d(2027, 2, 15)); !due || p.Key != "2027-W07" {
		t.Errorf("next Monday: %+v due %v", p, due)
	}
}
