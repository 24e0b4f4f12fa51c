package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/jobs/jobstest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

var ict = time.FixedZone("ICT", 7*3600)

// day1 is Thursday 26 November 2026, 08:00 ICT.
var day1 = time.Date(2026, 11, 26, 8, 0, 0, 0, ict)

func newDeps(s *store.Store) *jobs.Deps {
	cal := models.NewVietnamCalendar(ict, 15, 0)
	return &jobs.Deps{Store: s, Rules: &models.Rules{Cal: cal, DueSoonDays: 2}, Location: ict,
		Platforms: []notify.Platform{telegram.Description(notify.TelegramLimits())}, RepeatDays: 5, Clock: func() time.Time { return day1 }}
}

// seeded returns the deps of s, s holding the sample district of day1.
func seeded(t *testing.T, s *store.Store) (*jobs.Deps, *sample.Data) {
	t.Helper()
	d := newDeps(s)
	data, err := jobstest.Seed(context.Background(), s, day1, d.Rules.Cal)
	must(t, err)
	return d, data
}

func period(d *jobs.Deps, now time.Time) scheduler.RunPeriod {
	day := models.DateOf(now, ict)
	p, _ := scheduler.PeriodFor(d.Rules.Cal, scheduler.DailyWorking, day)
	p.Now = now
	return p
}

// weeklyPeriod is the weekly job's period on Monday 30/11/2026 08:00, the
// week's first working day.
func weeklyPeriod(t *testing.T, d *jobs.Deps) scheduler.RunPeriod {
	t.Helper()
	monday := time.Date(2026, 11, 30, 8, 0, 0, 0, ict)
	p, due := scheduler.PeriodFor(d.Rules.Cal, scheduler.WeeklyFirstWorkingDay, models.DateOf(monday, ict))
	if !due {
		t.Fatal("Monday 30/11 is not the weekly job's day")
	}
	p.Now = monday
	return p
}

// escalate runs the escalation job on day1 and fails unless it enqueued
// want messages (what names them).
func escalate(ctx context.Context, t *testing.T, d *jobs.Deps, want int, what string) {
	t.Helper()
	n, err := d.RunEscalate(ctx, period(d, day1))
	must(t, err)
	if n != want {
		t.Fatalf("day 1: %d escalations; want %s", n, what)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDigestSampleDistrict(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		d, data := seeded(t, s)
		// Expected: digest.Plan on the in-memory sample, officer by officer.
		byHandler := map[string][]models.Dossier{}
		for _, x := range data.Dossiers {
			if x.Status.IsOpen() {
				byHandler[x.HandlerCode] = append(byHandler[x.HandlerCode], x)
			}
		}
		want := map[string]digest.Digest{}
		for _, o := range data.Officers {
			if dg, ok := digest.Plan(d.Rules, day1, o.Code, byHandler[o.Code]); ok && o.Active {
				want[digest.DigestKey(o.Code, dg.Day)] = dg
			}
		}
		if len(want) < 10 {
			t.Fatalf("only %d officers have something to say in the sample", len(want))
		}
		st, err := d.RunDigest(ctx, period(d, day1))
		must(t, err)
		entries, err := s.Outbox().Entries(ctx, "digest/")
		must(t, err)
		if st.Enqueued != len(want) || len(entries) != len(want) {
			t.Fatalf("enqueued %d, outbox %d digests; want one per officer with something to say: %d", st.Enqueued, len(entries), len(want))
		}
		var overdueCode, overdueOfficer string
		for _, e := range entries {
			dg, ok := want[e.Key]
			if !ok {
				t.Fatalf("unexpected digest %s", e.Key)
			}
			if e.Message.Silent != dg.Silent || e.Message.Format != notify.FormatHTML || !strings.HasPrefix(e.Message.ChatID, "1") {
				t.Fatalf("%s: silent %v (want %v), format %s, chat %s", e.Key, e.Message.Silent, dg.Silent, e.Message.Format, e.Message.ChatID)
			}
			if len(dg.Overdue) > 0 && overdueCode == "" && strings.Contains(e.Message.Text, dg.Overdue[0].Code) {
				overdueCode, overdueOfficer = dg.Overdue[0].Code, dg.OfficerCode
			}
		}
		if overdueCode == "" {
			t.Fatal("no digest lists an overdue dossier")
		}
		// Rerun: nothing new.
		st, err = d.RunDigest(ctx, period(d, day1))
		must(t, err)
		if st.Enqueued != 0 || st.Digests != len(want) {
			t.Fatalf("rerun enqueued %d (planned %d); want 0", st.Enqueued, st.Digests)
		}
		// The next day: the overdue dossier is listed again.
		day2 := day1.Add(24 * time.Hour)
		st, err = d.RunDigest(ctx, period(d, day2))
		must(t, err)
		if st.Enqueued == 0 {
			t.Fatal("the next day's digests were not enqueued")
		}
		e, ok, err := s.Outbox().Get(ctx, digest.DigestKey(overdueOfficer, models.DateOf(day2, ict)))
		if err != nil || !ok || !strings.Contains(e.Message.Text, overdueCode) || e.Message.Silent {
			t.Fatalf("next day's digest of %s: %v %v; want %s listed, ringing", overdueOfficer, ok, err, overdueCode)
		}
	})
}

func TestDigestDryRunRecordsNothing(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		d, _ := seeded(t, s)
		var out bytes.Buffer
		d.DryRun, d.Out = true, &out
		st, err := d.RunDigest(ctx, period(d, day1))
		must(t, err)
		if got := strings.Count(out.String(), "=== digest/"); got != st.Digests || got == 0 {
			t.Fatalf("dry run printed %d digests; planned %d", got, st.Digests)
		}
		if !strings.Contains(out.String(), "→ telegram 1") {
			t.Fatalf("dry run does not name the recipient:\n%.300s", out.String())
		}
		counts, err := s.OutboxCounts(ctx)
		must(t, err)
		if len(counts) != 0 {
			t.Fatalf("dry run wrote to the outbox: %v", counts)
		}
	})
}

// small writes one unit with a leader L, an officer A, a secretariat
// officer S, all linked, and one dossier of A overdue since 24/11.
func small(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.UpsertUnits(ctx, []models.Unit{{Code: "X", Name: "UBND xã Bình An"}}))
	must(t, s.UpsertOfficers(ctx, []models.Officer{
		{Code: "L", Name: "Lê Văn Lãnh", UnitCode: "X", Role: models.RoleLeader, Active: true},
		{Code: "A", Name: "Nguyễn Thị An", UnitCode: "X", Role: models.RoleOfficer, Active: true},
		{Code: "S", Name: "Phạm Văn Sơn", UnitCode: "X", Role: models.RoleSecretariat, Active: true},
	}))
	must(t, storetest.SeedDossiers(ctx, s, []models.Dossier{{Code: "HS001", ProcedureName: "Đăng ký khai sinh", UnitCode: "X",
		HandlerCode: "A", ReceivedAt: time.Date(2026, 11, 10, 9, 0, 0, 0, ict), DueAt: time.Date(2026, 11, 24, 17, 0, 0, 0, ict),
		Status: models.StatusProcessing, ApplicantName: "Trần Văn Dân"}}))
	var accs []models.ChatAccount
	for i, c := range []string{"L", "A", "S"} {
		accs = append(accs, models.ChatAccount{Platform: "telegram", UserID: jobstest.ChatID(i), ChatID: jobstest.ChatID(i),
			OfficerCode: c, Active: true, LinkedAt: day1})
	}
	must(t, s.UpsertChatAccounts(ctx, accs))
}

func TestEscalationRepeatRule(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		d := newDeps(s)
		cases := []struct {
			day  time.Time
			want int
		}{
			{day1, 1},                  // Thu 26/11: first time
			{day1, 0},                  // rerun the same day
			{day1.AddDate(0, 0, 1), 0}, // Fri 27/11: 1 working day since
			{day1.AddDate(0, 0, 6), 0}, // Wed 2/12: 4 working days since
			{day1.AddDate(0, 0, 7), 1}, // Thu 3/12: 5 working days since → again
			{day1.AddDate(0, 0, 8), 0}, // Fri 4/12
		}
		for _, c := range cases {
			n, err := d.RunEscalate(ctx, period(d, c.day))
			must(t, err)
			if n != c.want {
				t.Fatalf("%s: %d escalations; want %d", c.day.Format("Mon 02/01"), n, c.want)
			}
		}
		es, err := s.Outbox().Entries(ctx, "escalation/")
		must(t, err)
		if len(es) != 2 || es[0].Message.ChatID != jobstest.ChatID(0) || !strings.Contains(es[0].Message.Text, "HS001") ||
			strings.Contains(es[0].Message.Text, "Trần Văn Dân") {
			t.Fatalf("escalations %+v; want 2 to L listing HS001 without the applicant", es)
		}
	})
}

// TestEscalationRepeatSurvivesOutboxPruning: the escalation's "last sent"
// state is kept apart from the outbox, so pruning the outbox
// (OUTBOX_RETENTION_DAYS) does not make an unchanged escalation go again
// before ESCALATE_REPEAT_DAYS.
func TestEscalationRepeatSurvivesOutboxPruning(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		d := newDeps(s)
		escalate(ctx, t, d, 1, "1")
		es, err := s.Outbox().Entries(ctx, "escalation/")
		must(t, err)
		must(t, s.Outbox().MarkSent(ctx, es[0].ID, day1))
		pruned, err := s.PruneOutbox(ctx, day1.AddDate(1, 0, 0))
		must(t, err)
		if pruned != 1 {
			t.Fatalf("pruned %d entries; want the sent escalation", pruned)
		}
		for _, c := range []struct {
			day  time.Time
			want int
		}{{day1.AddDate(0, 0, 1), 0}, {day1.AddDate(0, 0, 6), 0}, {day1.AddDate(0, 0, 7), 1}} {
			n, err := d.RunEscalate(ctx, period(d, c.day))
			must(t, err)
			if n != c.want {
				t.Fatalf("%s after pruning: %d escalations; want %d", c.day.Format("Mon 02/01"), n, c.want)
			}
		}
	})
}

func TestBlockedOfficerNamedToSecretariat(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		d := newDeps(s)
		fake := tgfake.New(tgfake.Options{})
		defer fake.Close()
		tg, err := telegram.New(ctx, telegram.Config{Token: fake.Token(), Endpoint: fake.Endpoint()})
		must(t, err)
		disp, err := notify.NewDispatcher(notify.DispatcherConfig{
			Outbox: s.Outbox(), Channels: map[string]notify.Channel{"telegram": tg},
			OnPermanent: func(ctx context.Context, e notify.Entry, se *notify.SendError) {
				if _, err := s.MarkChatInactive(ctx, e.Message.Platform, e.Message.ChatID, se.Reason, time.Now()); err != nil {
					t.Error(err)
				}
			},
		})
		must(t, err)
		// Day 1: only A has a digest; A has blocked the bot.
		st, err := d.RunDigest(ctx, period(d, day1))
		must(t, err)
		if st.Enqueued != 1 || st.Secretariat != 0 {
			t.Fatalf("day 1: %+v; want A's digest only", st)
		}
		fake.FailNext("sendMessage", 1, tgfake.Blocked())
		must(t, disp.Drain(ctx))
		e, _, _ := s.Outbox().Get(ctx, digest.DigestKey("A", models.DateOf(day1, ict)))
		if e.Status != notify.StatusFailed || !strings.Contains(e.LastError, "blocked") {
			t.Fatalf("A's digest: %s %q; want failed, reason kept", e.Status, e.LastError)
		}
		// Day 2: A gets nothing, S is told A no longer receives reminders.
		day2 := day1.AddDate(0, 0, 1)
		st, err = d.RunDigest(ctx, period(d, day2))
		must(t, err)
		if st.Digests != 0 || st.Secretariat != 1 {
			t.Fatalf("day 2: %+v; want no digest (A unlinked) and the secretariat's note", st)
		}
		must(t, disp.Drain(ctx))
		sent := fake.SentBy("sendMessage")
		last := sent[len(sent)-1]
		if last.ChatID != jobstest.ChatID(2) || !strings.Contains(last.Text, "Nguyễn Thị An") || !strings.Contains(last.Text, "chặn") {
			t.Fatalf("secretariat's note to %s:\n%s\nwant it to name Nguyễn Thị An, who blocked the bot", last.ChatID, last.Text)
		}
	})
}

// TestSecretariatTetWarningOnceAWeek (issue #11 item 6): from 1 October,
// while next year's Tết has no official schedule in dondoc, the
// secretariat's morning note says so on the week's first working day only;
// once the schedule is imported it stops.
func TestSecretariatTetWarningOnceAWeek(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		d := newDeps(s)
		const words = "Lịch nghỉ Tết Nguyên Đán 2027 chưa có thông báo chính thức trong dondoc"
		for _, c := range []struct {
			day  time.Time
			want bool
		}{
			{time.Date(2026, 9, 28, 8, 0, 0, 0, ict), false}, // Monday, before 1 October
			{time.Date(2026, 11, 30, 8, 0, 0, 0, ict), true}, // Monday
			{time.Date(2026, 12, 1, 8, 0, 0, 0, ict), false}, // Tuesday
			{time.Date(2026, 12, 4, 8, 0, 0, 0, ict), false}, // Friday
			{time.Date(2026, 12, 7, 8, 0, 0, 0, ict), true},  // the next Monday
		} {
			st, err := d.RunDigest(ctx, period(d, c.day))
			must(t, err)
			e, ok, err := s.Outbox().Get(ctx, digest.SecretariatKey("S", models.DateOf(c.day, ict)))
			must(t, err)
			if got := st.Secretariat == 1 && ok && strings.Contains(e.Message.Text, words); got != c.want ||
				(!c.want && st.Secretariat != 0) {
				t.Errorf("%s: %d secretariat notes %q; want the Tết warning %v", c.day.Format("Mon 02/01"), st.Secretariat,
					e.Message.Text, c.want)
			}
		}
		// The 2027 schedule is imported: no warning on the Monday after.
		d.Rules.Cal.Replace(models.NewVietnamCalendar(ict, 15, 0,
			models.Holiday{Date: models.NewDate(2027, 2, 12), Kind: models.DayOff, Name: models.NameTet, Source: "Thông báo x/TB-BNV"}))
		monday := time.Date(2026, 12, 14, 8, 0, 0, 0, ict)
		st, err := d.RunDigest(ctx, period(d, monday))
		must(t, err)
		if st.Secretariat != 0 {
			t.Errorf("after the 2027 schedule: %d secretariat notes; want none", st.Secretariat)
		}
	})
}

func TestEscalationToGroupsAndWeekly(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		must(t, s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: "telegram", ChatID: "-100777", UnitCode: "X", ThreadID: 5, Active: true, BoundAt: day1}}))
		d := newDeps(s)
		d.EscalateToGroups = true
		escalate(ctx, t, d, 2, "the leader's and the group's")
		p := weeklyPeriod(t, d)
		for _, want := range []int{1, 0} { // a rerun adds nothing
			n, err := d.RunWeekly(ctx, p)
			must(t, err)
			if n != want {
				t.Fatalf("weekly enqueued %d; want %d", n, want)
			}
		}
		es, err := s.Outbox().Entries(ctx, "weekly/")
		must(t, err)
		if len(es) != 1 || es[0].Message.ThreadID != 5 || !strings.Contains(es[0].Message.Text, "Quá hạn: <b>1</b>") || es[0].Message.Silent {
			t.Fatalf("weekly %+v", es)
		}
	})
}
