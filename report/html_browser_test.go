package report

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// overflowProbe is added to the test copy of the page only: on load it
// covers the window with one colour saying whether the page fits the
// expected width (taken from the URL's fragment): green when it fits, red
// when it overflows horizontally, blue when the window is not that wide.
// The answer is read from a screenshot of the frame (see frame).
const overflowProbe = `<script>addEventListener("load", function () {
  var d = document.documentElement, want = parseInt(location.hash.slice(1), 10);
  var fits = d.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth;
  var c = window.innerWidth !== want ? "#0000ff" : fits ? "#00ff00" : "#ff0000";
  var o = document.createElement("div");
  o.style.cssText = "position:fixed;left:0;top:0;width:100vw;height:100vh;z-index:99999;background:" + c;
  document.body.appendChild(o);
});</script>`

// chromium finds the browser, or skips (fails under CI=true).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install -y chromium fonts-dejavu-core)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// runChromium runs headless Chromium with the given extra arguments.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// frame holds the page in an iframe exactly w CSS px wide: headless
// Chromium lays a top-level page out at least 500 px wide whatever
// --window-size says, an iframe gets the width it is given.
func frame(src string, w, h int) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0}</style></head><body>` +
		`<iframe src="` + src + `" style="display:block;border:0;width:` + itoa(w) + `px;height:` + itoa(h) + `px"></iframe></body></html>`
}

// shoot takes a screenshot of the page in a w×h frame and returns its
// top-left w×h part.
func shoot(t *testing.T, bin, dir, name, src string, w, h int) image.Image {
	t.Helper()
	wrapper := filepath.Join(dir, name+".html")
	if err := os.WriteFile(wrapper, []byte(frame(src, w, h)), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, name+".png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size="+itoa(max(w, 600))+","+itoa(h),
		"--virtual-time-budget=3000", "file://"+wrapper)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < w || b.Dy() < h {
		t.Fatalf("screenshot is %v, want at least %dx%d", b, w, h)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	return out
}

// TestHTMLInBrowser renders the page in headless Chromium at phone (390
// px) and desktop (1280 px) widths: screenshots (kept in
// $REPORT_SCREENSHOT_DIR when set) and no horizontal overflow.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	if out, err := exec.Command("fc-list").Output(); err != nil || !strings.Contains(string(out), "DejaVu Sans") {
		msg := "no DejaVu Sans font for Chromium: install fonts-dejavu-core (Vietnamese glyphs)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	var page bytes.Buffer
	if err := RenderHTML(&page, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.html"), page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	withProbe := strings.Replace(page.String(), "</body>", overflowProbe+"</body>", 1)
	if err := os.WriteFile(filepath.Join(dir, "probe.html"), []byte(withProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	keep := os.Getenv("REPORT_SCREENSHOT_DIR")
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 2400}, {"desktop", 1280, 1800}} {
		t.Run(size.name, func(t *testing.T) {
			img := shoot(t, bin, dir, "report-"+size.name, "report.html", size.w, size.h)
			if keep != "" {
				var b bytes.Buffer
				if err := png.Encode(&b, img); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(keep, "report-"+size.name+".png"), b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			probe := shoot(t, bin, dir, "probe-"+size.name, "probe.html#"+itoa(size.w), size.w, size.h)
			switch r, g, b, _ := probe.At(5, 5).RGBA(); {
			case r>>8 < 40 && g>>8 > 215 && b>>8 < 40:
				// Fits.
			case r>>8 > 215 && g>>8 < 40:
				t.Errorf("the page overflows horizontally at %d px", size.w)
			case b>>8 > 215 && r>>8 < 40:
				t.Errorf("the page's window is not %d px wide", size.w)
			default:
				t.Errorf("the overflow probe did not run (pixel %d,%d,%d)", r>>8, g>>8, b>>8)
			}
		})
	}
}
