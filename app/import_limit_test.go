package app

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestImportRefusesAWorkbookOverItsLimits (issue #13 item 1, the CLI): an
// XLSX whose text inflates past INGEST_MAX_SHARED_STRINGS_BYTES is refused
// before any row, with the Vietnamese message that names the limit and its
// setting; nothing is stored. SQLite and Postgres.
func TestImportRefusesAWorkbookOverItsLimits(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		f := excelize.NewFile()
		defer f.Close()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"ma_ho_so", "ma_don_vi", "ma_can_bo", "ngay_tiep_nhan", "ngay_hen_tra", "trang_thai", "ghi_chu"})
		for i := 0; i < 50; i++ { // 50 distinct notes of 30,000 characters: 1.5 MB of shared strings
			note := strconv.Itoa(i) + strings.Repeat("x", 30000)
			_ = f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &[]any{"B" + strconv.Itoa(i), "U1", "cv.a", "02/03/2026", "16/03/2026", "Đang xử lý", note})
		}
		path := filepath.Join(e.dir, "bomb.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		e.env["INGEST_MAX_UNCOMPRESSED_BYTES"] = "1048576"
		e.env["INGEST_MAX_SHARED_STRINGS_BYTES"] = "1048576"
		code, out, errs := e.run("import", "dossiers", path)
		if code != exitFailure || !strings.Contains(errs, "bomb.xlsx: từ chối tệp:") ||
			!strings.Contains(errs, "INGEST_MAX_SHARED_STRINGS_BYTES") || !strings.Contains(errs, "không đọc dòng nào của tệp") {
			t.Errorf("exit %d, stdout %q, stderr %q; want %d and the limit named", code, out, errs, exitFailure)
		}
		if n := e.countDossiers(); n != 0 {
			t.Errorf("%d dossiers stored", n)
		}
		// Under the default limits the same workbook is read.
		delete(e.env, "INGEST_MAX_UNCOMPRESSED_BYTES")
		delete(e.env, "INGEST_MAX_SHARED_STRINGS_BYTES")
		if code, out, errs := e.run("import", "dossiers", path); code != 0 || !strings.Contains(out, "inserted 50") {
			t.Errorf("default limits: exit %d, %q, %q", code, out, errs)
		}
	})
}
