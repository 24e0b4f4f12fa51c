package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/notify"
)

func TestRemindCommand(t *testing.T) {
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "dondoc.db")
	st := seedDelivery(t, dbURL)
	env := map[string]string{"DATABASE_URL": dbURL, "DONDOC_NOW": serveNow,
		"DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env")}
	ctx := context.Background()

	code, out, errs := runWith(t, env, "remind", "--dry-run")
	if code != 0 || strings.Count(out, "=== digest/") < 10 || !strings.Contains(out, "chưa gửi, chưa ghi nhận") {
		t.Fatalf("remind --dry-run: code %d\n%s\n%s", code, out, errs)
	}
	if c, _ := st.OutboxCounts(ctx); len(c) != 0 {
		t.Fatalf("a dry run wrote the outbox: %v", c)
	}
	if code, _, errs := runWith(t, env, "remind"); code != 1 || !strings.Contains(errs, "TELEGRAM_BOT_TOKEN") {
		t.Fatalf("remind without a platform: code %d, %s", code, errs)
	}
	if code, _, _ := runWith(t, env, "remind", "--date", "26/11/2026"); code != 2 {
		t.Fatalf("remind with a bad date: code %d; want 2", code)
	}

	// A day off (Saturday; Tết) is refused unless --force.
	for _, day := range []string{"2026-11-28", "2027-02-08"} {
		if code, _, errs := runWith(t, env, "remind", "--dry-run", "--date", day); code != 2 || !strings.Contains(errs, "ngày nghỉ") {
			t.Fatalf("remind --date %s (a day off): code %d, %s; want 2", day, code, errs)
		}
	}
	if code, out, errs := runWith(t, env, "remind", "--dry-run", "--date", "2026-11-28", "--force"); code != 0 ||
		!strings.Contains(out, "chưa gửi, chưa ghi nhận") {
		t.Fatalf("remind --force on a day off: code %d\n%s\n%s", code, out, errs)
	}

	fake := tgfake.New(tgfake.Options{Limits: true})
	defer fake.Close()
	env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_ENDPOINT"] = fake.Token(), fake.Endpoint()
	code, out, errs = runWith(t, env, "remind", "--date", "2026-11-26")
	if code != 0 || !strings.Contains(out, "tin mới vào hàng đợi") {
		t.Fatalf("remind: code %d\n%s\n%s", code, out, errs)
	}
	c, _ := st.OutboxCounts(ctx)
	if c[notify.StatusSent] < 10 || c[notify.StatusPending] != 0 || len(fake.SentBy("sendMessage")) != c[notify.StatusSent] {
		t.Fatalf("after remind: outbox %v, %d sent by the fake", c, len(fake.SentBy("sendMessage")))
	}
	code, out, _ = runWith(t, env, "remind", "--date", "2026-11-26")
	if code != 0 || !strings.Contains(out, "đã chạy rồi") {
		t.Fatalf("second remind: code %d\n%s", code, out)
	}
	if code, _, _ := runWith(t, env, "broadcast", "--month", "2026-13"); code != 2 {
		t.Fatalf("broadcast with a bad month: code %d; want 2", code)
	}
}
