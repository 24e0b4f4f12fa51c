package upload

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web"
)

var ict = time.FixedZone("ICT", 7*3600)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a store with a unit, a secretariat member (vp1) and an
// officer (cb1), and the page mounted on a web.Server.
type fixture struct {
	t     *testing.T
	st    *store.Store
	clock *clock
	root  http.Handler
}

// storeImport is the import by chat's importer (app's chatImport) on the
// test's store: ingest.Open and ingest.Run.
func storeImport(st *store.Store, now func() time.Time) func(context.Context, handlers.ImportRequest) (handlers.ImportOutcome, error) {
	return func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
		format, err := ingest.FormatOf(req.FileName)
		if err != nil {
			return handlers.ImportOutcome{}, err
		}
		r, err := ingest.Open(req.Path, ingest.Options{Kind: req.Kind, Format: format, Location: ict, Name: req.FileName})
		if err != nil {
			return handlers.ImportOutcome{}, err
		}
		defer r.Close()
		res, err := ingest.Run(ctx, st, r, ingest.RunOptions{Now: now})
		return handlers.ImportOutcome{Summary: res.Summary, Unassigned: res.Unassigned, Errors: res.Errors, Stored: res.Stored}, err
	}
}

func newFixture(t *testing.T, st *store.Store, maxBytes int64) *fixture {
	t.Helper()
	ctx := context.Background()
	if err := st.UpsertUnits(ctx, []models.Unit{{Code: "T", Name: "UBND huyện"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertOfficers(ctx, []models.Officer{
		{Code: "vp1", Name: "Lê Văn Cường", UnitCode: "T", Role: models.RoleSecretariat, Active: true},
		{Code: "cb1", Name: "Nguyễn Văn An", UnitCode: "T", Role: models.RoleOfficer, Active: true},
	}); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, ict)}
	h, err := New(Config{Store: st, Import: storeImport(st, c.Now), Outbox: st.Outbox(), Clock: c.Now, Location: ict, MaxBytes: maxBytes,
		Platform: func(name string) notify.Platform {
			if name == telegram.Platform {
				return telegram.Description(notify.TelegramLimits())
			}
			return zalo.Description(false, zalo.Limits())
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Options{})
	h.Mount(srv)
	return &fixture{t: t, st: st, clock: c, root: srv.Handler()}
}

// token makes a link for officer in a chat on platform.
func (f *fixture) token(officer, platform string) string {
	f.t.Helper()
	tok, _, err := f.st.CreateUploadToken(context.Background(), store.UploadTokenRequest{OfficerCode: officer, Platform: platform,
		UserID: "u-" + officer, ChatID: "chat-" + officer, Now: f.clock.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

type answer struct {
	code int
	hdr  http.Header
	body string
}

func (f *fixture) get(path string) answer {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.root.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return answer{rec.Code, rec.Header(), rec.Body.String()}
}

// post sends the form: kind ("" leaves it out) and a file (name "" leaves
// it out).
func (f *fixture) post(token, kind, name string, data []byte) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if kind != "" {
		_ = mw.WriteField("kind", kind)
	}
	if name != "" {
		w, _ := mw.CreateFormFile("file", name)
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, PathPrefix+token, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	f.root.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.String()}
}

func (f *fixture) holidays() int {
	f.t.Helper()
	hs, err := f.st.Holidays(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return len(hs)
}

// queued returns the outbox's entries.
func (f *fixture) queued() []notify.Entry {
	f.t.Helper()
	es, err := f.st.Outbox().Entries(context.Background(), "")
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

const holidaysCSV = "Ngày,Loại,Tên\n01/09/2026,nghỉ,Quốc khánh\n02/09/2026,nghỉ,Quốc khánh\n31/02/2026,nghỉ,Ngày không có\n"

func TestUploadLinkImportsOnceThenRefusesItself(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, 0)
		tok := f.token("vp1", "zalo")

		// GET shows the form and does not use the link.
		for range 2 {
			a := f.get(PathPrefix + tok)
			if a.code != http.StatusOK || !strings.Contains(a.body, `enctype="multipart/form-data"`) || !strings.Contains(a.body, "Lê Văn Cường") {
				t.Fatalf("GET: %d %.300s", a.code, a.body)
			}
			for _, k := range []string{"đơn vị", "cán bộ", "thủ tục", "hồ sơ", "bước xử lý", "ngày nghỉ", "10:15 ngày 27/11/2026"} {
				if !strings.Contains(a.body, k) {
					t.Errorf("the form lacks %q", k)
				}
			}
			if a.hdr.Get("Cache-Control") != "no-store" || a.hdr.Get("Referrer-Policy") != "no-referrer" ||
				!strings.Contains(a.hdr.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("headers %v", a.hdr)
			}
			if strings.Contains(a.body, "<script") || strings.Contains(a.body, "http://") || strings.Contains(a.body, "https://") {
				t.Error("the page loads a script or an external asset")
			}
		}

		// A form without a kind or a file, or with a PDF: the form again, link not used.
		for _, c := range []struct{ kind, name, want string }{
			{"", "ngay-nghi.csv", "chọn loại dữ liệu"},
			{"holidays", "", "chọn tệp"},
			{"holidays", "ngay-nghi.pdf", "chỉ nhập được tệp .csv hoặc .xlsx"},
		} {
			a := f.post(tok, c.kind, c.name, []byte(holidaysCSV))
			if a.code != http.StatusBadRequest || !strings.Contains(strings.ToLower(a.body), strings.ToLower(c.want)) || !strings.Contains(a.body, "<form") {
				t.Errorf("%+v: %d %.400s", c, a.code, a.body)
			}
		}
		if n := f.holidays(); n != 0 {
			t.Fatalf("%d holidays imported by refused forms", n)
		}

		a := f.post(tok, "holidays", "ngày nghỉ.csv", []byte(holidaysCSV))
		if a.code != http.StatusOK {
			t.Fatalf("POST: %d %.500s", a.code, a.body)
		}
		for _, want := range []string{"Đã nhập ngày nghỉ.csv (ngày nghỉ): thêm mới 2, cập nhật 0, không đổi 0, bị từ chối 1",
			"Các dòng lỗi (1)", "ngày nghỉ.csv:4: cột &#34;Ngày&#34;", PathPrefix + tok + "/loi.csv"} {
			if !strings.Contains(a.body, want) {
				t.Errorf("result page lacks %q:\n%s", want, a.body)
			}
		}
		if n := f.holidays(); n != 2 {
			t.Fatalf("%d holidays after the upload, want 2", n)
		}

		// The error CSV, for the page's link.
		csv := f.get(PathPrefix + tok + "/loi.csv")
		if csv.code != http.StatusOK || csv.hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(csv.body, "Tệp,Dòng,Cột") ||
			!strings.Contains(csv.hdr.Get("Content-Disposition"), "attachment") {
			t.Errorf("error CSV: %d %v %.200s", csv.code, csv.hdr, csv.body)
		}

		// Used: GET and POST get 403 and import nothing.
		other := "Ngày,Loại,Tên\n25/12/2026,nghỉ,Thử\n"
		if a := f.get(PathPrefix + tok); a.code != http.StatusForbidden || !strings.Contains(a.body, "đã được dùng") {
			t.Errorf("GET a used link: %d %.300s", a.code, a.body)
		}
		if a := f.post(tok, "holidays", "khac.csv", []byte(other)); a.code != http.StatusForbidden || !strings.Contains(a.body, "/tailen") ||
			!strings.Contains(a.body, "Tệp vừa gửi không được nhập") {
			t.Errorf("POST a used link: %d %.300s", a.code, a.body)
		}
		if n := f.holidays(); n != 2 {
			t.Errorf("%d holidays after reusing the link, want 2", n)
		}

		// The summary, queued once for the chat the link came from.
		q := f.queued()
		if len(q) != 1 {
			t.Fatalf("%d messages queued, want 1", len(q))
		}
		m := q[0].Message
		if q[0].Job != Job || q[0].Recipient != "officer:vp1" || m.Platform != "zalo" || m.ChatID != "chat-vp1" || m.Format != notify.FormatPlain {
			t.Errorf("queued %+v", q[0])
		}
		if m.Document == nil || !strings.HasPrefix(m.Document.Name, "loi-ngày nghỉ") {
			t.Errorf("the error CSV is not attached: %+v", m.Document)
		}
		golden.Text(t, filepath.Join("testdata", "summary_zalo.golden"), m.Text)
	})
}

func TestUploadLinkExpiredForgedOrDemotedGets403(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, 0)
		tok := f.token("vp1", "telegram")
		f.clock.Advance(store.UploadTokenTTL - time.Second)
		if a := f.get(PathPrefix + tok); a.code != http.StatusOK {
			t.Fatalf("a second before expiry: %d", a.code)
		}
		f.clock.Advance(time.Second)
		if a := f.get(PathPrefix + tok); a.code != http.StatusForbidden {
			t.Errorf("expired GET: %d", a.code)
		}
		if a := f.post(tok, "holidays", "n.csv", []byte(holidaysCSV)); a.code != http.StatusForbidden || !strings.Contains(a.body, "hết hạn") {
			t.Errorf("expired POST: %d %.300s", a.code, a.body)
		}

		forged := strings.Repeat("A", len(tok))
		for _, p := range []string{forged, tok[:len(tok)-1] + "x", "x"} {
			if a := f.post(p, "holidays", "n.csv", []byte(holidaysCSV)); a.code != http.StatusForbidden {
				t.Errorf("forged %q: %d", p, a.code)
			}
			if a := f.get(PathPrefix + p + "/loi.csv"); a.code != http.StatusForbidden {
				t.Errorf("forged error CSV %q: %d", p, a.code)
			}
		}

		// A link whose owner left the secretariat since.
		tok2 := f.token("vp1", "telegram")
		if err := st.UpsertOfficers(context.Background(), []models.Officer{
			{Code: "vp1", Name: "Lê Văn Cường", UnitCode: "T", Role: models.RoleOfficer, Active: true}}); err != nil {
			t.Fatal(err)
		}
		if a := f.post(tok2, "holidays", "n.csv", []byte(holidaysCSV)); a.code != http.StatusForbidden {
			t.Errorf("demoted: %d", a.code)
		}
		if n := f.holidays(); n != 0 {
			t.Errorf("%d holidays imported through refused links", n)
		}
		if q := f.queued(); len(q) != 0 {
			t.Errorf("%d messages queued for refused links", len(q))
		}
	})
}

func TestUploadTooLargeKeepsTheLink(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := newFixture(t, st, 1<<10)
	tok := f.token("vp1", "telegram")
	big := []byte(holidaysCSV + strings.Repeat("01/10/2026,nghỉ,Thử\n", 100))
	a := f.post(tok, "holidays", "lon.csv", big)
	if a.code != http.StatusRequestEntityTooLarge || !strings.Contains(a.body, "Tệp quá lớn") {
		t.Fatalf("too large: %d %.400s", a.code, a.body)
	}
	if !strings.Contains(a.body, `value="holidays" required checked`) {
		t.Error("the form forgot the kind chosen")
	}
	if n := f.holidays(); n != 0 {
		t.Fatalf("%d holidays imported from a file over the limit", n)
	}
	// A declared Content-Length over the limit is refused before reading.
	req := httptest.NewRequest(http.MethodPost, PathPrefix+tok, io.LimitReader(zeros{}, 1<<20))
	req.ContentLength = 1 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	rec := httptest.NewRecorder()
	f.root.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("Content-Length over the limit: %d", rec.Code)
	}
	// The link still works for a file within the limit.
	if a := f.post(tok, "holidays", "n.csv", []byte(holidaysCSV)); a.code != http.StatusOK || f.holidays() != 2 {
		t.Errorf("after a refused file: %d, %d holidays", a.code, f.holidays())
	}
	// On Telegram the summary is HTML and carries the error CSV.
	q := f.queued()
	if len(q) != 1 || q[0].Message.Format != notify.FormatHTML || q[0].Message.Document == nil {
		t.Fatalf("queued %+v", q)
	}
	golden.Text(t, filepath.Join("testdata", "summary_telegram.golden"), q[0].Message.Text)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Two uploads with the same link at the same moment: one imports, the
// other gets 403.
func TestUploadConcurrentPostsImportOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st, 0)
		tok := f.token("vp1", "zalo")
		codes := make(chan int, 4)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := "Ngày,Loại,Tên\n0" + string(rune('1'+i)) + "/10/2026,nghỉ,Thử\n"
				codes <- f.post(tok, "holidays", "n.csv", []byte(data)).code
			}()
		}
		wg.Wait()
		close(codes)
		ok, forbidden := 0, 0
		for c := range codes {
			switch c {
			case http.StatusOK:
				ok++
			case http.StatusForbidden:
				forbidden++
			}
		}
		if ok != 1 || forbidden != 3 || f.holidays() != 1 || len(f.queued()) != 1 {
			t.Errorf("ok %d, forbidden %d, holidays %d", ok, forbidden, f.holidays())
		}
	})
}
