package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/models"
)

// DefaultCatchUpEvery is how often the leader re-checks for a job missed
// today (for instance during a leader takeover) when Config.CatchUpEvery is 0.
const DefaultCatchUpEvery = time.Minute

// Config sets up a Scheduler.
type Config struct {
	// Location is the local time zone; nil means Calendar.Location().
	Location *time.Location
	// Calendar says which days are working days (required).
	Calendar *models.Calendar
	// Clock is the time source; nil means the real clock.
	Clock clockwork.Clock
	// Jobs to schedule; a job with At == "" is off (RunNow still runs it).
	Jobs []Job
	// RunLog makes runs idempotent (required; NewMemRunLog for one process).
	RunLog RunLog
	// Elector picks the replica that runs jobs; nil: this process always is.
	Elector gocron.Elector
	// Logger; nil means slog.Default().
	Logger *slog.Logger
	// CatchUpEvery is how often the leader runs CatchUp while serving, so
	// that a replica taking over runs a job the dead leader missed today, or
	// left unfinished. 0 means DefaultCatchUpEvery; negative turns the
	// periodic check off (CatchUp still runs at Start, and at Kick).
	CatchUpEvery time.Duration
	// Wall is the clock of elapsed time: the periodic catch-up, the
	// heartbeats of a LeasedRunLog and the retry delay of a failed run. nil
	// means Clock. dondoc passes the real clock here, so that a fixed
	// DONDOC_NOW does not freeze takeovers.
	Wall clockwork.Clock
	// HeartbeatEvery is how often a running job renews its claim when
	// RunLog is a LeasedRunLog; 0 means DefaultHeartbeatEvery. Keep it well
	// under the run log's lease.
	HeartbeatEvery time.Duration
	// RetryFailedAfter is how long the periodic catch-up waits before it
	// retries a run that failed today (a database restart in the middle of
	// the job), doubling after each failure up to 32 times; 0 means
	// DefaultRetryFailedAfter.
	RetryFailedAfter time.Duration
}

// DefaultHeartbeatEvery is Config.HeartbeatEvery's default.
const DefaultHeartbeatEvery = 3 * time.Second

// DefaultRetryFailedAfter is Config.RetryFailedAfter's default.
const DefaultRetryFailedAfter = 30 * time.Second

// Scheduler runs dondoc's jobs. Create it with New.
type Scheduler struct {
	loc     *time.Location
	cal     *models.Calendar
	clock   clockwork.Clock
	wall    clockwork.Clock
	beat    time.Duration
	retry   time.Duration
	kick    chan struct{}
	jobs    []job
	byName  map[string]*job
	runLog  RunLog
	elector gocron.Elector
	log     *slog.Logger
	every   time.Duration

	mu   sync.Mutex
	gs   gocron.Scheduler
	loop sync.WaitGroup // the periodic catch-up
	stop context.CancelFunc
	// tried maps a job name to what the periodic catch-up knows of its
	// current period: done (here or elsewhere), or failed here and not to
	// be retried before a time. A period running elsewhere is not recorded:
	// its owner may die, and the next check takes it over.
	tried map[string]tried

	// limitMode is gocron's singleton mode: LimitModeReschedule (a fire that
	// finds the previous run of the same job still going is dropped). Tests
	// that push a fake clock faster than gocron's runner goroutines return
	// use LimitModeWait, so that no fire is dropped by that race.
	limitMode gocron.LimitMode

	// observe, when set (tests), is called after every scheduled or
	// catch-up attempt with the day and whether the job ran.
	observe func(name string, day models.Date, ran bool)
}

type job struct {
	Job
	hour, minute int
	off          bool
}

// tried is the periodic catch-up's memory of one job's period.
type tried struct {
	key     string
	done    bool
	failed  int       // failures of this period in this process
	retryAt time.Time // on the wall clock
}

// New validates cfg and returns a Scheduler; it starts nothing.
func New(cfg Config) (*Scheduler, error) {
	var errs []error
	if cfg.Calendar == nil {
		errs = append(errs, errors.New("scheduler: Calendar is required"))
	}
	if cfg.RunLog == nil {
		errs = append(errs, errors.New("scheduler: RunLog is required (NewMemRunLog for one process without a database)"))
	}
	s := &Scheduler{
		loc: cfg.Location, cal: cfg.Calendar, clock: cfg.Clock, runLog: cfg.RunLog,
		elector: cfg.Elector, log: cfg.Logger, every: cfg.CatchUpEvery,
		byName: map[string]*job{}, tried: map[string]tried{},
		wall: cfg.Wall, beat: cfg.HeartbeatEvery, retry: cfg.RetryFailedAfter, kick: make(chan struct{}, 1),
		limitMode: gocron.LimitModeReschedule,
	}
	if s.loc == nil && s.cal != nil {
		s.loc = s.cal.Location()
	}
	if s.clock == nil {
		s.clock = clockwork.NewRealClock()
	}
	if s.wall == nil {
		s.wall = s.clock
	}
	if s.beat <= 0 {
		s.beat = DefaultHeartbeatEvery
	}
	if s.retry <= 0 {
		s.retry = DefaultRetryFailedAfter
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.every == 0 {
		s.every = DefaultCatchUpEvery
	}
	seen := map[string]bool{}
	for i, j := range cfg.Jobs {
		where := fmt.Sprintf("scheduler: job %d (%q)", i+1, j.Name)
		bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(where+": "+format, a...)) }
		if j.Name == "" {
			bad("name is empty")
		} else if seen[j.Name] {
			bad("name used twice")
		}
		seen[j.Name] = true
		if !j.When.valid() {
			bad("recurrence not set (DailyWorking, WeeklyFirstWorkingDay or MonthlyFirstWorkingDay)")
		}
		if j.Run == nil {
			bad("Run is nil")
		}
		jj := job{Job: j, off: j.At == ""}
		if !jj.off {
			h, m, err := parseAt(j.At)
			if err != nil {
				bad("%v", err)
			}
			jj.hour, jj.minute = h, m
		}
		s.jobs = append(s.jobs, jj)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i := range s.jobs {
		s.byName[s.jobs[i].Name] = &s.jobs[i]
	}
	return s, nil
}

// Start starts the gocron scheduler (one daily gocron job per job that is
// on, plus the periodic catch-up) and then runs CatchUp. It returns after
// the catch-up runs have finished (their errors are logged, not returned); ctx bounds them and is the parent of
// every run's context until Shutdown.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.gs != nil {
		s.mu.Unlock()
		return errors.New("scheduler: already started")
	}
	opts := []gocron.SchedulerOption{
		gocron.WithLocation(s.loc),
		gocron.WithClock(s.clock),
		gocron.WithLogger(gocronLogger{s.log}),
	}
	if s.elector != nil {
		opts = append(opts, gocron.WithDistributedElector(s.elector))
	}
	gs, err := gocron.NewScheduler(opts...)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("scheduler: %w", err)
	}
	for i := range s.jobs {
		j := &s.jobs[i]
		if j.off {
			s.log.Info("scheduler: job off", "job", j.Name)
			continue
		}
		_, err := gs.NewJob(
			gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(uint(j.hour), uint(j.minute), 0))),
			gocron.NewTask(func(jctx context.Context) { s.scheduled(jctx, j) }),
			gocron.WithName(j.Name),
			gocron.WithSingletonMode(s.limitMode),
			gocron.WithContext(ctx),
		)
		if err != nil {
			_ = gs.Shutdown()
			s.mu.Unlock()
			return fmt.Errorf("scheduler: job %q: %w", j.Name, err)
		}
		s.log.Info("scheduler: job scheduled", "job", j.Name, "at", j.At, "when", j.When.String())
	}
	gs.Start()
	s.gs = gs
	lctx, stop := context.WithCancel(ctx)
	s.stop = stop
	s.loop.Go(func() { s.catchUpLoop(lctx) })
	s.mu.Unlock()
	if err := s.CatchUp(ctx); err != nil {
		// The scheduler runs; a failed job is logged and retried at the
		// next Start or by RunNow.
		s.log.Error("scheduler: catch-up at start", "err", err)
	}
	return nil
}

// Shutdown stops the gocron scheduler and waits for running jobs.
func (s *Scheduler) Shutdown() error {
	s.mu.Lock()
	gs := s.gs
	s.gs = nil
	stop := s.stop
	s.mu.Unlock()
	if gs == nil {
		return nil
	}
	stop()
	s.loop.Wait()
	return gs.Shutdown()
}

// Kick makes the periodic catch-up look at once (call it when this replica
// becomes the leader: the dead leader's unfinished job is taken over as
// soon as its lease lapses, not a CatchUpEvery later).
func (s *Scheduler) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// catchUpLoop runs the periodic catch-up every CatchUpEvery on the wall
// clock (and at each Kick) until ctx ends. With CatchUpEvery < 0 only Kick
// triggers it.
func (s *Scheduler) catchUpLoop(ctx context.Context) {
	for {
		var tick <-chan time.Time
		var t clockwork.Timer
		if s.every > 0 {
			t = s.wall.NewTimer(s.every)
			tick = t.Chan()
		}
		select {
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return
		case <-s.kick:
			if t != nil {
				t.Stop()
			}
		case <-tick:
		}
		if err := s.catchUp(ctx, false); err != nil {
			s.log.Error("scheduler: catch-up", "err", err)
		}
	}
}

// CatchUp runs, now, every job that is on, whose time today has passed,
// whose recurrence runs today and that the RunLog has not run for today's
// period. It never replays earlier days. It does nothing on a replica that
// is not the leader. The periodic catch-up (Config.CatchUpEvery, and Kick)
// does the same, but skips a job-period that is done and retries one that
// failed here only after Config.RetryFailedAfter (doubling); a period still
// running elsewhere is tried at every check, so that a replica takes over
// a dead leader's unfinished run as soon as the RunLog's lease lapses.
func (s *Scheduler) CatchUp(ctx context.Context) error { return s.catchUp(ctx, true) }

func (s *Scheduler) catchUp(ctx context.Context, start bool) error {
	// start: CatchUp proper, which retries at once what failed earlier.
	if s.elector != nil {
		if err := s.elector.IsLeader(ctx); err != nil {
			s.log.Debug("scheduler: not leader, no catch-up", "err", err)
			return nil
		}
	}
	var errs []error
	for i := range s.jobs {
		j := &s.jobs[i]
		if j.off {
			continue
		}
		now := s.clock.Now().In(s.loc)
		day := models.DateOf(now, s.loc)
		if now.Before(day.At(j.hour, j.minute, s.loc)) {
			continue
		}
		p, due := PeriodFor(s.cal, j.When, day)
		if !due || (!start && s.skip(j.Name, p.Key)) {
			continue
		}
		ran, err := s.run(ctx, j, p, now)
		if err != nil && !errors.Is(err, ErrAlreadyRun) {
			errs = append(errs, err)
		}
		if ran {
			s.log.Info("scheduler: caught up a missed job", "job", j.Name, "period", p.Key)
		}
		s.notify(j.Name, day, ran)
	}
	return errors.Join(errs...)
}

// RunNow runs job name for the period of day (for `dondoc remind --date`),
// whatever the time and whether the job is off; day need not be a day the
// job is due. It returns ErrAlreadyRun when the RunLog already holds that
// job-period, and the job's own error otherwise. It does not ask the Elector.
func (s *Scheduler) RunNow(ctx context.Context, name string, day models.Date) error {
	j, ok := s.byName[name]
	if !ok {
		return fmt.Errorf("scheduler: no job %q", name)
	}
	if day.IsZero() {
		return fmt.Errorf("scheduler: RunNow %q: no date", name)
	}
	p, _ := PeriodFor(s.cal, j.When, day)
	_, err := s.run(ctx, j, p, s.clock.Now())
	return err
}

// scheduled is the gocron task: it runs j if today is a day it is due.
func (s *Scheduler) scheduled(ctx context.Context, j *job) {
	now := s.clock.Now().In(s.loc)
	day := models.DateOf(now, s.loc)
	p, due := PeriodFor(s.cal, j.When, day)
	if !due {
		s.log.Debug("scheduler: not due today", "job", j.Name, "day", day.String())
		s.notify(j.Name, day, false)
		return
	}
	ran, err := s.run(ctx, j, p, now)
	if err != nil && !errors.Is(err, ErrAlreadyRun) {
		s.log.Error("scheduler: job failed", "job", j.Name, "period", p.Key, "err", err)
	}
	s.notify(j.Name, day, ran)
}

// run claims (job, period) in the RunLog, runs the job (renewing the claim
// meanwhile when the RunLog is leased) and records the end. ran reports
// whether the job's function was called.
func (s *Scheduler) run(ctx context.Context, j *job, p RunPeriod, now time.Time) (ran bool, err error) {
	ok, err := s.runLog.Begin(ctx, j.Name, p.Key, now)
	if errors.Is(err, ErrRunning) {
		s.log.Debug("scheduler: running elsewhere", "job", j.Name, "period", p.Key)
		return false, ErrRunning
	}
	if err != nil {
		s.remember(j.Name, p.Key, false)
		return false, fmt.Errorf("scheduler: job %q period %s: run log: %w", j.Name, p.Key, err)
	}
	if !ok {
		s.remember(j.Name, p.Key, true)
		s.log.Debug("scheduler: already run", "job", j.Name, "period", p.Key)
		return false, ErrAlreadyRun
	}
	p.Now = now
	s.log.Info("scheduler: job starts", "job", j.Name, "period", p.Key, "day", p.Day.String())
	rctx, cancel := context.WithCancelCause(ctx)
	var beats sync.WaitGroup
	if ll, ok := s.runLog.(LeasedRunLog); ok {
		beats.Go(func() { s.heartbeat(rctx, cancel, ll, j.Name, p.Key) })
	}
	runErr := safeRun(rctx, j.Run, p)
	if runErr == nil && errors.Is(context.Cause(rctx), ErrRunLost) {
		runErr = ErrRunLost
	}
	cancel(nil)
	beats.Wait()
	// Record the end even when ctx was cancelled during the run.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	end := s.clock.Now()
	if ferr := s.runLog.Finish(fctx, j.Name, p.Key, end, runErr); ferr != nil {
		s.log.Error("scheduler: run log finish", "job", j.Name, "period", p.Key, "err", ferr)
	}
	s.remember(j.Name, p.Key, runErr == nil)
	if runErr != nil {
		return true, fmt.Errorf("scheduler: job %q period %s: %w", j.Name, p.Key, runErr)
	}
	s.log.Info("scheduler: job done", "job", j.Name, "period", p.Key, "took", end.Sub(now).String())
	return true, nil
}

// heartbeat renews the claim of a running job every s.beat until ctx ends;
// a claim lost to another owner cancels the run. A failed renewal (the
// database restarting) is logged and tried again at the next beat.
func (s *Scheduler) heartbeat(ctx context.Context, cancel context.CancelCauseFunc, ll LeasedRunLog, name, key string) {
	for {
		t := s.wall.NewTimer(s.beat)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.Chan():
		}
		err := ll.Heartbeat(ctx, name, key)
		switch {
		case errors.Is(err, ErrRunLost):
			s.log.Error("scheduler: another replica took this run over: stopping it", "job", name, "period", key)
			cancel(ErrRunLost)
			return
		case err != nil && ctx.Err() == nil:
			s.log.Warn("scheduler: run heartbeat failed", "job", name, "period", key, "err", err)
		}
	}
}

// safeRun calls f, turning a panic into an error.
func safeRun(ctx context.Context, f func(context.Context, RunPeriod) error, p RunPeriod) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f(ctx, p)
}

// skip reports whether the periodic catch-up leaves job name's period key
// alone: done, or failed here and not yet due for a retry.
func (s *Scheduler) skip(name, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tried[name]
	if !ok || t.key != key {
		return false
	}
	return t.done || s.wall.Now().Before(t.retryAt)
}

// remember records the outcome of an attempt at job name's period key:
// done, or failed (retried after RetryFailedAfter, doubling).
func (s *Scheduler) remember(name, key string, done bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tried[name]
	if t.key != key {
		t = tried{key: key}
	}
	t.done = done
	if !done {
		t.failed++
		t.retryAt = s.wall.Now().Add(s.retry << min(t.failed-1, 5))
	}
	s.tried[name] = t
}

func (s *Scheduler) notify(name string, day models.Date, ran bool) {
	if s.observe != nil {
		s.observe(name, day, ran)
	}
}

// gocronLogger adapts slog to gocron.Logger.
type gocronLogger struct{ l *slog.Logger }

func (g gocronLogger) Debug(msg string, args ...any) { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Error(msg string, args ...any) { g.l.Error("gocron: "+msg, args...) }
func (g gocronLogger) Info(msg string, args ...any)  { g.l.Info("gocron: "+msg, args...) }
func (g gocronLogger) Warn(msg string, args ...any)  { g.l.Warn("gocron: "+msg, args...) }
