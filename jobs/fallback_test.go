package jobs_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/bot/zns"
	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/internal/znsfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// fakeChannel records what it is given; fail, when set, decides each send.
type fakeChannel struct {
	name string
	mu   sync.Mutex
	sent []notify.Message
	fail func(m notify.Message) error
}

func (f *fakeChannel) Platform() string { return f.name }

func (f *fakeChannel) Describe() notify.Platform {
	return notify.Platform{Name: f.name, Label: f.name, Format: notify.FormatPlain, MaxText: 2000}
}

func (f *fakeChannel) Send(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		if err := f.fail(m); err != nil {
			return err
		}
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeChannel) messages() []notify.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notify.Message(nil), f.sent...)
}

// fallbackWorld is one commune: A has a Zalo chat, a phone and an e-mail
// address, B has only a phone; both hold an overdue dossier. The digest
// goes zalo → zns → email; Zalo refuses A for good.
type fallbackWorld struct {
	s       *store.Store
	d       *jobs.Deps
	disp    *notify.Dispatcher
	zalo    *fakeChannel
	email   *fakeChannel
	fake    *znsfake.Server
	reg     *prometheus.Registry
	zaloTry int
	clk     *clockwork.FakeClock
}

func newFallbackWorld(t *testing.T, s *store.Store, quota int) *fallbackWorld {
	t.Helper()
	ctx := context.Background()
	must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "X", Name: "UBND xã Bình An"}}))
	must(t, s.UpsertOfficers(ctx, []models.Officer{
		{Code: "A", Name: "Nguyễn Thị An", UnitCode: "X", Role: models.RoleOfficer, Phone: "0912 345 678", Email: "an@binhan.gov.vn", Active: true},
		{Code: "B", Name: "Trần Văn Bình", UnitCode: "X", Role: models.RoleOfficer, Phone: "0987654321", Active: true},
	}))
	due := time.Date(2026, 11, 24, 17, 0, 0, 0, ict)
	must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{
		{Code: "HS001", ProcedureName: "Đăng ký khai sinh", UnitCode: "X", HandlerCode: "A",
			ReceivedAt: time.Date(2026, 11, 10, 9, 0, 0, 0, ict), DueAt: due, Status: models.StatusProcessing, ApplicantName: "Lê Văn Dân"},
		{Code: "HS002", ProcedureName: "Chứng thực bản sao", UnitCode: "X", HandlerCode: "B",
			ReceivedAt: time.Date(2026, 11, 10, 9, 0, 0, 0, ict), DueAt: due, Status: models.StatusProcessing, ApplicantName: "Phạm Thị Em"},
	}))
	must(t, s.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo", UserID: "za", ChatID: "za", OfficerCode: "A", Active: true, LinkedAt: day1}}))

	w := &fallbackWorld{s: s, reg: prometheus.NewRegistry()}
	w.d = newDeps(s)
	w.d.Addresses = map[string]jobs.Address{
		"zns":   func(o models.Officer) (string, bool) { return zns.NormalizePhone(o.Phone) },
		"email": func(o models.Officer) (string, bool) { return o.Email, o.Email != "" },
	}
	w.d.ZNSPlatform, w.d.ZNSPriceVND = "zns", 300
	w.zalo = &fakeChannel{name: "zalo", fail: func(notify.Message) error {
		w.zaloTry++
		return &notify.SendError{Class: notify.Permanent, Reason: "zalo: user blocked the bot"}
	}}
	w.email = &fakeChannel{name: "email"}
	w.fake = znsfake.New(znsfake.Options{Token: "tok", DailyQuota: quota,
		Templates: map[string][]string{"digest1": {"ten", "so_qua_han", "so_den_han", "ngay"}}})
	t.Cleanup(w.fake.Close)
	fields, err := zns.ParseFields("ten=name,so_qua_han=overdue,so_den_han=due_today,ngay=date")
	must(t, err)
	m, err := zns.NewMetrics(w.reg)
	must(t, err)
	sender, err := zns.New(zns.Config{APIBase: w.fake.URL, Tokens: zns.StaticToken("tok"), TemplateID: "digest1",
		Fields: fields, Now: func() time.Time { return day1 }, PriceVND: 300, Metrics: m})
	must(t, err)
	w.d.Platforms = []notify.Platform{email.Description(), zalo.Description(false, zalo.Limits()), sender.Describe()}
	// The dispatcher's clock stamps sent_at (the month a ZNS message is
	// counted in); no limits, so that no send waits on it.
	w.clk = clockwork.NewFakeClockAt(day1)
	w.disp, err = notify.NewDispatcher(notify.DispatcherConfig{Outbox: s.Outbox(), Clock: w.clk,
		Limits:   map[string]notify.Limits{"zalo": {}, "email": {}, "zns": {}},
		Channels: map[string]notify.Channel{"zalo": w.zalo, "email": w.email, "zns": sender},
		OnPermanent: func(ctx context.Context, e notify.Entry, se *notify.SendError) {
			if _, err := w.d.DigestFallback(ctx, e); err != nil {
				t.Error(err)
			}
			if _, err := s.MarkChatInactive(ctx, e.Message.Platform, e.Message.ChatID, se.Reason, day1); err != nil {
				t.Error(err)
			}
		}})
	must(t, err)
	return w
}

// run runs the day's digest and delivers everything due.
func (w *fallbackWorld) run(t *testing.T, now time.Time) jobs.DigestStats {
	t.Helper()
	ctx := context.Background()
	st, err := w.d.RunDigest(ctx, period(w.d, now))
	must(t, err)
	must(t, w.disp.Drain(ctx))
	return st
}

func TestDigestMovesToNextChannelOnceAcrossReruns(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		day := models.DateOf(day1, ict)
		if st := w.run(t, day1); st.Enqueued != 2 || st.Messages != 2 {
			t.Fatalf("first run: %+v; want one digest for A (Zalo) and one for B (ZNS)", st)
		}
		// Reruns of the job and of the dispatcher add and send nothing.
		for i := 0; i < 2; i++ {
			if st := w.run(t, day1); st.Enqueued != 0 {
				t.Fatalf("rerun %d enqueued %d", i, st.Enqueued)
			}
		}
		// Moving the same failed entry again adds nothing either.
		first, ok, err := s.Outbox().Get(ctx, digest.DigestKey("A", day))
		must(t, err)
		if !ok || first.Status != notify.StatusFailed || first.Message.Platform != "zalo" {
			t.Fatalf("A's first digest: %+v; want failed on Zalo", first)
		}
		key, err := w.d.DigestFallback(ctx, first)
		must(t, err)
		if key != jobs.FallbackKey("A", day, 1) {
			t.Errorf("fallback key %q", key)
		}
		must(t, w.disp.Drain(ctx))

		if w.zaloTry != 1 {
			t.Errorf("Zalo tried %d times; want 1", w.zaloTry)
		}
		sent := w.fake.Sent()
		if len(sent) != 2 {
			t.Fatalf("ZNS sent %d messages; want 2 (B's digest, A's moved digest): %+v", len(sent), sent)
		}
		byPhone := map[string]znsfake.Message{}
		for _, m := range sent {
			byPhone[m.Phone] = m
		}
		a, b := byPhone["84912345678"], byPhone["84987654321"]
		if a.TrackingID != jobs.FallbackKey("A", day, 1) || b.TrackingID != digest.DigestKey("B", day) {
			t.Errorf("tracking ids %q, %q; want the outbox keys", a.TrackingID, b.TrackingID)
		}
		if a.Data["ten"] != "Nguyễn Thị An" || a.Data["so_qua_han"] != "1" || a.Data["ngay"] != day.VN() {
			t.Errorf("A's template data %v", a.Data)
		}
		if n := len(w.email.messages()); n != 0 {
			t.Errorf("e-mail got %d messages; want none (ZNS worked)", n)
		}
		// The metrics count the two messages and their cost.
		exp := `
# HELP dondoc_zns_cost_vnd_total Estimated cost of the ZNS messages sent, in đồng (ZALO_ZNS_PRICE_VND each).
# TYPE dondoc_zns_cost_vnd_total counter
dondoc_zns_cost_vnd_total 600
# HELP dondoc_zns_messages_total ZNS template messages Zalo accepted.
# TYPE dondoc_zns_messages_total counter
dondoc_zns_messages_total 2
`
		if err := testutil.GatherAndCompare(w.reg, strings.NewReader(exp), "dondoc_zns_messages_total", "dondoc_zns_cost_vnd_total"); err != nil {
			t.Error(err)
		}
		// The next working day A has no chat left: ZNS first, once.
		next := day1.AddDate(0, 0, 1)
		w.run(t, next)
		w.run(t, next)
		if n := len(w.fake.Sent()); n != 4 {
			t.Errorf("ZNS sent %d messages after day 2; want 4 (one per officer per day)", n)
		}
		if w.zaloTry != 1 {
			t.Errorf("Zalo tried %d times; want 1 (the link is inactive)", w.zaloTry)
		}
	})
}

func TestDigestFallsBackToEmailWhenZNSQuotaIsUsedUp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 1) // one ZNS message a day: B's takes it
		day := models.DateOf(day1, ict)
		w.run(t, day1)
		w.run(t, day1)
		sent := w.fake.Sent()
		if len(sent) != 1 || sent[0].Phone != "84987654321" {
			t.Fatalf("ZNS sent %+v; want B's digest only", sent)
		}
		mails := w.email.messages()
		if len(mails) != 1 || mails[0].ChatID != "an@binhan.gov.vn" || mails[0].Key != jobs.FallbackKey("A", day, 2) {
			t.Fatalf("e-mails %+v; want A's digest once, keyed as the second move", mails)
		}
		if !strings.Contains(mails[0].Text, "HS001") || strings.Contains(mails[0].Text, "Lê Văn Dân") {
			t.Errorf("A's mail lists HS001 without the applicant's name:\n%s", mails[0].Text)
		}
		zf, _, err := s.Outbox().Get(ctx, jobs.FallbackKey("A", day, 1))
		must(t, err)
		if zf.Status != notify.StatusFailed || zf.Message.Platform != "zns" || !strings.Contains(zf.LastError, zns.ReasonQuota) {
			t.Errorf("A's ZNS attempt: %s on %s, %q; want failed for the quota", zf.Status, zf.Message.Platform, zf.LastError)
		}
		// B's answer said no quota was left: A's ZNS message made no call.
		if c := w.fake.Calls(); c != 1 {
			t.Errorf("ZNS calls = %d; want 1", c)
		}
	})
}

func TestDigestGoesToTheChosenChannel(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		w.zalo.fail = nil // Zalo works: A would get the digest there
		opts, err := w.d.OfficerChannelOptions(ctx, "A")
		must(t, err)
		if len(opts) != 3 || opts[0].Platform != "zalo" || !opts[0].Used || opts[2].Platform != "email" {
			t.Fatalf("A's options %+v; want zalo (used), zns, email", opts)
		}
		if err := w.d.ChooseChannel(ctx, "B", "email"); err != jobs.ErrNoSuchChannel {
			t.Fatalf("B chose e-mail without an address: %v", err)
		}
		must(t, w.d.ChooseChannel(ctx, "A", "email"))
		opts, err = w.d.OfficerChannelOptions(ctx, "A")
		must(t, err)
		if opts[0].Platform != "email" || !opts[0].Chosen || !opts[0].Used {
			t.Fatalf("after /caidat email: %+v", opts)
		}
		w.run(t, day1)
		if n := len(w.zalo.messages()); n != 0 {
			t.Errorf("Zalo got %d digests; want 0", n)
		}
		if mails := w.email.messages(); len(mails) != 1 || mails[0].Key != digest.DigestKey("A", models.DateOf(day1, ict)) {
			t.Errorf("e-mails %+v; want A's digest", mails)
		}
		// Back to the default order: Zalo again the next day.
		must(t, w.d.ChooseChannel(ctx, "A", ""))
		w.run(t, day1.AddDate(0, 0, 1))
		if n := len(w.zalo.messages()); n != 1 {
			t.Errorf("Zalo got %d digests; want 1", n)
		}
	})
}

func TestSecretariatToldLastMonthsZNSCost(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		must(t, s.UpsertOfficers(ctx, []models.Officer{{Code: "S", Name: "Phạm Văn Sơn", UnitCode: "X", Role: models.RoleSecretariat, Active: true}}))
		must(t, s.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo", UserID: "zs", ChatID: "zs", OfficerCode: "S", Active: true, LinkedAt: day1}}))
		w.zalo.fail = func(m notify.Message) error {
			if m.ChatID == "za" {
				return &notify.SendError{Class: notify.Permanent, Reason: "zalo: user blocked the bot"}
			}
			return nil
		}
		w.run(t, day1) // November: A's digest moved to ZNS, B's on ZNS
		if n := len(w.fake.Sent()); n != 2 {
			t.Fatalf("ZNS sent %d in November; want 2", n)
		}
		// Tuesday 1 December, the month's first working day.
		dec1 := time.Date(2026, 12, 1, 8, 0, 0, 0, ict)
		w.d.Clock = func() time.Time { return dec1 }
		w.clk.Advance(dec1.Sub(day1))
		w.run(t, dec1)
		var note string
		for _, m := range w.zalo.messages() {
			if m.ChatID == "zs" && strings.Contains(m.Text, "ZNS") {
				note = m.Text
			}
		}
		if !strings.Contains(note, "Tháng 11/2026: 2 tin nhắn ZNS, chi phí ước tính 600 đồng.") {
			t.Fatalf("the secretariat's note of 1/12 lacks November's ZNS cost:\n%s", note)
		}
	})
}

func TestDigestChannelsOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		w.d.Platforms = append(w.d.Platforms, notify.Platform{Name: "console", Format: notify.FormatPlain})
		// ZNS left out of DIGEST_CHANNELS: never used, even as a last
		// resort; an unlisted chat platform comes last.
		w.d.DigestChannels = []string{"email", "zalo"}
		opts, err := w.d.OfficerChannelOptions(ctx, "A")
		must(t, err)
		var got []string
		for _, o := range opts {
			got = append(got, o.Platform)
		}
		if strings.Join(got, ",") != "email,zalo" {
			t.Errorf("A's channels %v; want email, zalo", got)
		}
		if opts, _ := w.d.OfficerChannelOptions(ctx, "B"); len(opts) != 0 {
			t.Errorf("B (phone only) reachable on %+v; want nothing without zns in the order", opts)
		}
		if err := w.d.ChooseChannel(ctx, "A", "zns"); err != jobs.ErrNoSuchChannel {
			t.Errorf("choosing an unlisted ZNS: %v", err)
		}
		st := w.run(t, day1)
		if st.Digests != 1 || len(w.fake.Sent()) != 0 || len(w.email.messages()) != 1 {
			t.Errorf("%+v, %d ZNS, %d mails; want A's digest by e-mail only", st, len(w.fake.Sent()), len(w.email.messages()))
		}
	})
}

// On the upgrade day, an earlier version may already have enqueued the
// day's digest under its per-platform key (notify.Platform.Key: bare on
// Telegram, "/zalo" on Zalo): a rerun sends neither officer anything
// again, even though today's key is the bare one.
func TestDigestRerunAfterUpgradeSendsNothingTwice(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		w.zalo.fail = nil
		day := models.DateOf(day1, ict)
		zaloDesc := zalo.Description(false, zalo.Limits())
		old := []notify.Entry{{Key: zaloDesc.Key(digest.DigestKey("A", day)), Job: models.JobDigest, Recipient: "officer:A",
			Period: day.String(), Message: notify.Message{Platform: "zalo", ChatID: "za", Text: "bản tin cũ"}}}
		if n, err := s.OutboxAt(func() time.Time { return day1 }).Enqueue(ctx, old); err != nil || n != 1 {
			t.Fatalf("seed the old key: %d, %v", n, err)
		}
		if !strings.HasSuffix(old[0].Key, "/zalo") {
			t.Fatalf("Zalo's old key %q", old[0].Key)
		}
		st := w.run(t, day1)
		if st.Enqueued != 1 {
			t.Errorf("rerun after the upgrade: %+v; want B's digest only", st)
		}
		if _, ok, err := s.Outbox().Get(ctx, digest.DigestKey("A", day)); err != nil || ok {
			t.Errorf("A got a second digest under the new key: %v, %v", ok, err)
		}
		if got := w.zalo.messages(); len(got) != 1 || got[0].Text != "bản tin cũ" {
			t.Errorf("Zalo sent %+v; want the old entry alone", got)
		}
		if st := w.run(t, day1); st.Enqueued != 0 {
			t.Errorf("second rerun: %+v", st)
		}
	})
}

// An address the mail server refused for good (its e-mail account marked
// inactive with the server's answer) is neither offered by /caidat nor
// tried by the digest; an account merely on standby does not hide it.
func TestDigestSkipsARefusedAddress(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newFallbackWorld(t, s, 500)
		w.d.Refused = email.Refused
		w.d.DigestChannels = []string{"email", "zalo"}
		w.zalo.fail = nil
		acc := models.ChatAccount{Platform: "email", UserID: "A", ChatID: "An@BinhAn.gov.vn", OfficerCode: "A",
			InactiveReason: email.Standby, LinkedAt: day1}
		must(t, s.UpsertChatAccounts(ctx, []models.ChatAccount{acc}))
		platforms := func() string {
			opts, err := w.d.OfficerChannelOptions(ctx, "A")
			must(t, err)
			var out []string
			for _, o := range opts {
				out = append(out, o.Platform)
			}
			return strings.Join(out, ",")
		}
		if got := platforms(); got != "email,zalo" {
			t.Errorf("A's channels with the e-mail account on standby: %s; want email,zalo", got)
		}
		acc.InactiveReason = "email: 550 5.1.1 no such user"
		must(t, s.UpsertChatAccounts(ctx, []models.ChatAccount{acc}))
		if got := platforms(); got != "zalo" {
			t.Errorf("A's channels with the address refused: %s; want zalo", got)
		}
		w.run(t, day1)
		if n, m := len(w.zalo.messages()), len(w.email.messages()); n != 1 || m != 0 {
			t.Errorf("%d by Zalo, %d by e-mail; want A's digest by Zalo", n, m)
		}
	})
}
