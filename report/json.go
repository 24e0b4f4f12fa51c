package report

import (
	"encoding/json"
	"io"
	"time"
)

// JSONReport is the JSON form of a report (RenderJSON). Counts include the
// unit's sub-tree; rates are fractions 0–1.
type JSONReport struct {
	Month       string        `json:"month"` // "2026-10"
	Scope       string        `json:"scope,omitempty"`
	Issuer      string        `json:"issuer,omitempty"`
	GeneratedAt *time.Time    `json:"generated_at,omitempty"`
	Units       []JSONUnit    `json:"units"`
	Officers    []JSONOfficer `json:"officers"`
	Unassigned  int           `json:"unassigned"`
}

// JSONUnit is a unit's figures in JSON.
type JSONUnit struct {
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Parent           string   `json:"parent"`
	Depth            int      `json:"depth"`
	Rank             int      `json:"rank,omitempty"`
	RankOf           int      `json:"rank_of,omitempty"` // peers ranked in its group
	Tied             bool     `json:"tied,omitempty"`
	Group            string   `json:"group,omitempty"` // its peers, e.g. "các xã, phường"
	InScope          int      `json:"in_scope"`
	Received         int      `json:"received"`
	FinishedEarly    int      `json:"finished_early"`
	FinishedOnTime   int      `json:"finished_on_time"`
	FinishedLate     int      `json:"finished_late"`
	LateOnSystem     int      `json:"late_on_system"`
	Ended            int      `json:"ended"`
	OpenInTime       int      `json:"open_in_time"`
	OpenOverdue      int      `json:"open_overdue"`
	Paused           int      `json:"paused"`
	Overdue          int      `json:"overdue"`
	OnTimeRate       float64  `json:"on_time_rate"`
	Score766         float64  `json:"score_766"`
	OverdueShare     float64  `json:"overdue_share"`
	PrevOnTimeRate   *float64 `json:"prev_on_time_rate,omitempty"`
	PrevScore766     *float64 `json:"prev_score_766,omitempty"`
	SupplementExcess int      `json:"supplement_excess"`
}

// JSONOfficer is a slow officer's figures in JSON.
type JSONOfficer struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	Unit         string  `json:"unit"` // unit code
	UnitName     string  `json:"unit_name"`
	Handled      int     `json:"handled"`
	Finished     int     `json:"finished"`
	Late         int     `json:"late"`
	LateOnSystem int     `json:"late_on_system"`
	OverdueOpen  int     `json:"overdue_open"`
	OnTimeRate   float64 `json:"on_time_rate"`
}

// ToJSON converts the report to its JSON form.
func ToJSON(r *Report) JSONReport {
	out := JSONReport{Month: r.MonthKey(), Scope: r.Scope, Issuer: r.Issuer, Unassigned: r.Unassigned,
		Units: []JSONUnit{}, Officers: []JSONOfficer{}}
	if !r.GeneratedAt.IsZero() {
		t := r.GeneratedAt
		out.GeneratedAt = &t
	}
	for _, u := range r.Units {
		c := u.Counts
		j := JSONUnit{
			Code: u.Code, Name: u.Name, Parent: u.Parent, Depth: u.Depth, Rank: u.Rank, RankOf: u.Of, Tied: u.Tied, Group: u.Group,
			InScope: c.InScope, Received: c.Received, FinishedEarly: c.FinishedEarly,
			FinishedOnTime: c.FinishedOnTime, FinishedLate: c.FinishedLate, LateOnSystem: c.LateOnSystem,
			Ended: c.Ended, OpenInTime: c.OpenInTime, OpenOverdue: c.OpenOverdue, Paused: c.Paused,
			Overdue: c.Overdue(), OnTimeRate: c.OnTimeRate(), Score766: c.Score766(),
			OverdueShare: c.OverdueShare(), SupplementExcess: c.SupplementExcess,
		}
		if u.Prev != nil {
			r, s := u.Prev.OnTimeRate(), u.Prev.Score766()
			j.PrevOnTimeRate, j.PrevScore766 = &r, &s
		}
		out.Units = append(out.Units, j)
	}
	for _, o := range r.Officers {
		out.Officers = append(out.Officers, JSONOfficer{
			Code: o.Code, Name: o.Name, Unit: o.UnitCode, UnitName: o.UnitName,
			Handled: o.Handled, Finished: o.Finished, Late: o.Late, LateOnSystem: o.LateOnSystem,
			OverdueOpen: o.OverdueOpen, OnTimeRate: o.OnTimeRate(),
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
