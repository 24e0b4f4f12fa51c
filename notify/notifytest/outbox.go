// Package notifytest holds a conformance suite every notify.Outbox
// implementation must pass (the in-memory one, the SQLite and Postgres ones).
package notifytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/notify"
)

// T0 is the instant the suite's clock starts at.
var T0 = time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)

// Open returns an empty outbox whose Enqueue stamps CreatedAt (and a zero
// NextAttemptAt) with now().
type Open func(t *testing.T, now func() time.Time) notify.Outbox

func entry(key, chat string) notify.Entry {
	return notify.Entry{Key: key, Job: "digest", Recipient: "officer:" + chat, Period: "2026-11-27",
		Message: notify.Message{Platform: "telegram", ChatID: chat, Text: "Bạn có 2 hồ sơ sắp đến hạn.", Format: notify.FormatHTML}}
}

func keys(es []notify.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}

func mustClaim(t *testing.T, o notify.Outbox, now time.Time, lease time.Duration, limit int) []notify.Entry {
	t.Helper()
	es, err := o.Claim(context.Background(), now, lease, limit)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return es
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// RunOutboxTests runs the Outbox contract against fresh outboxes from open.
func RunOutboxTests(t *testing.T, open Open) {
	ctx := context.Background()
	now := func() time.Time { return T0 }
	const lease = time.Minute

	t.Run("EnqueueIgnoresKnownKeys", func(t *testing.T) {
		o := open(t, now)
		n, err := o.Enqueue(ctx, []notify.Entry{entry("a", "1"), entry("a", "1"), entry("b", "2")})
		if err != nil || n != 2 {
			t.Fatalf("Enqueue = %d, %v; want 2 (a duplicate inside the batch is ignored)", n, err)
		}
		es := mustClaim(t, o, T0, lease, 10)
		if fmt.Sprint(keys(es)) != "[a b]" {
			t.Fatalf("claimed %v; want [a b]", keys(es))
		}
		e := es[0]
		if e.ID == 0 || e.Status != notify.StatusPending || e.Attempts != 0 || !e.CreatedAt.Equal(T0) ||
			e.Message.ChatID != "1" || e.Message.Text != "Bạn có 2 hồ sơ sắp đến hạn." || e.Job != "digest" {
			t.Fatalf("claimed entry %+v does not round-trip", e)
		}
		must(t, "MarkSent", o.MarkSent(ctx, es[0].ID, T0))
		must(t, "Fail", o.Fail(ctx, es[1].ID, T0, "blocked"))
		for _, k := range []string{"a", "b"} { // sent, failed
			if n, err := o.Enqueue(ctx, []notify.Entry{entry(k, "1")}); err != nil || n != 0 {
				t.Fatalf("re-enqueue of finished %s = %d, %v; want 0", k, n, err)
			}
		}
		if n, _ := o.Enqueue(ctx, []notify.Entry{entry("c", "3")}); n != 1 {
			t.Fatal("a new key was not added")
		}
		if n, _ := o.Enqueue(ctx, []notify.Entry{entry("c", "3")}); n != 0 {
			t.Fatal("a pending key was added twice")
		}
	})

	t.Run("EnqueueRejectsIncompleteEntries", func(t *testing.T) {
		o := open(t, now)
		bad := entry("", "")
		if _, err := o.Enqueue(ctx, []notify.Entry{entry("a", "1"), bad}); err == nil {
			t.Fatal("an entry without key and chat was accepted")
		}
	})

	t.Run("ClaimOrdersLimitsAndLeases", func(t *testing.T) {
		o := open(t, now)
		later := entry("later", "9")
		later.NextAttemptAt = T0.Add(time.Hour)
		_, err := o.Enqueue(ctx, []notify.Entry{entry("a", "1"), entry("b", "2"), later, entry("c", "3")})
		must(t, "Enqueue", err)
		if got := keys(mustClaim(t, o, T0, lease, 2)); fmt.Sprint(got) != "[a b]" {
			t.Fatalf("first claim %v; want [a b]", got)
		}
		if got := keys(mustClaim(t, o, T0.Add(30*time.Second), lease, 10)); fmt.Sprint(got) != "[c]" {
			t.Fatalf("second claim %v; want [c]: a, b leased, later not due", got)
		}
		if got := keys(mustClaim(t, o, T0.Add(lease), lease, 10)); fmt.Sprint(got) != "[a b]" {
			t.Fatalf("claim after the lease %v; want [a b] again", got)
		}
		if got := keys(mustClaim(t, o, T0.Add(time.Hour+lease), lease, 10)); fmt.Sprint(got) != "[a b later c]" {
			t.Fatalf("claim an hour later %v; want all four", got)
		}
	})

	t.Run("RetryReleaseFailMarkSent", func(t *testing.T) {
		o := open(t, now)
		_, err := o.Enqueue(ctx, []notify.Entry{entry("r", "1"), entry("l", "2"), entry("f", "3"), entry("s", "4"), entry("m", "-5")})
		must(t, "Enqueue", err)
		es := mustClaim(t, o, T0, lease, 10)
		id := map[string]int64{}
		for _, e := range es {
			id[e.Key] = e.ID
		}
		next := T0.Add(10 * time.Second)
		must(t, "Retry", o.Retry(ctx, id["r"], next, "Bad Gateway"))
		must(t, "Release", o.Release(ctx, id["l"], next, "Too Many Requests"))
		must(t, "Fail", o.Fail(ctx, id["f"], T0, "Forbidden: bot was blocked by the user"))
		must(t, "MarkSent", o.MarkSent(ctx, id["s"], T0))
		must(t, "UpdateChat", o.UpdateChat(ctx, id["m"], "-1005"))
		must(t, "Release", o.Release(ctx, id["m"], T0, ""))
		if got := keys(mustClaim(t, o, next.Add(-time.Nanosecond), lease, 10)); fmt.Sprint(got) != "[m]" {
			t.Fatalf("claim before next %v; want [m]", got)
		}
		es = mustClaim(t, o, next, lease, 10)
		if fmt.Sprint(keys(es)) != "[r l]" {
			t.Fatalf("claim at next %v; want [r l] (f failed, s sent, m leased)", keys(es))
		}
		if r := es[0]; r.Attempts != 1 || r.LastError != "Bad Gateway" {
			t.Fatalf("retried entry %+v; want 1 attempt and the reason", r)
		}
		if l := es[1]; l.Attempts != 0 || l.LastError != "Too Many Requests" {
			t.Fatalf("released entry %+v; want no attempt counted and the reason", l)
		}
		m := mustClaim(t, o, next.Add(lease), lease, 10)
		if len(m) != 3 || m[2].Key != "m" || m[2].Message.ChatID != "-1005" {
			t.Fatalf("migrated entry %+v; want chat -1005", m)
		}
		// A finished entry is never reopened.
		must(t, "late Retry", o.Retry(ctx, id["s"], T0, "late"))
		must(t, "late Release", o.Release(ctx, id["f"], T0, "late"))
		if got := keys(mustClaim(t, o, T0.Add(24*time.Hour), lease, 10)); fmt.Sprint(got) != "[r l m]" {
			t.Fatalf("claim after late calls %v; want [r l m]", got)
		}
		if err := o.MarkSent(ctx, 1<<40, T0); !errors.Is(err, notify.ErrNotFound) {
			t.Fatalf("MarkSent(unknown id) = %v; want ErrNotFound", err)
		}
	})

	t.Run("ConcurrentClaimsNeverOverlap", func(t *testing.T) {
		o := open(t, now)
		const n = 200
		batch := make([]notify.Entry, n)
		for i := range batch {
			batch[i] = entry(fmt.Sprintf("k%03d", i), fmt.Sprint(i))
		}
		_, err := o.Enqueue(ctx, batch)
		must(t, "Enqueue", err)
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					es, err := o.Claim(ctx, T0, lease, 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(es) == 0 {
						return
					}
					mu.Lock()
					for _, e := range es {
						seen[e.Key]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("%d entries claimed; want %d", len(seen), n)
		}
		for k, c := range seen {
			if c != 1 {
				t.Fatalf("%s claimed %d times", k, c)
			}
		}
	})
}
