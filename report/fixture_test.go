package report

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
)

var vn = time.FixedZone("ICT", 7*3600)

// fixtureInput is a district with 2 phòng and 3 xã, an expired xã, a few
// officers and hand-chosen figures.
func fixtureInput() Input {
	return Input{
		Year: 2026, Month: time.October, Scope: "H01", Place: "Đà Bắc",
		GeneratedAt: time.Date(2026, 11, 2, 8, 0, 0, 0, vn),
		Units: []models.Unit{
			{Code: "X01", Name: "UBND xã Tân Lập", Level: "xa", ParentCode: "H01"},
			{Code: "H01", Name: "UBND huyện Đà Bắc", Level: "huyen"},
			{Code: "P02", Name: "Phòng Tài nguyên & Môi trường", Level: "phong", ParentCode: "H01"},
			{Code: "X03", Name: "UBND xã Hiền Lương", Level: "xa", ParentCode: "H01"},
			{Code: "P01", Name: "Phòng Tư pháp", Level: "phong", ParentCode: "H01"},
			{Code: "X02", Name: "UBND xã Tú Lý", Level: "xa", ParentCode: "H01"},
			{Code: "X09", Name: "UBND xã Cũ", Level: "xa", ParentCode: "H01", ValidTo: models.NewDate(2025, 6, 30)},
			{Code: "T01", Name: "UBND tỉnh Hòa Bình", Level: "tinh"},
		},
		Own: map[string]models.Counts{
			"H01": {InScope: 5, Received: 5, FinishedOnTime: 5, OnTime766: 5},
			"X01": {InScope: 50, Received: 45, FinishedEarly: 12, FinishedOnTime: 28, FinishedLate: 3, LateOnSystem: 1,
				Ended: 1, EndedOnTime: 1, OpenInTime: 5, Paused: 1, OnTime766: 46},
			"X02": {InScope: 40, Received: 38, FinishedEarly: 5, FinishedOnTime: 25, FinishedLate: 5, LateOnSystem: 2,
				OpenInTime: 3, OpenOverdue: 2, OnTime766: 32, SupplementExcess: 1},
			"X03": {InScope: 20, Received: 20, FinishedEarly: 4, FinishedOnTime: 12, FinishedLate: 2,
				OpenInTime: 1, OpenOverdue: 1, OnTime766: 16},
			"P01": {InScope: 30, Received: 30, FinishedEarly: 10, FinishedOnTime: 20, OnTime766: 30},
			"P02": {InScope: 25, Received: 22, FinishedEarly: 2, FinishedOnTime: 10, FinishedLate: 6, LateOnSystem: 3,
				OpenInTime: 3, OpenOverdue: 4, OnTime766: 14},
			"T01": {InScope: 7, Received: 7, FinishedOnTime: 7, OnTime766: 7},
		},
		PrevOwn: map[string]models.Counts{
			"X01": {InScope: 50, FinishedEarly: 10, FinishedOnTime: 25, FinishedLate: 5, OnTime766: 40},
			"X02": {InScope: 40, FinishedOnTime: 30, OnTime766: 35},
			"P01": {InScope: 30, Received: 30, FinishedEarly: 10, FinishedOnTime: 20, OnTime766: 30},
		},
		Officers: []models.Officer{
			{Code: "CB01", Name: "Nguyễn Văn An", UnitCode: "X01", Role: models.RoleOfficer, Phone: "0912000001"},
			{Code: "CB02", Name: "Trần Thị Bình", UnitCode: "X02", Role: models.RoleOfficer},
			{Code: "CB03", Name: "Lê Văn Cường", UnitCode: "P02", Role: models.RoleOfficer},
			{Code: "CB04", Name: "Phạm Thị Dung", UnitCode: "P01", Role: models.RoleOfficer},
			{Code: "CB05", Name: "Đỗ Văn Tỉnh", UnitCode: "T01", Role: models.RoleOfficer},
		},
		OfficerCounts: map[string]models.OfficerCounts{
			"CB01": {Handled: 20, Finished: 18, Late: 2, LateOnSystem: 1, FinishedOnTime: 16},
			"CB02": {Handled: 15, Finished: 12, Late: 3, LateOnSystem: 1, OverdueOpen: 2, FinishedOnTime: 9},
			"CB03": {Handled: 10, Finished: 6, Late: 2, LateOnSystem: 1, FinishedOnTime: 4},
			"CB04": {Handled: 30, Finished: 30, FinishedOnTime: 30},
			"CB05": {Handled: 3, Finished: 3, Late: 1, FinishedOnTime: 2},
		},
		Unassigned: 4,
	}
}

// withNulls adds to a fixture what has no value and what is late with an
// apology: a xã without any dossier (not ranked, "không phát sinh hồ sơ"),
// one where nothing finished (no on-time rate), an officer with nothing
// finished, and apology letters in Tân Lập.
func withNulls(in Input) Input {
	in.Units = append(in.Units,
		models.Unit{Code: "X04", Name: "UBND xã Mường Chiềng", ParentCode: "H01"},
		models.Unit{Code: "X05", Name: "UBND xã Đồng Chum", ParentCode: "H01"})
	x01 := in.Own["X01"]
	x01.FinishedOnTime, x01.FinishedLateApology, x01.SecondExtension = x01.FinishedOnTime-1, 1, 1
	in.Own["X01"] = x01
	in.Own["X05"] = models.Counts{InScope: 4, Received: 4, OpenInTime: 3, OpenOverdue: 1, OnTime766: 3}
	in.Officers = append(in.Officers, models.Officer{Code: "CB06", Name: "Hà Văn Sơn", UnitCode: "X05", Role: models.RoleOfficer})
	in.OfficerCounts["CB06"] = models.OfficerCounts{Handled: 3, OverdueOpen: 1}
	cb01 := in.OfficerCounts["CB01"]
	cb01.Late, cb01.LateApology = cb01.Late-1, 1
	in.OfficerCounts["CB01"] = cb01
	return in
}

// fixtureNulls is the fixture withNulls.
func fixtureNulls(t *testing.T) *Report { return mustBuild(t, withNulls(fixtureInput())) }

func fixture(t *testing.T) *Report { return mustBuild(t, fixtureInput()) }

// provisionalInput is the fixture withNulls as a running month: December
// 2026 judged at 09:05 on the 2nd, with no previous month.
func provisionalInput() Input {
	in := withNulls(fixtureInput())
	in.Month, in.Year = time.December, 2026
	in.JudgedAt, in.Provisional = time.Date(2026, 12, 2, 9, 5, 0, 0, vn), true
	in.GeneratedAt, in.PrevOwn = in.JudgedAt, nil
	return in
}

// emptyInput is the fixture's units and officers in a month without any
// dossier.
func emptyInput() Input {
	in := fixtureInput()
	in.Own, in.PrevOwn, in.OfficerCounts = nil, nil, nil
	return in
}

// mustBuild builds the report of in, failing the test on an error.
func mustBuild(t *testing.T, in Input) *Report {
	t.Helper()
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// goldenFile compares got with testdata/name, rewriting it under -update.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}
