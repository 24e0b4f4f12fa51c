package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/models"
)

var loc = models.DefaultLocation()

func d(y int, m time.Month, day int) models.Date { return models.NewDate(y, m, day) }

// testCalendar has no built-in rules, only these notices: 1/1/2026 off;
// 1–2/9/2026 off (Quốc khánh), Saturday 5/9/2026 a làm bù working day,
// Monday 7/9/2026 off.
func testCalendar() *models.Calendar {
	h := func(date models.Date, k models.DayKind) models.Holiday {
		return models.Holiday{Date: date, Kind: k, Name: "test"}
	}
	return models.NewCalendar(models.CalendarConfig{
		Location: loc,
		Rules:    func(int) []models.Holiday { return nil },
		Overrides: []models.Holiday{
			h(d(2026, 1, 1), models.DayOff),
			h(d(2026, 9, 1), models.DayOff),
			h(d(2026, 9, 2), models.DayOff),
			h(d(2026, 9, 5), models.DayWorking),
			h(d(2026, 9, 7), models.DayOff),
		},
	})
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// recorder collects the runs of the jobs it makes.
type recorder struct {
	mu   sync.Mutex
	runs []runRec
	fail map[string]error
}

type runRec struct {
	job, key string
	day      models.Date
	now      time.Time
	from, to models.Date
}

func (r *recorder) job(name, at string, when Recurrence) Job {
	return Job{Name: name, At: at, When: when, Run: func(_ context.Context, p RunPeriod) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.runs = append(r.runs, runRec{name, p.Key, p.Day, p.Now, p.From, p.To})
		return r.fail[name]
	}}
}

func (r *recorder) of(name string) []runRec {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []runRec
	for _, x := range r.runs {
		if x.job == name {
			out = append(out, x)
		}
	}
	return out
}

func TestNewValidates(t *testing.T) {
	run := func(context.Context, RunPeriod) error { return nil }
	good := Config{Calendar: testCalendar(), RunLog: NewMemRunLog(),
		Jobs: []Job{{Name: "digest", At: "07:30", When: DailyWorking, Run: run}, {Name: "weekly", When: WeeklyFirstWorkingDay, Run: run}}}
	if _, err := New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no calendar", func(c *Config) { c.Calendar = nil }, "Calendar is required"},
		{"no run log", func(c *Config) { c.RunLog = nil }, "RunLog is required"},
		{"bad time", func(c *Config) { c.Jobs[0].At = "7h30" }, `job 1 ("digest"): time "7h30"`},
		{"hour out of range", func(c *Config) { c.Jobs[0].At = "24:00" }, "hour 00–23"},
		{"same name", func(c *Config) { c.Jobs[1].Name = "digest" }, `job 2 ("digest"): name used twice`},
		{"no name", func(c *Config) { c.Jobs[1].Name = "" }, "name is empty"},
		{"no recurrence", func(c *Config) { c.Jobs[0].When = 0 }, "recurrence not set"},
		{"no run", func(c *Config) { c.Jobs[1].Run = nil }, "Run is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			cfg.Jobs = slices.Clone(good.Jobs)
			tc.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: err %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

type event struct {
	name string
	day  models.Date
	ran  bool
}

// newTest builds a started-ready scheduler on a fake clock; events receives
// every attempt of a scheduled or caught-up job.
func newTest(t *testing.T, clock clockwork.Clock, rl RunLog, rec *recorder, jobs ...Job) (*Scheduler, chan event) {
	t.Helper()
	return newTestConfig(t, Config{Calendar: testCalendar(), Clock: clock, RunLog: rl, Jobs: jobs,
		Logger: quietLogger(), CatchUpEvery: -1})
}

// newTestConfig is newTest with the whole Config given.
func newTestConfig(t *testing.T, cfg Config) (*Scheduler, chan event) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.limitMode = gocron.LimitModeWait
	events := make(chan event, 100)
	s.observe = func(name string, day models.Date, ran bool) { events <- event{name, day, ran} }
	t.Cleanup(func() { _ = s.Shutdown() })
	return s, events
}

func waitEvents(t *testing.T, events <-chan event, n int) []event {
	t.Helper()
	var got []event
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case e := <-events:
			got = append(got, e)
		case <-deadline:
			t.Fatalf("waited for %d job attempts, got %d: %v", n, len(got), got)
		}
	}
	return got
}

// waitFor waits until each job in names reported an attempt for day; it
// returns how many extra attempts (stale or repeated fires) it saw.
func waitFor(t *testing.T, events <-chan event, day models.Date, names ...string) (dups int) {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for len(seen) < len(names) {
		select {
		case e := <-events:
			switch {
			case e.day > day:
				t.Fatalf("%s attempted for %s while the clock is on %s", e.name, e.day, day)
			case e.day < day || seen[e.name] || !slices.Contains(names, e.name):
				dups++
			default:
				seen[e.name] = true
			}
		case <-deadline:
			t.Fatalf("on %s waited for %v, saw %v", day, names, seen)
		}
	}
	return dups
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestWalkThreeWeeks walks a fake clock from Monday 24/8/2026 to Sunday
// 13/9/2026, through the 1–2/9 holidays, the làm bù Saturday 5/9 and the
// day off on Monday 7/9.
func TestWalkThreeWeeks(t *testing.T) {
	ctx := ctxT(t)
	start := d(2026, 8, 24).At(0, 0, loc)
	clock := clockwork.NewFakeClockAt(start)
	rec := &recorder{}
	jobs := []Job{
		rec.job("digest", "07:30", DailyWorking),
		rec.job("escalate", "08:00", DailyWorking),
		rec.job("weekly", "08:00", WeeklyFirstWorkingDay),
		rec.job("monthly", "09:00", MonthlyFirstWorkingDay),
		rec.job("off", "", DailyWorking),
	}
	s, events := newTest(t, clock, NewMemRunLog(), rec, jobs...)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	end := d(2026, 9, 14).At(0, 0, loc)
	slots := []struct {
		h, m  int
		names []string
	}{{7, 30, []string{"digest"}}, {8, 0, []string{"escalate", "weekly"}}, {9, 0, []string{"monthly"}}}
	dups := 0
	for day := d(2026, 8, 24); day.At(0, 0, loc).Before(end); day++ {
		for _, sl := range slots {
			if err := clock.BlockUntilContext(ctx, 4); err != nil {
				t.Fatal("timers not armed:", err)
			}
			clock.Advance(day.At(sl.h, sl.m, loc).Sub(clock.Now()))
			dups += waitFor(t, events, day, sl.names...)
		}
	}
	t.Logf("%d duplicate gocron fires (harmless: the RunLog stops them)", dups)

	wantDigest := []models.Date{d(2026, 8, 24), d(2026, 8, 25), d(2026, 8, 26), d(2026, 8, 27), d(2026, 8, 28),
		d(2026, 8, 31), d(2026, 9, 3), d(2026, 9, 4), d(2026, 9, 5),
		d(2026, 9, 8), d(2026, 9, 9), d(2026, 9, 10), d(2026, 9, 11)}
	for _, name := range []string{"digest", "escalate"} {
		var days []models.Date
		for _, r := range rec.of(name) {
			days = append(days, r.day)
			hh, mm := 7, 30
			if name == "escalate" {
				hh, mm = 8, 0
			}
			if !r.now.Equal(r.day.At(hh, mm, loc)) || r.key != r.day.String() {
				t.Errorf("%s on %s: ran at %s key %s", name, r.day, r.now, r.key)
			}
		}
		if !slices.Equal(days, wantDigest) {
			t.Errorf("%s ran on %v\nwant %v", name, days, wantDigest)
		}
	}
	var weekly []string
	for _, r := range rec.of("weekly") {
		weekly = append(weekly, r.day.String()+" "+r.key)
	}
	wantWeekly := []string{"2026-08-24 2026-W35", "2026-08-31 2026-W36", "2026-09-08 2026-W37"}
	if !slices.Equal(weekly, wantWeekly) {
		t.Errorf("weekly ran %v, want %v", weekly, wantWeekly)
	}
	monthly := rec.of("monthly")
	if len(monthly) != 1 || monthly[0].day != d(2026, 9, 3) || monthly[0].key != "2026-08" ||
		!monthly[0].now.Equal(d(2026, 9, 3).At(9, 0, loc)) || monthly[0].from != d(2026, 8, 1) || monthly[0].to != d(2026, 8, 31) {
		t.Errorf("monthly ran %+v, want once on 2026-09-03 09:00 for 2026-08", monthly)
	}
	if r := rec.of("off"); len(r) != 0 {
		t.Errorf("job that is off ran: %v", r)
	}
}

// TestMonthlyAfterNewYear: 1/1/2026 is a day off, so the monthly job runs on
// Friday 2/1 for December 2025.
func TestMonthlyAfterNewYear(t *testing.T) {
	ctx := ctxT(t)
	clock := clockwork.NewFakeClockAt(d(2025, 12, 31).At(12, 0, loc))
	rec := &recorder{}
	s, events := newTest(t, clock, NewMemRunLog(), rec, rec.job("monthly", "09:00", MonthlyFirstWorkingDay))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, day := range []models.Date{d(2026, 1, 1), d(2026, 1, 2), d(2026, 1, 3)} {
		if err := clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(day.At(9, 0, loc).Sub(clock.Now()))
		waitFor(t, events, day, "monthly")
	}
	got := rec.of("monthly")
	if len(got) != 1 || got[0].day != d(2026, 1, 2) || got[0].key != "2025-12" {
		t.Fatalf("monthly runs %+v, want one on 2026-01-02 for 2025-12", got)
	}
}

func TestCatchUp(t *testing.T) {
	today := d(2026, 11, 27) // Friday, a working day
	key := today.String()
	tests := []struct {
		name     string
		at       time.Time
		prepare  func(*MemRunLog)
		wantRuns int
	}{
		{"missed digest runs once now", today.At(9, 15, loc), nil, 1},
		{"already run: nothing", today.At(9, 15, loc), func(m *MemRunLog) {
			_, _ = m.Begin(context.Background(), "digest", key, today.At(7, 30, loc))
			_ = m.Finish(context.Background(), "digest", key, today.At(7, 31, loc), nil)
		}, 0},
		{"still running elsewhere: nothing", today.At(9, 15, loc), func(m *MemRunLog) {
			_, _ = m.Begin(context.Background(), "digest", key, today.At(7, 30, loc))
		}, 0},
		{"failed earlier today: retried", today.At(9, 15, loc), func(m *MemRunLog) {
			_, _ = m.Begin(context.Background(), "digest", key, today.At(7, 30, loc))
			_ = m.Finish(context.Background(), "digest", key, today.At(7, 31, loc), errors.New("telegram down"))
		}, 1},
		{"before the time: nothing", today.At(7, 29, loc), nil, 0},
		{"not a working day: nothing", d(2026, 11, 28).At(9, 15, loc), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			rl := NewMemRunLog()
			if tc.prepare != nil {
				tc.prepare(rl)
			}
			rec := &recorder{}
			s, _ := newTest(t, clockwork.NewFakeClockAt(tc.at), rl, rec, rec.job("digest", "07:30", DailyWorking))
			if err := s.Start(ctx); err != nil {
				t.Fatal(err)
			}
			got := rec.of("digest")
			if len(got) != tc.wantRuns {
				t.Fatalf("digest ran %d times (%v), want %d", len(got), got, tc.wantRuns)
			}
			if len(got) == 1 && (got[0].key != key || !got[0].now.Equal(tc.at)) {
				t.Errorf("caught up %+v, want key %s at %s", got[0], key, tc.at)
			}
		})
	}
}

// TestCatchUpNeverReplaysEarlierDays: down all Thursday, started Friday
// 09:15: only Friday's digest runs.
func TestCatchUpNeverReplaysEarlierDays(t *testing.T) {
	ctx := ctxT(t)
	rl := NewMemRunLog()
	rec := &recorder{}
	s, _ := newTest(t, clockwork.NewFakeClockAt(d(2026, 11, 27).At(9, 15, loc)), rl, rec,
		rec.job("digest", "07:30", DailyWorking), rec.job("weekly", "08:00", WeeklyFirstWorkingDay))
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.of("digest")
	if len(got) != 1 || got[0].key != "2026-11-27" {
		t.Fatalf("digest runs %+v, want only 2026-11-27", got)
	}
	if w := rec.of("weekly"); len(w) != 0 {
		t.Fatalf("weekly replayed Monday's run: %+v", w)
	}
	if _, ok := rl.Get("digest", "2026-11-26"); ok {
		t.Fatal("Thursday's digest was claimed")
	}
}

func TestRunNowTwice(t *testing.T) {
	ctx := ctxT(t)
	rec := &recorder{}
	rl := NewMemRunLog()
	s, _ := newTest(t, clockwork.NewFakeClockAt(d(2026, 11, 27).At(10, 0, loc)), rl, rec,
		rec.job("digest", "", DailyWorking), rec.job("monthly", "09:00", MonthlyFirstWorkingDay))
	day := d(2026, 11, 20)
	if err := s.RunNow(ctx, "digest", day); err != nil {
		t.Fatal(err)
	}
	if err := s.RunNow(ctx, "digest", day); !errors.Is(err, ErrAlreadyRun) {
		t.Fatalf("second RunNow: %v, want ErrAlreadyRun", err)
	}
	if got := rec.of("digest"); len(got) != 1 || got[0].key != "2026-11-20" {
		t.Fatalf("digest runs %+v, want one for 2026-11-20", got)
	}
	if r, ok := rl.Get("digest", "2026-11-20"); !ok || r.Finished.IsZero() || r.Failed {
		t.Fatalf("run log entry %+v %v", r, ok)
	}
	if err := s.RunNow(ctx, "monthly", day); err != nil {
		t.Fatal(err)
	}
	if got := rec.of("monthly"); len(got) != 1 || got[0].key != "2026-10" {
		t.Fatalf("monthly runs %+v, want one for 2026-10", got)
	}
	if err := s.RunNow(ctx, "nope", day); err == nil || !strings.Contains(err.Error(), `no job "nope"`) {
		t.Fatalf("unknown job: %v", err)
	}
}

func TestRunNowFailureReleasesPeriod(t *testing.T) {
	ctx := ctxT(t)
	rec := &recorder{fail: map[string]error{"digest": errors.New("boom")}}
	s, _ := newTest(t, clockwork.NewFakeClockAt(d(2026, 11, 27).At(10, 0, loc)), NewMemRunLog(), rec,
		rec.job("digest", "07:30", DailyWorking))
	day := d(2026, 11, 27)
	if err := s.RunNow(ctx, "digest", day); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("failing run: %v", err)
	}
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	if err := s.RunNow(ctx, "digest", day); err != nil {
		t.Fatalf("retry after failure: %v", err)
	}
	if n := len(rec.of("digest")); n != 2 {
		t.Fatalf("%d runs, want 2 (failure then retry)", n)
	}
}

func TestPanicIsAnError(t *testing.T) {
	ctx := ctxT(t)
	s, _ := newTest(t, clockwork.NewFakeClockAt(d(2026, 11, 27).At(10, 0, loc)), NewMemRunLog(), &recorder{},
		Job{Name: "digest", At: "07:30", When: DailyWorking, Run: func(context.Context, RunPeriod) error { panic("nil map") }})
	if err := s.RunNow(ctx, "digest", d(2026, 11, 27)); err == nil || !strings.Contains(err.Error(), "panic: nil map") {
		t.Fatalf("RunNow: %v", err)
	}
}

// TestTwoSchedulersShareRunLog: two replicas without an elector but with one
// RunLog: the digest runs once, both at the scheduled time and at catch-up.
func TestTwoSchedulersShareRunLog(t *testing.T) {
	ctx := ctxT(t)
	rl := NewMemRunLog()
	rec := &recorder{}
	clock := clockwork.NewFakeClockAt(d(2026, 11, 26).At(7, 0, loc))
	a, ea := newTest(t, clock, rl, rec, rec.job("digest", "07:30", DailyWorking))
	b, eb := newTest(t, clock, rl, rec, rec.job("digest", "07:30", DailyWorking))
	for _, s := range []*Scheduler{a, b} {
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Minute)
	waitEvents(t, ea, 1)
	waitEvents(t, eb, 1)
	if got := rec.of("digest"); len(got) != 1 {
		t.Fatalf("digest ran %d times at 07:30, want 1", len(got))
	}

	// Next day both start at 09:15 and catch up.
	clock2 := clockwork.NewFakeClockAt(d(2026, 11, 27).At(9, 15, loc))
	c, _ := newTest(t, clock2, rl, rec, rec.job("digest", "07:30", DailyWorking))
	e, _ := newTest(t, clock2, rl, rec, rec.job("digest", "07:30", DailyWorking))
	var wg sync.WaitGroup
	for _, s := range []*Scheduler{c, e} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = s.Start(ctx) }()
	}
	wg.Wait()
	if got := rec.of("digest"); len(got) != 2 || got[1].key != "2026-11-27" {
		t.Fatalf("digest runs %+v, want 2026-11-26 and 2026-11-27 once each", got)
	}
}

// switchElector is a gocron.Elector the test flips.
type switchElector struct {
	mu     sync.Mutex
	leader bool
	calls  chan bool // every answer, so that a test knows a decision was made
}

func (e *switchElector) set(v bool) { e.mu.Lock(); e.leader = v; e.mu.Unlock() }

func (e *switchElector) IsLeader(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls <- e.leader
	if !e.leader {
		return errors.New("not leader")
	}
	return nil
}

// TestFollowerRunsNothingThenTakesOver: a follower neither runs nor catches
// up; once it becomes leader, the periodic catch-up runs today's missed
// digest within CatchUpEvery.
func TestFollowerRunsNothingThenTakesOver(t *testing.T) {
	ctx := ctxT(t)
	el := &switchElector{calls: make(chan bool, 1000)}
	rec := &recorder{}
	clock := clockwork.NewFakeClockAt(d(2026, 11, 27).At(7, 0, loc))
	s, events := newTestConfig(t, Config{Calendar: testCalendar(), Clock: clock, RunLog: NewMemRunLog(), Elector: el,
		Jobs: []Job{rec.job("digest", "07:30", DailyWorking)}, Logger: quietLogger(), CatchUpEvery: time.Minute})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-el.calls // CatchUp at Start
	// 07:30 passes on a follower: nothing runs (gocron asks the elector).
	for i := 1; i <= 31; i++ {
		if err := clock.BlockUntilContext(ctx, 2); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		asks := 1 // the periodic catch-up
		if i == 30 {
			asks = 2 // and the digest at 07:30
		}
		for range asks {
			select {
			case <-el.calls:
			case <-ctx.Done():
				t.Fatal("elector not asked")
			}
		}
	}
	if got := rec.of("digest"); len(got) != 0 {
		t.Fatalf("follower ran %v", got)
	}
	el.set(true)
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	e := waitEvents(t, events, 1)[0]
	if !e.ran || e.day != d(2026, 11, 27) {
		t.Fatalf("after takeover: %+v", e)
	}
	// Later checks do not run it again.
	for i := 0; i < 3; i++ {
		if err := clock.BlockUntilContext(ctx, 2); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	if got := rec.of("digest"); len(got) != 1 || !got[0].now.Equal(d(2026, 11, 27).At(7, 32, loc)) {
		t.Fatalf("digest runs %+v, want one at 07:32", got)
	}
}

func clockworkAt(t time.Time) *clockwork.FakeClock { return clockwork.NewFakeClockAt(t) }
