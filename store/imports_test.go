package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func importDossiers(t *testing.T, s *store.Store, opt models.ImportOptions, ds []*models.Dossier, commit bool) models.ImportCounts {
	t.Helper()
	ctx := context.Background()
	im, err := s.BeginImport(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	var total models.ImportCounts
	// Two batches, so that atomic sessions span several.
	half := len(ds) / 2
	for _, part := range [][]*models.Dossier{ds[:half], ds[half:]} {
		c, err := im.WriteDossiers(ctx, im.PrepareDossiers(part))
		if err != nil {
			t.Fatal(err)
		}
		total.Add(c)
	}
	if commit {
		err = im.Commit(ctx)
	} else {
		err = im.Rollback(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func testDossiers(n int) []*models.Dossier {
	at := time.Date(2026, 3, 2, 1, 0, 0, 123456789, time.UTC)
	out := make([]*models.Dossier, n)
	for i := range out {
		out[i] = &models.Dossier{Code: fmt.Sprintf("H%03d", i), UnitCode: "U1", HandlerCode: "cv.a", ReceivedAt: at,
			DueAt: at.Add(240 * time.Hour), Status: models.Status(2), Channel: models.ChannelOnline, ApplicantName: "Lê Văn Riêng",
			Supplements: []models.Interval{{Start: at.Add(time.Hour), End: at.Add(48 * time.Hour)}}}
	}
	out[n-1].HandlerCode = "cv.unknown"
	return out
}

func TestImportSessionDossiers(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		if err := s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Xã Một"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertOfficers(ctx, []models.Officer{{Code: "cv.a", Name: "A", UnitCode: "U1", Active: true}}); err != nil {
			t.Fatal(err)
		}
		ds := testDossiers(10)
		// An atomic session rolled back keeps nothing.
		if c := importDossiers(t, s, models.ImportOptions{Atomic: true}, ds, false); c.Inserted != 10 {
			t.Errorf("atomic import counts %+v", c)
		}
		if n, _ := s.CountDossiers(ctx); n != 0 {
			t.Fatalf("rolled-back atomic import left %d dossiers", n)
		}
		want := models.ImportCounts{Inserted: 10, Unassigned: 1}
		if c := importDossiers(t, s, models.ImportOptions{}, ds, true); c != want {
			t.Errorf("first import: %+v, want %+v", c, want)
		}
		want = models.ImportCounts{Unchanged: 10, Unassigned: 1}
		if c := importDossiers(t, s, models.ImportOptions{Atomic: true}, testDossiers(10), true); c != want {
			t.Errorf("same dossiers again: %+v, want %+v", c, want)
		}
		changed := testDossiers(10)
		changed[3].Status = models.Status(4)
		want = models.ImportCounts{Updated: 1, Unchanged: 9, Unassigned: 1}
		if c := importDossiers(t, s, models.ImportOptions{}, changed, true); c != want {
			t.Errorf("one changed: %+v, want %+v", c, want)
		}
		got, err := s.Dossier(ctx, "H003")
		if err != nil || got.Status != 4 || got.ApplicantName != "Lê Văn Riêng" || len(got.Supplements) != 1 {
			t.Errorf("H003 = %+v, %v", got, err)
		}
		if !got.ReceivedAt.Equal(changed[3].ReceivedAt.Truncate(time.Microsecond)) {
			t.Errorf("received_at %v, want %v", got.ReceivedAt, changed[3].ReceivedAt)
		}
		list, total, err := s.UnassignedDossiers(ctx, 0)
		if err != nil || total != 1 || len(list) != 1 || list[0].Code != "H009" || list[0].ApplicantName != "" {
			t.Errorf("UnassignedDossiers = %+v, %d, %v", list, total, err)
		}
	})
}

func TestImportSessionReference(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		im, err := s.BeginImport(ctx, models.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		units := []models.Unit{{Code: "U1", Name: "Xã Một", ValidFrom: models.NewDate(2025, 7, 1)}, {Code: "U2", Name: "Xã Hai"}}
		if c, err := im.WriteUnits(ctx, units); err != nil || c.Inserted != 2 {
			t.Fatalf("units: %+v, %v", c, err)
		}
		units[1].Name = "Phường Hai"
		if c, err := im.WriteUnits(ctx, units); err != nil || c.Updated != 1 || c.Unchanged != 1 {
			t.Errorf("units again: %+v, %v", c, err)
		}
		hs := []models.Holiday{{Date: models.NewDate(2027, 1, 1), Kind: models.DayOff, Name: "Tết"}}
		for i, want := range []models.ImportCounts{{Inserted: 1}, {Unchanged: 1}} {
			if c, err := im.WriteHolidays(ctx, hs); err != nil || c != want {
				t.Errorf("holidays #%d: %+v, %v; want %+v", i+1, c, err, want)
			}
		}
		if _, err := im.WriteDossiers(ctx, im.PrepareDossiers(testDossiers(2))); err != nil {
			t.Fatal(err)
		}
		due := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
		steps := []models.Step{{DossierCode: "H000", Seq: 1, OfficerCode: "cv.a", DueAt: due}, {DossierCode: "NOPE", Seq: 1, OfficerCode: "cv.a", DueAt: due}}
		c, missing, err := im.WriteSteps(ctx, steps)
		if err != nil || c.Inserted != 1 || len(missing) != 1 || missing[0] != 1 {
			t.Errorf("steps: %+v, missing %v, %v", c, missing, err)
		}
		if c, _, err := im.WriteSteps(ctx, steps[:1]); err != nil || c.Unchanged != 1 {
			t.Errorf("steps again: %+v, %v", c, err)
		}
		if err := im.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
