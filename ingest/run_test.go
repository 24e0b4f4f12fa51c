package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func reader(t *testing.T, format ingest.Format, body string) *ingest.Reader {
	t.Helper()
	r, err := ingest.NewReader(strings.NewReader(body), format, ingest.Options{Kind: ingest.KindDossiers, Location: models.UTC7, Name: "d"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("ma_ho_so,ma_don_vi,ma_can_bo,ngay_tiep_nhan,ngay_hen_tra,trang_thai,chu_ho_so\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "H%04d,U1,cv.a,02/03/2026,16/03/2026,2,Lê Văn %d\n", i, i)
	}
	return b.String()
}

func TestRunProgressDryRunAndPersonalData(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		var seen []int
		res, err := ingest.Run(ctx, s, reader(t, ingest.FormatCSV, csvRows(25)), ingest.RunOptions{
			BatchSize: 10, DryRun: true, Progress: func(n int) { seen = append(seen, n) },
		})
		if err != nil || res.Inserted != 25 || res.Stored || res.Unassigned != 25 {
			t.Fatalf("dry run: %+v, %v", res, err)
		}
		if fmt.Sprint(seen) != "[10 20 25]" {
			t.Errorf("progress calls %v, want [10 20 25]", seen)
		}
		if n, _ := s.CountDossiers(ctx); n != 0 {
			t.Errorf("dry run stored %d dossiers", n)
		}
		// A JSON type error on the applicant's name is reported without its value.
		res, err = ingest.Run(ctx, s, reader(t, ingest.FormatNDJSON,
			`{"ma_ho_so":"H1","ngay_tiep_nhan":"02/03/2026","ngay_hen_tra":"16/03/2026","trang_thai":2,"chu_ho_so":{"ten":"Lê Văn Riêng"}}`+"\n"), ingest.RunOptions{})
		if err != nil || res.Rejected != 1 || len(res.Errors) != 1 || res.Errors[0].Field != "chu_ho_so" || strings.Contains(res.Errors[0].Error(), "Riêng") {
			t.Errorf("applicant error: %+v, %v", res.Errors, err)
		}
	})
}

func TestRunReadError(t *testing.T) {
	s := storetest.OpenSQLite(t)
	res, err := ingest.Run(context.Background(), s, reader(t, ingest.FormatJSON,
		`[{"ma_ho_so":"H1","ngay_tiep_nhan":"02/03/2026","ngay_hen_tra":"16/03/2026","trang_thai":2}, {"ma_ho_so": `), ingest.RunOptions{})
	var re *ingest.ReadError
	if !errors.As(err, &re) || res.Inserted != 1 || !res.Stored {
		t.Errorf("truncated JSON: %+v, %v; want a ReadError with the first row stored", res, err)
	}
}

// The store's import session is an ingest.Sink, and the store begins them.
var (
	_ ingest.Sink[*store.DossierBatch] = (*store.Import)(nil)
	_ ingest.Sessions[*store.Import]   = (*store.Store)(nil)
)

// A vendor's step export: steps named by their text, some without a step
// deadline. Imported twice, the second time changes nothing; a step without
// a deadline answers to its dossier's.
func TestRunVendorSteps(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		if _, err := ingest.Run(ctx, s, reader(t, ingest.FormatCSV, csvRows(2)), ingest.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		body := "Mã hồ sơ,Bước,Cán bộ xử lý,Ngày bắt đầu,Hạn xử lý bước,Ngày kết thúc\n" +
			"H0001,Tiếp nhận hồ sơ,cv.a,02/03/2026 08:00,,02/03/2026 09:00\n" +
			"H0001,Thẩm định,cv.b,02/03/2026 09:00,05/03/2026,\n" +
			"H0002,1,cv.a,02/03/2026 08:00,,\n"
		for i, want := range []ingest.Summary{{Inserted: 3, NoDeadline: 2}, {Unchanged: 3, NoDeadline: 2}} {
			r, err := ingest.NewReader(strings.NewReader(body), ingest.FormatCSV, ingest.Options{Kind: ingest.KindSteps, Location: models.UTC7, Name: "buoc.csv"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := ingest.Run(ctx, s, r, ingest.RunOptions{})
			r.Close()
			if err != nil || res.Summary != want {
				t.Fatalf("import #%d: %+v, %v; want %+v", i+1, res.Summary, err, want)
			}
			if !strings.Contains(res.Summary.String(), "steps without a deadline 2") {
				t.Errorf("summary %q does not say how many steps had no deadline", res.Summary)
			}
		}
		steps, err := s.Steps(ctx, "H0001")
		if err != nil || len(steps) != 2 {
			t.Fatalf("steps %+v, %v", steps, err)
		}
		if steps[0].Seq != 1 || steps[0].Name != "Tiếp nhận hồ sơ" || !steps[0].DueAt.IsZero() ||
			steps[1].Seq != 2 || steps[1].Name != "Thẩm định" || steps[1].DueAt.IsZero() {
			t.Errorf("steps %+v", steps)
		}
	})
}

// The procedures list: time limit, its unit and the procedure's own
// cut-off (gio_cat), stored and read back on both databases.
func TestRunProcedures(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		body := "Mã TTHC,Tên thủ tục,Thời hạn giải quyết,Đơn vị thời hạn,Giờ cắt\n" +
			"1.001,Chứng thực bản sao,0,ngày làm việc,16h30\n" +
			"1.002,Cấp phép,8,giờ làm việc,\n" +
			"1.003,Đăng ký,15,ngày,11:00\n" +
			"1.004,Sai,x,tuần,25:00\n"
		r, err := ingest.NewReader(strings.NewReader(body), ingest.FormatCSV, ingest.Options{Kind: ingest.KindProcedures, Location: models.UTC7, Name: "tthc.csv"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ingest.Run(ctx, s, r, ingest.RunOptions{})
		r.Close()
		if err != nil || res.Inserted != 3 || res.Rejected != 1 || len(res.Errors) != 3 {
			t.Fatalf("%+v %v %v", res.Summary, res.Errors, err)
		}
		got, err := s.Procedures(ctx)
		if err != nil || len(got) != 3 {
			t.Fatalf("%+v %v", got, err)
		}
		want := []models.Procedure{
			{Code: "1.001", Name: "Chứng thực bản sao", LimitDays: 0, LimitUnit: models.UnitWorkingDays, CutoffMinute: 16*60 + 30, HasCutoff: true},
			{Code: "1.002", Name: "Cấp phép", LimitDays: 8, LimitUnit: models.UnitWorkingHours},
			{Code: "1.003", Name: "Đăng ký", LimitDays: 15, LimitUnit: models.UnitCalendarDays, CutoffMinute: 11 * 60, HasCutoff: true},
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("procedure %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		// The procedure's cut-off decides a same-day dossier received at 16:00.
		cal := models.NewVietnamCalendar(models.UTC7, 15, 0)
		rec := time.Date(2026, 3, 2, 16, 0, 0, 0, models.UTC7)
		if due := got[0].DueDate(cal, rec); !due.Equal(models.NewDate(2026, 3, 2).End(models.UTC7)) {
			t.Errorf("16:30 cut-off: due %v", due)
		}
		if p, err := s.Procedure(ctx, "1.002"); err != nil || p.Limit() != (models.TimeLimit{N: 8, Unit: models.UnitWorkingHours}) {
			t.Errorf("Procedure: %+v %v", p, err)
		}
	})
}

func TestReadPortalProgress(t *testing.T) {
	in := `{"data":{"parent":{"id":"P0","name":"Tỉnh","totalReceived":10,"totalOnTime":9,"totalOverdue":1,"ratio":90,"score":18,"maxScore":20},
"children":[{"departmentId":123,"departmentName":"Sở A","totalReceived":5,"totalOnTime":null,"score":null}]}}`
	ps, err := ingest.ReadPortalProgress(strings.NewReader(in), "p.json", "2026-03")
	if err != nil || len(ps) != 2 {
		t.Fatalf("%+v %v", ps, err)
	}
	if !ps[0].Parent || ps[0].PortalID != "P0" || *ps[0].OnTime != 9 || *ps[0].Score != 18 {
		t.Errorf("parent %+v", ps[0])
	}
	if c := ps[1]; c.PortalID != "123" || c.Name != "Sở A" || *c.Received != 5 || c.OnTime != nil || c.Score != nil || c.Overdue != nil {
		t.Errorf("child %+v (null must stay nil, not 0)", c)
	}
	for _, bad := range []string{`{}`, `{"data":{}}`, `[1,2]`, `{"data":{"children":[{"name":"x"}]}}`,
		`{"data":{"children":[{"id":"a","totalReceived":1.5}]}}`, `{"data":{"children":[{"id":"a"},{"id":"a"}]}}`} {
		if _, err := ingest.ReadPortalProgress(strings.NewReader(bad), "p.json", "2026-03"); err == nil || !strings.HasPrefix(err.Error(), "p.json: ") {
			t.Errorf("%s: %v", bad, err)
		} else if msg := err.Error(); !strings.Contains(msg, "Cổng Dịch vụ công") && !strings.Contains(msg, "mã đơn vị") &&
			!strings.Contains(msg, "số hồ sơ") {
			t.Errorf("%s: %q is not in Vietnamese (the secretariat reads it)", bad, msg)
		}
	}
}
