package zalo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/notify"
)

// TestRendererShowsRepliesAsZalo: the demo console's rendering is Zalo's —
// plain text, a typed paging hint that Translate turns back into the page
// request, pieces of at most 2,000 characters.
func TestRendererShowsRepliesAsZalo(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, ict)
	z := zalo.NewRenderer(func() time.Time { return now })
	paged := bot.Reply{Text: "<b>Hồ sơ quá hạn</b>\nTrang 1/3", Format: notify.FormatHTML,
		Buttons: [][]notify.Button{{{Text: "Sau »", Data: bot.PageData("quahan", "", 1)}}}}
	got := z.Render("c1", paged)
	if len(got) != 1 || got[0] != "Hồ sơ quá hạn\nTrang 1/3\nGõ /quahan 2 để xem trang sau." {
		t.Errorf("paged reply: %q", got)
	}
	u := bot.Update{ChatID: "c1", Text: "/quahan 2"}
	z.Translate(&u)
	if u.Callback == nil || u.Callback.Data != bot.PageData("quahan", "", 1) || u.Text != "" {
		t.Errorf("typed page: %+v", u)
	}
	long := z.Render("c1", bot.Reply{Text: strings.Repeat("Dòng nhắc việc khá dài của hồ sơ\n", 200)})
	if len(long) < 2 {
		t.Fatalf("a 6,600-character reply in %d piece(s)", len(long))
	}
	for _, m := range long {
		if n := len([]rune(m)); n > zalo.MaxText || strings.HasSuffix(m, "hồ") {
			t.Errorf("a piece of %d characters, or cut inside a line", n)
		}
	}
}
