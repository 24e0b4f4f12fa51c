package store_test

import (
	"context"
	"fmt"
	"slices"
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
		c, err := im.WriteDossiers(ctx, im.PrepareDossiers(part, nil))
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
		if _, err := im.WriteDossiers(ctx, im.PrepareDossiers(testDossiers(2), nil)); err != nil {
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

// bulkStore is a fresh Postgres store with the units and officer of
// testDossiers; the bulk path exists on Postgres only.
func bulkStore(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.OpenPostgresOrSkip(t)
	ctx := context.Background()
	must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Xã Một"}}))
	must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cv.a", Name: "A", UnitCode: "U1", Active: true}}))
	return s
}

// schema lists every index and constraint of the database, with its
// definition.
func schema(t *testing.T, s *store.Store) []string {
	t.Helper()
	var defs []string
	must(t, s.DB().Raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = 'public'::regnamespace`).Scan(&defs).Error)
	slices.Sort(defs)
	return defs
}

// factsAsRecomputed checks that the n dossiers' facts (Postgres) are
// those a recomputation writes.
func factsAsRecomputed(t *testing.T, s *store.Store, n int) {
	t.Helper()
	const q = `SELECT f::text FROM dossier_facts f UNION ALL SELECT w::text FROM dossier_fact_waits w
UNION ALL SELECT x::text FROM step_facts x ORDER BY 1`
	var facts, recomputed []string
	must(t, s.DB().Raw(q).Scan(&facts).Error)
	if _, err := s.RecomputeFacts(context.Background()); err != nil {
		t.Fatal(err)
	}
	must(t, s.DB().Raw(q).Scan(&recomputed).Error)
	if !slices.Equal(facts, recomputed) || count(t, s, "dossier_facts") != n {
		t.Errorf("facts as imported:\n%q\nrecomputed:\n%q", facts, recomputed)
	}
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	must(t, s.DB().Raw("SELECT COUNT(*) FROM "+table).Scan(&n).Error)
	return n
}

// TestBulkFirstImport (issue #14 item 2): a first import into empty tables
// copies the rows straight in and leaves every index and constraint as it
// found them; a code repeated in a later batch is an update, as on the
// ordinary path; the facts are those the rules compute.
func TestBulkFirstImport(t *testing.T) {
	s := bulkStore(t)
	ctx := context.Background()
	before := schema(t, s)
	ds := testDossiers(10)
	again := *ds[2]
	again.Status = models.Status(4)
	batches := [][]*models.Dossier{ds[:5], append([]*models.Dossier{&again}, ds[5:]...)}
	im, err := s.BeginImport(ctx, models.ImportOptions{Bulk: true})
	must(t, err)
	var total models.ImportCounts
	for i, b := range batches {
		var again []bool // the reader says which codes came before; the first batch lets the store find out
		if i == 1 {
			again = make([]bool, len(b))
			again[0] = true
		}
		c, err := im.WriteDossiers(ctx, im.PrepareDossiers(b, again))
		must(t, err)
		total.Add(c)
	}
	if im.Kept() {
		t.Error("a bulk session says its batches are kept before Commit")
	}
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Inserted: 10, Updated: 1, Unassigned: 1}); total != want {
		t.Errorf("counts %+v, want %+v", total, want)
	}
	if after := schema(t, s); !slices.Equal(after, before) {
		t.Errorf("indexes and constraints after the bulk import:\n%q\nbefore:\n%q", after, before)
	}
	got, err := s.Dossier(ctx, "H002")
	if err != nil || got.Status != 4 {
		t.Errorf("H002 = %+v, %v; want the later row (status 4)", got, err)
	}
	if n := count(t, s, "dossiers"); n != 10 {
		t.Errorf("%d dossiers, want 10", n)
	}
	// The facts the import wrote are those a recomputation writes.
	factsAsRecomputed(t, s, 10)
	// The tables hold rows now: the next import is an ordinary one.
	c := importDossiers(t, s, models.ImportOptions{Bulk: true}, testDossiers(10), true)
	if want := (models.ImportCounts{Updated: 1, Unchanged: 9, Unassigned: 1}); c != want {
		t.Errorf("second import: %+v, want %+v", c, want)
	}
}

// TestBulkImportInterrupted: a bulk import that fails halfway — rolled
// back, or its connection killed as when the process dies — leaves the
// tables empty and every index as it was, and the next import completes.
func TestBulkImportInterrupted(t *testing.T) {
	s := bulkStore(t)
	ctx := context.Background()
	before := schema(t, s)
	ds := testDossiers(10)
	for _, how := range []string{"rollback", "killed"} {
		im, err := s.BeginImport(ctx, models.ImportOptions{Bulk: true})
		must(t, err)
		_, err = im.WriteDossiers(ctx, im.PrepareDossiers(ds[:5], nil))
		must(t, err)
		switch how {
		case "rollback":
			must(t, im.Rollback(ctx))
		case "killed":
			// The import's backend is the one that holds the dossiers.
			must(t, s.DB().Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks
WHERE relation = 'dossiers'::regclass AND mode = 'AccessExclusiveLock' AND pid <> pg_backend_pid()`).Error)
			_, err = im.WriteDossiers(ctx, im.PrepareDossiers(ds[5:], nil))
			if err == nil {
				err = im.Commit(ctx)
			}
			if err == nil {
				t.Fatal("the killed import went on")
			}
			_ = im.Rollback(ctx)
		}
		if n := count(t, s, "dossiers") + count(t, s, "dossier_facts"); n != 0 {
			t.Errorf("%s: %d rows left", how, n)
		}
		if after := schema(t, s); !slices.Equal(after, before) {
			t.Errorf("%s: indexes and constraints:\n%q\nbefore:\n%q", how, after, before)
		}
	}
	c := importDossiers(t, s, models.ImportOptions{Bulk: true}, ds, true)
	if want := (models.ImportCounts{Inserted: 10, Unassigned: 1}); c != want {
		t.Errorf("import after the failures: %+v, want %+v", c, want)
	}
	if after := schema(t, s); !slices.Equal(after, before) {
		t.Errorf("indexes and constraints after the import:\n%q\nbefore:\n%q", after, before)
	}
}

// TestBulkStepsImport: a first steps import copies the steps straight in,
// computes the step facts of every dossier once at the end — the same a
// recomputation gives — and leaves every index and constraint as it found
// them; steps of unknown dossiers are reported, a repeated step is an
// update.
func TestBulkStepsImport(t *testing.T) {
	s := bulkStore(t)
	ctx := context.Background()
	importDossiers(t, s, models.ImportOptions{}, testDossiers(10), true)
	before := schema(t, s)
	step := func(code string, seq int, name string) models.Step {
		at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC).Add(time.Duration(seq) * 24 * time.Hour)
		return models.Step{DossierCode: code, Seq: seq, Name: name, OfficerCode: "cv.a", StartedAt: at,
			DueAt: at.Add(48 * time.Hour), FinishedAt: at.Add(24 * time.Hour)}
	}
	batches := [][]models.Step{
		{step("H001", 1, "Tiếp nhận"), step("H001", 2, "Thẩm định"), step("H002", 1, "Tiếp nhận"), step("X404", 1, "Tiếp nhận")},
		{step("H001", 2, "Thẩm định lại"), step("H003", 1, "Tiếp nhận"), step("H003", 2, "Phê duyệt")},
	}
	im, err := s.BeginImport(ctx, models.ImportOptions{Bulk: true})
	must(t, err)
	var total models.ImportCounts
	var missing []int
	for _, b := range batches {
		c, miss, err := im.WriteSteps(ctx, b)
		must(t, err)
		total.Add(c)
		missing = append(missing, miss...)
	}
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Inserted: 5, Updated: 1}); total != want || !slices.Equal(missing, []int{3}) {
		t.Errorf("counts %+v, missing %v; want %+v, [3]", total, missing, want)
	}
	if after := schema(t, s); !slices.Equal(after, before) {
		t.Errorf("indexes and constraints after the bulk import:\n%q\nbefore:\n%q", after, before)
	}
	steps, err := s.Steps(ctx, "H001")
	if err != nil || len(steps) != 2 || steps[1].Name != "Thẩm định lại" {
		t.Errorf("H001's steps = %+v, %v", steps, err)
	}
	const q = `SELECT f::text FROM step_facts f ORDER BY code, seq`
	const qc = `SELECT code || ' ' || steps FROM dossier_facts ORDER BY code`
	var facts, counts, recomputed, recounted []string
	must(t, s.DB().Raw(q).Scan(&facts).Error)
	must(t, s.DB().Raw(qc).Scan(&counts).Error)
	if _, err := s.RecomputeFacts(ctx); err != nil {
		t.Fatal(err)
	}
	must(t, s.DB().Raw(q).Scan(&recomputed).Error)
	must(t, s.DB().Raw(qc).Scan(&recounted).Error)
	if len(facts) != 5 || !slices.Equal(facts, recomputed) || !slices.Equal(counts, recounted) {
		t.Errorf("step facts of the bulk import:\n%q\n%q\nrecomputed:\n%q\n%q", facts, counts, recomputed, recounted)
	}
	// Not empty any more: the same steps again change nothing.
	im, err = s.BeginImport(ctx, models.ImportOptions{Bulk: true})
	must(t, err)
	c, _, err := im.WriteSteps(ctx, append(batches[0][:2:2], batches[1]...))
	must(t, err)
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Unchanged: 4}); c != want { // H001 step 2: the last row wins
		t.Errorf("second import: %+v, want %+v", c, want)
	}
}

// TestReimportThroughTheScan: a re-import large enough to read the stored
// rows' hashes at once (models.ImportOptions.Rows) counts and stores as the
// lookups batch by batch did: a changed row updated, an unassigned flag
// turned, a code that comes back later in the file with the content it had
// before the import (A, B, then A again) stored as the file ends, and the
// facts of what it rewrote equal a recomputation.
func TestReimportThroughTheScan(t *testing.T) {
	for _, atomic := range []bool{false, true} {
		for _, early := range []bool{false, true} {
			t.Run(fmt.Sprintf("atomic=%v,early=%v", atomic, early), func(t *testing.T) { reimportThroughTheScan(t, atomic, early) })
		}
	}
}

// reimportThroughTheScan; with early, the session begins the scan beside
// its first batch (the table's size is known), which is written before
// the scan is there.
func reimportThroughTheScan(t *testing.T, atomic, early bool) {
	s := bulkStore(t)
	ctx := context.Background()
	importDossiers(t, s, models.ImportOptions{}, testDossiers(40), true)
	release := func() {}
	if early {
		must(t, s.DB().Exec("ANALYZE dossiers").Error)
		release = store.HoldEarlyScans()
		defer release()
	}

	file := testDossiers(40)
	changed := *file[3]
	changed.Status = models.Status(4)
	file[12].HandlerCode = "cv.gone"
	batches := [][]*models.Dossier{
		append(append([]*models.Dossier{}, file[:3]...), append([]*models.Dossier{&changed}, file[4:10]...)...),
		file[10:20],
		{file[3]}, // H003 as it was stored before this import
		file[20:],
	}
	im, err := s.BeginImport(ctx, models.ImportOptions{Atomic: atomic, Rows: 41})
	must(t, err)
	var total models.ImportCounts
	for i, b := range batches {
		again := make([]bool, len(b))
		again[0] = i == 2
		c, err := im.WriteDossiers(ctx, im.PrepareDossiers(b, again))
		must(t, err)
		total.Add(c)
		if early && i == 0 {
			release() // the scan runs now, after the first batch's writes
			store.WaitEarlyScan(im)
		}
	}
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Updated: 3, Unchanged: 38, Unassigned: 2}); total != want {
		t.Errorf("counts %+v, want %+v", total, want)
	}
	if got, err := s.Dossier(ctx, "H003"); err != nil || got.Status != 2 {
		t.Errorf("H003 = %+v, %v; want the file's last row (status 2)", got, err)
	}
	factsAsRecomputed(t, s, 40)
	list, n, err := s.UnassignedDossiers(ctx, 0)
	if err != nil || n != 2 || len(list) != 2 || list[0].Code != "H012" {
		t.Errorf("UnassignedDossiers = %+v, %d, %v", list, n, err)
	}
}

// TestReimportWritesChangedFacts (issue #14 item 2): a re-import compares
// each updated dossier's facts and step context with those of its stored
// version and writes only what changed — and what it leaves is what the
// rules compute: a label, a handler, a status within the open ones, a
// closing, a due date, an answered supplement, a dossier whose extra
// supplement waits the update resets.
func TestReimportWritesChangedFacts(t *testing.T) {
	s := bulkStore(t)
	ctx := context.Background()
	must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cv.b", Name: "B", UnitCode: "U1", Active: true}}))
	ds := testDossiers(10)
	importDossiers(t, s, models.ImportOptions{}, ds, true)
	var steps []models.Step
	for k, d := range ds {
		own := models.Step{DossierCode: d.Code, OfficerCode: "cv.a", StartedAt: d.ReceivedAt, DueAt: d.ReceivedAt.Add(24 * time.Hour),
			FinishedAt: d.ReceivedAt.Add(20 * time.Hour)}
		dossiers := models.Step{DossierCode: d.Code, OfficerCode: "cv.a"} // the dossier's start, due and end
		own.Seq, dossiers.Seq = 1, 2
		if k == 7 { // the step judged by the dossier's due date is not the last
			dossiers.Seq, own.Seq = 1, 2
		}
		steps = append(steps, own, dossiers)
	}
	im, err := s.BeginImport(ctx, models.ImportOptions{})
	must(t, err)
	_, _, err = im.WriteSteps(ctx, steps)
	must(t, err)
	extra := *ds[5]
	extra.Supplements = append(slices.Clone(extra.Supplements), models.Interval{Start: extra.ReceivedAt.Add(72 * time.Hour), End: extra.ReceivedAt.Add(96 * time.Hour)})
	_, err = im.WriteSupplementWaits(ctx, []*models.Dossier{&extra})
	must(t, err)
	must(t, im.Commit(ctx))
	factsAsRecomputed(t, s, 10)

	file := testDossiers(10)
	file[0].Field = "Hộ tịch"                                                          // a label: nothing else changes
	file[1].HandlerCode = "cv.b"                                                       // the facts, not the steps'
	file[2].Status = models.Status(4)                                                  // open to processing: neither
	file[3].Status, file[3].FinishedAt = models.Status(9), ds[3].DueAt.Add(-time.Hour) // closed: both
	file[4].DueAt = ds[4].DueAt.Add(48 * time.Hour)                                    // both
	file[6].Supplements = []models.Interval{{Start: ds[6].Supplements[0].Start, End: ds[6].Supplements[0].End.Add(time.Hour)}}
	file[5].Field = "Chứng thực"                    // a label, but its extra wait is reset with the update
	file[7].DueAt = ds[7].DueAt.Add(24 * time.Hour) // both, only seq 1's step facts
	before := factVersions(t, s)
	im, err = s.BeginImport(ctx, models.ImportOptions{})
	must(t, err)
	c, err := im.WriteDossiers(ctx, im.PrepareDossiers(file, nil))
	must(t, err)
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Updated: 8, Unchanged: 2, Unassigned: 1}); c != want {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	var waits int
	must(t, s.DB().Raw("SELECT COUNT(*) FROM dossier_fact_waits WHERE code = 'H005'").Scan(&waits).Error)
	if waits != 1 {
		t.Errorf("H005 keeps %d waits after its update, want 1 (the extra one reset)", waits)
	}
	// What was rewritten: a row version (xmin) changes only when written.
	after := factVersions(t, s)
	var rewrote []string
	for k, v := range after {
		if before[k] != v {
			rewrote = append(rewrote, k)
		}
	}
	slices.Sort(rewrote)
	want := []string{"facts H001", "facts H003", "facts H004", "facts H005", "facts H006", "facts H007",
		"steps H003 2", "steps H004 2", "steps H005 2", "steps H006 1", "steps H006 2", "steps H007 1"}
	if !slices.Equal(rewrote, want) {
		t.Errorf("rewrote %q, want %q", rewrote, want)
	}
	factsAsRecomputed(t, s, 10)
}

// factVersions maps "facts CODE" and "steps CODE SEQ" to the row versions
// (xmin) of each dossier's facts and step facts (Postgres).
func factVersions(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	var rows []struct{ K, V string }
	must(t, s.DB().Raw(`SELECT 'facts ' || code AS k, xmin::text AS v FROM dossier_facts
UNION ALL SELECT 'steps ' || code || ' ' || seq, xmin::text FROM step_facts`).Scan(&rows).Error)
	out := map[string]string{}
	for _, r := range rows {
		out[r.K] = r.V
	}
	return out
}

// TestReimportRaceWithAnotherWriter: another writer changing a dossier
// (here closing it, which changes its facts) once the import has read its
// stored version waits for the import (the version read is locked, then
// replaced): the other writer's version comes after the import's, with
// its facts, as the rules compute them.
func TestReimportRaceWithAnotherWriter(t *testing.T) {
	s := bulkStore(t)
	ctx := context.Background()
	ds := testDossiers(4)
	importDossiers(t, s, models.ImportOptions{}, ds, true)
	file := testDossiers(4)
	file[1].Field = "Hộ tịch" // a label: compared with the version read, its facts stay
	other := make(chan models.ImportCounts)
	defer store.AfterStoredRead(func() {
		go func() {
			closed := testDossiers(4)[1:2]
			closed[0].Field = "Hộ tịch"
			closed[0].Status, closed[0].FinishedAt = models.Status(9), closed[0].ReceivedAt.Add(time.Hour)
			other <- importDossiers(t, s, models.ImportOptions{}, closed, true)
		}()
		time.Sleep(200 * time.Millisecond) // the other writer reaches the locked row
	})()
	im, err := s.BeginImport(ctx, models.ImportOptions{})
	must(t, err)
	c, err := im.WriteDossiers(ctx, im.PrepareDossiers(file, nil))
	must(t, err)
	select {
	case c := <-other:
		t.Fatalf("the other writer did not wait for the import (counts %+v)", c)
	default:
	}
	must(t, im.Commit(ctx))
	if want := (models.ImportCounts{Updated: 1, Unchanged: 3, Unassigned: 1}); c != want {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	if c := <-other; c.Updated != 1 {
		t.Errorf("the other writer's counts %+v", c)
	}
	if d, err := s.Dossier(ctx, "H001"); err != nil || d.Status != 9 {
		t.Errorf("H001 = %+v, %v; want the other writer's version", d, err)
	}
	factsAsRecomputed(t, s, 4)
}

// TestImportBatchesCommitAsync: on Postgres, a batch of an import that
// commits batch by batch does not wait for the disk, the setting stays in
// the batch's transaction (the pooled connection commits as configured
// afterwards), and the session's end waits for the disk once.
func TestImportBatchesCommitAsync(t *testing.T) {
	s := storetest.OpenPostgresOrSkip(t)
	ctx := context.Background()
	var want string
	if err := s.DB().WithContext(ctx).Raw("SHOW synchronous_commit").Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	inBatch, after, waits, err := store.ImportCommitSettings(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if inBatch != "off" || after != want || !waits {
		t.Fatalf("synchronous_commit in a batch %q, after it %q (want off, then %q); waits at the end: %v", inBatch, after, want, waits)
	}
}
