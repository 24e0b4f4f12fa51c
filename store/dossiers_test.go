package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// at returns a local (UTC+7) instant as the store returns it: UTC.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, ict).UTC()
}

func TestRoundTripEveryModel(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		decomposed := norm.NFD.String("Phòng Tư pháp huyện Đồng Hỷ")
		units := []models.Unit{
			{Code: "T", Name: "UBND tỉnh Thái Nguyên", Level: "tinh"},
			{Code: "H01", Name: decomposed, Level: "phong", ParentCode: "T",
				ValidFrom: models.NewDate(2020, 1, 1), ValidTo: models.NewDate(2025, 6, 30), SuccessorCode: "X01"},
		}
		officers := []models.Officer{
			{Code: "cb01", Name: "Nguyễn Thị Hằng", UnitCode: "H01", Position: "Chuyên viên", Role: models.RoleOfficer,
				Phone: "0912345678", Email: "hang@example.vn", Active: true},
			{Code: "ld01", Name: "Trần Văn Đức", UnitCode: "T", Role: models.RoleLeader, Active: false},
		}
		procs := []models.Procedure{{Code: "1.001", Name: "Cấp bản sao trích lục hộ tịch", Field: "Hộ tịch", LimitDays: 0,
			LimitUnit: models.UnitWorkingDays, CutoffMinute: 16*60 + 30, HasCutoff: true},
			{Code: "2.002", Name: "Đăng ký khai sinh", Field: "Hộ tịch", LimitDays: 3, LimitUnit: models.UnitCalendarDays}}
		hols := []models.Holiday{{Date: models.NewDate(2026, 2, 16), Kind: models.DayOff, Name: "Tết Nguyên Đán", Source: "9441/TB-BNV"},
			{Date: models.NewDate(2026, 1, 3), Kind: models.DayWorking, Name: "Làm bù"}}
		full := models.Dossier{
			Code: "HS-001", ProcedureCode: "2.002", ProcedureName: "Đăng ký khai sinh", Field: "Hộ tịch", UnitCode: "H01",
			HandlerCode: "cb01", ReceivedAt: at(2026, 3, 2, 8, 15), DueAt: models.NewDate(2026, 3, 5).End(ict).UTC().Truncate(time.Microsecond),
			FinishedAt: at(2026, 3, 5, 10, 0).Add(123456 * time.Microsecond), SystemFinishedAt: at(2026, 3, 6, 9, 0),
			ReturnedAt: at(2026, 3, 6, 14, 0), Status: models.StatusReturned, Channel: models.ChannelOnline, SupplementCount: 3,
			Supplements: []models.Interval{{Start: at(2026, 3, 3, 9, 0), End: at(2026, 3, 4, 9, 0)},
				{Start: at(2026, 3, 4, 10, 0), End: at(2026, 3, 4, 16, 0)}, {Start: at(2026, 3, 5, 8, 0)}},
			ApplicantName: norm.NFD.String("Lê Thị Ánh Nguyệt"),
		}
		bare := models.Dossier{Code: "HS-002", ReceivedAt: at(2026, 3, 2, 8, 0), DueAt: at(2026, 3, 9, 17, 0), Status: models.StatusAccepted}
		steps := []models.Step{
			{DossierCode: "HS-001", Seq: 1, Name: "Tiếp nhận", OfficerCode: "cb01", StartedAt: at(2026, 3, 2, 8, 15), DueAt: at(2026, 3, 2, 17, 0), FinishedAt: at(2026, 3, 2, 9, 0)},
			{DossierCode: "HS-001", Seq: 2, Name: "Thẩm định", OfficerCode: "ld01", DueAt: at(2026, 3, 4, 17, 0)},
		}
		must(t, s.UpsertUnits(ctx, units))
		must(t, s.UpsertOfficers(ctx, officers))
		must(t, s.UpsertProcedures(ctx, procs))
		must(t, s.UpsertHolidays(ctx, hols))
		must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{full, bare}))
		must(t, storetest.SeedSteps(ctx, s, steps))

		units[1].Name = "Phòng Tư pháp huyện Đồng Hỷ"
		gotUnits, err := s.Units(ctx)
		must(t, err)
		equal(t, "units", gotUnits, []models.Unit{units[1], units[0]})
		if !norm.NFC.IsNormalString(gotUnits[0].Name) {
			t.Errorf("unit name %q is not NFC", gotUnits[0].Name)
		}
		gotOfficers, err := s.Officers(ctx)
		must(t, err)
		equal(t, "officers", gotOfficers, officers)
		o, err := s.Officer(ctx, "ld01")
		must(t, err)
		equal(t, "officer", o, officers[1])
		if _, err := s.Officer(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Officer(nobody) = %v, want ErrNotFound", err)
		}
		gotProcs, err := s.Procedures(ctx)
		must(t, err)
		equal(t, "procedures", gotProcs, procs)
		gotHols, err := s.Holidays(ctx)
		must(t, err)
		equal(t, "holidays", gotHols, []models.Holiday{hols[1], hols[0]})

		full.ApplicantName = "Lê Thị Ánh Nguyệt"
		d, err := s.Dossier(ctx, "HS-001")
		must(t, err)
		equal(t, "dossier", d, full)
		d, err = s.Dossier(ctx, "HS-002")
		must(t, err)
		equal(t, "bare dossier", d, bare)
		if _, err := s.Dossier(ctx, "HS-404"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Dossier(HS-404) = %v, want ErrNotFound", err)
		}
		gotSteps, err := s.Steps(ctx, "HS-001")
		must(t, err)
		equal(t, "steps", gotSteps, steps)
	})
}

func TestUpsertIsIdempotent(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		d := models.Dossier{Code: "HS-1", HandlerCode: "cb01", UnitCode: "U1", ReceivedAt: at(2026, 4, 1, 8, 0),
			DueAt: at(2026, 4, 3, 17, 0), Status: models.StatusProcessing,
			Supplements: []models.Interval{{Start: at(2026, 4, 1, 9, 0), End: at(2026, 4, 1, 10, 0)}, {Start: at(2026, 4, 2, 9, 0)}}}
		for range 3 {
			must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{d, d}))
			must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cb01", Name: "A", Role: models.RoleOfficer}}))
		}
		n, err := s.CountDossiers(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("CountDossiers = %d, want 1", n)
		}
		got, err := s.Dossier(ctx, "HS-1")
		must(t, err)
		equal(t, "dossier", got, d)
		// A change is written; the supplement waits follow it.
		d.Status = models.StatusFinished
		d.FinishedAt = at(2026, 4, 3, 9, 0)
		d.Supplements = d.Supplements[:1]
		must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{d}))
		got, err = s.Dossier(ctx, "HS-1")
		must(t, err)
		equal(t, "changed dossier", got, d)
		offs, err := s.Officers(ctx)
		must(t, err)
		if len(offs) != 1 {
			t.Errorf("Officers = %d rows, want 1", len(offs))
		}
	})
}

func TestUnassignedFlag(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Đơn vị 1"}}))
		must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cb01", Name: "A", UnitCode: "U1", Role: models.RoleOfficer}}))
		mk := func(code, handler string) models.Dossier {
			return models.Dossier{Code: code, HandlerCode: handler, UnitCode: "U1", ReceivedAt: at(2026, 4, 1, 8, 0),
				DueAt: at(2026, 4, 3, 17, 0), Status: models.StatusProcessing}
		}
		must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{mk("A", "cb01"), mk("B", "cb99"), mk("C", "")}))
		unassigned := func() []string {
			var codes []string
			must(t, s.DB().Raw("SELECT code FROM dossiers WHERE unassigned ORDER BY code").Scan(&codes).Error)
			return codes
		}
		equal(t, "unassigned", unassigned(), []string{"B", "C"})
		must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "cb99", Name: "B", UnitCode: "U1", Role: models.RoleOfficer}}))
		n, err := s.RefreshUnassigned(ctx)
		must(t, err)
		if n != 1 {
			t.Errorf("RefreshUnassigned changed %d, want 1", n)
		}
		equal(t, "unassigned after refresh", unassigned(), []string{"C"})
	})
}

func TestOpenDossierQueries(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		var ds []models.Dossier
		for st := models.Status(1); st <= 10; st++ {
			unit := "U1"
			if st%2 == 0 {
				unit = "U2"
			}
			d := models.Dossier{Code: fmt.Sprintf("HS-%02d", st), HandlerCode: "cb01", UnitCode: unit, Status: st,
				ReceivedAt: at(2026, 5, 1, 8, 0), DueAt: at(2026, 5, 30-int(st), 17, 0)}
			if st.IsFinished() {
				d.FinishedAt = at(2026, 5, 10, 8, 0)
			}
			ds = append(ds, d)
		}
		ds = append(ds, models.Dossier{Code: "HS-X", HandlerCode: "cb02", UnitCode: "U3", Status: models.StatusProcessing,
			ReceivedAt: at(2026, 5, 1, 8, 0), DueAt: at(2026, 5, 2, 17, 0)})
		must(t, storetest.SeedDossiers(ctx, s, ds))
		codes := func(ds []models.Dossier) []string {
			out := []string{}
			for _, d := range ds {
				out = append(out, d.Code)
			}
			return out
		}
		got, err := s.OpenDossiersByHandler(ctx, "cb01")
		must(t, err)
		// Open statuses 1, 2, 4, 5, 6; the higher the status the sooner due.
		equal(t, "by handler", codes(got), []string{"HS-06", "HS-05", "HS-04", "HS-02", "HS-01"})
		got, err = s.OpenDossiersInUnits(ctx, []string{"U1", "U3"}, time.Time{}, 0)
		must(t, err)
		equal(t, "in units", codes(got), []string{"HS-X", "HS-05", "HS-01"})
		got, err = s.OpenDossiersInUnits(ctx, []string{"U1", "U2"}, at(2026, 5, 26, 0, 0), 2)
		must(t, err)
		equal(t, "in units due before, limited", codes(got), []string{"HS-06", "HS-05"})
		got, err = s.OpenDossiersInUnits(ctx, nil, time.Time{}, 0)
		must(t, err)
		equal(t, "no units", codes(got), []string{})
	})
}

// A dossier due at the last instant of its local day is not overdue at
// 23:59:59 local, and is at 00:00 the next day: the comparison is done in
// SQL, so the SQLite text form must order like time.
func TestTimeComparisonsInSQL(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		due := models.NewDate(2026, 6, 15).End(ict) // 23:59:59.999999999 +07:00
		ds := []models.Dossier{
			{Code: "END", UnitCode: "U", HandlerCode: "h", Status: models.StatusProcessing, ReceivedAt: at(2026, 6, 1, 8, 0), DueAt: due},
			{Code: "NOON", UnitCode: "U", HandlerCode: "h", Status: models.StatusProcessing, ReceivedAt: at(2026, 6, 1, 8, 0), DueAt: at(2026, 6, 15, 12, 0)},
			{Code: "FRAC", UnitCode: "U", HandlerCode: "h", Status: models.StatusProcessing, ReceivedAt: at(2026, 6, 1, 8, 0), DueAt: at(2026, 6, 15, 12, 0).Add(500 * time.Millisecond)},
		}
		must(t, storetest.SeedDossiers(ctx, s, ds))
		overdue := func(now time.Time) []string {
			var codes []string
			must(t, s.DB().Raw("SELECT code FROM dossiers WHERE due_at < ? ORDER BY due_at", store.SQLTime(now)).Scan(&codes).Error)
			return codes
		}
		equal(t, "at 23:59:59 local", overdue(time.Date(2026, 6, 15, 23, 59, 59, 0, ict)), []string{"NOON", "FRAC"})
		equal(t, "at 12:00:00.4 local", overdue(time.Date(2026, 6, 15, 12, 0, 0, 400e6, ict)), []string{"NOON"})
		equal(t, "at midnight", overdue(models.NewDate(2026, 6, 16).Start(ict)), []string{"NOON", "FRAC", "END"})
		got, err := s.OpenDossiersInUnits(ctx, []string{"U"}, models.NewDate(2026, 6, 16).Start(ict), 0)
		must(t, err)
		if len(got) != 3 || !got[2].DueAt.Equal(due.Truncate(time.Microsecond)) || got[2].DueAt.Location() != time.UTC {
			t.Errorf("OpenDossiersInUnits = %+v; want 3, the last due at %v in UTC", got, due)
		}
	})
}

func TestEachDossierStreamsAll(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		defer store.SetEachBatch(100)()
		const n = 450 // more than four batches
		ds := make([]models.Dossier, n)
		for i := range ds {
			ds[i] = models.Dossier{Code: fmt.Sprintf("HS-%04d", i), HandlerCode: "cb01", UnitCode: "U1",
				Status: models.StatusProcessing, ReceivedAt: at(2026, 1, 5, 8, 0), DueAt: at(2026, 1, 20, 17, 0)}
		}
		ds[321].Supplements = []models.Interval{{Start: at(2026, 1, 6, 8, 0), End: at(2026, 1, 7, 8, 0)}, {Start: at(2026, 1, 8, 8, 0)}}
		must(t, storetest.SeedDossiers(ctx, s, ds))
		count, err := s.CountDossiers(ctx)
		must(t, err)
		if count != n {
			t.Fatalf("CountDossiers = %d, want %d", count, n)
		}
		seen := 0
		must(t, s.EachDossier(ctx, func(d *models.Dossier) error {
			if want := fmt.Sprintf("HS-%04d", seen); d.Code != want {
				return fmt.Errorf("dossier %d is %s, want %s", seen, d.Code, want)
			}
			if seen == 321 && len(d.Supplements) != 2 {
				return fmt.Errorf("dossier %s has %d supplement waits, want 2", d.Code, len(d.Supplements))
			}
			seen++
			return nil
		}))
		if seen != n {
			t.Errorf("EachDossier saw %d, want %d", seen, n)
		}
		stop := errors.New("stop")
		if err := s.EachDossier(ctx, func(*models.Dossier) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("EachDossier returned %v, want fn's error", err)
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					d := models.Dossier{Code: fmt.Sprintf("W%d-%d", w, i), HandlerCode: "h", UnitCode: "U", Status: models.StatusAccepted,
						ReceivedAt: at(2026, 1, 5, 8, 0), DueAt: at(2026, 1, 9, 17, 0)}
					if err := storetest.SeedDossiers(ctx, s, []models.Dossier{d}); err != nil {
						errs <- err
						return
					}
					if _, err := s.OpenDossiersByHandler(ctx, "h"); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		n, err := s.CountDossiers(ctx)
		must(t, err)
		if n != 80 {
			t.Errorf("CountDossiers = %d, want 80", n)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// The open-dossier queries must use the partial index on SQLite too (its
// planner needs the query to repeat the index's WHERE term).
func TestOpenByHandlerUsesPartialIndexOnSQLite(t *testing.T) {
	s := storetest.OpenSQLite(t)
	var plan []struct {
		ID, Parent, Notused int
		Detail              string
	}
	err := s.DB().Raw("EXPLAIN QUERY PLAN SELECT * FROM dossiers WHERE handler_code = ? AND status IN (1, 2, 4, 5, 6) ORDER BY due_at, code", "cb01").
		Scan(&plan).Error
	must(t, err)
	found := false
	for _, p := range plan {
		found = found || contains(p.Detail, "dossiers_open_handler_idx")
	}
	if !found {
		t.Errorf("query plan %+v does not use dossiers_open_handler_idx", plan)
	}
}
