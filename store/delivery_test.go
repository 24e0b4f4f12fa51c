package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/notify/notifytest"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestOutboxContract(t *testing.T) {
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			if dialect == store.DialectPostgres && getenv(storetest.EnvURL) == "" {
				t.Skip(storetest.EnvURL + " not set")
			}
			notifytest.RunOutboxTests(t, func(t *testing.T, now func() time.Time) notify.Outbox {
				if dialect == store.DialectPostgres {
					return storetest.OpenPostgres(t).OutboxAt(now)
				}
				return storetest.OpenSQLite(t).OutboxAt(now)
			})
		})
	}
}

func TestOutboxInTxRollsBack(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		msg := notify.Message{Platform: "telegram", ChatID: "1", Text: "x"}
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Store) error {
			if n, err := tx.Outbox().Enqueue(ctx, []notify.Entry{{Key: "k1", Job: "digest", Message: msg}}); err != nil || n != 1 {
				t.Fatalf("Enqueue in tx = %d, %v", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v; want boom", err)
		}
		if _, ok, _ := s.Outbox().Get(ctx, "k1"); ok {
			t.Fatal("an entry enqueued in a rolled-back transaction is present")
		}
		doc := msg
		doc.Document = &notify.File{Name: "Báo cáo.xlsx", MIME: "application/octet-stream", Data: []byte{0, 1, 2, 255}}
		if err := s.InTx(ctx, func(tx *store.Store) error {
			_, err := tx.Outbox().Enqueue(ctx, []notify.Entry{{Key: "k2", Job: "monthly", Recipient: "unit:U", Message: doc}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e, ok, err := s.Outbox().Get(ctx, "k2")
		if err != nil || !ok || e.Message.Document == nil || string(e.Message.Document.Data) != string(doc.Document.Data) {
			t.Fatalf("Get(k2) = %+v, %v, %v; want the document round-tripped", e, ok, err)
		}
		last, ok, err := s.Outbox().Last(ctx, "monthly", "unit:U")
		if err != nil || !ok || last.Key != "k2" {
			t.Fatalf("Last = %+v, %v, %v", last, ok, err)
		}
	})
}

func TestRunLog(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		t0 := time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)
		wall := clockwork.NewFakeClockAt(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
		a := s.LeasedRunLog(store.RunLogOptions{Owner: "a", Lease: 12 * time.Second, Clock: wall})
		b := s.LeasedRunLog(store.RunLogOptions{Owner: "b", Lease: 12 * time.Second, Clock: wall})
		type want struct {
			ok      bool
			running bool // scheduler.ErrRunning
			lost    bool // scheduler.ErrRunLost
		}
		steps := []struct {
			name string
			do   func() (bool, error)
			want want
		}{
			{"a begins", func() (bool, error) { return a.Begin(ctx, "digest", "2026-11-27", t0) }, want{ok: true}},
			{"b while a runs", func() (bool, error) { return b.Begin(ctx, "digest", "2026-11-27", t0) }, want{running: true}},
			{"other period", func() (bool, error) { return b.Begin(ctx, "digest", "2026-11-28", t0) }, want{ok: true}},
			{"a beats for a minute: b cannot take over", func() (bool, error) {
				for range 20 {
					wall.Advance(3 * time.Second)
					if err := a.Heartbeat(ctx, "digest", "2026-11-27"); err != nil {
						return false, err
					}
				}
				return b.Begin(ctx, "digest", "2026-11-27", t0)
			}, want{running: true}},
			{"a dies: b takes over after the lease", func() (bool, error) {
				wall.Advance(11 * time.Second)
				if ok, err := b.Begin(ctx, "digest", "2026-11-27", t0); ok || !errors.Is(err, scheduler.ErrRunning) {
					return ok, fmt.Errorf("11 s after the last beat: %v, %w", ok, err)
				}
				wall.Advance(time.Second)
				return b.Begin(ctx, "digest", "2026-11-27", t0)
			}, want{ok: true}},
			{"a's heartbeat is refused", func() (bool, error) { return false, a.Heartbeat(ctx, "digest", "2026-11-27") }, want{lost: true}},
			{"a's finish does not touch b's claim", func() (bool, error) {
				return false, a.Finish(ctx, "digest", "2026-11-27", t0, errors.New("x"))
			}, want{lost: true}},
			{"b still holds it", func() (bool, error) { return a.Begin(ctx, "digest", "2026-11-27", t0) }, want{running: true}},
			{"b's failed run released", func() (bool, error) {
				if err := b.Finish(ctx, "digest", "2026-11-27", t0, errors.New("x")); err != nil {
					return false, err
				}
				return a.Begin(ctx, "digest", "2026-11-27", t0)
			}, want{ok: true}},
			{"a's finished run kept for good", func() (bool, error) {
				if err := a.Finish(ctx, "digest", "2026-11-27", t0, nil); err != nil {
					return false, err
				}
				wall.Advance(48 * time.Hour)
				return b.Begin(ctx, "digest", "2026-11-27", t0)
			}, want{}},
		}
		for _, st := range steps {
			got, err := st.do()
			if got != st.want.ok || errors.Is(err, scheduler.ErrRunning) != st.want.running ||
				errors.Is(err, scheduler.ErrRunLost) != st.want.lost ||
				(err != nil && !st.want.running && !st.want.lost) {
				t.Fatalf("%s: %v, %v; want %+v", st.name, got, err, st.want)
			}
		}
	})
}

func TestChatLinks(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.UpsertUnits(ctx, []models.Unit{{Code: "U", Name: "UBND xã A"}}))
		must(s.UpsertOfficers(ctx, []models.Officer{
			{Code: "A", Name: "Nguyễn Văn An", UnitCode: "U", Role: models.RoleOfficer, Active: true},
			{Code: "B", Name: "Trần Thị Bình", UnitCode: "U", Role: models.RoleLeader, Active: true},
		}))
		must(s.UpsertChatAccounts(ctx, []models.ChatAccount{
			{Platform: "telegram", UserID: "1", ChatID: "1", OfficerCode: "A", Active: true, LinkedAt: now},
			{Platform: "telegram", UserID: "2", ChatID: "2", OfficerCode: "B", Active: true, LinkedAt: now},
			{Platform: "zalo", UserID: "z2", ChatID: "z2", OfficerCode: "B", Active: true, LinkedAt: now},
		}))
		must(s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: "telegram", ChatID: "-10", UnitCode: "U", Active: true, BoundAt: now}}))
		for _, chat := range []string{"1", "2"} {
			if _, err := s.MarkChatInactive(ctx, "telegram", chat, "đã chặn bot", now); err != nil {
				t.Fatal(err)
			}
		}
		in, err := s.InactiveLinks(ctx)
		must(err)
		if len(in) != 1 || in[0].OfficerCode != "A" || in[0].OfficerName != "Nguyễn Văn An" || in[0].InactiveReason != "đã chặn bot" {
			t.Fatalf("InactiveLinks = %+v; want only A (B still has Zalo)", in)
		}
		act, err := s.ActiveAccounts(ctx, "telegram")
		must(err)
		if len(act) != 0 {
			t.Fatalf("ActiveAccounts(telegram) = %+v; want none", act)
		}
		_, err = s.OutboxAt(func() time.Time { return now }).Enqueue(ctx, []notify.Entry{{Key: "w", Job: "weekly",
			Message: notify.Message{Platform: "telegram", ChatID: "-10", Text: "x"}}})
		must(err)
		must(s.MigrateChat(ctx, "telegram", "-10", "-100123"))
		gs, err := s.ChatGroups(ctx, "telegram")
		must(err)
		e, _, _ := s.Outbox().Get(ctx, "w")
		if len(gs) != 1 || gs[0].ChatID != "-100123" || e.Message.ChatID != "-100123" {
			t.Fatalf("after migration: groups %+v, pending entry chat %q", gs, e.Message.ChatID)
		}
	})
}

// TestOutboxLeasesAndReclaim: a claim leases its entries to the claiming
// replica; another replica's Claim skips them until the lease ends, and its
// Reclaim (on becoming the leader) ends the lease at once without touching
// an entry that waits for a retry.
func TestOutboxLeasesAndReclaim(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		a := s.OutboxAt(func() time.Time { return now }).Owned("a")
		b := s.OutboxAt(func() time.Time { return now }).Owned("b")
		var entries []notify.Entry
		for _, k := range []string{"k1", "k2", "k3"} {
			entries = append(entries, notify.Entry{Key: k, Job: "digest", Message: notify.Message{Platform: "telegram", ChatID: "1", Text: k}})
		}
		if _, err := a.Enqueue(ctx, entries); err != nil {
			t.Fatal(err)
		}
		got, err := a.Claim(ctx, now, 30*time.Second, 10)
		if err != nil || len(got) != 3 {
			t.Fatalf("a claims %d, %v", len(got), err)
		}
		// k3 waits for a retry in a minute: not a lease.
		if err := a.Retry(ctx, got[2].ID, now.Add(time.Minute), "502"); err != nil {
			t.Fatal(err)
		}
		if again, err := b.Claim(ctx, now.Add(time.Second), 30*time.Second, 10); err != nil || len(again) != 0 {
			t.Fatalf("b claimed %d leased entries (%v)", len(again), err)
		}
		n, err := b.Reclaim(ctx, now.Add(2*time.Second))
		if err != nil || n != 2 {
			t.Fatalf("Reclaim = %d, %v; want a's two leases", n, err)
		}
		if early, err := b.Claim(ctx, now.Add(3*time.Second), 30*time.Second, 10); err != nil || len(early) != 0 {
			t.Fatalf("reclaimed entries due before ReclaimDelay: %d, %v", len(early), err)
		}
		again, err := b.Claim(ctx, now.Add(2*time.Second+store.ReclaimDelay), 30*time.Second, 10)
		if err != nil || len(again) != 2 || again[0].Key != "k1" || again[1].Key != "k2" {
			t.Fatalf("b claims %+v, %v; want k1 and k2, not k3 before its retry", again, err)
		}
		if n, err := b.Reclaim(ctx, now.Add(5*time.Second)); err != nil || n != 0 {
			t.Fatalf("b's own leases reclaimed: %d, %v", n, err)
		}
	})
}

func TestOutboxProgress(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
		o := s.OutboxAt(func() time.Time { return now })
		entry := func(key, job, recipient, period, chat string) notify.Entry {
			return notify.Entry{Key: key, Job: job, Recipient: recipient, Period: period,
				Message: notify.Message{Platform: "telegram", ChatID: chat, Text: "x"}}
		}
		if _, err := o.Enqueue(ctx, []notify.Entry{
			entry("digest/officer:A/2026-11-26", "digest", "officer:A", "2026-11-26", "1"),
			entry("digest/officer:B/2026-11-26", "digest", "officer:B", "2026-11-26", "2"),
			entry("secretariat/officer:C/2026-11-26", "secretariat", "officer:C", "2026-11-26", "3"),
			entry("digest/officer:A/2026-11-25", "digest", "officer:A", "2026-11-25", "1"),   // another day
			entry("escalation/unit:U/2026-11-26", "escalation", "unit:U", "2026-11-26", "4"), // another job
		}); err != nil {
			t.Fatal(err)
		}
		claimed, err := o.Claim(ctx, now, time.Minute, 10)
		if err != nil || len(claimed) != 5 {
			t.Fatalf("Claim = %d, %v", len(claimed), err)
		}
		ids := map[string]int64{}
		for _, e := range claimed {
			ids[e.Key] = e.ID
		}
		next := now.Add(45 * time.Second)
		if err := o.MarkSent(ctx, ids["digest/officer:A/2026-11-26"], now); err != nil {
			t.Fatal(err)
		}
		if err := o.Release(ctx, ids["digest/officer:B/2026-11-26"], next, "telegram: Too Many Requests: retry after 45"); err != nil {
			t.Fatal(err)
		}
		if err := o.Fail(ctx, ids["secretariat/officer:C/2026-11-26"], now, "blocked"); err != nil {
			t.Fatal(err)
		}

		sent, unsent, err := o.Progress(ctx, []string{"digest", "secretariat"}, "2026-11-26")
		if err != nil {
			t.Fatal(err)
		}
		if sent != 1 || len(unsent) != 2 {
			t.Fatalf("Progress = %d sent, %+v unsent; want 1 sent, B pending and C failed", sent, unsent)
		}
		b, c := unsent[0], unsent[1]
		if b.Recipient != "officer:B" || b.Status != notify.StatusPending || !b.NextAttemptAt.Equal(next) ||
			b.Message.Platform != "telegram" || b.Message.ChatID != "2" || b.LastError == "" || b.Message.Text != "" {
			t.Errorf("pending entry = %+v", b)
		}
		if c.Recipient != "officer:C" || c.Status != notify.StatusFailed || c.LastError != "blocked" || c.Attempts != 1 {
			t.Errorf("failed entry = %+v", c)
		}
		if sent, unsent, err := o.Progress(ctx, nil, "2026-11-26"); sent != 0 || unsent != nil || err != nil {
			t.Errorf("Progress with no job = %d, %v, %v", sent, unsent, err)
		}
	})
}
