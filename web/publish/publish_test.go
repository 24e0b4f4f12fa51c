package publish

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, models.DefaultLocation())

// district is the sample district in a SQLite store, with its data.
func district(t *testing.T) (*store.Store, *sample.Data) {
	t.Helper()
	s := storetest.OpenSQLite(t)
	data := storetest.District(t, now)
	storetest.LoadSample(t, s, data)
	return s, data
}

// site is the public pages of s (Bình Minh, at now) on the web server.
func site(t *testing.T, s Source) http.Handler {
	t.Helper()
	h, err := New(Config{Source: s, Clock: func() time.Time { return now }, Place: "Bình Minh"})
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Options{})
	h.Mount(srv)
	return srv.Handler()
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPublicPages(t *testing.T) {
	s, data := district(t)
	root := site(t, s)

	t.Run("index", func(t *testing.T) {
		res := get(t, root, "/cong-khai/")
		b := body(t, res)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d, type %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		for _, want := range []string{`href="/cong-khai/2026-11"`, `href="/cong-khai/2025-12.xlsx"`, "Tháng 10/2026", "CÔNG KHAI"} {
			if !strings.Contains(b, want) {
				t.Errorf("index lacks %q", want)
			}
		}
		if strings.Contains(b, "2025-11") || strings.Contains(b, "2026-12") {
			t.Error("index lists a month outside the last 12")
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("Cache-Control %q", cc)
		}
	})

	t.Run("past month html, cacheable, ETag", func(t *testing.T) {
		res := get(t, root, "/cong-khai/2026-10")
		b := body(t, res)
		if res.StatusCode != http.StatusOK || !strings.Contains(b, "<html") || !strings.Contains(b, "10") {
			t.Fatalf("status %d: %.300s", res.StatusCode, b)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
			t.Errorf("Cache-Control %q", cc)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		again := get(t, root, "/cong-khai/2026-10", "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d, want 304", again.StatusCode)
		}
	})

	t.Run("current month expires sooner", func(t *testing.T) {
		res := get(t, root, "/cong-khai/2026-11")
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("status %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
	})

	t.Run("files", func(t *testing.T) {
		for _, c := range []struct{ ext, ctype, prefix string }{
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
			{"png", "image/png", "\x89PNG"},
			{"json", "application/json; charset=utf-8", "{"},
			{"csv", "text/csv; charset=utf-8", ""},
		} {
			res := get(t, root, "/cong-khai/2026-10."+c.ext)
			b := body(t, res)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != c.ctype || !strings.HasPrefix(b, c.prefix) {
				t.Errorf("%s: status %d, type %q, %d bytes", c.ext, res.StatusCode, res.Header.Get("Content-Type"), len(b))
			}
			if d := res.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, "10-2026."+c.ext) {
				t.Errorf("%s: Content-Disposition %q", c.ext, d)
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		for _, p := range []string{"/cong-khai/2026-12", "/cong-khai/2025-11", "/cong-khai/2026-13", "/cong-khai/2026-1",
			"/cong-khai/abc", "/cong-khai/2026-10.pdf", "/cong-khai/2026-10.xlsx.png"} {
			if res := get(t, root, p); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, res.StatusCode)
			}
		}
	})

	t.Run("no applicant data", func(t *testing.T) {
		var all bytes.Buffer
		for _, p := range []string{"/cong-khai/2026-10", "/cong-khai/2026-10.csv", "/cong-khai/2026-10.json", "/cong-khai/2026-11"} {
			all.WriteString(body(t, get(t, root, p)))
		}
		officers := map[string]bool{} // fictional names: an applicant may share an officer's
		for _, o := range data.Officers {
			officers[o.Name] = true
		}
		seen := 0
		for _, d := range data.Dossiers {
			if d.ApplicantName != "" && !officers[d.ApplicantName] && strings.Contains(all.String(), d.ApplicantName) {
				t.Fatalf("the public page shows applicant %q", d.ApplicantName)
			}
			if strings.Contains(all.String(), d.Code) {
				t.Fatalf("the public page shows dossier %q", d.Code)
			}
			seen++
		}
		if seen == 0 {
			t.Fatal("no dossiers to check")
		}
	})
}

func TestNewRequiresSourceAndClock(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("no error")
	}
}
