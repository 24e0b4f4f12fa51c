package models

import (
	"slices"
	"sort"
)

// SurvObs is one observed duration for a Kaplan–Meier estimate: T in any
// unit (the risk model uses working minutes); Event is true when the thing
// ended at T, false when it was still running at T (censored).
type SurvObs struct {
	T     int64
	Event bool
}

// Survival is a Kaplan–Meier estimate of S(t) = P(duration > t): a
// right-continuous step function that drops only at event times. A censored
// observation at the same time as events is counted at risk at that time
// (the usual convention: events happen first).
type Survival struct {
	times  []uint32  // distinct event times, ascending
	surv   []float64 // S(t) for times[i] ≤ t < times[i+1]
	cumEv  []int32   // events at times ≤ times[i]
	events int32     // all events
	n      int32     // all observations
	// The median and the 80th percentile, worked out once.
	med, p80     int64
	medOK, p80OK bool
}

// run is a distinct time with its counts of events and censorings.
type run struct {
	t    uint32
	d, c int32
}

// KaplanMeier estimates the survival curve of obs. Negative times count as
// 0; an empty input gives S(t) = 1 everywhere with no events.
func KaplanMeier(obs []SurvObs) *Survival {
	codes := make([]uint32, 0, len(obs))
	for _, o := range obs {
		codes = append(codes, encodeObs(o.T, o.Event))
	}
	slices.Sort(codes)
	return survivalFromRuns(compress(codes, nil))
}

// maxObsTime bounds an observed time so that it fits the encoding.
const maxObsTime = 1<<31 - 1

// encodeObs packs a time and an event flag so that sorting orders by time
// and puts events before censorings at equal times.
func encodeObs(t int64, event bool) uint32 {
	t = min(max(t, 0), maxObsTime)
	c := uint32(t) << 1
	if !event {
		c |= 1
	}
	return c
}

// compress turns sorted codes into runs, appending to dst.
func compress(codes []uint32, dst []run) []run {
	for _, c := range codes {
		t := c >> 1
		if n := len(dst); n > 0 && dst[n-1].t == t {
			if c&1 == 0 {
				dst[n-1].d++
			} else {
				dst[n-1].c++
			}
			continue
		}
		r := run{t: t}
		if c&1 == 0 {
			r.d = 1
		} else {
			r.c = 1
		}
		dst = append(dst, r)
	}
	return dst
}

// mergeRuns merges runs (each list sorted by time) into one sorted list,
// adding the counts of equal times: pairwise, as in a merge sort.
func mergeRuns(lists ...[]run) []run {
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	work := append([][]run(nil), lists...)
	for len(work) > 1 {
		next := work[:0]
		for i := 0; i < len(work); i += 2 {
			if i+1 == len(work) {
				next = append(next, work[i])
				continue
			}
			next = append(next, merge2(work[i], work[i+1]))
		}
		work = next
	}
	return work[0]
}

// merge2 merges two sorted run lists into a new one.
func merge2(a, b []run) []run {
	out := make([]run, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].t < b[j].t:
			out = append(out, a[i])
			i++
		case a[i].t > b[j].t:
			out = append(out, b[j])
			j++
		default:
			out = append(out, run{t: a[i].t, d: a[i].d + b[j].d, c: a[i].c + b[j].c})
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func survivalFromRuns(runs []run) *Survival {
	s := &Survival{}
	var n int32
	for _, r := range runs {
		n += r.d + r.c
	}
	s.n = n
	atRisk := n
	S := 1.0
	var ev int32
	for _, r := range runs {
		if r.d > 0 {
			S *= 1 - float64(r.d)/float64(atRisk)
			ev += r.d
			s.times = append(s.times, r.t)
			s.surv = append(s.surv, S)
			s.cumEv = append(s.cumEv, ev)
		}
		atRisk -= r.d + r.c
	}
	s.events = ev
	s.med, s.medOK = s.Quantile(0.5)
	s.p80, s.p80OK = s.Quantile(0.8)
	return s
}

// idx returns the index of the last event time ≤ t, or -1.
func (s *Survival) idx(t int64) int {
	if t < 0 {
		return -1
	}
	tt := uint32(min(t, maxObsTime))
	lo, hi := 0, len(s.times) // the first index with times[i] > tt is in [lo, hi]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.times[mid] > tt {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// S returns the estimated probability that the duration exceeds t.
func (s *Survival) S(t int64) float64 {
	if i := s.idx(t); i >= 0 {
		return s.surv[i]
	}
	return 1
}

// Events returns the number of observed events (finished examples).
func (s *Survival) Events() int { return int(s.events) }

// N returns the number of observations, censored included.
func (s *Survival) N() int { return int(s.n) }

// EventsAfter returns the number of events at times strictly after t: the
// finished examples that speak about a duration already longer than t.
func (s *Survival) EventsAfter(t int64) int {
	if i := s.idx(t); i >= 0 {
		return int(s.events - s.cumEv[i])
	}
	return int(s.events)
}

// Quantile returns the smallest event time t with S(t) ≤ 1−p (the time by
// which a share p has finished); ok is false when the curve never gets
// there (too many still running).
func (s *Survival) Quantile(p float64) (t int64, ok bool) {
	target := 1 - p + 1e-12
	i := sort.Search(len(s.surv), func(i int) bool { return s.surv[i] <= target })
	if i == len(s.surv) {
		return 0, false
	}
	return int64(s.times[i]), true
}

// Conditional returns P(duration > t+dt | duration > t) = S(t+dt)/S(t);
// ok is false when S(t) is 0 (no example lasted that long).
func (s *Survival) Conditional(t, dt int64) (p float64, ok bool) {
	st := s.S(t)
	if st <= 0 {
		return 0, false
	}
	return s.S(t+dt) / st, true
}
