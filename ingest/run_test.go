package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

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
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
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
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
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
