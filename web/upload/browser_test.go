package upload

import (
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/browsertest"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestUploadPageInBrowser lays the form, a refused form and a result with
// long row errors out in headless Chromium at 390 px (a phone): no
// horizontal overflow, and the form, the kinds, the file input and the
// button visible. Screenshots are kept in $UPLOAD_SCREENSHOT_DIR when set.
func TestUploadPageInBrowser(t *testing.T) {
	browser := browsertest.New(t, "UPLOAD_SCREENSHOT_DIR")
	f := newFixture(t, storetest.OpenSQLite(t), 0)
	tok := f.token("vp1", "zalo")

	form := f.get(PathPrefix + tok)
	if form.code != 200 {
		t.Fatalf("GET: %d", form.code)
	}
	formParts := []string{"form", "input[type=file]", "button[type=submit]", "input[value=dossiers]", "input[value=holidays]"}
	browser.Check(t, "upload-form", []byte(form.body), 390, 1000, formParts...)

	refused := f.post(tok, "", "ngay-nghi.csv", []byte(holidaysCSV))
	browser.Check(t, "upload-form-refused", []byte(refused.body), 390, 1000, append(formParts, ".problem")...)

	long := "Ngày,Loại,Tên\n" + strings.Repeat("31/02/2026,nghỉ,"+strings.Repeat("Tên-rất-dài-không-có-dấu-cách", 8)+"\n", 30)
	res := f.post(tok, "holidays", strings.Repeat("ten-tep-rat-dai-", 8)+".csv", []byte(long))
	if res.code != 200 || !strings.Contains(res.body, "Các dòng lỗi (30)") {
		t.Fatalf("POST: %d %.300s", res.code, res.body)
	}
	browser.Check(t, "upload-result", []byte(res.body), 390, 2400, ".summary", "a.download")

	gone := f.get(PathPrefix + tok)
	browser.Check(t, "upload-forbidden", []byte(gone.body), 390, 600, "h1")
}
