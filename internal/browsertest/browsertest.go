// Package browsertest checks HTML pages in headless Chromium, for tests:
// a screenshot at a given width, and a probe saying whether the page
// overflows horizontally and whether given elements are visible. .ci/run
// installs Debian's chromium; without it a test skips, unless CI is set.
package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// probe is added to the test copy of a page only: on load it covers the
// window with one colour saying whether the page fits the width given in
// the URL's fragment ("#390", or "#390,form,button": then each selector
// must match a visible element within the width): green when it fits, red
// when it overflows horizontally, magenta when an element is missing or
// not visible, blue when the window is not that wide. The answer is read
// from a screenshot of the frame (see Shoot).
const probe = `<script>addEventListener("load", function () {
  var parts = decodeURIComponent(location.hash.slice(1)).split(","), want = parseInt(parts[0], 10);
  var d = document.documentElement, w = window.innerWidth;
  var fits = d.scrollWidth <= w && document.body.scrollWidth <= w;
  var seen = true;
  for (var i = 1; i < parts.length; i++) {
    var e = document.querySelector(parts[i]);
    var r = e && e.getBoundingClientRect();
    var st = e && getComputedStyle(e);
    if (!e || r.width <= 0 || r.height <= 0 || r.left < 0 || r.right > w || st.visibility === "hidden" || st.display === "none") { seen = false; }
  }
  var c = w !== want ? "#0000ff" : !fits ? "#ff0000" : !seen ? "#ff00ff" : "#00ff00";
  var o = document.createElement("div");
  o.style.cssText = "position:fixed;left:0;top:0;width:100vw;height:100vh;z-index:99999;background:" + c;
  document.body.appendChild(o);
});</script>`

// Browser is headless Chromium with the DejaVu Sans font, keeping the
// screenshots of its checks in a directory when asked.
type Browser struct{ bin, keep string }

// New finds Chromium and DejaVu Sans (skipping the test without them,
// failing when CI is set); screenshots are kept in the directory named by
// the environment variable keepEnv, when set.
func New(t testing.TB, keepEnv string) *Browser {
	t.Helper()
	bin := Chromium(t)
	RequireDejaVu(t)
	return &Browser{bin: bin, keep: os.Getenv(keepEnv)}
}

// Check is Check with this browser.
func (b *Browser) Check(t testing.TB, name string, page []byte, w, h int, visible ...string) {
	t.Helper()
	Check(t, b.bin, name, page, w, h, b.keep, visible...)
}

// Chromium finds the browser, or skips the test; when CI is set it fails
// instead.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (apt-get install -y chromium fonts-dejavu-core)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// RequireDejaVu skips (fails when CI is set) without the DejaVu Sans font,
// which has every Vietnamese glyph.
func RequireDejaVu(t testing.TB) {
	t.Helper()
	if out, err := exec.Command("fc-list").Output(); err != nil || !strings.Contains(string(out), "DejaVu Sans") {
		msg := "no DejaVu Sans font for Chromium: install fonts-dejavu-core (Vietnamese glyphs)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// Run runs headless Chromium with the given extra arguments.
func Run(t testing.TB, bin string, args ...string) []byte {
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
		`<iframe src="` + src + `" style="display:block;border:0;width:` + strconv.Itoa(w) + `px;height:` + strconv.Itoa(h) + `px"></iframe></body></html>`
}

// Shoot takes a screenshot of src (a file in dir, with an optional
// fragment) in a w×h frame and returns its top-left w×h part.
func Shoot(t testing.TB, bin, dir, name, src string, w, h int) image.Image {
	t.Helper()
	wrapper := filepath.Join(dir, name+".html")
	if err := os.WriteFile(wrapper, []byte(frame(src, w, h)), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, name+".png")
	Run(t, bin, "--screenshot="+shot, "--window-size="+strconv.Itoa(max(w, 600))+","+strconv.Itoa(h),
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

// Check renders page (a whole HTML document) at w×h in Chromium, saves
// its screenshot in keep (when not "") as name.png, and reports an error
// when it overflows horizontally or when an element of visible (CSS
// selectors, without commas) is missing or not visible within the width.
func Check(t testing.TB, bin, name string, page []byte, w, h int, keep string, visible ...string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	withProbe := strings.Replace(string(page), "</body>", probe+"</body>", 1)
	if err := os.WriteFile(filepath.Join(dir, name+"-probe.html"), []byte(withProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	if keep != "" {
		img := Shoot(t, bin, dir, name+"-shot", name+".html", w, h)
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(keep, name+".png"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	frag := strconv.Itoa(w)
	for _, sel := range visible {
		frag += "," + sel
	}
	img := Shoot(t, bin, dir, name+"-probe-shot", name+"-probe.html#"+strings.ReplaceAll(frag, " ", "%20"), w, h)
	switch r, g, b, _ := img.At(5, 5).RGBA(); {
	case r>>8 < 40 && g>>8 > 215 && b>>8 < 40:
		// Fits, and every element is visible.
	case r>>8 > 215 && g>>8 < 40 && b>>8 > 215:
		t.Errorf("%s: one of %q is missing or not visible at %d px", name, visible, w)
	case r>>8 > 215 && g>>8 < 40:
		t.Errorf("%s: the page overflows horizontally at %d px", name, w)
	case b>>8 > 215 && r>>8 < 40:
		t.Errorf("%s: the page's window is not %d px wide", name, w)
	default:
		t.Errorf("%s: the overflow probe did not run (pixel %d,%d,%d)", name, r>>8, g>>8, b>>8)
	}
}
