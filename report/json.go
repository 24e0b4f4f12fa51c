package report

import (
	"encoding/json"
	"io"
	"time"
)

// JSONReport is the JSON form of a report (RenderJSON). Counts include the
// unit's sub-tree; rates are fractions 0–1, null when there is nothing to
// judge (no dossier in scope for the 766 rate and score, none finished for
// the on-time rate). Provisional is true for a month judged before it
// ended, at JudgedAt ("tạm tính"); NoData for a month without any dossier.
type JSONReport struct {
	Month       string        `json:"month"` // "2026-10"
	Scope       string        `json:"scope,omitempty"`
	Issuer      string        `json:"issuer,omitempty"`
	GeneratedAt *time.Time    `json:"generated_at,omitempty"`
	Provisional bool          `json:"provisional"`
	JudgedAt    *time.Time    `json:"judged_at,omitempty"`
	NoData      bool          `json:"no_data"`
	Units       []JSONUnit    `json:"units"`
	Officers    []JSONOfficer `json:"officers"`
	Unassigned  int           `json:"unassigned"`
}

// JSONUnit is a unit's figures in JSON.
type JSONUnit struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Parent         string `json:"parent"`
	Depth          int    `json:"depth"`
	Rank           int    `json:"rank,omitempty"`
	RankOf         int    `json:"rank_of,omitempty"` // peers ranked in its group
	Tied           bool   `json:"tied,omitempty"`
	Group          string `json:"group,omitempty"` // its peers, e.g. "các xã, phường"
	InScope        int    `json:"in_scope"`
	Received       int    `json:"received"`
	FinishedEarly  int    `json:"finished_early"`
	FinishedOnTime int    `json:"finished_on_time"`
	FinishedLate   int    `json:"finished_late"`
	// FinishedLateApology: late, by the date an apology letter set
	// ("quá hạn, đã xin lỗi"), never on time.
	FinishedLateApology int      `json:"finished_late_apology"`
	LateOnSystem        int      `json:"late_on_system"`
	Ended               int      `json:"ended"`
	OpenInTime          int      `json:"open_in_time"`
	OpenOverdue         int      `json:"open_overdue"`
	Paused              int      `json:"paused"`
	Overdue             int      `json:"overdue"`
	OnTimeRate          *float64 `json:"on_time_rate"`
	Rate766             *float64 `json:"rate_766"`
	Score766            *float64 `json:"score_766"`
	OverdueShare        *float64 `json:"overdue_share"`
	PrevOnTimeRate      *float64 `json:"prev_on_time_rate,omitempty"`
	PrevScore766        *float64 `json:"prev_score_766,omitempty"`
	SupplementExcess    int      `json:"supplement_excess"`
	SecondExtension     int      `json:"second_extension"`
}

// JSONOfficer is a slow officer's figures in JSON.
type JSONOfficer struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Unit         string   `json:"unit"` // unit code
	UnitName     string   `json:"unit_name"`
	Handled      int      `json:"handled"`
	Finished     int      `json:"finished"`
	Late         int      `json:"late"`
	LateApology  int      `json:"late_apology"`
	LateOnSystem int      `json:"late_on_system"`
	OverdueOpen  int      `json:"overdue_open"`
	OnTimeRate   *float64 `json:"on_time_rate"`
}

// orNull is v when ok, else nil (JSON null).
func orNull(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

// ToJSON converts the report to its JSON form.
func ToJSON(r *Report) JSONReport {
	out := JSONReport{Month: r.MonthKey(), Scope: r.Scope, Issuer: r.Issuer, Unassigned: r.Unassigned,
		Provisional: r.Provisional, NoData: r.NoData(), Units: []JSONUnit{}, Officers: []JSONOfficer{}}
	if !r.GeneratedAt.IsZero() {
		t := r.GeneratedAt
		out.GeneratedAt = &t
	}
	if r.Provisional && !r.JudgedAt.IsZero() {
		t := r.JudgedAt
		out.JudgedAt = &t
	}
	for _, u := range r.Units {
		c := u.Counts
		j := JSONUnit{
			Code: u.Code, Name: u.Name, Parent: u.Parent, Depth: u.Depth, Rank: u.Rank, RankOf: u.Of, Tied: u.Tied, Group: u.Group,
			InScope: c.InScope, Received: c.Received, FinishedEarly: c.FinishedEarly,
			FinishedOnTime: c.FinishedOnTime, FinishedLate: c.FinishedLate, FinishedLateApology: c.FinishedLateApology,
			LateOnSystem: c.LateOnSystem, Ended: c.Ended, OpenInTime: c.OpenInTime, OpenOverdue: c.OpenOverdue,
			Paused: c.Paused, Overdue: c.Overdue(), OnTimeRate: orNull(c.OnTimeRateOK()),
			Rate766: orNull(c.Rate766OK()), Score766: orNull(c.Score766OK()),
			OverdueShare: orNull(c.OverdueShare(), c.InScope > 0), SupplementExcess: c.SupplementExcess,
			SecondExtension: c.SecondExtension,
		}
		if u.Prev != nil {
			j.PrevOnTimeRate, j.PrevScore766 = orNull(u.Prev.OnTimeRateOK()), orNull(u.Prev.Score766OK())
		}
		out.Units = append(out.Units, j)
	}
	for _, o := range r.Officers {
		out.Officers = append(out.Officers, JSONOfficer{
			Code: o.Code, Name: o.Name, Unit: o.UnitCode, UnitName: o.UnitName,
			Handled: o.Handled, Finished: o.Finished, Late: o.Late, LateApology: o.LateApology,
			LateOnSystem: o.LateOnSystem, OverdueOpen: o.OverdueOpen, OnTimeRate: orNull(o.OnTimeRateOK()),
		})
	}
	return out
}

// RenderJSON writes the report as indented JSON.
func RenderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ToJSON(r))
}
