package models

// Counts are a period's figures for a unit (sub-tree) or an officer, as
// docs/domain.md "A period's figures" defines them. Every report
// format, the chat and the JSON API render these same numbers.
type Counts struct {
	InScope        int // received before the end, not finished or ended before the start
	Received       int // received within the period
	FinishedEarly  int
	FinishedOnTime int
	FinishedLate   int // late, without an apology letter covering it
	// FinishedLateApology: finished after the original deadline but by the
	// one an apology letter set (quá hạn, đã xin lỗi): late, shown apart.
	FinishedLateApology int
	LateOnSystem        int // finished within the period, finished_at ≤ due_at < system_finished_at
	Ended               int // ended without result (3, 7, 8) within the period
	EndedOnTime         int // of Ended, stopped at or before due_at
	OpenInTime          int // still open at the end, classified at the end (includes due today/soon)
	OpenOverdue         int
	Paused              int
	OnTime766           int // numerator of indicator 2.1 (see Rate766)
	SupplementExcess    int // in scope with more than one supplement request (counted late by 766)
	SecondExtension     int // in scope whose appointment date was moved twice (the law allows one)
}

// Add adds o to c (for sub-tree totals).
func (c *Counts) Add(o Counts) {
	c.InScope += o.InScope
	c.Received += o.Received
	c.FinishedEarly += o.FinishedEarly
	c.FinishedOnTime += o.FinishedOnTime
	c.FinishedLate += o.FinishedLate
	c.FinishedLateApology += o.FinishedLateApology
	c.LateOnSystem += o.LateOnSystem
	c.Ended += o.Ended
	c.EndedOnTime += o.EndedOnTime
	c.OpenInTime += o.OpenInTime
	c.OpenOverdue += o.OpenOverdue
	c.Paused += o.Paused
	c.OnTime766 += o.OnTime766
	c.SupplementExcess += o.SupplementExcess
	c.SecondExtension += o.SecondExtension
}

// Finished is the number finished (with a result) within the period.
func (c Counts) Finished() int {
	return c.FinishedEarly + c.FinishedOnTime + c.FinishedLate + c.FinishedLateApology
}

// Open is the number still open at the end of the period.
func (c Counts) Open() int { return c.OpenInTime + c.OpenOverdue + c.Paused }

// OnTimeRateOK is (early + on time) ÷ finished within the period, 0–1;
// ok is false when nothing finished: there is no rate (never 100 %).
// Late-with-apology is not on time.
func (c Counts) OnTimeRateOK() (rate float64, ok bool) {
	f := c.Finished()
	if f == 0 {
		return 0, false
	}
	return float64(c.FinishedEarly+c.FinishedOnTime) / float64(f), true
}

// Rate766OK is indicator 2.1 of Decision 766/QĐ-TTg, 0–1: in-scope dossiers
// finished or ended on time (supplement waits subtracted, at most one
// supplement request) plus those open and not overdue at the end, over all
// in scope. ok is false when nothing is in scope: no rate, not ranked
// (the formula: "nếu mẫu số = 0: hiển thị 0 hoặc N/A").
func (c Counts) Rate766OK() (rate float64, ok bool) {
	if c.InScope == 0 {
		return 0, false
	}
	return float64(c.OnTime766) / float64(c.InScope), true
}

// Score766OK is 20 × Rate766OK (the 20 points of "Tiến độ, kết quả giải
// quyết"); ok is false when nothing is in scope.
func (c Counts) Score766OK() (score float64, ok bool) {
	r, ok := c.Rate766OK()
	return 20 * r, ok
}

// OnTimeRate is OnTimeRateOK with 1 when nothing finished.
//
// Deprecated: "nothing to judge is not 100 %" (issue #11); use OnTimeRateOK.
// Kept until report/ is rewired.
func (c Counts) OnTimeRate() float64 {
	if r, ok := c.OnTimeRateOK(); ok {
		return r
	}
	return 1
}

// Rate766 is Rate766OK with 1 when nothing is in scope.
//
// Deprecated: use Rate766OK. Kept until report/ is rewired.
func (c Counts) Rate766() float64 {
	if r, ok := c.Rate766OK(); ok {
		return r
	}
	return 1
}

// Score766 is 20 × Rate766.
//
// Deprecated: use Score766OK. Kept until report/ is rewired.
func (c Counts) Score766() float64 { return 20 * c.Rate766() }

// Overdue is the number late: finished late (with or without apology) plus
// open overdue at the end.
func (c Counts) Overdue() int { return c.FinishedLate + c.FinishedLateApology + c.OpenOverdue }

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
	Late           int // finished late within the period (no apology letter covering it)
	LateApology    int // finished late within the period, by the date an apology letter set
	LateOnSystem   int // finished on time but recorded late on the system
	OverdueOpen    int // open and overdue at the end
	FinishedOnTime int // early or on time within the period
}

// Add adds o to c.
func (c *OfficerCounts) Add(o OfficerCounts) {
	c.Handled += o.Handled
	c.Finished += o.Finished
	c.Late += o.Late
	c.LateApology += o.LateApology
	c.LateOnSystem += o.LateOnSystem
	c.OverdueOpen += o.OverdueOpen
	c.FinishedOnTime += o.FinishedOnTime
}

// OnTimeRateOK is on time ÷ finished, 0–1; ok is false when nothing
// finished (no rate, never 100 %).
func (c OfficerCounts) OnTimeRateOK() (rate float64, ok bool) {
	if c.Finished == 0 {
		return 0, false
	}
	return float64(c.FinishedOnTime) / float64(c.Finished), true
}

// OnTimeRate is OnTimeRateOK with 1 when nothing finished.
//
// Deprecated: use OnTimeRateOK. Kept until report/ is rewired.
func (c OfficerCounts) OnTimeRate() float64 {
	if r, ok := c.OnTimeRateOK(); ok {
		return r
	}
	return 1
}

// Slow reports an officer who belongs on the month's list of slow officers:
// at least one late (with or without apology), late-on-system or
// still-overdue dossier or step.
func (c OfficerCounts) Slow() bool { return c.Late+c.LateApology+c.LateOnSystem+c.OverdueOpen > 0 }
