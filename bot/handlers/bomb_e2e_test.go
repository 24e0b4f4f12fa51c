package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/ingest"
)

// bombXLSX is a workbook of about 256 KB whose one shared string inflates
// to about 256 MB.
func bombXLSX(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`},
	}
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p.body)
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`)
	// 40 MiB inflated: past the 32 MiB shared-strings limit, and cheap to
	// deflate even under -race (the 256 KB file inflated further;
	// the refusal is the same whatever lies past the limit).
	chunk := strings.Repeat("A", 1<<20)
	for range 40 {
		_, _ = io.WriteString(w, chunk)
	}
	_, _ = io.WriteString(w, `</t></si></sst>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The 256 KB bomb sent to the bot by the secretariat: refused with
// the limit named, nothing stored, through the real importer.
func TestChatImportRefusesABomb(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {
		e.link(uSecretariat, p.secretariat.Code)
		e.mu.Lock()
		e.importer = func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
			format, err := ingest.FormatOf(req.FileName)
			if err != nil {
				return handlers.ImportOutcome{}, err
			}
			r, err := ingest.Open(req.Path, ingest.Options{Kind: req.Kind, Format: format, Name: req.FileName})
			if err != nil {
				return handlers.ImportOutcome{}, err
			}
			defer r.Close()
			res, err := ingest.Run(ctx, e.st, r, ingest.RunOptions{})
			return handlers.ImportOutcome{Summary: res.Summary, Stored: res.Stored, Errors: res.Errors}, err
		}
		e.mu.Unlock()
		before, err := e.st.CountDossiers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		bomb := bombXLSX(t)
		if len(bomb) > 300<<10 {
			t.Fatalf("the bomb is %d KB", len(bomb)>>10)
		}
		r := e.sendFile(uSecretariat, "ho-so.xlsx", "hồ sơ", bomb)
		for _, want := range []string{"Không nhập được tệp", "từ chối tệp", "INGEST_MAX_SHARED_STRINGS_BYTES"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("answer lacks %q:\n%s", want, r.Text)
			}
		}
		if after, _ := e.st.CountDossiers(context.Background()); after != before {
			t.Errorf("dossiers %d → %d", before, after)
		}
	})
}
