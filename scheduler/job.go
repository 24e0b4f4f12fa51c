// Package scheduler decides when dondoc's jobs run: the officers' morning
// digest, the leaders' escalation, the weekly summary and the monthly
// broadcast. It wires them on gocron v2 in the local time zone, runs them on
// working days of dondoc's calendar only, catches up a job missed today
// while dondoc was down, runs them on one leader among several replicas and
// keeps every run idempotent through a RunLog keyed by job and period.
//
// What a job sends is not this package's business: a Job carries a Run
// function that receives the RunPeriod it runs for.
package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Recurrence says on which days a job runs.
type Recurrence int

const (
	// DailyWorking runs on every working day of the calendar (làm bù
	// Saturdays included, holidays and weekends excluded).
	DailyWorking Recurrence = iota + 1
	// WeeklyFirstWorkingDay runs on the first working day of each ISO week
	// (Monday, or the next working day when Monday is a day off).
	WeeklyFirstWorkingDay
	// MonthlyFirstWorkingDay runs on the first working day of each month,
	// for the month before.
	MonthlyFirstWorkingDay
)

// String names the recurrence.
func (r Recurrence) String() string {
	switch r {
	case DailyWorking:
		return "daily"
	case WeeklyFirstWorkingDay:
		return "weekly"
	case MonthlyFirstWorkingDay:
		return "monthly"
	}
	return fmt.Sprintf("Recurrence(%d)", int(r))
}

func (r Recurrence) valid() bool { return r >= DailyWorking && r <= MonthlyFirstWorkingDay }

// Job is one scheduled job.
type Job struct {
	// Name identifies the job in logs, in gocron and in the RunLog
	// (models.JobDigest, models.JobEscalation, ...); unique.
	Name string
	// At is the local time of day "HH:MM"; "" turns the job off.
	At string
	// When says on which days it runs.
	When Recurrence
	// Run does the work for period p. It must not read the wall clock: the
	// period and p.Now say when it runs. A returned error is logged and
	// recorded in the RunLog (and releases the period for a retry).
	Run func(ctx context.Context, p RunPeriod) error
}

// RunPeriod says what one run is for.
type RunPeriod struct {
	// Day is the working day the run happens on (or is run for, with RunNow).
	Day models.Date
	// Key identifies the period in the RunLog: "2026-11-27" (daily),
	// "2026-W48" (weekly: the ISO week of Day), "2026-10" (monthly: the
	// month before Day's month).
	Key string
	// From and To bound the period the run reports on, both inclusive:
	// Day itself (daily), the ISO week before Day's week (weekly), the month
	// before Day's month (monthly).
	From, To models.Date
	// Now is the instant the run started (the scheduler's clock).
	Now time.Time
}

// PeriodFor returns the period a job of recurrence r runs for on day, and
// whether day is a day on which it runs (a working day; the first working
// day of its week or month for weekly and monthly jobs). The period is
// returned even when due is false, so that RunNow can run it on demand.
func PeriodFor(cal *models.Calendar, r Recurrence, day models.Date) (p RunPeriod, due bool) {
	p.Day = day
	switch r {
	case DailyWorking:
		p.Key, p.From, p.To = day.String(), day, day
		return p, cal.IsWorkingDay(day)
	case WeeklyFirstWorkingDay:
		monday := mondayOf(day)
		y, w := day.Start(time.UTC).ISOWeek()
		p.Key = fmt.Sprintf("%04d-W%02d", y, w)
		p.From, p.To = monday.AddDays(-7), monday.AddDays(-1)
		return p, firstWorking(cal, monday, monday.AddDays(6)) == day
	case MonthlyFirstWorkingDay:
		y, m, _ := day.YMD()
		first := models.NewDate(y, m, 1)
		prev := models.NewDate(y, m-1, 1)
		py, pm, _ := prev.YMD()
		p.Key = fmt.Sprintf("%04d-%02d", py, int(pm))
		p.From, p.To = prev, first.AddDays(-1)
		return p, firstWorking(cal, first, models.NewDate(y, m+1, 1).AddDays(-1)) == day
	}
	return p, false
}

// mondayOf returns the Monday of d's ISO week.
func mondayOf(d models.Date) models.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// firstWorking returns the first working day in [from, to], or NoDate.
func firstWorking(cal *models.Calendar, from, to models.Date) models.Date {
	for d := from; d <= to; d++ {
		if cal.IsWorkingDay(d) {
			return d
		}
	}
	return models.NoDate
}

// parseAt parses "HH:MM" (24-hour, two digits each).
func parseAt(s string) (hour, minute int, err error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, fmt.Errorf("time %q: want HH:MM, such as 07:30", s)
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, fmt.Errorf("time %q: want HH:MM, such as 07:30", s)
		}
	}
	hour = int(s[0]-'0')*10 + int(s[1]-'0')
	minute = int(s[3]-'0')*10 + int(s[4]-'0')
	if hour > 23 || minute > 59 {
		return 0, 0, fmt.Errorf("time %q: hour 00–23 and minute 00–59", s)
	}
	return hour, minute, nil
}

// Plan gathers dondoc's four jobs: their times (from config: REMIND_AT,
// ESCALATE_AT, WEEKLY_AT, MONTHLY_AT; "" = off) and what they do.
type Plan struct {
	RemindAt, EscalateAt, WeeklyAt, MonthlyAt string

	Digest, Escalate, Weekly, Monthly func(ctx context.Context, p RunPeriod) error
}

// Jobs returns the jobs of the plan, leaving out those without a function.
func (p Plan) Jobs() []Job {
	all := []Job{
		{Name: models.JobDigest, At: p.RemindAt, When: DailyWorking, Run: p.Digest},
		{Name: models.JobEscalation, At: p.EscalateAt, When: DailyWorking, Run: p.Escalate},
		{Name: models.JobWeekly, At: p.WeeklyAt, When: WeeklyFirstWorkingDay, Run: p.Weekly},
		{Name: models.JobMonthly, At: p.MonthlyAt, When: MonthlyFirstWorkingDay, Run: p.Monthly},
	}
	var out []Job
	for _, j := range all {
		if j.Run != nil {
			out = append(out, j)
		}
	}
	return out
}
