package sample

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Shares of the outcomes (of all dossiers, before judging them at Now).
const (
	shareRejected   = 0.006 // 3 Không được tiếp nhận
	shareWithdrawn  = 0.005 // 7 Công dân yêu cầu rút hồ sơ
	shareStopped    = 0.004 // 8 Dừng xử lý
	shareLate       = 0.055 // finished after the due date
	shareLateSystem = 0.025 // finished in time, recorded on the system after it
	shareOnDueDay   = 0.30  // of the others: finished on the due day rather than before
	shareSupplement = 0.08  // of multi-day dossiers: one request for papers
	shareSecondReq  = 0.25  // of those: a second request
	shareOnline     = 0.30
	sharePostal     = 0.05
	shareHistory    = 0.10 // received before the 2025 reform (when the recent months start after it)
	shareStuck      = 0.03 // of those: lost in the handover (see maxStuck)
	// maxStuck of the dossiers lost in the handover, received by a unit that
	// ended in 2025, are still open now in the old unit's code: a real
	// province carries a couple of such dossiers, not dozens. The others
	// were found and finished late, a few working days after their due date.
	maxStuck     = 2
	unknownEvery = 293 // one dossier in this many has a handler dondoc does not know
)

type outcome uint8

const (
	outNormal outcome = iota
	outLate
	outLateSystem
	outRejected
	outWithdrawn
	outStopped
)

// dossierGen makes dossiers one at a time, reusing its buffers.
type dossierGen struct {
	cfg   Config
	cal   *models.Calendar
	loc   *time.Location
	r     *rand.Rand
	o     *org
	now   time.Time
	days  []models.Date // the days dossiers arrive on, oldest first
	hist  []models.Date // the days before the reform the first nHist dossiers arrive on
	nHist int
	stuck int // dossiers left open across the reform so far (maxStuck at most)
	d     models.Dossier
	supp  [2]models.Interval
	steps [4]models.Step
	buf   []byte
	// timing is the realistic step timing (Config.StepTiming), else nil.
	timing *timing
}

func newDossierGen(cfg Config, r *rand.Rand, o *org) *dossierGen {
	g := &dossierGen{cfg: cfg, cal: cfg.Calendar, loc: cfg.Location, r: r, o: o, now: cfg.Now}
	if cfg.StepTiming {
		g.timing = newTiming(cfg.Seed)
	}
	today := models.DateOf(cfg.Now, cfg.Location)
	first := models.DateOf(cfg.Now.In(cfg.Location).AddDate(0, -cfg.Months, 0), cfg.Location)
	for d := first; d <= today; d++ {
		if g.cal.IsWorkingDay(d) {
			g.days = append(g.days, d)
		}
	}
	if len(g.days) == 0 {
		g.days = append(g.days, today)
	}
	if first > mergeLastDay && cfg.Dossiers >= 20 {
		for d := historyFirstDay; d <= mergeLastDay; d++ {
			if g.cal.IsWorkingDay(d) {
				g.hist = append(g.hist, d)
			}
		}
		g.nHist = int(float64(cfg.Dossiers) * shareHistory)
	}
	return g
}

// officeTime returns a random instant of day within office hours
// (7:30–11:30, 13:30–17:00).
func (g *dossierGen) officeTime(day models.Date) time.Time {
	m := g.r.IntN(240 + 210)
	if m < 240 {
		m += 7*60 + 30
	} else {
		m += 13*60 + 30 - 240
	}
	return day.Start(g.loc).Add(time.Duration(m)*time.Minute + time.Duration(g.r.IntN(60))*time.Second)
}

// shift moves t by n working days, keeping its time of day (no DST in
// Vietnam, so whole days are 24 h).
func (g *dossierGen) shift(t time.Time, n int) time.Time {
	d := models.DateOf(t, g.loc)
	return t.Add(time.Duration(g.cal.AddWorkingDays(d, n)-d) * 24 * time.Hour)
}

func (g *dossierGen) minutes(a, b int) time.Duration {
	return time.Duration(a+g.r.IntN(b-a+1)) * time.Minute
}

func (g *dossierGen) dossier(i int, out Sink) error {
	r := g.r
	var day models.Date
	hist := i < g.nHist
	if hist {
		day = g.hist[int(int64(i)*int64(len(g.hist))/int64(g.nHist))]
	} else {
		k := i - g.nHist
		day = g.days[int(int64(k)*int64(len(g.days))/int64(g.cfg.Dossiers-g.nHist))]
	}
	ui := g.o.pickUnit(r.Float64(), day)
	u := &g.o.units[ui]
	x := r.Float64() * u.pcum[len(u.pcum)-1]
	pi := sort.SearchFloat64s(u.pcum, x)
	if pi >= len(u.procs) {
		pi = len(u.procs) - 1
	}
	p := &procedures[u.procs[pi]]
	pool := u.pools[pi]

	d := &g.d
	*d = models.Dossier{
		ProcedureCode: p.code, ProcedureName: p.name, Field: p.field, UnitCode: u.Code,
		ApplicantName: personName(r).full,
	}
	handler := &g.o.officers[pool[r.IntN(len(pool))]].Officer
	d.HandlerCode = handler.Code
	if i%unknownEvery == unknownEvery/2 {
		d.HandlerCode = unknownHandlers[(i/unknownEvery)%len(unknownHandlers)]
	}

	// Channel and the moment of reception.
	switch c := r.Float64(); {
	case c < shareOnline:
		d.Channel = models.ChannelOnline
	case c < shareOnline+sharePostal:
		d.Channel = models.ChannelPostal
	default:
		d.Channel = models.ChannelDirect
	}
	rec := g.officeTime(day)
	if d.Channel == models.ChannelOnline && r.IntN(10) < 4 {
		if prev := day - 1; !g.cal.IsWorkingDay(prev) && r.IntN(2) == 0 {
			rec = prev.Start(g.loc).Add(g.minutes(7*60, 22*60)) // a weekend or holiday
		} else {
			rec = day.Start(g.loc).Add(g.minutes(17*60+30, 23*60+50)) // the evening
		}
	}
	if rec.After(g.now) {
		rec = g.now.Add(-g.minutes(1, 120))
	}
	d.ReceivedAt = rec
	limit := p.limit
	due := g.cal.DueDate(rec, limit)
	d.DueAt = due
	startDay := g.cal.StartDay(rec, limit == 0)
	dueDay := models.DateOf(due, g.loc)

	// The planned course, as if Now were far away.
	var fin, sys time.Time
	oc := outNormal
	switch x := r.Float64(); {
	case x < shareRejected:
		oc = outRejected
	case x < shareRejected+shareWithdrawn:
		oc = outWithdrawn
	case x < shareRejected+shareWithdrawn+shareStopped:
		oc = outStopped
	case x < shareRejected+shareWithdrawn+shareStopped+shareLate:
		oc = outLate
	case x < shareRejected+shareWithdrawn+shareStopped+shareLate+shareLateSystem:
		oc = outLateSystem
	}
	switch oc {
	case outRejected:
		fin = g.workStart(rec).Add(g.minutes(10, 40))
		sys = fin
	case outWithdrawn, outStopped:
		fin = g.finishBy(rec, startDay, dueDay, due, false)
		sys = fin
	case outLate:
		fin = g.officeTime(g.cal.AddWorkingDays(dueDay, 1+r.IntN(3)+r.IntN(2)*r.IntN(8)))
		sys = fin.Add(g.minutes(1, 90))
	case outLateSystem:
		fin = g.finishBy(rec, startDay, dueDay, due, r.IntN(2) == 0)
		sys = g.officeTime(g.cal.AddWorkingDays(dueDay, 1+r.IntN(3)))
	default:
		fin = g.finishBy(rec, startDay, dueDay, due, r.Float64() < shareOnDueDay)
		sys = fin.Add(g.minutes(1, 90))
		if sys.After(due) {
			sys = due
		}
	}

	if g.timing != nil {
		g.timing.ok = false
		if limit > 0 && (oc == outNormal || oc == outLate || oc == outLateSystem) {
			fin = g.course(u, p, d.HandlerCode, rec)
			switch {
			case fin.After(due):
				oc = outLate
				sys = fin.Add(g.minutes(1, 90))
			case oc == outLateSystem:
				sys = g.officeTime(g.cal.AddWorkingDays(dueDay, 1+r.IntN(3)))
			default:
				oc = outNormal
				sys = fin.Add(g.minutes(1, 90))
				if sys.After(due) {
					sys = due
				}
			}
		}
	}
	settled := false // lost in the handover, then finished late (draw-free below)
	if hist && oc != outRejected && r.Float64() < shareStuck {
		// Lost in the handover. A dossier settled late and one still open
		// take the same random draws, so that capping the open ones leaves
		// every other dossier of the sample as it was.
		oc = outLate
		k := 1 + r.IntN(5)
		if g.stuck < maxStuck && u.ValidTo != models.NoDate {
			// Carried over the reform and still open: the successor's
			// leader must see it.
			g.stuck++
			fin = g.shift(g.now, k)
		} else {
			settled = true
			fin = g.cal.AddWorkingDays(dueDay, k).At(14, 10*k, g.loc)
		}
		sys = fin
		if g.timing != nil {
			g.timing.ok = false
		}
	}

	// Requests for papers pause the clock and push the end back.
	nsupp := 0
	if limit >= 3 && oc != outRejected && r.Float64() < shareSupplement {
		t1 := g.officeTime(g.cal.AddWorkingDays(startDay, 1+r.IntN(max(1, limit/3))))
		if t1.After(rec) && t1.Before(fin) {
			w := 2 + r.IntN(8)
			t2 := g.shift(t1, w).Add(g.minutes(-60, 60))
			g.supp[0] = models.Interval{Start: t1, End: t2}
			nsupp, fin, sys = 1, g.shift(fin, w), g.shift(sys, w)
			g.shiftCourse(t1, w)
			if r.Float64() < shareSecondReq {
				t3 := g.shift(t2, 1+r.IntN(2))
				w2 := 2 + r.IntN(6)
				g.supp[1] = models.Interval{Start: t3, End: g.shift(t3, w2)}
				nsupp, fin, sys = 2, g.shift(fin, w2+1), g.shift(sys, w2+1)
				g.shiftCourse(t3, w2+1)
			}
			// The work goes on after the papers come: never finished
			// before the last wait ends.
			if end := g.supp[nsupp-1].End; !fin.After(end) {
				fin = end.Add(g.minutes(10, 60))
				if sys.Before(fin) {
					sys = fin.Add(g.minutes(1, 30))
				}
			}
		}
	}

	// Judge at Now: what the provincial system shows.
	planned := fin
	var ret time.Time
	if sys.After(g.now) {
		fin, sys = time.Time{}, time.Time{}
		for k := 0; k < nsupp; k++ {
			if g.supp[k].Start.After(g.now) {
				nsupp = k
				break
			}
		}
		switch {
		case nsupp > 0 && g.supp[nsupp-1].End.After(g.now):
			g.supp[nsupp-1].End = time.Time{}
			d.Status = models.StatusSupplement
		case g.now.Sub(rec) < 3*time.Hour && d.Channel == models.ChannelOnline:
			d.Status = models.StatusRegistered
		case g.now.Sub(rec) < 3*time.Hour:
			d.Status = models.StatusAccepted
		default:
			d.Status = models.StatusProcessing
		}
	} else {
		switch oc {
		case outRejected:
			d.Status = models.StatusRejected
		case outWithdrawn:
			d.Status = models.StatusWithdrawn
		case outStopped:
			d.Status = models.StatusStopped
		default:
			if settled {
				ret = sys.Add(30 * time.Minute) // no draw: see settled
			} else if d.Channel == models.ChannelDirect && limit == 0 {
				ret = sys.Add(g.minutes(5, 40))
			} else {
				ret = g.officeTime(g.cal.AddWorkingDays(models.DateOf(sys, g.loc), r.IntN(3)))
				if ret.Before(sys) {
					ret = sys.Add(g.minutes(5, 40))
				}
			}
			d.Status = models.StatusReturned
			if ret.After(g.now) {
				ret = time.Time{}
				d.Status = models.StatusFinished
			}
		}
	}
	d.FinishedAt, d.SystemFinishedAt, d.ReturnedAt = utc(fin), utc(sys), utc(ret)
	d.ReceivedAt, d.DueAt = utc(d.ReceivedAt), utc(d.DueAt)
	d.SupplementCount = nsupp
	if nsupp > 0 {
		for k := 0; k < nsupp; k++ {
			g.supp[k].Start, g.supp[k].End = utc(g.supp[k].Start), utc(g.supp[k].End)
		}
		d.Supplements = g.supp[:nsupp]
	}
	g.buf = append(g.buf[:0], u.Code...)
	g.buf = append(g.buf, '-')
	g.buf = rec.In(g.loc).AppendFormat(g.buf, "060102")
	g.buf = append(g.buf, '-')
	g.buf = appendPadded(g.buf, i+1, 6)
	d.Code = string(g.buf)
	if err := out.Dossier(d); err != nil {
		return fmt.Errorf("sample: dossier %s: %w", d.Code, err)
	}
	if limit == 0 || oc == outRejected {
		return nil
	}
	return g.emitSteps(u, d, oc, rec, startDay, planned, ret, out)
}

// finishBy returns a finishing instant on or before the due date: on the
// due day itself when onDue, else on an earlier working day when there is
// one.
func (g *dossierGen) finishBy(rec time.Time, startDay, dueDay models.Date, due time.Time, onDue bool) time.Time {
	day := dueDay
	if n := g.cal.WorkingDaysBetween(startDay, dueDay); !onDue && n > 1 {
		day = g.cal.AddWorkingDays(startDay, g.r.IntN(n-1))
	}
	lo := g.workStart(rec)
	if d := models.DateOf(lo, g.loc); day < d {
		day = d
	}
	t := g.officeTime(day)
	if !t.After(lo) {
		t = lo.Add(g.minutes(5, 60))
	}
	if t.After(due) {
		t = due.Add(-time.Minute)
		if t.Before(rec) {
			t = rec
		}
	}
	return t
}

// workStart returns the first moment from t in office hours: t itself on
// a working day between 7:30 and 17:00, else the next working morning.
func (g *dossierGen) workStart(t time.Time) time.Time {
	lt := t.In(g.loc)
	day := models.DateOf(lt, g.loc)
	m := lt.Hour()*60 + lt.Minute()
	if g.cal.IsWorkingDay(day) {
		if m >= 7*60+30 && m < 17*60 {
			return t
		}
		if m < 7*60+30 {
			return day.At(7, 30, g.loc)
		}
	}
	return g.cal.NextWorkingDay(day+1).At(7, 30, g.loc)
}

// emitSteps writes the internal process of a multi-day dossier: reception,
// examination, signature, return; steps not yet started at Now are left out.
func (g *dossierGen) emitSteps(u *orgUnit, d *models.Dossier, oc outcome, rec time.Time, startDay models.Date, planned, ret time.Time, out Sink) error {
	r := g.r
	limit := g.cal.WorkingDaysBetween(startDay, models.DateOf(d.DueAt, g.loc)) - 1
	stepDue := func(n int) time.Time {
		return g.cal.AddWorkingDays(startDay, max(0, min(n, limit))).End(g.loc)
	}
	recv := g.o.officers[u.oneStop[r.IntN(len(u.oneStop))]].Code
	if t := g.timing; t != nil && t.ok {
		return g.emitTimedSteps(d, recv, startDay, limit, planned, ret, out)
	}
	leader := g.o.officers[u.leaders[r.IntN(len(u.leaders))]].Code

	// Reception is done in office hours: a dossier sent online at night or
	// on a day off is taken in on the next working morning.
	f1 := rec.Add(g.minutes(10, 45))
	due1 := stepDue(0)
	ws := g.workStart(rec)
	if !ws.Equal(rec) {
		f1 = ws.Add(g.minutes(0, 90))
		if e := models.DateOf(ws, g.loc).End(g.loc); e.After(due1) {
			due1 = e
		}
	}
	if lim := ws.Add(planned.Sub(ws) / 3); f1.After(lim) && lim.After(rec) {
		f1 = lim
	}
	f2 := planned.Add(-g.minutes(30, 360))
	if oc == outLate && r.IntN(3) == 0 { // the leader sat on it
		f2 = stepDue(limit - 2).Add(-g.minutes(30, 240))
	}
	if oc == outWithdrawn || oc == outStopped {
		f2 = planned
	}
	if lo := f1.Add(planned.Sub(f1) / 3); f2.Before(lo) {
		f2 = lo
	}
	if f2.After(planned) {
		f2 = planned
	}
	s := &g.steps
	s[0] = models.Step{Seq: 1, Name: stepNames[0], OfficerCode: recv, StartedAt: rec, DueAt: due1, FinishedAt: f1}
	s[1] = models.Step{Seq: 2, Name: stepNames[1], OfficerCode: d.HandlerCode, StartedAt: f1, DueAt: stepDue(limit - 2), FinishedAt: f2}
	s[2] = models.Step{Seq: 3, Name: stepNames[2], OfficerCode: leader, StartedAt: f2, DueAt: stepDue(limit - 1), FinishedAt: planned}
	s[3] = models.Step{Seq: 4, Name: stepNames[3], OfficerCode: recv, StartedAt: planned, DueAt: d.DueAt, FinishedAt: ret}
	n := 4
	if oc == outWithdrawn || oc == outStopped {
		n = 2
	}
	return g.writeSteps(d, n, out)
}

// writeSteps writes the first n planned steps as known at Now: steps not
// yet started are left out, a step not finished by Now is open.
func (g *dossierGen) writeSteps(d *models.Dossier, n int, out Sink) error {
	s := &g.steps
	for k := 0; k < n; k++ {
		st := s[k]
		if st.StartedAt.After(g.now) {
			break
		}
		if st.FinishedAt.After(g.now) {
			st.FinishedAt = time.Time{}
		}
		st.DossierCode = d.Code
		st.StartedAt, st.DueAt, st.FinishedAt = utc(st.StartedAt), utc(st.DueAt), utc(st.FinishedAt)
		if err := out.Step(st); err != nil {
			return fmt.Errorf("sample: step %d of %s: %w", st.Seq, d.Code, err)
		}
		if st.FinishedAt.IsZero() {
			break
		}
	}
	return nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
