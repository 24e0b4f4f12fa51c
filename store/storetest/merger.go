package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// Merger is a small province across the reform of 1 July 2025, for the
// tests of scope and reports with merged units: district H with communes
// XA, XB (merged into the xã X1) and XC (into the phường X2), all ended
// on 30/6/2025; a Sở S; a room X1.KT of the new commune.
type Merger struct {
	Units    []models.Unit
	Officers []models.Officer
	Dossiers []models.Dossier
}

// MergerLoc is the merger fixture's local time.
var MergerLoc = time.FixedZone("ICT", 7*3600)

// NewMerger returns the fixture. Its dossiers (received in 2025):
//
//	XA-1  XA  received 10/6, finished 20/6 (on time)
//	XA-2  XA  received 12/6, due 19/6, still open (overdue)
//	XB-1  XB  received 20/6, due 1/7, finished 10/8 (late)
//	XC-1  XC  received 5/6, due 12/6, still open (overdue)
//	X1-1  X1.KT received 5/8, finished 8/8 (on time)
//	S-1   S   received 12/6, finished 13/6 (on time)
func NewMerger() *Merger {
	until, from := models.NewDate(2025, 6, 30), models.NewDate(2025, 7, 1)
	at := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, MergerLoc) }
	m := &Merger{
		Units: []models.Unit{
			{Code: "T", Name: "UBND tỉnh Thử Nghiệm", Level: models.LevelProvince},
			{Code: "S", Name: "Sở Tư pháp", Level: models.LevelDepartment, ParentCode: "T"},
			{Code: "H", Name: "UBND huyện Cũ", Level: models.LevelDistrict, ParentCode: "T", ValidTo: until},
			{Code: "XA", Name: "UBND xã An", Level: models.LevelCommune, ParentCode: "H", ValidTo: until, SuccessorCode: "X1"},
			{Code: "XB", Name: "UBND xã Bình", Level: models.LevelCommune, ParentCode: "H", ValidTo: until, SuccessorCode: "X1"},
			{Code: "XC", Name: "UBND xã Cát", Level: models.LevelCommune, ParentCode: "H", ValidTo: until, SuccessorCode: "X2"},
			{Code: "X1", Name: "UBND xã An Bình", Level: models.LevelCommune, ParentCode: "T", ValidFrom: from},
			{Code: "X1.KT", Name: "Phòng Kinh tế xã An Bình", Level: models.LevelSubUnit, ParentCode: "X1", ValidFrom: from},
			{Code: "X2", Name: "UBND phường Cát", Level: models.LevelWard, ParentCode: "T", ValidFrom: from},
		},
		Officers: []models.Officer{
			{Code: "lx1", Name: "Lê Văn Một", UnitCode: "X1", Role: models.RoleLeader, Active: true},
			{Code: "lx2", Name: "Lê Văn Hai", UnitCode: "X2", Role: models.RoleLeader, Active: true},
			{Code: "ls", Name: "Lê Thị Sở", UnitCode: "S", Role: models.RoleLeader, Active: true},
			{Code: "cv1", Name: "Nguyễn Văn A", UnitCode: "X1.KT", Role: models.RoleOfficer, Active: true},
			{Code: "cv2", Name: "Nguyễn Văn B", UnitCode: "X2", Role: models.RoleOfficer, Active: true},
			{Code: "cvs", Name: "Nguyễn Văn C", UnitCode: "S", Role: models.RoleOfficer, Active: true},
		},
	}
	d := func(code, unit, handler string, rec, due, fin time.Time) models.Dossier {
		x := models.Dossier{Code: code, ProcedureCode: "1.001", ProcedureName: "Thủ tục thử", Field: "Thử", UnitCode: unit,
			HandlerCode: handler, ReceivedAt: rec.UTC(), DueAt: due.UTC(), Status: models.StatusProcessing}
		if !fin.IsZero() {
			x.FinishedAt, x.SystemFinishedAt, x.Status = fin.UTC(), fin.UTC(), models.StatusFinished
		}
		return x
	}
	none := time.Time{}
	m.Dossiers = []models.Dossier{
		d("XA-1", "XA", "cv1", at(6, 10, 9), at(6, 17, 17), at(6, 16, 10)),
		d("XA-2", "XA", "cv1", at(6, 12, 9), at(6, 19, 17), none),
		d("XB-1", "XB", "cv1", at(6, 20, 9), at(7, 1, 17), at(8, 10, 10)),
		d("XC-1", "XC", "cv2", at(6, 5, 9), at(6, 12, 17), none),
		d("X1-1", "X1.KT", "cv1", at(8, 5, 9), at(8, 12, 17), at(8, 8, 10)),
		d("S-1", "S", "cvs", at(6, 12, 9), at(6, 19, 17), at(6, 13, 10)),
	}
	return m
}

// Load writes the fixture into s.
func (m *Merger) Load(tb testing.TB, s *store.Store) {
	tb.Helper()
	ctx := context.Background()
	if err := s.UpsertUnits(ctx, m.Units); err != nil {
		tb.Fatal(err)
	}
	if err := s.UpsertOfficers(ctx, m.Officers); err != nil {
		tb.Fatal(err)
	}
	if err := SeedDossiers(ctx, s, m.Dossiers); err != nil {
		tb.Fatal(err)
	}
}
