package zalo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/notify"
)

// A digest in Telegram HTML goes out on Zalo as plain text, split at line
// boundaries into messages of at most 2000 characters.
func ExampleBot_Send() {
	fake := zalofake.New(zalofake.Options{})
	defer fake.Close()
	ctx := context.Background()
	b, err := zalo.New(ctx, zalo.Config{Token: fake.Token(), BaseURL: fake.BaseURL(), // BaseURL: cfg.ZaloAPIBase
		RatePerChat: 100}) // ZALO_RATE_PER_CHAT; default 1 message/s per chat
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf("%d. Hồ sơ H%04d — <i>quá hạn</i> %d ngày, chuyên viên Nguyễn Văn An", i+1, i, i%5+1))
	}
	err = b.Send(ctx, notify.Message{Key: "digest/u2/2026-11-27", Platform: zalo.Platform, ChatID: "u2",
		Format: notify.FormatHTML, Text: "<b>Nhắc việc sáng 27/11/2026</b>\n" + strings.Join(lines, "\n")})
	fmt.Println(err)
	for _, s := range fake.SentBy("sendMessage") {
		first, _, _ := strings.Cut(s.Text, "\n")
		fmt.Printf("%d characters, from %q\n", len([]rune(s.Text)), first)
	}
	// Output:
	// <nil>
	// 1996 characters, from "Nhắc việc sáng 27/11/2026"
	// 1619 characters, from "34. Hồ sơ H0033 — quá hạn 4 ngày, chuyên viên Nguyễn Văn An"
}

// Webhook mode, as `dondoc serve` wires it: New with the webhook URL (and
// State, so that a generated secret and the handled updates are kept in the
// database), SetWebhook (confirmed by getWebhookInfo), then the handler
// mounted at the URL's path on dondoc's HTTP server.
func ExampleBot_WebhookHandler() {
	fake := zalofake.New(zalofake.Options{})
	defer fake.Close()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // dondoc's HTTP server (HTTP_ADDR)
	defer srv.Close()
	ctx := context.Background()
	b, err := zalo.New(ctx, zalo.Config{Token: fake.Token(), BaseURL: fake.BaseURL(),
		WebhookURL: srv.URL + "/hooks/zalo", WebhookSecret: "s3cret-s3cret"}) // + State: st.PlatformState()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := b.SetWebhook(ctx); err != nil {
		fmt.Println(err)
		return
	}
	mux.Handle("POST "+b.WebhookPath(), b.WebhookHandler(func(ctx context.Context, u bot.Update) {
		fmt.Printf("%s from %s\n", u.Text, u.UserID) // router.Dispatch(ctx, u, b)
	}))
	code, err := fake.Deliver(fake.Update(zalofake.Message{FromID: "u1", Text: "quá hạn"}))
	b.Wait()
	fmt.Println(code, err, b.WebhookPath())
	// Output:
	// quá hạn from u1
	// 200 <nil> /hooks/zalo
}
