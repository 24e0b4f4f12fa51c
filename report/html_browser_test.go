package report

import (
	"bytes"
	"testing"

	"github.com/dondoc/dondoc/internal/browsertest"
)

// TestHTMLInBrowser renders the page in headless Chromium at phone (390
// px) and desktop (1280 px) widths: screenshots (kept in
// $REPORT_SCREENSHOT_DIR when set) and no horizontal overflow.
func TestHTMLInBrowser(t *testing.T) {
	browser := browsertest.New(t, "REPORT_SCREENSHOT_DIR")
	var page bytes.Buffer
	if err := RenderHTML(&page, fixture(t)); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 2400}, {"desktop", 1280, 1800}} {
		t.Run(size.name, func(t *testing.T) {
			browser.Check(t, "report-"+size.name, page.Bytes(), size.w, size.h)
		})
	}
}
