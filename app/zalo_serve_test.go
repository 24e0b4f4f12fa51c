package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/internal/bottest"
	"github.com/dondoc/dondoc/internal/zalofake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

// zaloWait bounds each wait of the serve tests (a digest under injected
// 429s waits for Zalo's quota several times).
const zaloWait = 90 * time.Second

// zaloServe is `dondoc serve` run in-process (app.Run) in Zalo webhook mode
// against the fake Zalo platform, on a database seeded with the sample
// district; a few officers are linked on Zalo, one group is bound.
type zaloServe struct {
	t     testing.TB
	env   map[string]string
	fake  *zalofake.Server
	st    *store.Store
	data  *sample.Data
	fix   bottest.Fixture
	users []string  // the Zalo users linked by the seed
	group string    // a Zalo group bound to the leader's unit
	now   time.Time // serve's DONDOC_NOW

	logs *bottest.Logs // the current run's log
	base string        // http://addr of the current run
	stop func()        // ends the current run and checks it exits 0
	ids  []string      // message ids of the updates delivered
}

func newZaloServe(t testing.TB, dbURL string) *zaloServe {
	t.Helper()
	ctx := context.Background()
	st, data := seedDeliveryData(t, dbURL)
	now, _ := time.Parse(time.RFC3339, serveNow)
	z := &zaloServe{t: t, st: st, data: data, fix: bottest.NewFixture(t, data), group: "g-zalo-7a1f", now: now, fake: zalofake.New(zalofake.Options{Seed: 7})}
	t.Cleanup(z.fake.Close)
	var accs []models.ChatAccount
	for _, o := range data.Officers {
		if o.Active && o.Code != z.fix.Leader.Code {
			u := "z-" + strings.ToLower(o.Code)
			z.users = append(z.users, u)
			accs = append(accs, models.ChatAccount{Platform: zalo.Platform, UserID: u, ChatID: u, OfficerCode: o.Code, Active: true, LinkedAt: now})
		}
	}
	if err := st.UpsertChatAccounts(ctx, accs); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: zalo.Platform, ChatID: z.group, UnitCode: z.fix.Leader.UnitCode, Active: true, BoundAt: now}}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port, kept across restarts: the webhook URL names it
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	z.env = map[string]string{
		"DATABASE_URL": dbURL, "DONDOC_NOW": serveNow, "DONDOC_TZ": "Asia/Ho_Chi_Minh", "REMIND_AT": "07:30",
		"ESCALATE_AT": "off", "WEEKLY_AT": "off", "MONTHLY_AT": "off", "HTTP_ADDR": addr, "LOG_LEVEL": "debug",
		"DONDOC_ENV_FILE": filepath.Join(t.TempDir(), "none.env"),
		"ZALO_BOT_TOKEN":  z.fake.Token(), "ZALO_API_BASE": z.fake.BaseURL(),
		"ZALO_WEBHOOK_URL":     "http://" + addr + "/hooks/zalo", // ZALO_WEBHOOK_SECRET unset: generated and kept
		"ZALO_RATE_PER_SECOND": "50", "ZALO_RATE_PER_CHAT": "10",
	}
	return z
}

// start runs serve until stop; it returns once serve listens (the webhook
// is registered and mounted by then).
func (z *zaloServe) start() {
	t := z.t
	t.Helper()
	z.logs = &bottest.Logs{}
	base, stop := serveInTest(t, context.Background(), z.env, z.logs, zaloWait)
	z.base = base
	stopped := false
	z.stop = func() {
		if stopped {
			return
		}
		stopped = true
		if code, ok := stop(); !ok {
			t.Fatal("serve did not stop")
		} else if code != 0 {
			t.Errorf("serve exited %d", code)
		}
	}
	t.Cleanup(z.stop)
}

// get fetches path from serve.
func (z *zaloServe) get(path string) (int, string) {
	z.t.Helper()
	resp, err := http.Get(z.base + path)
	if err != nil {
		z.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// sentTo returns the texts of the messages sent to chat.
func sentTo(all []zalofake.Sent, chat string) []string {
	var out []string
	for _, s := range all {
		if s.Method == "sendMessage" && s.ChatID == chat {
			out = append(out, s.Text)
		}
	}
	return out
}

// say delivers m by webhook as Zalo does (200 within 2 s expected: the
// work runs after the answer) and waits until
// the messages sent to its chat since then contain want; it returns them
// joined. Every message must be plain text within Zalo's 2,000 characters.
func (z *zaloServe) say(m zalofake.Message, want string) string {
	t := z.t
	t.Helper()
	chat := m.ChatID
	if chat == "" {
		chat = m.FromID
	}
	before := len(sentTo(z.fake.Sent(), chat))
	u := z.fake.Update(m)
	z.ids = append(z.ids, zalofake.MessageID(u))
	start := time.Now()
	if code, err := z.fake.Deliver(u); err != nil || code != http.StatusOK {
		t.Fatalf("%q: webhook answered %d, %v", m.Text, code, err)
	}
	if took := time.Since(start); took > 2*time.Second { // Zalo wants its 200 within about 2 s
		t.Errorf("%q: the webhook answered after %s", m.Text, took)
	}
	var got []string
	ok := z.fake.WaitFor(zaloWait, func(s zalofake.State) bool {
		got = sentTo(s.Sent, chat)[before:]
		return strings.Contains(strings.Join(got, "\n"), want)
	})
	for _, s := range got {
		if n := len([]rune(s)); n == 0 || n > zalo.MaxText || strings.Contains(s, "<b>") {
			t.Errorf("%q: a message of %d characters or with HTML: %.80q", m.Text, n, s)
		}
	}
	if !ok {
		t.Errorf("%q: reply %q, want it to contain %q", m.Text, strings.Join(got, "\n"), want)
	}
	return strings.Join(got, "\n")
}

// digestPieces waits for the digest job of the current run and returns
// the messages its outbox entries become on Zalo (plain text, split at
// 2,000 characters), by chat.
func (z *zaloServe) digestPieces() map[[2]string]int {
	t := z.t
	t.Helper()
	if !z.logs.WaitFor(`msg="scheduler: job done" job=digest`, zaloWait) {
		t.Fatalf("the digest job did not run:\n%s", z.logs)
	}
	es, err := z.st.Outbox().Entries(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]int{}
	for _, e := range es {
		if e.Message.Platform != zalo.Platform {
			continue
		}
		text := e.Message.Text
		if e.Message.Format == notify.FormatHTML {
			text = notify.PlainText(text)
		}
		for _, p := range zalo.Split(text, zalo.MaxText) {
			want[[2]string{e.Message.ChatID, p}]++
		}
	}
	if len(want) == 0 {
		t.Fatalf("the digest job enqueued nothing for Zalo (%d entries):\n%s", len(es), z.logs)
	}
	return want
}

// delivered counts the messages sent, by chat and text.
func delivered(all []zalofake.Sent) map[[2]string]int {
	got := map[[2]string]int{}
	for _, s := range all {
		if s.Method == "sendMessage" {
			got[[2]string{s.ChatID, s.Text}]++
		}
	}
	return got
}

// TestServeZaloWebhook runs dondoc serve in Zalo webhook mode against the
// fake Zalo platform, on SQLite and (when configured) Postgres: the daily
// digest goes out under 30 % injected 403s and 429s, each message once,
// no link deactivated; the webhook refuses a wrong secret; an officer
// links by sending the code; every command works in private and, by
// mention, in a bound group; bad input is acknowledged and logged; after a
// restart, redelivered updates are not answered again and the digest is
// not sent twice.
func TestServeZaloWebhook(t *testing.T) {
	forEachDBURL(t, testServeZaloWebhook)
}

func testServeZaloWebhook(t *testing.T, dbURL string) {
	ctx := context.Background()
	z := newZaloServe(t, dbURL)
	z.fake.FailRandomly("sendMessage", 0.3, zalofake.InternalError(), zalofake.QuotaExceeded())
	z.start()

	// The digest, under faults: every piece once.
	want := z.digestPieces()
	if !z.fake.WaitFor(zaloWait, func(s zalofake.State) bool {
		got := delivered(s.Sent)
		for k := range want {
			if got[k] == 0 {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("the digest was not delivered:\n%s", z.logs)
	}
	if z.fake.Calls("sendMessage") <= len(z.fake.SentBy("sendMessage")) {
		t.Error("no fault was injected")
	}
	z.fake.FailRandomly("sendMessage", 0)

	// The webhook: registered at the configured URL with a secret kept in
	// the database; a wrong or missing secret is refused.
	hook, secret := z.fake.WebhookSet()
	if hook != z.env["ZALO_WEBHOOK_URL"] || len(secret) < 8 {
		t.Fatalf("webhook %q with a secret of %d characters", hook, len(secret))
	}
	if kept, ok, err := z.st.PlatformState().Setting(ctx, zalo.SettingWebhookSecret); err != nil || !ok || kept != secret {
		t.Fatalf("the generated secret is not kept in the database: ok=%v err=%v", ok, err)
	}
	const uLeader = "7a1f0000000000leader"
	body := zalofake.Envelope(z.fake.Update(zalofake.Message{FromID: uLeader, Text: "/trogiup"}))
	for _, wrong := range []string{"", secret + "x", "not-the-secret"} {
		if code, err := z.fake.DeliverRaw(body, wrong); err != nil || code != http.StatusUnauthorized {
			t.Errorf("secret %q: HTTP %d, %v; want 401", wrong, code, err)
		}
	}
	if code, body := z.get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q", code, body)
	}

	// Linking by sending the one-time code; every command in private.
	code, err := z.st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: z.fix.Leader.Code, CreatedBy: "test", Now: z.now})
	if err != nil {
		t.Fatal(err)
	}
	z.say(zalofake.Message{FromID: uLeader, Text: code}, "Xin chào")
	for _, c := range bottest.PrivateCommands(z.fix.Dossier, z.fix.Unit, z.fix.UnitWords) {
		z.say(zalofake.Message{FromID: uLeader, Text: c.Text}, c.Want)
	}

	// In the bound group: by mention, with and without "/" and diacritics.
	group := func(text, want string) string {
		return z.say(zalofake.Message{ChatID: z.group, FromID: uLeader, Group: true, Text: text}, want)
	}
	first := group("@"+z.fake.BotName()+" /quahan", "quá hạn")
	for _, text := range append(bottest.GroupMentions(z.fake.BotName()), "/quahan @"+z.fake.BotName()) {
		if r := group(text, "quá hạn"); r != first {
			t.Errorf("%q in the group: %q, want the answer to /quahan", text, r)
		}
	}
	// Not addressed to the bot: Zalo does not deliver it; if it did, the
	// adapter drops it before answering.
	if code, err := z.fake.Deliver(z.fake.Update(zalofake.Message{ChatID: z.group, FromID: uLeader, Group: true, Text: "/quahan"})); err != nil || code != 0 {
		t.Errorf("the fake delivered an unaddressed group message: %d %v", code, err)
	}
	raw := zalofake.Envelope(z.fake.Update(zalofake.Message{ChatID: z.group, FromID: uLeader, Group: true, Text: "quá hạn"}))
	if code, _ := z.fake.DeliverRaw(raw, secret); code != http.StatusOK {
		t.Errorf("an unaddressed group message: HTTP %d", code)
	}
	if !z.logs.WaitFor("group message neither mentioning nor replying to the bot", zaloWait) {
		t.Error("no log line for the unaddressed group message")
	}

	// Bad input: acknowledged (200), a clear log line, no panic.
	for name, body := range map[string][]byte{
		"malformed": []byte(`{"ok":true,"result":{`),
		"oversized": bytes.Repeat([]byte("x"), 2<<20),
		"unknown event": zalofake.Envelope(map[string]any{"event_name": "message.poll.received", "message": map[string]any{
			"from": map[string]any{"id": uLeader}, "chat": map[string]any{"id": uLeader, "chat_type": "PRIVATE"}, "message_id": "poll1"}}),
	} {
		if code, err := z.fake.DeliverRaw(body, secret); err != nil || code != http.StatusOK {
			t.Errorf("%s: HTTP %d %v, want 200", name, code, err)
		}
	}
	for _, line := range []string{"webhook body is not a Zalo update", "webhook body over 1 MiB", `unknown event \"message.poll.received\"`} {
		if !strings.Contains(z.logs.String(), line) {
			t.Errorf("no log line %q", line)
		}
	}
	z.say(zalofake.Message{FromID: uLeader, Text: "/tra " + strings.Repeat("H", 10000)}, "H")
	z.say(zalofake.Message{FromID: uLeader, Text: `<b onclick="x">/quahan</b><script>alert(1)</script>`}, "/trogiup")
	z.stop()
	for _, bad := range []string{"panic", secret, z.fake.Token()} {
		if strings.Contains(z.logs.String(), bad) {
			t.Errorf("the log holds %.12q…", bad)
		}
	}

	// Restart: Zalo redelivers every update; none is answered again and
	// the digest is not sent twice.
	sentBefore := len(z.fake.SentBy("sendMessage"))
	z.start()
	if !z.logs.WaitFor(`msg="scheduler: already run" job=digest`, zaloWait) {
		t.Fatalf("the restarted serve did not see today's digest as done:\n%s", z.logs)
	}
	for _, id := range z.ids {
		if code, err := z.fake.Redeliver(id); err != nil || code != http.StatusOK {
			t.Fatalf("redelivery of %s: %d %v", id, code, err)
		}
	}
	z.say(zalofake.Message{FromID: uLeader, Text: "/sapden"}, "sắp đến hạn")
	replies := len(z.fake.SentBy("sendMessage")) - sentBefore
	z.stop() // drains the update handlers
	if n := len(z.fake.SentBy("sendMessage")) - sentBefore; n != replies || replies != 1 {
		t.Errorf("after the restart %d messages, want the one answer to /sapden (redeliveries answered again?)", n)
	}
	got := delivered(z.fake.Sent())
	for k, n := range want {
		if got[k] != n {
			t.Errorf("digest piece to %s delivered %d times, want %d: %.60q", k[0], got[k], n, k[1])
		}
	}
	es, err := z.st.Outbox().Entries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Message.Platform == zalo.Platform && e.Status != notify.StatusSent {
			t.Errorf("%s: %s %q", e.Key, e.Status, e.LastError)
		}
	}
	dir := z.st.ChatDirectory(0)
	for _, u := range append(z.users, uLeader) {
		if _, err := dir.Account(ctx, zalo.Platform, u); err != nil {
			t.Errorf("the link of %s is no longer active: %v", u, err)
		}
	}
	t.Logf("%d digest messages, %d sendMessage calls (30 %% refused during the digest), %d updates redelivered",
		len(want), z.fake.Calls("sendMessage"), len(z.ids))
}

// TestServeZaloTokenRefused: when Zalo answers 401 (the token was reset in
// Bot Creator), the Zalo channel stops with a clear log line and /readyz
// reports not ready.
func TestServeZaloTokenRefused(t *testing.T) {
	z := newZaloServe(t, filepath.Join(t.TempDir(), "dondoc.db"))
	z.env["LOG_LEVEL"], z.env["REMIND_AT"] = "info", "off"
	z.start()
	if code, body := z.get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz = %d %q before the 401", code, body)
	}
	z.fake.FailNext("sendMessage", 1, zalofake.Unauthorized())
	u := z.fake.Update(zalofake.Message{FromID: z.users[0], Text: "/quahan"})
	if code, err := z.fake.Deliver(u); err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d %v", code, err)
	}
	if !z.logs.WaitFor("Zalo refused ZALO_BOT_TOKEN (401)", zaloWait) {
		t.Fatalf("no clear log line:\n%s", z.logs)
	}
	if code, body := z.get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d %q after a 401, want 503", code, body)
	}
	if !strings.Contains(z.logs.String(), "ZALO_BOT_TOKEN") || strings.Contains(z.logs.String(), z.fake.Token()) {
		t.Error("the log must name ZALO_BOT_TOKEN and never hold the token")
	}
}

// BenchmarkZaloWebhookThroughput runs dondoc serve (SQLite, the sample
// district, 40 officers linked on Zalo) in Zalo webhook mode and posts
// updates as Zalo does from a second process over loopback, through
// serve's own HTTP server and mount; it reports the webhook's answers per
// second (acks/s) and the updates fully handled, reply sent, per second
// (updates/s). Replies are not paced (ZALO_RATE_PER_SECOND very high):
// this measures dondoc, not the quota. Run with -benchtime=1x.
func BenchmarkZaloWebhookThroughput(b *testing.B) {
	const count, users = 1500, 40
	z := newZaloServe(b, filepath.Join(b.TempDir(), "dondoc.db"))
	z.env["REMIND_AT"], z.env["LOG_LEVEL"] = "off", "error"
	z.env["ZALO_RATE_PER_SECOND"], z.env["ZALO_RATE_PER_CHAT"] = "100000", "10000"
	z.start()
	hook, secret := z.fake.WebhookSet()
	for i := 0; b.Loop(); i++ {
		before := len(z.fake.SentBy("sendMessage"))
		start := time.Now()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "DONDOC_LOADGEN_URL="+hook, "DONDOC_LOADGEN_SECRET="+secret,
			"DONDOC_LOADGEN_COUNT="+strconv.Itoa(count), "DONDOC_LOADGEN_FIRST_ID="+strconv.Itoa(i),
			"DONDOC_LOADGEN_ZALO_USERS="+strings.Join(z.users[:users], ","))
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("load generator: %v: %s", err, out)
		}
		var res struct {
			Posted, Failed int
			Seconds        float64
		}
		if err := json.Unmarshal(out, &res); err != nil || res.Posted != count || res.Failed != 0 {
			b.Fatalf("load generator said %s (%v)", out, err)
		}
		if _, err := z.fake.WaitSent(2*time.Minute, "sendMessage", before+count); err != nil {
			b.Fatalf("replies: %v", err)
		}
		b.ReportMetric(float64(count)/time.Since(start).Seconds(), "updates/s")
		b.ReportMetric(float64(res.Posted)/res.Seconds, "acks/s")
	}
}
