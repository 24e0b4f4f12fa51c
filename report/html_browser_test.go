package report

import (
	"bytes"
	"os"
	"testing"

	"github.com/dondoc/dondoc/internal/browsertest"
)

// TestHTMLInBrowser renders the page in headless Chromium at phone (390
// px) and desktop (1280 px) widths: screenshots (kept in
// $REPORT_SCREENSHOT_DIR when set) and no horizontal overflow.
func TestHTMLInBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	browsertest.RequireDejaVu(t)
	var page bytes.Buffer
	if err := RenderHTML(&page, fixture(t)); err != nil {
		t.Fatal(err)
	}
	keep := os.Getenv("REPORT_SCREENSHOT_DIR")
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 2400}, {"desktop", 1280, 1800}} {
		t.Run(size.name, func(t *testing.T) {
			browsertest.Check(t, bin, "report-"+size.name, page.Bytes(), size.w, size.h, keep)
		})
	}
}
