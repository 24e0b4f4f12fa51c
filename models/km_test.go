package models

import (
	"math"
	"testing"
)

func obs(pairs ...any) []SurvObs {
	var out []SurvObs
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, SurvObs{T: int64(pairs[i].(int)), Event: pairs[i+1].(bool)})
	}
	return out
}

const (
	ev  = true
	cen = false
)

// TestKaplanMeierHandComputed checks the estimator on cases worked by hand.
func TestKaplanMeierHandComputed(t *testing.T) {
	type at struct {
		t    int64
		s    float64
		evAf int
	}
	for _, c := range []struct {
		name      string
		obs       []SurvObs
		checks    []at
		median    int64
		medianOK  bool
		events, n int
	}{
		{"no censoring", obs(1, ev, 2, ev, 3, ev, 4, ev),
			[]at{{0, 1, 4}, {1, 0.75, 3}, {2, 0.5, 2}, {3, 0.25, 1}, {4, 0, 0}, {9, 0, 0}}, 2, true, 4, 4},
		// A step still running at 2 is not a step that took 2: the naive
		// estimate would be 0.5 at 2 and 0.25 at 3.
		{"censored in the middle", obs(1, ev, 2, cen, 3, ev, 4, ev),
			[]at{{1, 0.75, 2}, {2, 0.75, 2}, {3, 0.375, 1}, {4, 0, 0}}, 3, true, 3, 4},
		// Two finish at 2 and one is censored at 2: at risk 4 at time 2.
		{"ties with a censoring", obs(5, ev, 2, ev, 2, cen, 2, ev),
			[]at{{1, 1, 3}, {2, 0.5, 1}, {4, 0.5, 1}, {5, 0, 0}}, 2, true, 3, 4},
		{"censored last", obs(1, ev, 3, cen),
			[]at{{0, 1, 1}, {1, 0.5, 0}, {100, 0.5, 0}}, 1, true, 1, 2},
		{"all censored", obs(1, cen, 3, cen), []at{{0, 1, 0}, {5, 1, 0}}, 0, false, 0, 2},
		{"empty", nil, []at{{0, 1, 0}, {5, 1, 0}}, 0, false, 0, 0},
		{"negative time counts as 0", obs(-5, ev, 2, ev), []at{{0, 0.5, 1}, {2, 0, 0}}, 0, true, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := KaplanMeier(c.obs)
			for _, a := range c.checks {
				if got := s.S(a.t); math.Abs(got-a.s) > 1e-12 {
					t.Errorf("S(%d) = %v, want %v", a.t, got, a.s)
				}
				if got := s.EventsAfter(a.t); got != a.evAf {
					t.Errorf("EventsAfter(%d) = %d, want %d", a.t, got, a.evAf)
				}
			}
			med, ok := s.Quantile(0.5)
			if ok != c.medianOK || (ok && med != c.median) {
				t.Errorf("median = %d, %v; want %d, %v", med, ok, c.median, c.medianOK)
			}
			if s.Events() != c.events || s.N() != c.n {
				t.Errorf("events, n = %d, %d; want %d, %d", s.Events(), s.N(), c.events, c.n)
			}
		})
	}
}

func TestKaplanMeierConditional(t *testing.T) {
	s := KaplanMeier(obs(1, ev, 2, cen, 3, ev, 4, ev))
	// P(T > 3 | T > 1) = S(3)/S(1) = 0.375/0.75.
	if p, ok := s.Conditional(1, 2); !ok || math.Abs(p-0.5) > 1e-12 {
		t.Errorf("Conditional(1, 2) = %v, %v; want 0.5", p, ok)
	}
	if _, ok := s.Conditional(4, 1); ok {
		t.Error("Conditional beyond every example should not be ok")
	}
}

// TestMergeRunsIsPooling: pooling two groups' runs gives the estimate of
// all their observations together.
func TestMergeRunsIsPooling(t *testing.T) {
	a, b := obs(1, ev, 3, cen, 3, ev), obs(2, ev, 3, ev, 6, cen)
	runs := func(o []SurvObs) []run {
		var codes []uint32
		for _, x := range o {
			codes = append(codes, encodeObs(x.T, x.Event))
		}
		sortUint32(codes)
		return compress(codes, nil)
	}
	pooled := survivalFromRuns(mergeRuns(runs(a), runs(b)))
	want := KaplanMeier(append(append([]SurvObs{}, a...), b...))
	for tt := int64(0); tt <= 7; tt++ {
		if pooled.S(tt) != want.S(tt) {
			t.Errorf("S(%d) pooled %v, want %v", tt, pooled.S(tt), want.S(tt))
		}
	}
}

func sortUint32(x []uint32) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

func TestWorkingMinutes(t *testing.T) {
	loc := UTC7
	cal := NewCalendar(CalendarConfig{Location: loc})
	tm := func(d, h, m int) int64 {
		return cal.WorkingMinutes(NewDate(2026, 12, 1).At(7, 30, loc), NewDate(2026, 12, d).At(h, m, loc))
	}
	for _, c := range []struct {
		d, h, m int
		want    int64
	}{
		{1, 7, 30, 0}, {1, 8, 30, 60}, {1, 17, 0, 570}, {1, 22, 0, 570},
		{2, 6, 0, 570}, {2, 9, 30, 690},
		{5, 10, 0, 4 * 570}, // Saturday: Tue–Fri counted
		{7, 7, 30, 4 * 570}, // Monday morning
	} {
		if got := tm(c.d, c.h, c.m); got != c.want {
			t.Errorf("%02d/12 %02d:%02d: %d working minutes, want %d", c.d, c.h, c.m, got, c.want)
		}
	}
	// Tết 2026: Fri 13/2 17:00 to Mon 23/2 07:30 is no working time.
	if got := cal.WorkingMinutes(NewDate(2026, 2, 13).At(17, 0, loc), NewDate(2026, 2, 23).At(7, 30, loc)); got != 0 {
		t.Errorf("across Tết: %d working minutes, want 0", got)
	}
}

func TestWorkSpan(t *testing.T) {
	for _, c := range []struct {
		min  int64
		want string
	}{
		{0, "dưới 1 giờ"}, {59, "dưới 1 giờ"}, {60, "1 giờ"}, {400, "7 giờ"}, {570, "1 ngày"},
		{855, "1,5 ngày"}, {4 * 570, "4 ngày"}, {4*570 + 100, "4 ngày"},
	} {
		if got := workSpan(c.min); got != c.want {
			t.Errorf("workSpan(%d) = %q, want %q", c.min, got, c.want)
		}
	}
}
