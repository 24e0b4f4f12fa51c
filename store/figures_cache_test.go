package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestFiguresCacheFollowsEveryWrite: a month's figures are kept once
// computed and served again, but every write path that changes a dossier's
// facts (a dossier rewritten, its steps, a dossier added, the rules
// switched) makes the next request see the database as it is — never the
// kept figures of before.
func TestFiguresCacheFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	loc := vnLoc()
	oct := models.MonthPeriod(2026, time.October, loc)
	at := func(d, h int) time.Time { return time.Date(2026, time.October, d, h, 0, 0, 0, loc).UTC() }
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if err := s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Đơn vị 1"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertOfficers(ctx, []models.Officer{{Code: "O1", Name: "Cán bộ 1", UnitCode: "U1", Role: models.RoleOfficer, Active: true},
			{Code: "O2", Name: "Cán bộ 2", UnitCode: "U1", Role: models.RoleOfficer, Active: true}}); err != nil {
			t.Fatal(err)
		}
		d := models.Dossier{Code: "C1", ProcedureCode: "P", UnitCode: "U1", HandlerCode: "O1", Status: models.StatusFinished,
			ReceivedAt: at(1, 8), DueAt: at(10, 17), FinishedAt: at(5, 9)}
		if err := storetest.SeedDossiers(ctx, s, []models.Dossier{d}); err != nil {
			t.Fatal(err)
		}
		figures := func() *models.Figures {
			t.Helper()
			f, err := s.MonthFigures(ctx, models.FiguresQuery{Period: oct})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		want := func(what string, late, early int, officer string, handled int) {
			t.Helper()
			for i := 0; i < 2; i++ { // computed, then served from what was kept
				f := figures()
				c := f.Own["U1"]
				if c.FinishedLate != late || c.FinishedEarly != early || f.Officers[officer].Handled != handled {
					t.Fatalf("%s (request %d): late %d early %d, %s handled %d; want %d, %d, %d",
						what, i+1, c.FinishedLate, c.FinishedEarly, officer, f.Officers[officer].Handled, late, early, handled)
				}
			}
		}
		want("first", 0, 1, "O1", 1)
		if n := s.FiguresKept(ctx); n != 1 {
			t.Fatalf("figures kept for %d periods, want 1", n)
		}
		// A running month is judged at a new instant each time: never kept.
		for _, h := range []int{9, 10, 11} {
			if _, err := s.MonthFigures(ctx, models.FiguresQuery{Period: oct, At: at(20, h)}); err != nil {
				t.Fatal(err)
			}
		}
		if n := s.FiguresKept(ctx); n != 1 {
			t.Fatalf("figures kept for %d periods after three provisional requests, want 1", n)
		}

		d.FinishedAt = at(12, 9) // now late
		if err := storetest.SeedDossiers(ctx, s, []models.Dossier{d}); err != nil {
			t.Fatal(err)
		}
		want("dossier rewritten", 1, 0, "O1", 1)

		// A step moves the responsibility to O2.
		if err := storetest.SeedSteps(ctx, s, []models.Step{{DossierCode: "C1", Seq: 1, OfficerCode: "O2",
			StartedAt: at(1, 8), DueAt: at(3, 17), FinishedAt: at(2, 9)}}); err != nil {
			t.Fatal(err)
		}
		want("steps written", 1, 0, "O2", 1)

		d2 := d
		d2.Code, d2.FinishedAt = "C2", at(4, 9)
		if err := storetest.SeedDossiers(ctx, s, []models.Dossier{d2}); err != nil {
			t.Fatal(err)
		}
		want("dossier added", 1, 1, "O1", 1)
	})
}

func TestFiguresPayloadRoundTrip(t *testing.T) {
	rows := []store.FiguresRowForTest{{Kind: "u", Key: "XA01.KT\t\"lạ\"\n", V: [16]int64{1, 2, 3, 15: -4}}, {Kind: "o", Key: ""}}
	got, err := store.DecodeFiguresForTest(store.EncodeFiguresForTest(rows))
	if err != nil || len(got) != 2 || got[0] != rows[0] || got[1] != rows[1] {
		t.Fatalf("round trip: %v, %v", got, err)
	}
	if _, err := store.DecodeFiguresForTest("u\t\"x\"\t1\n"); err == nil {
		t.Fatal("a short line was read")
	}
}
