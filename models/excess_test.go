package models

import "testing"

// TestExcessRule: SUPPLEMENT_EXCESS decides which dossiers indicator 2.1's
// "more than one supplement request counts as overdue" reaches — every
// dossier in scope (the rule book, the default) or only one not ended when
// judged (the Government Office's formula text) — the same way in
// TallyAt and in the facts the SQL figures read.
func TestExcessRule(t *testing.T) {
	twice := []Interval{{at(3, 4, 9, 0), at(3, 5, 9, 0)}, {at(3, 9, 9, 0), at(3, 10, 9, 0)}}
	cases := []struct {
		name      string
		d         Dossier
		all, wait Counts
	}{
		{"finished on time after two requests",
			Dossier{Status: StatusFinished, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 20), FinishedAt: at(3, 20, 9, 0), Supplements: twice},
			Counts{InScope: 1, Received: 1, FinishedEarly: 1, SupplementExcess: 1},
			Counts{InScope: 1, Received: 1, FinishedEarly: 1, OnTime766: 1}},
		{"still waiting after a second request",
			Dossier{Status: StatusSupplement, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 20),
				Supplements: []Interval{{at(3, 4, 9, 0), at(3, 5, 9, 0)}, {Start: at(3, 9, 9, 0)}}},
			Counts{InScope: 1, Received: 1, Paused: 1, SupplementExcess: 1},
			Counts{InScope: 1, Received: 1, Paused: 1, SupplementExcess: 1}},
		{"waiting after one request, before the due date: on time",
			Dossier{Status: StatusSupplement, ReceivedAt: at(3, 2, 9, 0), DueAt: endOf(3, 10), Supplements: []Interval{{Start: at(3, 9, 9, 0)}}},
			Counts{InScope: 1, Received: 1, Paused: 1, OnTime766: 1},
			Counts{InScope: 1, Received: 1, Paused: 1, OnTime766: 1}},
	}
	for _, c := range cases {
		for _, mode := range []struct {
			rule ExcessRule
			want Counts
		}{{"", c.all}, {ExcessAll, c.all}, {ExcessWaiting, c.wait}} {
			r := testRules()
			r.Excess = mode.rule
			got, ok := r.TallyAt(&c.d, march, march.Last())
			if !ok || got != mode.want {
				t.Errorf("%s, excess %q: %+v, want %+v", c.name, mode.rule, got, mode.want)
			}
			f := r.FactsOf(&c.d)
			if ft, _ := f.Tally(march, march.Last()); ft != mode.want {
				t.Errorf("%s, excess %q: facts %+v, want %+v", c.name, mode.rule, ft, mode.want)
			}
		}
	}
}
