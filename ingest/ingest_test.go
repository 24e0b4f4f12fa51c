package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

var ict = time.FixedZone("ICT", 7*3600)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in      string
		want    string // RFC3339 in ICT, "" = error
		hasTime bool
	}{
		{"16/03/2026", "2026-03-16T00:00:00+07:00", false},
		{"6/3/2026", "2026-03-06T00:00:00+07:00", false},
		{"16/03/2026 08:15", "2026-03-16T08:15:00+07:00", true},
		{"16/03/2026 08:15:09", "2026-03-16T08:15:09+07:00", true},
		{" 16-03-2026 ", "2026-03-16T00:00:00+07:00", false},
		{"2026-03-16", "2026-03-16T00:00:00+07:00", false},
		{"2026-03-16T08:15:00", "2026-03-16T08:15:00+07:00", true},
		{"2026-03-16 08:15", "2026-03-16T08:15:00+07:00", true},
		{"2026-03-16T01:15:00Z", "2026-03-16T08:15:00+07:00", true},
		{"2026-03-16T08:15:00.5+07:00", "2026-03-16T08:15:00+07:00", true},
		{"46097", "2026-03-16T00:00:00+07:00", false},
		{"46097.34375", "2026-03-16T08:15:00+07:00", true},
		{"31/02/2026", "", false},
		{"29/02/2025", "", false},
		{"29/02/2024", "2024-02-29T00:00:00+07:00", false},
		{"16/03/26", "", false},
		{"16/13/2026", "", false},
		{"16/03/2026 24:00", "", false},
		{"16/03/2026 8", "", false},
		{"2026", "", false},
		{"hôm qua", "", false},
		{"", "", false},
		{"1e5", "", false},
	}
	for _, c := range cases {
		got, hasTime, err := ParseDate(c.in, ict)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if s := got.In(ict).Truncate(time.Second).Format(time.RFC3339); s != c.want || hasTime != c.hasTime {
			t.Errorf("ParseDate(%q) = %s, %v; want %s, %v", c.in, s, hasTime, c.want, c.hasTime)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "3": 3, "1.234": 1234, "1,234": 1234, "12.345.678": 12345678, "2.0": 2} {
		if got, ok := parseCount(in); !ok || got != want {
			t.Errorf("parseCount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"x", "-1", "1.5", "1.23", "12.34.567", "1.2345"} {
		if got, ok := parseCount(in); ok {
			t.Errorf("parseCount(%q) = %d, want an error", in, got)
		}
	}
}

func TestMatchHeader(t *testing.T) {
	cases := []struct {
		kind   Kind
		header string
		want   string
	}{
		{KindDossiers, "Mã hồ sơ", "ma_ho_so"},
		{KindDossiers, norm.NFD.String("SỐ HỒ SƠ"), "ma_ho_so"},
		{KindDossiers, "  ngay hen tra ", "ngay_hen_tra"},
		{KindDossiers, "Hạn xử lý", "ngay_hen_tra"},
		{KindDossiers, "NGAY_HEN_TRA", "ngay_hen_tra"},
		{KindDossiers, "Cơ quan giải quyết", "ma_don_vi"},
		{KindDossiers, "Ngày hẹn trả ban đầu", "ngay_hen_tra_ban_dau"},
		{KindDossiers, "NGAY GIA HAN", "ngay_gia_han"},
		{KindDossiers, "Số lần gia hạn", "so_lan_gia_han"},
		{KindSteps, "Hạn xử lý", "han_xu_ly"},
		{KindSteps, "Hạn xử lý bước", "han_xu_ly"},
		{KindHolidays, "Loại", "loai"},
		{KindDossiers, "Ghi chú", ""},
	}
	for _, c := range cases {
		f, ok := MatchHeader(c.kind, c.header)
		if f.Name != c.want || ok != (c.want != "") {
			t.Errorf("MatchHeader(%s, %q) = %q, %v; want %q", c.kind, c.header, f.Name, ok, c.want)
		}
	}
}

// No two fields of a kind may accept the same header.
func TestAliasesUnambiguous(t *testing.T) {
	for k, fs := range kindFields {
		seen := map[string]string{}
		for _, f := range fs {
			for _, a := range f.Accepted() {
				key := models.Fold(a)
				if other, ok := seen[key]; ok && other != f.Name {
					t.Errorf("%s: %q names both %s and %s", k, a, other, f.Name)
				}
				seen[key] = f.Name
			}
		}
	}
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{"dossiers": KindDossiers, "Hồ sơ": KindDossiers, "don_vi": KindUnits, "holiday": KindHolidays} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseKind("xyz"); err == nil {
		t.Error("ParseKind(xyz): want an error")
	}
}

func TestRowErrorString(t *testing.T) {
	e := &RowError{File: "dossiers.csv", Line: 118, Column: "Ngày hẹn trả", Field: "ngay_hen_tra", Value: "31/02/2026", Reason: "is not a date"}
	if got, want := e.Error(), `dossiers.csv:118: column "Ngày hẹn trả": "31/02/2026" is not a date`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestSummaryString(t *testing.T) {
	if got := (Summary{Inserted: 10, Updated: 2, Rejected: 1}).String(); got != "inserted 10, updated 2, unchanged 0, rejected 1" {
		t.Error(got)
	}
	if got := (Summary{Inserted: 1, Warnings: 3}).String(); got != "inserted 1, updated 0, unchanged 0, rejected 0, warnings 3" {
		t.Error(got)
	}
}

func TestErrorReports(t *testing.T) {
	r, err := Open("testdata/dossiers.csv", Options{Kind: KindDossiers, Location: ict})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var errs []*RowError
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, row.Errors...)
	}
	var buf bytes.Buffer
	if err := WriteErrorsCSV(&buf, errs); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "errors.csv", buf.String())
	checkGolden(t, "errors_max3.txt", FormatErrors(errs, 3))
}

func readAll(t *testing.T, r *Reader) (rows []Row, err error) {
	t.Helper()
	return collectRows(r)
}

// collectRows reads r to the end: the rows read, and the error that
// stopped the reading if any.
func collectRows(r *Reader) (rows []Row, err error) {
	for row, err := range r.Rows() {
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func openString(t *testing.T, s string, format Format, kind Kind) (*Reader, error) {
	t.Helper()
	return NewReader(strings.NewReader(s), format, Options{Kind: kind, Location: ict, Name: "in." + string(format)})
}

func TestMissingRequiredColumn(t *testing.T) {
	_, err := openString(t, "Mã hồ sơ,Ngày tiếp nhận,Trạng thái\nH1,01/03/2026,4\n", FormatCSV, KindDossiers)
	want := `in.csv:1: the header row lacks required columns: ngay_hen_tra (accepted: "Ngày hẹn trả", "Hạn xử lý", "ngay_hen_tra")`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, _ := os.ReadFile("testdata/dossiers.xlsx")
	header := "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n"
	// "Đã trả kết quả" as Windows-1258 writes it: base letters and combining tone marks
	cp1258 := header + "H1,01/03/2026,05/03/2026,\xd0a\xde tra\xd2 k\xea\xect qua\xd2\n"
	if s, err := charmap.Windows1258.NewDecoder().String(cp1258[len(header):]); err != nil || norm.NFC.String(s) != "H1,01/03/2026,05/03/2026,Đã trả kết quả\n" {
		t.Fatalf("the Windows-1258 sample is wrong: %q %v", s, err)
	}
	cases := []struct {
		name string
		data []byte
		want string // in the error
	}{
		{"empty.csv", nil, "the file is empty"},
		{"blank.csv", []byte("\n\n  \n"), "the file is empty"},
		{"header-only.csv", []byte(header), "header row but no data rows"},
		{"truncated.xlsx", good[:len(good)/2], "damaged or truncated"},
		{"image.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "is a PNG image"},
		{"nul.csv", []byte(header + "H1,01/03/2026,05/03/2026,\x004\n"), "NUL bytes"},
		{"cp1258.csv", []byte(cp1258), "not UTF-8; it is likely in Windows-1258"},
		// TCVN3-style bytes (precomposed letters in 0xA1–0xFE)
		{"tcvn3.csv", []byte("M\xb8 h\xe5 s\xa1,Ng\xb5y ti\xd5p nh\xb8n\nH1,x\n"), "likely in TCVN3"},
		// "Ngày hẹn trả" in VNI: Nga\xf8y he\xefn tra\xfb
		{"vni.csv", []byte("Nga\xf8y he\xefn tra\xfb,Ma\xf5 ho\xe0 s\xf4\nH1,x\n"), "likely in VNI"},
		{"report.csv", []byte("BÁO CÁO\nfoo,bar\n1,2\n"), "no header row found"},
		{"old.xls", []byte("x"), "Excel 97-2003"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Open(write(c.name, c.data), Options{Kind: KindDossiers})
			if err == nil {
				_, err = readAll(t, r)
				r.Close()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.name) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// A long cell in an ignored column is read past; one over the cell limit
// (Excel's own, 32,767 characters) refuses the file, naming the limit.
func TestHugeCell(t *testing.T) {
	for _, c := range []struct {
		name string
		cell int
		ok   bool
	}{{"under the limit", 32767, true}, {"over the limit", 10 << 20 / 3, false}} {
		t.Run(c.name, func(t *testing.T) {
			big := strings.Repeat("ệ", c.cell)
			in := "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái,Ghi chú\nH1,01/03/2026,05/03/2026,4,\"" + big + "\"\nH2,01/03/2026,x,4,\n"
			r, err := openString(t, in, FormatCSV, KindDossiers)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := readAll(t, r)
			if c.ok {
				if err != nil || len(rows) != 2 || !rows[0].OK() || rows[1].OK() || rows[1].Line != 3 {
					t.Fatalf("rows %+v, err %v", rows, err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != LimitCell || len(rows) != 0 {
				t.Fatalf("%d rows, err %v; want a LimitError on %s", len(rows), err, LimitCell)
			}
			want := "in.csv:2: từ chối tệp: có ô dài quá 32767 ký tự (giới hạn độ dài ô, đặt bằng INGEST_MAX_CELL_CHARS)"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q\nwant prefix %q", err, want)
			}
		})
	}
}

func TestLegacyLaterInFile(t *testing.T) {
	in := "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n" + strings.Repeat("H1,01/03/2026,05/03/2026,4\n", 5000) + "H2,01/03/2026,05/03/2026,\xd0ang x\xec\xf2 ly\xcc\n"
	r, err := openString(t, in, FormatCSV, KindDossiers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err == nil || !strings.Contains(err.Error(), "in.csv:5002: the file is not UTF-8") || len(rows) != 5000 {
		t.Fatalf("%d rows, err %v", len(rows), err)
	}
}

func TestUTF16(t *testing.T) {
	s := "Mã hồ sơ\tNgày tiếp nhận\tNgày hẹn trả\tTrạng thái\r\nH1\t01/03/2026\t05/03/2026\t4\r\n"
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	r, err := NewReader(bytes.NewReader(b), FormatCSV, Options{Kind: KindDossiers})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err != nil || len(rows) != 1 || !rows[0].OK() {
		t.Fatalf("%+v %v", rows, err)
	}
}

const jsonDossiers = `[
 {"ma_ho_so": "H1", "ngay_tiep_nhan": "01/03/2026 08:00", "ngay_hen_tra": "2026-03-05", "trang_thai": 4, "extra": 1},
 {"ma_ho_so": "H2", "ngay_tiep_nhan": 46082, "ngay_hen_tra": "31/02/2026", "trang_thai": "Chờ", "kenh": true},
 "not an object",
 {"Mã hồ sơ": "H3", "Ngày tiếp nhận": "01/03/2026", "Ngày hẹn trả": "05/03/2026", "Trạng thái": "Đã trả kết quả", "Ngày trả kết quả": "04/03/2026"}
]`

func TestJSON(t *testing.T) {
	r, err := openString(t, jsonDossiers, FormatJSON, KindDossiers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		for _, e := range row.Errors {
			got = append(got, e.Error())
		}
	}
	want := []string{
		`in.json:2: column "kenh": "true" is not a string or a number`,
		`in.json:2: column "ngay_hen_tra": "31/02/2026" is not a date`,
		`in.json:2: column "trang_thai": "Chờ" is not a dossier status (expected a code 1–10 or a name such as Đang xử lý, Đã trả kết quả)`,
		`in.json:3: is not a JSON object`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !rows[0].OK() || !rows[3].OK() || rows[3].Line != 4 {
		t.Errorf("rows: %+v", rows)
	}
	d := rows[0].Record.(*models.Dossier)
	if d.DueAt.In(ict).Format("2006-01-02 15:04:05") != "2026-03-05 23:59:59" || d.Status != models.StatusProcessing {
		t.Errorf("dossier %+v", d)
	}
	if ig := r.Ignored(); len(ig) != 1 || ig[0] != "extra" {
		t.Errorf("ignored %q", ig)
	}
}

func TestNDJSON(t *testing.T) {
	in := `{"ma_can_bo":"a","ho_ten":"Nguyễn A","vai_tro":"lãnh đạo"}

{"ma_can_bo":"b","ho_ten":"B"
{"ma_can_bo":"a","ho_ten":"Nguyễn A2"}
`
	r, err := openString(t, in, FormatNDJSON, KindOfficers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err != nil || len(rows) != 3 {
		t.Fatalf("%+v %v", rows, err)
	}
	if rows[1].Line != 3 || rows[1].OK() || rows[2].Line != 4 || !rows[2].OK() {
		t.Errorf("rows %+v", rows)
	}
	if r.WarningCount() != 1 {
		t.Errorf("warnings %q", r.Warnings())
	}
}

func TestReadBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n")
	for _, code := range []string{"A", "B", "A", "C", "D", "bad", "D", "E", "A", "A"} {
		due := "05/03/2026"
		if code == "bad" {
			due = "x"
		}
		b.WriteString(code + ",01/03/2026," + due + ",4\n")
	}
	r, err := openString(t, b.String(), FormatCSV, KindDossiers)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = ReadBatches(context.Background(), r, 4, func(batch []Row) error {
		var s []string
		for _, row := range batch {
			switch {
			case row.OK() && row.Again:
				s = append(s, row.Key+"*")
			case row.OK():
				s = append(s, row.Key)
			default:
				s = append(s, "!")
			}
		}
		got = append(got, strings.Join(s, ""))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The second A replaces the first inside the first batch; D and A
	// repeat in the second (*: Again, the key came in an earlier batch),
	// and A once more in the third, replacing the one of the second.
	if want := "BACD|!D*EA*|A*"; strings.Join(got, "|") != want {
		t.Errorf("batches %q, want %q", got, want)
	}
	if r.WarningCount() != 4 {
		t.Errorf("warnings %q", r.Warnings())
	}
}

func TestXLSXSheets(t *testing.T) {
	r, err := Open("testdata/units.xlsx", Options{Kind: KindUnits, Sheet: "Báo cáo"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	r.Close()
	if err != nil || len(rows) != 4 || rows[0].Line != 3 {
		t.Fatalf("%d rows (first line %d), %v", len(rows), rows[0].Line, err)
	}
	_, err = Open("testdata/units.xlsx", Options{Kind: KindUnits, Sheet: "Sheet9"})
	if err == nil || err.Error() != `units.xlsx: no sheet named "Sheet9" (sheets: Báo cáo)` {
		t.Errorf("got %v", err)
	}
}

// NewReader copies an XLSX stream to a temporary file and removes it on Close.
func TestXLSXFromStream(t *testing.T) {
	b, err := os.ReadFile("testdata/officers.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(b), FormatXLSX, Options{Kind: KindOfficers, Name: "upload.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := r.src.(cellLimit).source.(*xlsxSource).tmp
	rows, err := readAll(t, r)
	if err != nil || len(rows) != 5 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary copy %s left behind", tmp)
	}
}

func TestExtensionColumns(t *testing.T) {
	csv := "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả ban đầu,Ngày hẹn trả,Ngày gia hạn,Số lần gia hạn,Trạng thái\n" +
		"H1,01/03/2026,10/03/2026,20/03/2026,17/03/2026,2,4\n"
	r, err := openString(t, csv, FormatCSV, KindDossiers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err != nil || len(rows) != 1 || len(rows[0].Errors) != 0 {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	d, ok := rows[0].Record.(*models.Dossier)
	if !ok {
		t.Fatalf("record %T", rows[0].Record)
	}
	end := func(day int) time.Time { return models.NewDate(2026, time.March, day).End(ict).UTC() }
	if !d.OriginalDueAt.Equal(end(10)) || !d.ExtendedDueAt.Equal(end(17)) || !d.DueAt.Equal(end(20)) || d.ExtensionCount != 2 {
		t.Errorf("dossier %+v", d)
	}
	if !d.Extended() || !d.SecondExtension() {
		t.Error("extension not seen")
	}
}
