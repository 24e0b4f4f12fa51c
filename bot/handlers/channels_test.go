package handlers_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store/storetest"
)

// jobsChannels is app's adapter of jobs.Deps to /caidat.
type jobsChannels struct{ d *jobs.Deps }

func (c jobsChannels) Options(ctx context.Context, code string) ([]handlers.ChannelOption, error) {
	opts, err := c.d.OfficerChannelOptions(ctx, code)
	out := make([]handlers.ChannelOption, len(opts))
	for i, o := range opts {
		out[i] = handlers.ChannelOption{Platform: o.Platform, Label: o.Label, Chosen: o.Chosen, Used: o.Used}
	}
	return out, err
}

func (c jobsChannels) Choose(ctx context.Context, code, platform string) error {
	if err := c.d.ChooseChannel(ctx, code, platform); errors.Is(err, jobs.ErrNoSuchChannel) {
		return handlers.ErrNoChannel
	} else if err != nil {
		return err
	}
	return nil
}

// TestChannelSettings: /caidat in a private chat lists the channels that
// reach the officer and changes the digest's; typed as words too.
func TestChannelSettings(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, ict)
	if err := st.UpsertUnits(ctx, []models.Unit{{Code: "X", Name: "UBND xã Bình An"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertOfficers(ctx, []models.Officer{
		{Code: "A", Name: "Nguyễn Thị An", UnitCode: "X", Role: models.RoleOfficer, Phone: "0912345678", Email: "an@binhan.gov.vn", Active: true},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo", UserID: "z1", ChatID: "z1", OfficerCode: "A", Active: true, LinkedAt: now}}); err != nil {
		t.Fatal(err)
	}
	rules := &models.Rules{Cal: models.NewVietnamCalendar(ict, 17, 0), DueSoonDays: 2}
	d := &jobs.Deps{Store: st, Rules: rules, Clock: func() time.Time { return now }, Platforms: []notify.Platform{
		{Name: "email", Label: "thư điện tử"}, {Name: "zalo", Label: "Zalo"}, {Name: "zns", Label: "tin nhắn ZNS"}},
		Addresses: map[string]jobs.Address{
			"zns":   func(o models.Officer) (string, bool) { return o.Phone, o.Phone != "" },
			"email": func(o models.Officer) (string, bool) { return o.Email, o.Email != "" },
		}}
	dir := st.ChatDirectory(time.Minute)
	r := bot.NewRouter(bot.Config{Directory: dir, Logger: slog.New(slog.DiscardHandler), SlowAfter: time.Minute})
	handlers.Register(r, handlers.Deps{Store: st, Directory: dir, Rules: rules, Clock: func() time.Time { return now },
		Channels: jobsChannels{d}})
	rec := &recorder{}
	var id int64
	say := func(user string, kind bot.ChatKind, text string) string {
		id++
		chat := user
		if kind == bot.ChatGroup {
			chat = "g1"
		}
		r.Dispatch(ctx, bot.Update{Platform: "zalo", UpdateID: id, ChatID: chat, ChatType: kind, UserID: user, Text: text}, rec)
		return rec.last().Text
	}

	got := say("z1", bot.ChatPrivate, "/caidat")
	for _, want := range []string{"• Zalo (zalo) — đang nhận\n", "• tin nhắn ZNS (zns)\n", "• thư điện tử (email)\n",
		"Bạn chưa chọn kênh", "/caidat <kênh>"} {
		if !strings.Contains(got, want) {
			t.Errorf("/caidat lacks %q:\n%s", want, got)
		}
	}
	got = say("z1", bot.ChatPrivate, "cài đặt thư")
	if !strings.Contains(got, "Đã chọn kênh nhận bản tin: thư điện tử.") || !strings.Contains(got, "• thư điện tử (email) — đang nhận") ||
		!strings.Contains(got, "Bạn đã chọn: thư điện tử.") {
		t.Errorf("cài đặt thư:\n%s", got)
	}
	if c, _ := st.OfficerChannel(ctx, "A"); c != "email" {
		t.Errorf("stored choice %q; want email", c)
	}
	got = say("z1", bot.ChatPrivate, "/caidat telegram")
	if !strings.Contains(got, "Không có kênh này") || !strings.Contains(got, "Các kênh có thể chọn: email, zalo, zns.") {
		t.Errorf("/caidat telegram:\n%s", got)
	}
	if c, _ := st.OfficerChannel(ctx, "A"); c != "email" {
		t.Errorf("a refused choice changed the stored one to %q", c)
	}
	got = say("z1", bot.ChatPrivate, "/caidat macdinh")
	if !strings.Contains(got, "Đã đặt lại") || !strings.Contains(got, "• Zalo (zalo) — đang nhận") {
		t.Errorf("/caidat macdinh:\n%s", got)
	}
	if c, _ := st.OfficerChannel(ctx, "A"); c != "" {
		t.Errorf("stored choice %q after reset", c)
	}
	// Not for strangers, not in groups.
	got = say("z9", bot.ChatPrivate, "/caidat email")
	if strings.Contains(got, "Đã chọn") {
		t.Errorf("an unlinked account changed a channel:\n%s", got)
	}
	got = say("z1", bot.ChatGroup, "/caidat email")
	if strings.Contains(got, "Đã chọn") {
		t.Errorf("/caidat worked in a group:\n%s", got)
	}
	if c, _ := st.OfficerChannel(ctx, "A"); c != "" {
		t.Errorf("stored choice %q after refused commands", c)
	}
}
