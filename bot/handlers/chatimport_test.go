package handlers

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		caption, file string
		want          ingest.Kind // "" = ask
	}{
		{"", "dossiers.csv", ingest.KindDossiers},
		{"", "ho_so_thang_10.xlsx", ingest.KindDossiers},
		{"", "Danh sách cán bộ.xlsx", ingest.KindOfficers},
		{"", "DON-VI.csv", ingest.KindUnits},
		{"", "ngay_nghi_2027.csv", ingest.KindHolidays},
		{"", "buoc_xu_ly.csv", ingest.KindSteps},
		{"", "export_20261126.xlsx", ""},
		{"", "ho so va can bo.xlsx", ""}, // two kinds: ask
		{"hoso", "Danh sách cán bộ.xlsx", ingest.KindDossiers},
		{"Hồ sơ tháng 10", "export.xlsx", ingest.KindDossiers},
		{"canbo", "x.csv", ingest.KindOfficers},
		{"dossiers", "x.csv", ingest.KindDossiers},
		{"cán bộ", "x.csv", ingest.KindOfficers},
		{"xin gửi", "x.csv", ""},
	} {
		got, ok := kindOf(c.caption, c.file)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("kindOf(%q, %q) = %q, %v; want %q", c.caption, c.file, got, ok, c.want)
		}
	}
}

// TestImportNotAvailable: without an importer (cmd/dondoc's default) the
// secretariat is told so and nothing is downloaded.
func TestImportNotAvailable(t *testing.T) {
	downloads := 0
	h := &handlers{Deps{Rules: &models.Rules{Cal: models.NewVietnamCalendar(time.UTC, 17, 0)},
		Download: func(context.Context, string, string) (io.ReadCloser, error) { downloads++; return nil, io.EOF }}}
	q := &bot.Request{Role: models.RoleSecretariat, Update: bot.Update{Platform: "telegram", ChatType: bot.ChatPrivate,
		Document: &bot.DocumentRef{FileID: "f", FileName: "dossiers.csv", Size: 10}}}
	r, err := h.document(context.Background(), q)
	if err != nil || !strings.Contains(r.Text, "chưa sẵn sàng") || downloads != 0 {
		t.Errorf("%q, %v, %d downloads", r.Text, err, downloads)
	}
	q.Update.Document.Size = MaxImportSize + 1
	if r, _ := h.document(context.Background(), q); !strings.Contains(r.Text, "quá lớn") || downloads != 0 {
		t.Errorf("oversized: %q", r.Text)
	}
}
