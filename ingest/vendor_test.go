package ingest

import (
	"strings"
	"testing"

	"github.com/dondoc/dondoc/models"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// cp1258 encodes s as Windows tools write Windows-1258: a letter the code
// page holds whole (ê, ơ, à…) as one byte, else its base (as composed as the
// code page allows) followed by the combining tone mark.
func cp1258(t *testing.T, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, err := enc.Bytes([]byte(string(r))); err == nil {
			out = append(out, b...)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		done := false
		for k := 1; k < len(d) && !done; k++ { // d[k]: the tone mark written apart
			rest := append(append([]rune{}, d[:k]...), d[k+1:]...)
			b1, err1 := enc.Bytes([]byte(norm.NFC.String(string(rest))))
			b2, err2 := enc.Bytes([]byte(string(d[k])))
			if err1 == nil && err2 == nil {
				out = append(append(out, b1...), b2...)
				done = true
			}
		}
		if !done {
			t.Fatalf("cannot write %q in Windows-1258", r)
		}
	}
	if back, _ := charmap.Windows1258.NewDecoder().Bytes(out); norm.NFC.String(string(back)) != norm.NFC.String(s) {
		t.Fatalf("the Windows-1258 sample does not round-trip: %q", back)
	}
	return out
}

func TestGuessLegacyEncoding(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		// As Excel saves "CSV (Comma delimited)" on a Vietnamese Windows:
		// ô + combining grave, â + dot below… (reported as TCVN3 before).
		{"excel header", cp1258(t, "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái,Chủ hồ sơ\n"), EncWindows1258},
		{"names", cp1258(t, "Nguyễn Thị Hường,Trần Đức Thắng,Phạm Quốc Việt,Lê Thị Ngọc Ánh\n"), EncWindows1258},
		{"bare base letters", []byte("\xd0a\xde tra\xd2 k\xea\xect qua\xd2"), EncWindows1258},
		{"tcvn3", []byte("M\xb8 h\xe5 s\xa1,Ng\xb5y ti\xd5p nh\xb8n\nH1,x\n"), EncTCVN3},
		{"vni", []byte("Nga\xf8y he\xefn tra\xfb,Ma\xf5 ho\xe0 s\xf4\nH1,x\n"), EncVNI},
		{"latin-1 german", []byte("Stra\xdfe, M\xfcller, \xc4rger\n"), EncUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := GuessLegacyEncoding(c.in)
			if c.want == EncUnknown {
				if got == EncWindows1258 {
					t.Errorf("German Latin-1 taken for Windows-1258")
				}
				return
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestWindows1258FileNamed(t *testing.T) {
	body := cp1258(t, "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\nH1,01/03/2026,05/03/2026,Đã trả kết quả\n")
	_, err := NewReader(strings.NewReader(string(body)), FormatCSV, Options{Kind: KindDossiers, Location: ict, Name: "hs.csv"})
	if err == nil || !strings.Contains(err.Error(), "likely in Windows-1258") {
		t.Fatalf("got %v, want the file named as Windows-1258", err)
	}
}

func TestStepsAsVendorsWriteThem(t *testing.T) {
	in := "Mã hồ sơ,Bước,Cán bộ xử lý,Ngày bắt đầu,Hạn xử lý bước,Ngày kết thúc\n" +
		"H1,Tiếp nhận hồ sơ,cv.a,02/03/2026 08:00,,02/03/2026 09:00\n" +
		"H2,1,cv.b,02/03/2026 08:00,03/03/2026,\n" +
		"H1,Thẩm định,cv.b,02/03/2026 09:00,05/03/2026,\n" +
		"H1,Phê duyệt,cv.c,,,\n" +
		"H2,Trả kết quả,cv.a,,,\n" +
		"H3,0,cv.a,,,\n" +
		"H3,-2,cv.a,,,\n" +
		"H3,,cv.a,,,\n"
	type want struct {
		seq   int
		name  string
		noDue bool
		err   string
	}
	wants := []want{
		{seq: 1, name: "Tiếp nhận hồ sơ", noDue: true},
		{seq: 1},
		{seq: 2, name: "Thẩm định"},
		{seq: 3, name: "Phê duyệt", noDue: true},
		{seq: 2, name: "Trả kết quả", noDue: true}, // after H2's step 1
		{err: "is not a positive step number"},
		{err: "is not a positive step number"},
		{err: "must be a positive step number"},
	}
	r, err := openString(t, in, FormatCSV, KindSteps)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, err := readAll(t, r)
	if err != nil || len(rows) != len(wants) {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for i, w := range wants {
		row := rows[i]
		if w.err != "" {
			if row.OK() || !strings.Contains(row.Errors[0].Reason, w.err) {
				t.Errorf("row %d: errors %v, want %q", i+2, row.Errors, w.err)
			}
			continue
		}
		if !row.OK() {
			t.Errorf("row %d rejected: %v", i+2, row.Errors)
			continue
		}
		st := row.Record.(*models.Step)
		if st.Seq != w.seq || (w.name != "" && st.Name != w.name) || st.DueAt.IsZero() != w.noDue {
			t.Errorf("row %d: seq %d name %q due %v, want %+v", i+2, st.Seq, st.Name, st.DueAt, w)
		}
	}
}

func TestRowErrorsInVietnamese(t *testing.T) {
	cases := map[string]string{
		"is not a date": "không phải là ngày (dd/MM/yyyy, dd/MM/yyyy HH:mm hoặc YYYY-MM-DD)",
		"is required":   "còn trống (bắt buộc)",
		"is required for a finished dossier (status Đã trả kết quả)": "bắt buộc với hồ sơ đã có kết quả (trạng thái Đã trả kết quả)",
		"is not a known officer (import the officers file first)":    "không có trong danh sách cán bộ (nhập tệp cán bộ trước)",
		"is not a whole number of days or hours":                     "không phải số ngày hoặc số giờ (số nguyên)",
		"something new":                                              "something new",
	}
	for en, vi := range cases {
		if got := ReasonVN(en); got != vi {
			t.Errorf("ReasonVN(%q) = %q, want %q", en, got, vi)
		}
	}
	e := &RowError{File: "hs.csv", Line: 118, Column: "Ngày hẹn trả", Value: "31/02/2026", Reason: "is not a date"}
	if got := e.Vietnamese(); got != `hs.csv:118: cột "Ngày hẹn trả": "31/02/2026" không phải là ngày (dd/MM/yyyy, dd/MM/yyyy HH:mm hoặc YYYY-MM-DD)` {
		t.Error(got)
	}
	if got := FormatErrors([]*RowError{e, e, e}, 2); !strings.HasSuffix(got, "… và 1 lỗi khác (tổng cộng 3 lỗi)\n") {
		t.Error(got)
	}
}
