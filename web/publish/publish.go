// Package publish serves the public monthly results (công khai kết quả
// giải quyết hồ sơ): GET /cong-khai/ lists the months, GET
// /cong-khai/2026-10 is the HTML report of the whole scope, and
// /cong-khai/2026-10.xlsx|.csv|.json|.png the files. The pages are public,
// read-only and cacheable; they carry unit and officer figures only, never
// applicant data.
package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/web"
)

// Source is what the pages read; *store.Store is one.
type Source = report.Store

// Config configures the pages.
type Config struct {
	Source   Source
	Clock    func() time.Time // required: the current month is judged by it
	Location *time.Location   // nil: models.DefaultLocation()
	Scope    string           // root unit code of the published report; "" for every unit
	Place    string           // the date line's place
	// Months is how many months the index lists, the current one included
	// (default 12); older months are not served.
	Months int
	// PastMaxAge and CurrentMaxAge are the Cache-Control max-age of a past
	// month (default 1 h: late imports may still change it) and of the
	// current month (default 5 min). The server caches for as long.
	PastMaxAge, CurrentMaxAge time.Duration
	Log                       *slog.Logger
}

// Handler serves the public pages.
type Handler struct {
	cfg   Config
	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	body    []byte
	etag    string
	expires time.Time
}

const maxCached = 128

// New returns the handler; cfg.Source and cfg.Clock are required.
func New(cfg Config) (*Handler, error) {
	if cfg.Source == nil || cfg.Clock == nil {
		return nil, fmt.Errorf("publish: Source and Clock are required")
	}
	if cfg.Location == nil {
		cfg.Location = models.DefaultLocation()
	}
	if cfg.Months <= 0 {
		cfg.Months = 12
	}
	if cfg.PastMaxAge <= 0 {
		cfg.PastMaxAge = time.Hour
	}
	if cfg.CurrentMaxAge <= 0 {
		cfg.CurrentMaxAge = 5 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg, cache: map[string]cached{}}, nil
}

// Mount adds the pages to srv.
func (h *Handler) Mount(srv *web.Server) {
	srv.Handle("GET /cong-khai/{$}", h)
	srv.Handle("GET /cong-khai/{file}", h)
}

// month is a calendar month.
type month struct {
	Year  int
	Month time.Month
}

func (m month) Key() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

func (m month) Label() string { return fmt.Sprintf("Tháng %02d/%04d", int(m.Month), m.Year) }

func (m month) add(n int) month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return month{t.Year(), t.Month()}
}

func (m month) before(o month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// fileFormats maps a file extension to a report format.
var fileFormats = map[string]string{"xlsx": "xlsx", "csv": "csv", "json": "json", "png": "png"}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "phương thức không được hỗ trợ", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/cong-khai/")
	if !ok || strings.Contains(rest, "/") {
		h.notFound(w)
		return
	}
	now := h.cfg.Clock().In(h.cfg.Location)
	cur := month{now.Year(), now.Month()}
	if rest == "" {
		h.serve(w, r, "index", "text/html; charset=utf-8", "", cur, func() ([]byte, error) { return h.index(cur) })
		return
	}
	key, ext, _ := strings.Cut(rest, ".")
	format := "html"
	if ext != "" {
		if format, ok = fileFormats[ext]; !ok {
			h.notFound(w)
			return
		}
	}
	t, err := time.Parse("2006-01", key)
	if err != nil || t.Format("2006-01") != key {
		h.notFound(w)
		return
	}
	m := month{t.Year(), t.Month()}
	if cur.before(m) || m.before(cur.add(1-h.cfg.Months)) {
		h.notFound(w)
		return
	}
	disposition := ""
	if format != "html" {
		disposition = mime.FormatMediaType("attachment", map[string]string{"filename": report.FileName(m.Year, m.Month, ext)})
	}
	h.serve(w, r, m.Key()+"."+format, report.ContentType(format), disposition, m, func() ([]byte, error) {
		rep, err := h.build(r.Context(), m, now)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := report.Render(&b, rep, format); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	})
}

// serve writes the body (from the cache, else made), with its validators
// and caching headers; the current month's pages expire sooner.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, key, ctype, disposition string, m month, produce func() ([]byte, error)) {
	now := h.cfg.Clock()
	maxAge := h.cfg.PastMaxAge
	if cur := now.In(h.cfg.Location); key == "index" || (m.Year == cur.Year() && m.Month == cur.Month()) {
		maxAge = h.cfg.CurrentMaxAge
	}
	h.mu.Lock()
	c, ok := h.cache[key]
	h.mu.Unlock()
	if !ok || !now.Before(c.expires) {
		body, err := produce()
		if err != nil {
			h.cfg.Log.ErrorContext(r.Context(), "publish: report", "page", key, "err", err)
			http.Error(w, "không lập được báo cáo, vui lòng thử lại sau", http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(body)
		c = cached{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, expires: now.Add(maxAge)}
		h.mu.Lock()
		if len(h.cache) >= maxCached {
			clear(h.cache)
		}
		h.cache[key] = c
		h.mu.Unlock()
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("ETag", c.etag)
	hd.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(maxAge/time.Second)))
	hd.Set("X-Content-Type-Options", "nosniff")
	if disposition != "" {
		hd.Set("Content-Disposition", disposition)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(c.body))
}

func (h *Handler) notFound(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(notFoundPage))
}

const notFoundPage = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Không tìm thấy</title>` +
	`<p>Không có báo cáo cho tháng này. <a href="/cong-khai/">Xem danh sách các tháng</a>.</p></html>`

// build makes the report of month m for the configured scope.
func (h *Handler) build(ctx context.Context, m month, now time.Time) (*report.Report, error) {
	units, err := h.cfg.Source.Units(ctx)
	if err != nil {
		return nil, err
	}
	officers, err := h.cfg.Source.Officers(ctx)
	if err != nil {
		return nil, err
	}
	r, err := report.Monthly(ctx, h.cfg.Source, units, officers, m.Year, m.Month, h.cfg.Scope,
		report.Options{Location: h.cfg.Location, Place: h.cfg.Place, GeneratedAt: now, Now: now})
	if err != nil {
		return nil, err
	}
	return r.Public(), nil
}

var indexTmpl = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Công khai kết quả giải quyết hồ sơ thủ tục hành chính</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0 auto;max-width:760px;padding:16px;color:#1a1a1a;line-height:1.5}
h1{font-size:1.3em;text-align:center}
ul{list-style:none;padding:0}
li{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:baseline;padding:10px 0;border-bottom:1px solid #ddd}
li a.m{font-weight:600;min-width:9em}
.files a{margin-right:10px}
.cur{color:#666;font-size:.9em}
</style>
</head>
<body>
<h1>CÔNG KHAI KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH</h1>
<p>Kết quả giải quyết hồ sơ của các đơn vị theo từng tháng: tỷ lệ đúng hạn, điểm Chỉ tiêu 766 và các hồ sơ quá hạn. Báo cáo không có thông tin cá nhân của người nộp hồ sơ.</p>
<ul>
{{range .}}<li><a class="m" href="/cong-khai/{{.Key}}">{{.Label}}</a>{{if .Current}}<span class="cur">(đang cập nhật)</span>{{end}}
<span class="files">Tải về: <a href="/cong-khai/{{.Key}}.xlsx">Excel</a><a href="/cong-khai/{{.Key}}.csv">CSV</a><a href="/cong-khai/{{.Key}}.json">JSON</a><a href="/cong-khai/{{.Key}}.png">Biểu đồ</a></span></li>
{{end}}</ul>
</body>
</html>
`))

// index renders the list of months, the current one first.
func (h *Handler) index(cur month) ([]byte, error) {
	type item struct {
		month
		Current bool
	}
	items := make([]item, h.cfg.Months)
	for i := range items {
		items[i] = item{cur.add(-i), i == 0}
	}
	var b bytes.Buffer
	if err := indexTmpl.Execute(&b, items); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
