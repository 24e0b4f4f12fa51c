package handlers_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/internal/tgfake"
)

// answers are the messages and documents sent, in order.
func (e *env) answers() []tgfake.Sent { return e.sentBy("sendMessage", "sendDocument") }

// sendFile sends a document (with a caption when not "") from user in
// their private chat and returns the one answer.
func (e *env) sendFile(user int64, name, caption string, data []byte) tgfake.Sent {
	e.t.Helper()
	before := len(e.answers())
	if caption == "" {
		e.fake.PushDocument(user, user, name, "application/octet-stream", data)
	} else {
		id := e.fake.AddFile("documents/"+name, data)
		u := e.fake.Update(user, user, 0, "")
		m := u["message"].(map[string]any)
		delete(m, "text")
		m["caption"] = caption
		m["document"] = map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "file_size": len(data)}
		e.fake.Push(u)
	}
	ok := e.fake.WaitFor(wait, func(st tgfake.State) bool {
		k := 0
		for _, s := range st.Sent {
			if s.Method == "sendMessage" || s.Method == "sendDocument" {
				k++
			}
		}
		return k > before
	})
	if !ok {
		e.t.Fatalf("%s: no answer", name)
	}
	return e.answers()[before]
}

// importRecorder is a fake importer: it keeps each request and the file's
// content (the temp file is gone once Import returns).
type importRecorder struct {
	mu    sync.Mutex
	reqs  []handlers.ImportRequest
	data  []string
	out   handlers.ImportOutcome
	err   error
	paths []string
}

func (r *importRecorder) Import(_ context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error) {
	b, err := os.ReadFile(req.Path)
	if err != nil {
		return handlers.ImportOutcome{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs, r.data, r.paths = append(r.reqs, req), append(r.data, string(b)), append(r.paths, req.Path)
	return r.out, r.err
}

func (r *importRecorder) last(t *testing.T) (handlers.ImportRequest, string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("Import was not called")
	}
	return r.reqs[len(r.reqs)-1], r.data[len(r.data)-1]
}

func (r *importRecorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func TestChatImport(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {
		e.link(uSecretariat, p.secretariat.Code)
		e.link(uAdmin, p.admin.Code)
		e.link(uOfficer, p.officer.Code)
		rec := &importRecorder{out: handlers.ImportOutcome{Stored: true, Unassigned: 3,
			Summary: ingest.Summary{Inserted: 1204, Updated: 17, Rejected: 2},
			Errors: []*ingest.RowError{
				{File: "dossiers.csv", Line: 118, Column: "Ngày hẹn trả", Field: "due_at", Value: "31/02/2026", Reason: "is not a date"},
				{File: "dossiers.csv", Line: 240, Column: "Mã hồ sơ", Field: "code", Reason: "is empty <required>"},
			}}}
		e.mu.Lock()
		e.importer = rec.Import
		e.mu.Unlock()
		csv := []byte("Mã hồ sơ,Ngày hẹn trả\nH1,31/02/2026\n")
		var b strings.Builder

		t.Run("secretariat imports a CSV", func(t *testing.T) {
			r := e.sendFile(uSecretariat, "dossiers.csv", "", csv)
			transcript(&b, "[tệp dossiers.csv]", r)
			req, data := rec.last(t)
			if req.Kind != ingest.KindDossiers || req.FileName != "dossiers.csv" || req.By != p.secretariat.Code || data != string(csv) {
				t.Errorf("request %+v, data %q", req, data)
			}
			if _, err := os.Stat(req.Path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("temp file %s not removed: %v", req.Path, err)
			}
			if r.Method != "sendDocument" || r.FileName != "loi-dossiers.csv" {
				t.Fatalf("answer %s %q", r.Method, r.FileName)
			}
			for _, want := range []string{"thêm mới 1.204, cập nhật 17, không đổi 0, bị từ chối 2", "3 hồ sơ chưa xác định",
				"dossiers.csv:118", "31/02/2026", "&lt;required&gt;"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("answer lacks %q:\n%s", want, r.Text)
				}
			}
			file := string(r.FileData)
			for _, want := range []string{"\ufeffTệp,Dòng,Cột", "dossiers.csv,118,Ngày hẹn trả,due_at,31/02/2026,\"không phải là ngày", "dossiers.csv,240,"} {
				if !strings.Contains(file, want) {
					t.Errorf("error file lacks %q:\n%s", want, file)
				}
			}
		})

		t.Run("officer refused, file not read", func(t *testing.T) {
			calls, n := e.fake.Calls("getFile"), rec.calls()
			r := e.sendFile(uOfficer, "dossiers.csv", "", csv)
			transcript(&b, "[tệp dossiers.csv của cán bộ]", r)
			if !strings.Contains(r.Text, "không được đọc") {
				t.Errorf("officer: %q", r.Text)
			}
			r = e.sendFile(uStranger+5, "dossiers.csv", "", csv)
			if !strings.Contains(r.Text, "chưa được liên kết") {
				t.Errorf("unlinked: %q", r.Text)
			}
			if got := e.fake.Calls("getFile"); got != calls || rec.calls() != n {
				t.Errorf("getFile called %d times, Import %d times for refused files", got-calls, rec.calls()-n)
			}
		})

		t.Run("kind unknown asks; caption wins", func(t *testing.T) {
			calls := e.fake.Calls("getFile")
			r := e.sendFile(uAdmin, "export_20261126.xlsx", "", csv)
			transcript(&b, "[tệp export_20261126.xlsx, không chú thích]", r)
			if !strings.Contains(r.Text, "“hồ sơ”") || e.fake.Calls("getFile") != calls {
				t.Errorf("no kind: %q (getFile %d)", r.Text, e.fake.Calls("getFile")-calls)
			}
			r = e.sendFile(uAdmin, "Danh sách cán bộ.xlsx", "hồ sơ tháng 10", csv)
			transcript(&b, "[tệp Danh sách cán bộ.xlsx, chú thích «hồ sơ tháng 10»]", r)
			if req, _ := rec.last(t); req.Kind != ingest.KindDossiers || req.By != p.admin.Code {
				t.Errorf("caption: %+v", req)
			}
		})

		t.Run("pdf and oversized refused", func(t *testing.T) {
			calls := e.fake.Calls("getFile")
			r := e.sendFile(uSecretariat, "công văn.pdf", "hoso", []byte("%PDF"))
			transcript(&b, "[tệp công văn.pdf]", r)
			if !strings.Contains(r.Text, ".csv hoặc .xlsx") {
				t.Errorf("pdf: %q", r.Text)
			}
			if e.fake.Calls("getFile") != calls {
				t.Error("a refused file was downloaded")
			}
		})

		t.Run("import error", func(t *testing.T) {
			rec.mu.Lock()
			rec.err = errors.New("dossiers.csv: missing column \"Mã hồ sơ\"\n\tat somewhere")
			rec.mu.Unlock()
			r := e.sendFile(uSecretariat, "ho_so_thang_10.csv", "", csv)
			transcript(&b, "[tệp ho_so_thang_10.csv, lỗi nhập]", r)
			if !strings.Contains(r.Text, "Không nhập được") || strings.Contains(r.Text, "somewhere") {
				t.Errorf("import error: %q", r.Text)
			}
			rec.mu.Lock()
			rec.err = nil
			rec.out = handlers.ImportOutcome{Stored: true, Summary: ingest.Summary{Unchanged: 40}}
			rec.mu.Unlock()
			r = e.sendFile(uSecretariat, "canbo.csv", "", csv)
			transcript(&b, "[tệp canbo.csv, không lỗi]", r)
			if req, _ := rec.last(t); req.Kind != ingest.KindOfficers || r.Method != "sendMessage" {
				t.Errorf("no errors: %+v, %s", req, r.Method)
			}
		})
		golden.Testdata(t, "chat_import.golden", b.String())
	})
}
