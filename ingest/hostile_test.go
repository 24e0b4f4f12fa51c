package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// part is one entry of a generated workbook: its content comes from body
// (streamed, so a bomb is never held in memory); declared, when not 0,
// replaces the true uncompressed size in the archive (a lying header).
type part struct {
	name     string
	body     func() io.Reader
	declared uint64
}

func text(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

// repeat yields prefix, n times fill, then suffix.
func repeat(prefix, fill string, n int64, suffix string) func() io.Reader {
	return func() io.Reader {
		return io.MultiReader(strings.NewReader(prefix), &repeater{s: fill, left: n * int64(len(fill))}, strings.NewReader(suffix))
	}
}

type repeater struct {
	s    string
	left int64
	off  int
}

func (r *repeater) Read(b []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && r.left > 0 {
		c := copy(b[n:min(len(b), n+int(min(r.left, int64(len(r.s)-r.off))))], r.s[r.off:])
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

const (
	ctypes    = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRels  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbook  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	wbRels    = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	sstHead   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
)

// officersHeader is an officers sheet's header row, inline strings.
const officersHeader = `<row r="1"><c r="A1" t="inlineStr"><is><t>Mã cán bộ</t></is></c><c r="B1" t="inlineStr"><is><t>Họ tên</t></is></c></row>`

// officerRow is data row n with the name taken from shared string 0 when
// shared, else inline.
func officerRow(n int, shared bool) string {
	name := fmt.Sprintf(`<c r="B%d" t="inlineStr"><is><t>Cán bộ %d</t></is></c>`, n, n)
	if shared {
		name = fmt.Sprintf(`<c r="B%d" t="s"><v>0</v></c>`, n)
	}
	return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>cb%d</t></is></c>%s</row>`, n, n, n, name)
}

// Parts of a small valid officers workbook: a sheet of two officers (the
// first named by shared string 0) and its shared strings.
var (
	okSheet = part{body: text(sheetHead + officersHeader + officerRow(2, true) + officerRow(3, false) + sheetTail)}
	okSST   = part{body: text(sstHead + `<si><t>Nguyễn Văn A</t></si></sst>`)}
)

// officersSheet is a sheet of officers on rows 2 to last, inline names.
func officersSheet(last int) part {
	var rows strings.Builder
	rows.WriteString(sheetHead + officersHeader)
	for n := 2; n <= last; n++ {
		rows.WriteString(officerRow(n, false))
	}
	rows.WriteString(sheetTail)
	return part{body: text(rows.String())}
}

// withMedia is the ok workbook with n more one-byte entries.
func withMedia(n int) []part {
	ps := workbookParts(okSheet, okSST)
	for i := 0; i < n; i++ {
		ps = append(ps, part{name: fmt.Sprintf("xl/media/%d.bin", i), body: text("x")})
	}
	return ps
}

// workbookParts is a valid officers workbook with the given sheet and
// shared strings parts.
func workbookParts(sheet, sst part) []part {
	sheet.name, sst.name = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	return []part{
		{name: "[Content_Types].xml", body: text(ctypes)},
		{name: "_rels/.rels", body: text(rootRels)},
		{name: "xl/workbook.xml", body: text(workbook)},
		{name: "xl/_rels/workbook.xml.rels", body: text(wbRels)},
		sheet, sst,
	}
}

// writeXLSX writes the parts as a zip at dir/name, streaming each body
// through deflate; a part with a declared size gets that (false) size in
// its headers.
func writeXLSX(t testing.TB, dir, name string, parts []part) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range parts {
		if p.declared == 0 {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(w, p.body()); err != nil {
				t.Fatal(err)
			}
			continue
		}
		// A lying header: compress first, then write it raw with the
		// declared size instead of the true one.
		var comp bytes.Buffer
		dw := newDeflater(&comp)
		crc, _, err := copyCRC(dw, p.body())
		if err != nil {
			t.Fatal(err)
		}
		if err := dw.Close(); err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: p.name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: p.declared,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(comp.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// allocsOf returns the bytes allocated while fn ran: an upper bound of the
// heap it can have held at its peak.
func allocsOf(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func readXLSX(path string, lim Limits) (rows []Row, err error) {
	r, err := Open(path, Options{Kind: KindOfficers, Limits: lim})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return collectRows(r)
}

func TestHostileXLSX(t *testing.T) {
	dir := t.TempDir()
	small := Limits{MaxUncompressedBytes: 8 << 20, MaxRows: 100}
	for _, c := range []struct {
		name  string
		parts []part
		lim   Limits
		limit Limit
		want  string
	}{
		{
			name:  "one shared string inflating past the limit",
			parts: workbookParts(okSheet, part{body: repeat(sstHead+`<si><t>`, "A", 20<<20, `</t></si></sst>`)}),
			lim:   small, limit: LimitUncompressed,
			want: "bomb.xlsx: từ chối tệp: tệp giải nén ra quá 8 MB (giới hạn dung lượng giải nén, đặt bằng INGEST_MAX_UNCOMPRESSED_BYTES)",
		},
		{
			name:  "one shared string under the size limit but longer than a cell",
			parts: workbookParts(okSheet, part{body: repeat(sstHead+`<si><t>`, "A", 4<<20, `</t></si></sst>`)}),
			lim:   small, limit: LimitCell,
		},
		{
			name:  "an inline cell of 40,000 characters",
			parts: workbookParts(part{body: repeat(sheetHead+officersHeader+`<row r="2"><c r="A2" t="inlineStr"><is><t>cb</t></is></c><c r="B2" t="inlineStr"><is><t>`, "ệ", 40000, `</t></is></c></row>`+sheetTail)}, okSST),
			lim:   small, limit: LimitCell,
			want: "bomb.xlsx:2: từ chối tệp: có ô dài quá 32767 ký tự",
		},
		{
			name:  "rich text runs adding up past a cell",
			parts: workbookParts(okSheet, part{body: repeat(sstHead+`<si>`, `<r><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></r>`, 20000, `</si></sst>`)}),
			lim:   small, limit: LimitCell,
		},
		{name: "too many entries", parts: withMedia(1001), lim: small, limit: LimitEntries,
			want: "bomb.xlsx: từ chối tệp: tệp nén có quá 1000 thành phần (giới hạn số thành phần, đặt bằng INGEST_MAX_ZIP_ENTRIES)"},
		{name: "too many rows", parts: workbookParts(officersSheet(200), okSST), lim: small, limit: LimitRows,
			want: "bomb.xlsx: từ chối tệp: tệp có quá 100 dòng (giới hạn số dòng, đặt bằng INGEST_MAX_ROWS)"},
		{
			name:  "a 2 MB attribute",
			parts: workbookParts(part{body: repeat(sheetHead+`<row r="1" spans="`, "1", 2<<20, `"></row>`+sheetTail)}, okSST),
			lim:   small, limit: LimitXMLToken,
		},
		{
			name:  "a 2 MB text run outside any cell",
			parts: workbookParts(okSheet, okSST)[:2],
			lim:   small,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts := c.parts
			if c.limit == "" {
				parts = append(append([]part(nil), parts...), part{name: "docProps/app.xml", body: repeat("<Properties><Company>", "x", 2<<20, "</Company></Properties>")})
			}
			path := writeXLSX(t, dir, "bomb.xlsx", parts)
			var err error
			alloc := allocsOf(func() { _, err = readXLSX(path, c.lim) })
			if alloc > 64<<20 {
				t.Errorf("reading allocated %d MB", alloc>>20)
			}
			if c.limit == "" {
				c.limit = LimitXMLToken
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != c.limit {
				t.Fatalf("err %v; want a LimitError on %s", err, c.limit)
			}
			if c.want != "" && !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("message %q\nwant prefix %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "không đọc dòng nào của tệp") {
				t.Errorf("message %q does not say no row was read", err)
			}
		})
	}
}

// A header declaring a small size over a big inflated body is caught while
// inflating; the file is refused as damaged and nothing is read.
func TestXLSXLyingSize(t *testing.T) {
	dir := t.TempDir()
	okSheet := part{body: text(sheetHead + officersHeader + officerRow(2, true) + sheetTail)}
	sst := part{body: repeat(sstHead+`<si><t>`, "A", 50<<20, `</t></si></sst>`), declared: 1000}
	path := writeXLSX(t, dir, "liar.xlsx", workbookParts(okSheet, sst))
	var err error
	alloc := allocsOf(func() { _, err = readXLSX(path, Limits{}) })
	if err == nil || !strings.HasPrefix(err.Error(), "liar.xlsx: ") {
		t.Fatalf("err %v; want the file refused", err)
	}
	if alloc > 32<<20 {
		t.Errorf("reading allocated %d MB", alloc>>20)
	}
}

// A well-formed workbook under every limit still reads.
func TestXLSXWithinLimits(t *testing.T) {
	dir := t.TempDir()
	sheet := part{body: text(sheetHead + officersHeader + officerRow(2, true) + officerRow(3, false) + sheetTail)}
	sst := part{body: text(sstHead + `<si><t>Nguyễn Văn A</t></si></sst>`)}
	path := writeXLSX(t, dir, "ok.xlsx", workbookParts(sheet, sst))
	rows, err := readXLSX(path, Limits{})
	if err != nil || len(rows) != 2 || !rows[0].OK() {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}
