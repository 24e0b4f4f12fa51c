package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// drain reads everything; it must end with io.EOF or an error, never panic
// or loop, and every row error must name the file and a line.
func drain(t *testing.T, r *Reader) {
	for i := 0; ; i++ {
		row, err := r.Next()
		if err != nil {
			if err != io.EOF && !strings.HasPrefix(err.Error(), r.Name()) {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if row.Line <= 0 {
			t.Fatalf("row without a line: %+v", row)
		}
		if row.OK() == (len(row.Errors) > 0) {
			t.Fatalf("row both valid and rejected: %+v", row)
		}
		for _, e := range row.Errors {
			if e.Line != row.Line {
				t.Fatalf("error line %d in row %d", e.Line, row.Line)
			}
		}
	}
}

func FuzzCSV(f *testing.F) {
	for _, fx := range fixtures {
		if b, err := os.ReadFile(filepath.Join("testdata", fx.file)); err == nil {
			f.Add(b, uint8(0))
		}
	}
	f.Add([]byte("Mã hồ sơ;Ngày tiếp nhận;Ngày hẹn trả;Trạng thái\n\"H1\n\";1/3/2026;46087.5;4\n"), uint8(2))
	f.Add([]byte("\xef\xbb\xbfngay,loai\n01/01/2026,nghỉ\n"), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := Kinds[int(k)%len(Kinds)]
		r, err := NewReader(bytes.NewReader(data), FormatCSV, Options{Kind: kind, Name: "f.csv", Location: time.UTC})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		defer r.Close()
		drain(t, r)
	})
}

// fuzzLimits keep every fuzzed workbook small to read.
var fuzzLimits = Limits{MaxUncompressedBytes: 1 << 20, MaxSharedStringsBytes: 256 << 10, MaxEntries: 64, MaxCellChars: 2000, MaxRows: 500}

// FuzzXLSX reads workbooks: the fixtures, and hostile archives (a bomb, a
// lying size header, too many entries, an endless cell, rows past the
// limit). Whatever the bytes, the reader ends with rows, a row error or a
// refusal naming the file, and a refusal for a limit names its setting.
func FuzzXLSX(f *testing.F) {
	for _, fx := range fixtures {
		p := strings.TrimSuffix(filepath.Join("testdata", fx.file), ".csv") + ".xlsx"
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(0))
		}
	}
	for _, b := range hostileSeeds(f) {
		f.Add(b, uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := Kinds[int(k)%len(Kinds)]
		r, err := NewReader(bytes.NewReader(data), FormatXLSX, Options{Kind: kind, Name: "f.xlsx", Location: time.UTC, Limits: fuzzLimits})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.xlsx") {
				t.Fatalf("error without the file name: %v", err)
			}
			var le *LimitError
			if errors.As(err, &le) && le.Limit != LimitXMLToken && !strings.Contains(err.Error(), string(le.Limit)) {
				t.Fatalf("refusal without its setting: %v", err)
			}
			return
		}
		defer r.Close()
		drain(t, r)
	})
}

// hostileSeeds builds small hostile workbooks (over fuzzLimits).
func hostileSeeds(f *testing.F) [][]byte {
	dir := f.TempDir()
	sheet, sst := okSheet, okSST
	sets := [][]part{
		workbookParts(sheet, sst),
		workbookParts(sheet, part{body: repeat(sstHead+"<si><t>", "A", 4<<20, "</t></si></sst>")}),
		workbookParts(sheet, part{body: repeat(sstHead+"<si><t>", "A", 4<<20, "</t></si></sst>"), declared: 100}),
		workbookParts(part{body: repeat(sheetHead+officersHeader+`<row r="2"><c r="A2" t="inlineStr"><is><t>`, "ệ", 3000, "</t></is></c></row>"+sheetTail)}, sst),
		workbookParts(officersSheet(599), sst),
		withMedia(70),
	}
	var out [][]byte
	for i, ps := range sets {
		b, err := os.ReadFile(writeXLSX(f, dir, fmt.Sprintf("seed%d.xlsx", i), ps))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func FuzzHeaderMatch(f *testing.F) {
	for _, fs := range kindFields {
		for _, fl := range fs {
			for _, a := range fl.Accepted() {
				f.Add(a)
			}
		}
	}
	f.Add("Ghi chú")
	f.Fuzz(func(t *testing.T, h string) {
		for _, k := range Kinds {
			a, okA := MatchHeader(k, h)
			b, okB := MatchHeader(k, norm.NFD.String(h))
			c, okC := MatchHeader(k, "  "+strings.ToUpper(h)+" ")
			if okA != okB || a.Name != b.Name {
				t.Fatalf("%s: %q matches %q but its NFD form matches %q", k, h, a.Name, b.Name)
			}
			// Upper-casing may change a string's meaning only outside the alias set.
			if okA && (!okC || c.Name != a.Name) {
				t.Fatalf("%s: %q matches %q but upper-cased matches %q", k, h, a.Name, c.Name)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"16/03/2026", "6/3/2026 8:05", "16/03/2026 08:15:09", "2026-03-16", "2026-03-16T08:15:00+07:00",
		"2026-03-16T08:15:00Z", "46097.34375", "31/02/2026", "29/02/2024", "1.2.2026", "2026-03-16 08:15"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, hasTime, err := ParseDate(s, ict)
		if err != nil {
			return
		}
		if y := tm.Year(); y < 1899 || y > 2201 {
			t.Fatalf("%q: year %d", s, y)
		}
		if !hasTime {
			if l := tm.In(ict); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 {
				t.Fatalf("%q: no time of day but %v", s, tm)
			}
		}
		// The Vietnamese form of a parsed date parses back to the same instant.
		back, _, err := ParseDate(tm.In(ict).Format("02/01/2006 15:04:05"), ict)
		if err != nil || !back.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("%q → %v → %v, %v", s, tm, back, err)
		}
	})
}
