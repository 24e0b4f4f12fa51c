package sample

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

func writeDistrict(t *testing.T, dir string) Files {
	t.Helper()
	files, err := WriteExports(dir, Config{Seed: DistrictSeed, Now: testNow, Calendar: testCal})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("%s: no UTF-8 BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestWriteExportsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	fa, fb := writeDistrict(t, a), writeDistrict(t, b)
	for i, f := range fa.All() {
		ha, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		hb, err := os.ReadFile(fb.All()[i].Path)
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(ha) != sha256.Sum256(hb) {
			t.Errorf("%s differs between two runs with the same seed", f.Name)
		}
		if f.Bytes != int64(len(ha)) {
			t.Errorf("%s: reported %d bytes, file has %d", f.Name, f.Bytes, len(ha))
		}
	}
	if entries, _ := os.ReadDir(a); len(entries) != 4 {
		t.Errorf("%d entries in the export directory, want the 4 files and no leftovers", len(entries))
	}
}

func TestWriteExportsContent(t *testing.T) {
	dir := t.TempDir()
	files := writeDistrict(t, dir)
	want := map[string][]string{UnitsFile: UnitHeader, OfficersFile: OfficerHeader, DossiersFile: DossierHeader, StepsFile: StepHeader}
	d := district(t)
	counts := map[string]int{UnitsFile: len(d.Units), OfficersFile: len(d.Officers), DossiersFile: len(d.Dossiers), StepsFile: len(d.Steps)}
	rows := map[string][][]string{}
	for _, f := range files.All() {
		if f.Path != filepath.Join(dir, f.Name) {
			t.Errorf("file %s at %s", f.Name, f.Path)
		}
		r := readCSV(t, f.Path)
		if !reflect.DeepEqual(r[0], want[f.Name]) {
			t.Errorf("%s header %q, want %q", f.Name, r[0], want[f.Name])
		}
		if len(r)-1 != f.Rows || f.Rows != counts[f.Name] {
			t.Errorf("%s: %d rows in file, %d reported, %d generated", f.Name, len(r)-1, f.Rows, counts[f.Name])
		}
		rows[f.Name] = r[1:]
	}
	if got := []string{"Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Mã đơn vị", "Cán bộ xử lý", "Ngày tiếp nhận",
		"Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày cập nhật trên hệ thống", "Ngày trả kết quả", "Trạng thái",
		"Kênh thực hiện", "Số lần bổ sung", "Ngày yêu cầu bổ sung", "Ngày hoàn thành bổ sung", "Chủ hồ sơ"}; !reflect.DeepEqual(got, DossierHeader) {
		t.Errorf("DossierHeader is %q", DossierHeader)
	}
	// Every dossier row reads back to the generated dossier.
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		tm, err := time.ParseInLocation(DateTimeLayout, s, testLoc)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return tm
	}
	same := func(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }
	for i, r := range rows[DossiersFile] {
		x := &d.Dossiers[i]
		st, err := models.ParseStatus(r[11])
		if err != nil || st != x.Status {
			t.Fatalf("row %d: status %q (%v), want %v", i+2, r[11], err, x.Status)
		}
		n, _ := strconv.Atoi(r[13])
		if r[0] != x.Code || r[4] != x.UnitCode || r[5] != x.HandlerCode || n != x.SupplementRequests() || r[16] != x.ApplicantName {
			t.Fatalf("row %d: %q does not match %+v", i+2, r, x)
		}
		if !same(parse(r[6]), x.ReceivedAt) || !same(parse(r[7]), x.DueAt) || !same(parse(r[8]), x.FinishedAt) ||
			!same(parse(r[9]), x.SystemFinishedAt) || !same(parse(r[10]), x.ReturnedAt) {
			t.Fatalf("row %d: dates %q do not match %+v", i+2, r[6:11], x)
		}
		if r[7][11:] != "23:59:59" {
			t.Fatalf("row %d: due %q is not the end of a day", i+2, r[7])
		}
		if r[12] != x.Channel.Label() {
			t.Fatalf("row %d: channel %q", i+2, r[12])
		}
	}
	for i, r := range rows[OfficersFile] {
		if role, err := models.ParseRole(r[4]); err != nil || role != d.Officers[i].Role {
			t.Errorf("officer row %d: role %q (%v)", i+2, r[4], err)
		}
	}
	for i, r := range rows[UnitsFile] {
		if u := d.Units[i]; r[4] != u.ValidFrom.VN() || r[5] != u.ValidTo.VN() || r[6] != u.SuccessorCode {
			t.Errorf("unit row %d: %q", i+2, r)
		}
	}
}

func TestWriteExportsBadConfig(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteExports(dir, Config{}); err == nil {
		t.Fatal("no error without Now")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed export left %d files", len(entries))
	}
}

// BenchmarkWriteExports writes a province of 200 000 dossiers per
// iteration; run it with -benchtime=1x.
func BenchmarkWriteExports(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	cfg := Config{Seed: 1, Now: testNow, Calendar: testCal, Dossiers: n, Officers: 20_000, Months: 12}
	start := time.Now()
	for b.Loop() {
		if _, err := WriteExports(dir, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "dossiers/s")
}
