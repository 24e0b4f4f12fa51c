package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMemOutboxEnqueueKeyIsNeverReused(t *testing.T) {
	ctx := context.Background()
	o := NewMemOutbox(func() time.Time { return t0 })
	n, err := o.Enqueue(ctx, []Entry{msg("digest/officer:1/2026-11-27", "1", "a"), msg("digest/officer:1/2026-11-27", "1", "b")})
	if err != nil || n != 1 {
		t.Fatalf("first enqueue: added %d, %v; want 1", n, err)
	}
	e, _ := o.Get("digest/officer:1/2026-11-27")
	if e.Message.Text != "a" || e.Status != StatusPending || !e.NextAttemptAt.Equal(t0) || e.Message.Key != e.Key {
		t.Fatalf("stored entry = %+v", e)
	}
	for _, st := range []string{"pending", "sent", "failed"} {
		got, err := o.Enqueue(ctx, []Entry{msg("digest/officer:1/2026-11-27", "1", "again")})
		if err != nil || got != 0 {
			t.Fatalf("re-enqueue while %s: added %d, %v; want 0", st, got, err)
		}
		switch st {
		case "pending":
			_ = o.MarkSent(ctx, e.ID, t0)
		case "sent":
			_, _ = o.Enqueue(ctx, []Entry{msg("k2", "2", "x")})
			e2, _ := o.Get("k2")
			_ = o.Fail(ctx, e2.ID, t0, "blocked")
			e = e2
		}
	}
	if got, _ := o.Enqueue(ctx, []Entry{msg("k2", "2", "x")}); got != 0 {
		t.Fatalf("failed key re-enqueued")
	}
}

func TestMemOutboxEnqueueRejectsIncompleteEntries(t *testing.T) {
	o := NewMemOutbox(nil)
	bad := msg("", "", "")
	_, err := o.Enqueue(context.Background(), []Entry{msg("ok", "1", "x"), bad})
	if err == nil || !strings.Contains(err.Error(), "entry 1") || !strings.Contains(err.Error(), "key") ||
		!strings.Contains(err.Error(), "chat id") {
		t.Fatalf("err = %v; want one naming entry 1 and what is missing", err)
	}
	if len(o.Entries()) != 0 {
		t.Fatal("a rejected batch added entries")
	}
}

func TestMemOutboxClaimLeases(t *testing.T) {
	ctx := context.Background()
	o := NewMemOutbox(func() time.Time { return t0 })
	_, _ = o.Enqueue(ctx, []Entry{msg("a", "1", "x"), msg("b", "2", "x"), msg("c", "3", "x")})
	got, _ := o.Claim(ctx, t0, time.Minute, 2)
	if len(got) != 2 || got[0].Key != "a" || got[1].Key != "b" {
		t.Fatalf("claim = %v; want a, b", got)
	}
	got, _ = o.Claim(ctx, t0.Add(59*time.Second), time.Minute, 10)
	if len(got) != 1 || got[0].Key != "c" {
		t.Fatalf("second claim = %v; want only c (a, b leased)", got)
	}
	got, _ = o.Claim(ctx, t0.Add(time.Minute), time.Minute, 10)
	if len(got) != 2 {
		t.Fatalf("after the lease: %d entries; want a, b again", len(got))
	}
	a := got[0]
	if err := o.Retry(ctx, a.ID, t0.Add(time.Hour), "502"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.Claim(ctx, t0.Add(119*time.Second), time.Minute, 10); len(got) != 1 || got[0].Key != "c" {
		t.Fatalf("claim = %v; want c only (a due later, b leased)", got)
	}
	e, _ := o.Get("a")
	if e.Attempts != 1 || e.LastError != "502" {
		t.Fatalf("after Retry: %+v", e)
	}
	_ = o.MarkSent(ctx, a.ID, t0)
	if err := o.Retry(ctx, a.ID, t0, "late"); err != nil {
		t.Fatal(err)
	}
	if e, _ := o.Get("a"); e.Status != StatusSent {
		t.Fatalf("a sent entry was reopened: %+v", e)
	}
	if err := o.MarkSent(ctx, 99, t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<b>Hồ sơ</b> &lt;quá hạn&gt; &amp; chờ", "Hồ sơ <quá hạn> & chờ"},
		{`<a href="https://x.vn/?a=1&amp;b=2">Xem</a> chi tiết`, "Xem chi tiết"},
		{"<pre><code>3 &gt; 2</code></pre>", "3 > 2"},
		{"không có thẻ", "không có thẻ"},
		{"<tg-spoiler>bí mật</tg-spoiler>", "bí mật"},
	} {
		if got := PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
