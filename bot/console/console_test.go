package console

import (
	"context"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

func TestRunPagesWithArrowsAndStripsHTML(t *testing.T) {
	dir := bot.NewMemDirectory()
	dir.Link(Platform, "me", bot.Person{OfficerCode: "LD", Name: "Trần Thị Bình", UnitCode: "P1", Role: models.RoleLeader})
	r := bot.NewRouter(bot.Config{Directory: dir})
	items := make([]string, 300)
	for i := range items {
		items[i] = strings.Repeat("hồ sơ ", 10)
	}
	r.Handle("quahan", func(_ context.Context, q *bot.Request) (bot.Reply, error) {
		return bot.Reply{Pages: bot.Paginate("<b>Quá hạn</b> &amp; chậm\n", items, q.TextLimit()), Format: notify.FormatHTML}, nil
	})
	var out strings.Builder
	in := strings.NewReader("<\n/quahan\n>\n>\n<\n\n/trogiup\n")
	if err := Run(context.Background(), r, in, &out, Options{UserID: "me"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Không có trang nào để chuyển.", "Quá hạn & chậm", "Trang 1/", "[Sau »] — gõ < hoặc > để chuyển trang",
		"Trang 2/", "Trang 3/", "[« Trước] [Sau »]", "Hướng dẫn sử dụng (vai trò: lãnh đạo"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "<b>") || strings.Contains(got, "&amp;") {
		t.Errorf("HTML left in the output")
	}
	if strings.Index(got, "Trang 3/") > strings.LastIndex(got, "Trang 2/") {
		t.Errorf("< did not go back to page 2")
	}
}

func TestRunShowsPromptAndGroupMode(t *testing.T) {
	dir := bot.NewMemDirectory()
	r := bot.NewRouter(bot.Config{Directory: dir})
	var out strings.Builder
	if err := Run(context.Background(), r, strings.NewReader("/quahan\n"), &out, Options{UserID: "x", ChatID: "-1", Group: true, Prompt: "> "}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "> ") || !strings.Contains(got, "chưa được gắn với đơn vị") {
		t.Errorf("got %q", got)
	}
}
