package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

const (
	testUnits    = "ma_don_vi,ten_don_vi\nU1,Xã Một\nU2,Xã Hai\n"
	testOfficers = "ma_can_bo,ho_ten,ma_don_vi\ncv.a,Nguyễn Văn A,U1\ncv.b,Trần Thị B,U2\n"
	dossierHead  = "ma_ho_so,ma_don_vi,ma_can_bo,ngay_tiep_nhan,ngay_hen_tra,trang_thai,chu_ho_so\n"
)

// dossierLines returns n good dossier rows H0001… handled by cv.a in U1.
func dossierLines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "H%04d,U1,cv.a,02/03/2026 08:00,16/03/2026,Đang xử lý,Lê Văn %d\n", i, i)
	}
	return b.String()
}

// importEnv is a migrated database with units and officers imported:
// SQLite, and Postgres too when DONDOC_TEST_DATABASE_URL is set.
type importEnv struct {
	t   *testing.T
	dir string
	env map[string]string
}

func forEachDB(t *testing.T, fn func(t *testing.T, e *importEnv)) {
	urls := map[string]string{"sqlite": "sqlite://" + filepath.Join(t.TempDir(), "dondoc.db")}
	if u := os.Getenv(storetest.EnvURL); u != "" {
		urls["postgres"] = storetest.CreateDatabase(t, u)
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			e := &importEnv{t: t, dir: t.TempDir()}
			e.env = map[string]string{"DATABASE_URL": u, "DONDOC_ENV_FILE": filepath.Join(e.dir, "none.env")}
			if code, _, errs := runWith(t, e.env, "migrate"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errs)
			}
			e.mustImport("units", "units.csv", testUnits)
			e.mustImport("officers", "officers.csv", testOfficers)
			fn(t, e)
		})
	}
}

func (e *importEnv) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *importEnv) run(args ...string) (int, string, string) {
	e.t.Helper()
	return runWith(e.t, e.env, args...)
}

func (e *importEnv) mustImport(kind, name, content string) string {
	e.t.Helper()
	code, out, errs := e.run("import", kind, e.file(name, content))
	if code != 0 {
		e.t.Fatalf("import %s: exit %d\nstdout %s\nstderr %s", kind, code, out, errs)
	}
	return out
}

func (e *importEnv) store() *store.Store {
	e.t.Helper()
	s, err := store.Open(context.Background(), e.env["DATABASE_URL"], nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	return s
}

func (e *importEnv) countDossiers() int64 {
	e.t.Helper()
	n, err := e.store().CountDossiers(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestImportExitStatus(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		good := e.file("good.csv", dossierHead+dossierLines(3))
		bad := e.file("bad.csv", dossierHead+dossierLines(2)+"H9999,U1,cv.a,31/02/2026,16/03/2026,Đang xử lý,\n")
		noCol := e.file("nocol.csv", "ma_ho_so,ngay_tiep_nhan\nH1,02/03/2026\n")
		cases := []struct {
			name string
			args []string
			want int
			out  string
		}{
			{"all accepted", []string{"import", "dossiers", good}, 0, "inserted 3, updated 0, unchanged 0, rejected 0\n"},
			{"some rejected", []string{"import", "dossiers", bad}, 3, "inserted 0, updated 0, unchanged 2, rejected 1\n"},
			{"missing column", []string{"import", "dossiers", noCol}, 1, ""},
			{"missing file", []string{"import", "dossiers", filepath.Join(e.dir, "absent.csv")}, 1, ""},
			{"xls", []string{"import", "dossiers", e.file("old.xls", "x")}, 1, ""},
			{"no arguments", []string{"import"}, 2, ""},
			{"unknown kind", []string{"import", "people", good}, 2, ""},
			{"unknown flag", []string{"import", "dossiers", good, "--fast"}, 2, ""},
			{"sheet on csv", []string{"import", "dossiers", good, "--sheet", "A"}, 2, ""},
		}
		for _, c := range cases {
			code, out, errs := e.run(c.args...)
			if code != c.want || (c.out != "" && out != c.out) {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q", c.name, code, out, errs, c.want, c.out)
			}
		}
		if _, _, errs := e.run("import", "dossiers", noCol); !strings.Contains(errs, "ngay_hen_tra") {
			t.Errorf("missing column: stderr %q does not name the column", errs)
		}
		if _, _, errs := e.run("import", "dossiers", bad); !strings.Contains(errs, `bad.csv:4: cột "ngay_tiep_nhan": "31/02/2026" không phải là ngày`) {
			t.Errorf("rejected row: stderr %q does not say where and why", errs)
		}
	})
}

func TestImportIdempotentAndUpdates(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		content := dossierHead + dossierLines(5)
		if out := e.mustImport("dossiers", "d.csv", content); out != "inserted 5, updated 0, unchanged 0, rejected 0\n" {
			t.Fatalf("first import: %q", out)
		}
		if out := e.mustImport("dossiers", "d.csv", content); out != "inserted 0, updated 0, unchanged 5, rejected 0\n" {
			t.Fatalf("same file again: %q", out)
		}
		changed := strings.Replace(content, "H0003,U1,cv.a,02/03/2026 08:00,16/03/2026,Đang xử lý", "H0003,U1,cv.a,02/03/2026 08:00,20/03/2026,Đang xử lý", 1)
		changed += "H0006,U1,cv.a,02/03/2026 08:00,16/03/2026,Đang xử lý,\n"
		if out := e.mustImport("dossiers", "d2.csv", changed); out != "inserted 1, updated 1, unchanged 4, rejected 0\n" {
			t.Fatalf("changed row: %q", out)
		}
		d, err := e.store().Dossier(context.Background(), "H0003")
		if err != nil || d.DueAt.Day() != 20 {
			t.Fatalf("H0003 after update: %v, %v", d.DueAt, err)
		}
	})
}

func TestImportAtomicAndDryRun(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		bad := e.file("bad.csv", dossierHead+dossierLines(4)+"H9999,U1,cv.a,02/03/2026,16/03/2026,không rõ,\n")
		code, out, _ := e.run("import", "dossiers", bad, "--atomic")
		if code != exitFailure || out != "inserted 4, updated 0, unchanged 0, rejected 1\n" {
			t.Errorf("--atomic with a bad row: exit %d, %q", code, out)
		}
		if n := e.countDossiers(); n != 0 {
			t.Errorf("--atomic stored %d dossiers, want 0", n)
		}
		code, out, _ = e.run("import", "--dry-run", "dossiers", bad)
		if code != exitRejected || out != "dry run (nothing stored): inserted 4, updated 0, unchanged 0, rejected 1\n" {
			t.Errorf("--dry-run: exit %d, %q", code, out)
		}
		good := e.file("good.csv", dossierHead+dossierLines(4))
		if code, _, _ := e.run("import", "dossiers", good, "--dry-run"); code != 0 {
			t.Errorf("--dry-run of a good file: exit %d", code)
		}
		if n := e.countDossiers(); n != 0 {
			t.Errorf("--dry-run stored %d dossiers, want 0", n)
		}
		if code, out, _ := e.run("import", "dossiers", good, "--atomic"); code != 0 || out != "inserted 4, updated 0, unchanged 0, rejected 0\n" {
			t.Errorf("--atomic of a good file: exit %d, %q", code, out)
		}
		if n := e.countDossiers(); n != 4 {
			t.Errorf("--atomic of a good file stored %d dossiers, want 4", n)
		}
	})
}

func TestImportErrorsFile(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		var b strings.Builder
		b.WriteString(dossierHead + dossierLines(2))
		for i := 0; i < 60; i++ {
			fmt.Fprintf(&b, "X%02d,U1,cv.a,hôm qua,16/03/2026,Đang xử lý,Bí Mật\n", i)
		}
		path := e.file("many.csv", b.String())
		errPath := filepath.Join(e.dir, "errors.csv")
		code, out, errs := e.run("import", "dossiers", path, "--errors", errPath)
		if code != exitRejected || out != "inserted 2, updated 0, unchanged 0, rejected 60\n" {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
		if got := strings.Count(errs, "không phải là ngày"); got != 50 {
			t.Errorf("stderr lists %d errors, want the first 50", got)
		}
		if !strings.Contains(errs, "… và 10 lỗi khác (tổng cộng 60 lỗi)") {
			t.Errorf("stderr lacks the total: %q", errs)
		}
		f, err := os.ReadFile(errPath)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(f), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 61 || recs[1][1] != "4" || recs[1][4] != "hôm qua" {
			t.Errorf("errors file: %d records, first %v; want header + 60, line 4 first", len(recs), recs[min(1, len(recs)-1)])
		}
		if n := e.countDossiers(); n != 2 {
			t.Errorf("good rows stored: %d, want 2", n)
		}
	})
}

func TestImportUnassigned(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		content := dossierHead + dossierLines(2) +
			"H0100,U1,cv.moi,02/03/2026,16/03/2026,Đang xử lý,Phạm Thị Riêng Tư\n" +
			"H0101,U9,cv.a,02/03/2026,16/03/2026,Đang xử lý,\n"
		code, out, errs := e.run("import", "dossiers", e.file("d.csv", content))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.HasPrefix(out, "inserted 4, updated 0, unchanged 0, rejected 0, warnings 2\n2 hồ sơ chưa phân công") {
			t.Errorf("stdout %q", out)
		}
		if !strings.Contains(errs, `"cv.moi" is not known`) || !strings.Contains(errs, `unit "U9" is not known`) {
			t.Errorf("warnings do not say why: %q", errs)
		}
		code, out, _ = e.run("unassigned")
		if code != 0 || !strings.Contains(out, "2 hồ sơ chưa phân công") || !strings.Contains(out, "H0100") || !strings.Contains(out, "H0101") || strings.Contains(out, "H0001") {
			t.Errorf("dondoc unassigned: exit %d\n%s", code, out)
		}
		if strings.Contains(out, "Riêng Tư") {
			t.Errorf("dondoc unassigned shows the applicant's name:\n%s", out)
		}
		// The officer arrives: the dossier is assigned again.
		out = e.mustImport("officers", "o2.csv", testOfficers+"cv.moi,Hồ Văn Mới,U1\n")
		if !strings.Contains(out, "inserted 1, updated 0, unchanged 2, rejected 0") || !strings.Contains(out, "1 hồ sơ được cập nhật") {
			t.Errorf("officers import: %q", out)
		}
		if _, out, _ := e.run("unassigned"); !strings.Contains(out, "1 hồ sơ chưa phân công") || strings.Contains(out, "H0100") {
			t.Errorf("after the officer's import:\n%s", out)
		}
	})
}

func TestImportStepsNeedTheirDossier(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		e.mustImport("dossiers", "d.csv", dossierHead+dossierLines(1))
		steps := "ma_ho_so,buoc,ma_can_bo,han_xu_ly\nH0001,1,cv.a,05/03/2026\nH0001,2,cv.b,10/03/2026\nNOPE,1,cv.a,05/03/2026\n"
		code, out, errs := e.run("import", "steps", e.file("s.csv", steps))
		if code != exitRejected || out != "inserted 2, updated 0, unchanged 0, rejected 1\n" || !strings.Contains(errs, "s.csv:4") || !strings.Contains(errs, "không có trong danh sách hồ sơ") {
			t.Errorf("steps: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		code, out, _ = e.run("import", "steps", e.file("s2.csv", "ma_ho_so,buoc,ma_can_bo,han_xu_ly\nH0001,1,cv.a,05/03/2026\nH0001,2,cv.a,10/03/2026\n"))
		if code != 0 || out != "inserted 0, updated 1, unchanged 1, rejected 0\n" {
			t.Errorf("steps again: exit %d, %q", code, out)
		}
		hol := "ngay,loai,ten\n01/01/2027,nghỉ,Tết Dương lịch\n"
		for i, want := range []string{"inserted 1, updated 0, unchanged 0, rejected 0\n", "inserted 0, updated 0, unchanged 1, rejected 0\n"} {
			if code, out, errs := e.run("import", "holidays", e.file("h.csv", hol)); code != 0 || out != want {
				t.Errorf("holidays #%d: exit %d, %q, %s", i+1, code, out, errs)
			}
		}
	})
}

func TestImportXLSXSheet(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "Tổng hợp")
		_ = f.SetSheetRow("Tổng hợp", "A1", &[]any{"Báo cáo"})
		if _, err := f.NewSheet("Hồ sơ"); err != nil {
			t.Fatal(err)
		}
		_ = f.SetSheetRow("Hồ sơ", "A1", &[]any{"Mã hồ sơ", "Mã đơn vị", "Cán bộ xử lý", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái"})
		_ = f.SetSheetRow("Hồ sơ", "A2", &[]any{"X1", "U1", "cv.a", "02/03/2026", "16/03/2026", "Đang xử lý"})
		_ = f.SetSheetRow("Hồ sơ", "A3", &[]any{"X2", "U2", "cv.b", "03/03/2026", "17/03/2026", 2})
		path := filepath.Join(e.dir, "export.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := e.run("import", "dossiers", path); code != exitFailure || !strings.Contains(errs, "header") {
			t.Errorf("first sheet (no dossiers): exit %d, %q", code, errs)
		}
		code, out, errs := e.run("import", "dossiers", path, "--sheet", "Hồ sơ")
		if code != 0 || out != "inserted 2, updated 0, unchanged 0, rejected 0\n" {
			t.Errorf("--sheet: exit %d, %q, %q", code, out, errs)
		}
	})
}

func TestImportStopsOnDamagedFile(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		// Bytes that are not UTF-8 past the first 64 KB (the part checked
		// at opening) stop the reading; the rows before are kept (without
		// --atomic).
		damaged := dossierHead + dossierLines(1200) + "H9999,U1,cv.a,02/03/2026,16/03/2026,Đang xử lý,L\xea V\xe3n\n"
		path := e.file("damaged.csv", damaged)
		code, out, errs := e.run("import", "dossiers", path, "--batch", "500", "--atomic")
		if code != exitFailure || e.countDossiers() != 0 {
			t.Errorf("--atomic: exit %d, %d dossiers stored, stdout %q, stderr %q", code, e.countDossiers(), out, errs)
		}
		code, out, errs = e.run("import", "dossiers", path, "--batch", "500")
		if code != exitRejected || !strings.Contains(errs, "damaged.csv:1202") || e.countDossiers() != 1200 {
			t.Errorf("exit %d, %d dossiers stored, stdout %q, stderr %q; want 3 and the rows before kept", code, e.countDossiers(), out, errs)
		}
	})
}
