package models

import "time"

// FiguresQuery selects the figures a figures source (the store's
// MonthFigures) computes.
type FiguresQuery struct {
	Period Period
	// Location is the local time of early vs on time (finished on a day
	// before the due date); nil: the period's own location.
	Location *time.Location
	// Tree resolves the units of former units merged into successors (on
	// the period's last day); nil: the store's units are read.
	Tree *UnitTree
	// At is the instant the period is judged at (Period.JudgedAt: now for a
	// running period, "tạm tính"); zero: the period's last moment.
	At time.Time
	// UnassignedCodes, when positive, asks for the codes of at most this
	// many in-scope dossiers marked unassigned (Figures.UnassignedCodes).
	UnassignedCodes int
}

// Figures are a period's figures as the store's SQL aggregates give them,
// equal to Rules.Tally and OfficerTally over the same dossiers and steps.
type Figures struct {
	Own              map[string]Counts        // by unit code (successors resolved), own dossiers only
	Officers         map[string]OfficerCounts // by officer code
	UnassignedByUnit map[string]int           // in-scope dossiers marked unassigned, by unit code
	Unassigned       int                      // in-scope dossiers marked unassigned, in all
	// UnassignedCodes lists, by unit code (successors resolved), the codes
	// of in-scope dossiers marked unassigned, in code order, at most
	// FiguresQuery.UnassignedCodes of them in all; nil when not asked.
	UnassignedCodes map[string][]string
}
