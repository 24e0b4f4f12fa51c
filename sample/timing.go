package sample

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Realistic step timing (Config.StepTiming): instead of drawing whether a
// dossier is late and fitting its steps around that, the steps take the
// time they take and lateness follows. How long the examination takes
// depends on the procedure, the unit and the officer (some of each are
// slower), grows with the officer's queue, and inter-agency procedures
// have a long tail (waiting for another agency's opinion); the leader's
// signature depends on the leader. Durations are in working time (office
// day 07:30–17:00 on working days).

// Shares and strengths of the timing model.
const (
	timingExamShare  = 0.30 // median examination as a share of the time limit
	timingSignShare  = 0.08 // median signature as a share of the limit
	timingNoise      = 0.45 // σ of the per-dossier log-normal noise
	timingSlowUnit   = 0.15 // share of slow units…
	timingSlowUnitX  = 1.7  // …and how much slower
	timingSlowOff    = 0.12 // share of slow officers…
	timingSlowOffX   = 1.9  // …and how much slower
	timingInterShare = 0.30 // share of procedures with an inter-agency step
	timingInterProb  = 0.40 // of their dossiers: how many wait on another agency
	timingInterAlpha = 1.5  // Pareto tail of that wait
	timingLoadDecay  = 0.85 // per working day, of an officer's queue
	timingLoadPower  = 0.5  // duration ∝ (queue / mean queue)^power
)

// timing holds the per-officer queues and the course of the current dossier.
type timing struct {
	seed     uint64
	load     map[string]*queue
	meanLoad float64
	// The current dossier's course (ok when computed).
	ok       bool
	leader   string
	f1, f2   time.Time
	finished time.Time
}

type queue struct {
	load float64
	day  models.Date
}

func newTiming(seed int64) *timing {
	return &timing{seed: uint64(seed), load: map[string]*queue{}, meanLoad: 1}
}

// factor returns a fixed multiplier for a code: log-normal with σ sigma,
// and slowX for a share slow of the codes.
func (t *timing) factor(kind, code string, sigma, slow, slowX float64) float64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(code))
	r := rand.New(rand.NewPCG(h.Sum64(), t.seed))
	f := math.Exp(sigma * r.NormFloat64())
	if r.Float64() < slow {
		f *= slowX
	}
	return f
}

// interAgency reports whether a procedure has an inter-agency step.
func (t *timing) interAgency(code string) bool {
	h := fnv.New64a()
	h.Write([]byte("inter\x00" + code))
	return float64(h.Sum64()%1000)/1000 < timingInterShare
}

// queueFactor adds a dossier to the officer's queue on day and returns how
// much slower the queue makes the officer.
func (t *timing) queueFactor(officer string, day models.Date) float64 {
	q := t.load[officer]
	if q == nil {
		q = &queue{day: day}
		t.load[officer] = q
	}
	if day > q.day {
		q.load *= math.Pow(timingLoadDecay, float64(day-q.day))
		q.day = day
	}
	q.load++
	t.meanLoad = 0.999*t.meanLoad + 0.001*q.load
	return math.Min(2.5, math.Max(0.6, math.Pow(q.load/t.meanLoad, timingLoadPower)))
}

// addWork returns t moved forward by minutes of working time.
func (g *dossierGen) addWork(t time.Time, minutes float64) time.Time {
	t = g.workStart(t)
	left := time.Duration(minutes * float64(time.Minute))
	for left > 0 {
		lt := t.In(g.loc)
		day := models.DateOf(lt, g.loc)
		end := day.At(17, 0, g.loc)
		if room := end.Sub(t); room > left {
			return t.Add(left)
		} else {
			left -= room
		}
		t = g.cal.NextWorkingDay(day+1).At(7, 30, g.loc)
	}
	return t
}

// course plans a multi-day dossier's steps with realistic timing: the
// reception, the examination by the handler and the leader's signature;
// it returns when processing finishes.
func (g *dossierGen) course(u *orgUnit, p *procSpec, handler string, rec time.Time) time.Time {
	r, t := g.r, g.timing
	limitMin := float64(p.limit * models.WorkMinutesPerDay)
	t.leader = g.o.officers[u.leaders[r.IntN(len(u.leaders))]].Code
	ws := g.workStart(rec)
	t.f1 = ws.Add(g.minutes(10, 90))
	if ws.Equal(rec) {
		t.f1 = rec.Add(g.minutes(10, 45))
	}
	day := models.DateOf(t.f1, g.loc)
	exam := limitMin * timingExamShare *
		t.factor("proc", p.code, 0.25, 0, 1) *
		t.factor("unit", u.Code, 0.2, timingSlowUnit, timingSlowUnitX) *
		t.factor("officer", handler, 0.25, timingSlowOff, timingSlowOffX) *
		t.queueFactor(handler, day) *
		math.Exp(timingNoise*r.NormFloat64())
	if t.interAgency(p.code) && r.Float64() < timingInterProb {
		// Waiting for another agency: a Pareto tail from a day.
		exam += float64(models.WorkMinutesPerDay) * (math.Pow(1-r.Float64(), -1/timingInterAlpha))
	}
	t.f2 = g.addWork(t.f1, math.Max(20, exam))
	sign := limitMin*timingSignShare*t.factor("leader", t.leader, 0.35, timingSlowOff, timingSlowOffX)*math.Exp(0.5*r.NormFloat64()) + 15
	t.finished = g.addWork(t.f2, sign)
	t.ok = true
	return t.finished
}

// shiftCourse moves the planned steps after a request for papers made at
// from by n working days.
func (g *dossierGen) shiftCourse(from time.Time, n int) {
	t := g.timing
	if t == nil || !t.ok {
		return
	}
	if t.f1.After(from) {
		t.f1 = g.shift(t.f1, n)
	}
	if t.f2.After(from) {
		t.f2 = g.shift(t.f2, n)
	}
	t.finished = g.shift(t.finished, n)
}

// emitTimedSteps writes the steps of a dossier planned by course.
func (g *dossierGen) emitTimedSteps(d *models.Dossier, recv string, startDay models.Date, limit int, planned, ret time.Time, out Sink) error {
	t := g.timing
	stepDue := func(n int) time.Time {
		return g.cal.AddWorkingDays(startDay, max(0, min(n, limit))).End(g.loc)
	}
	due1 := stepDue(0)
	if e := models.DateOf(g.workStart(d.ReceivedAt), g.loc).End(g.loc); e.After(due1) {
		due1 = e
	}
	f1, f2 := t.f1, t.f2
	if f2.After(planned) {
		f2 = planned
	}
	if f1.After(f2) {
		f1 = f2
	}
	s := &g.steps
	s[0] = models.Step{Seq: 1, Name: stepNames[0], OfficerCode: recv, StartedAt: d.ReceivedAt, DueAt: due1, FinishedAt: f1}
	s[1] = models.Step{Seq: 2, Name: stepNames[1], OfficerCode: d.HandlerCode, StartedAt: f1, DueAt: stepDue(limit - 2), FinishedAt: f2}
	s[2] = models.Step{Seq: 3, Name: stepNames[2], OfficerCode: t.leader, StartedAt: f2, DueAt: stepDue(limit - 1), FinishedAt: planned}
	s[3] = models.Step{Seq: 4, Name: stepNames[3], OfficerCode: recv, StartedAt: planned, DueAt: d.DueAt, FinishedAt: ret}
	return g.writeSteps(d, 4, out)
}
