package models

// Counts are a period's figures for a unit (sub-tree) or an officer, as
// docs/domain.md "A period's figures" defines them. Every report
// format, the chat and the JSON API render these same numbers.
type Counts struct {
	InScope          int // received before the end, not finished or ended before the start
	Received         int // received within the period
	FinishedEarly    int
	FinishedOnTime   int
	FinishedLate     int
	LateOnSystem     int // finished within the period, finished_at ≤ due_at < system_finished_at
	Ended            int // ended without result (3, 7, 8) within the period
	EndedOnTime      int // of Ended, stopped at or before due_at
	OpenInTime       int // still open at the end, classified at the end (includes due today/soon)
	OpenOverdue      int
	Paused           int
	OnTime766        int // numerator of indicator 2.1 (see Rate766)
	SupplementExcess int // in scope with more than one supplement request (counted late by 766)
}

// Add adds o to c (for sub-tree totals).
func (c *Counts) Add(o Counts) {
	c.InScope += o.InScope
	c.Received += o.Received
	c.FinishedEarly += o.FinishedEarly
	c.FinishedOnTime += o.FinishedOnTime
	c.FinishedLate += o.FinishedLate
	c.LateOnSystem += o.LateOnSystem
	c.Ended += o.Ended
	c.EndedOnTime += o.EndedOnTime
	c.OpenInTime += o.OpenInTime
	c.OpenOverdue += o.OpenOverdue
	c.Paused += o.Paused
	c.OnTime766 += o.OnTime766
	c.SupplementExcess += o.SupplementExcess
}

// Finished is the number finished (with a result) within the period.
func (c Counts) Finished() int { return c.FinishedEarly + c.FinishedOnTime + c.FinishedLate }

// Open is the number still open at the end of the period.
func (c Counts) Open() int { return c.OpenInTime + c.OpenOverdue + c.Paused }

// OnTimeRate is (early + on time) ÷ finished within the period, 0–1; 1 when
// nothing finished (nothing was late).
func (c Counts) OnTimeRate() float64 {
	f := c.Finished()
	if f == 0 {
		return 1
	}
	return float64(c.FinishedEarly+c.FinishedOnTime) / float64(f)
}

// Rate766 is indicator 2.1 of Decision 766/QĐ-TTg, 0–1: in-scope dossiers
// finished or ended on time (supplement waits subtracted, at most one
// supplement request) plus those open and not overdue at the end, over all
// in scope; 1 when nothing is in scope.
func (c Counts) Rate766() float64 {
	if c.InScope == 0 {
		return 1
	}
	return float64(c.OnTime766) / float64(c.InScope)
}

// Score766 is 20 × Rate766 (the 20 points of "Tiến độ, kết quả giải quyết").
func (c Counts) Score766() float64 { return 20 * c.Rate766() }

// Overdue is the number late: finished late plus open overdue at the end.
func (c Counts) Overdue() int { return c.FinishedLate + c.OpenOverdue }

// OverdueShare is Overdue ÷ in scope, 0–1: the share that lowers
// indicator 5.4.
func (c Counts) OverdueShare() float64 {
	if c.InScope == 0 {
		return 0
	}
	return float64(c.Overdue()) / float64(c.InScope)
}

// OfficerCounts are an officer's figures for a period.
type OfficerCounts struct {
	Handled        int // in-scope dossiers (or steps) they were responsible for
	Finished       int // of those, finished within the period
	Late           int // finished late within the period
	LateOnSystem   int // finished on time but recorded late on the system
	OverdueOpen    int // open and overdue at the end
	FinishedOnTime int // early or on time within the period
}

// Add adds o to c.
func (c *OfficerCounts) Add(o OfficerCounts) {
	c.Handled += o.Handled
	c.Finished += o.Finished
	c.Late += o.Late
	c.LateOnSystem += o.LateOnSystem
	c.OverdueOpen += o.OverdueOpen
	c.FinishedOnTime += o.FinishedOnTime
}

// OnTimeRate is on time ÷ finished, 0–1; 1 when nothing finished.
func (c OfficerCounts) OnTimeRate() float64 {
	if c.Finished == 0 {
		return 1
	}
	return float64(c.FinishedOnTime) / float64(c.Finished)
}

// Slow reports an officer who belongs on the month's list of slow officers:
// at least one late, late-on-system or still-overdue dossier or step.
func (c OfficerCounts) Slow() bool { return c.Late+c.LateOnSystem+c.OverdueOpen > 0 }
