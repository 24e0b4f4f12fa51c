package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestPlatformState(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		ps := s.PlatformState()
		at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		fresh, err := ps.MarkUpdate(ctx, "zalo", "m1", at)
		if err != nil || !fresh {
			t.Fatalf("first mark = %v, %v; want true", fresh, err)
		}
		if fresh, err = ps.MarkUpdate(ctx, "zalo", "m1", at.Add(time.Hour)); err != nil || fresh {
			t.Fatalf("redelivery mark = %v, %v; want false", fresh, err)
		}
		if fresh, _ = ps.MarkUpdate(ctx, "telegram", "m1", at); !fresh {
			t.Fatal("same key on another platform must be new")
		}
		if err := ps.UnmarkUpdate(ctx, "zalo", "m1"); err != nil {
			t.Fatal(err)
		}
		if fresh, _ = ps.MarkUpdate(ctx, "zalo", "m1", at); !fresh {
			t.Fatal("an unmarked key must be new again")
		}
		if n, err := ps.PruneUpdates(ctx, at.Add(time.Minute)); err != nil || n != 2 {
			t.Fatalf("prune = %d, %v; want 2", n, err)
		}

		for i, day := range []string{"2026-12-01", "2026-12-01", "2026-12-02", "2026-12-04"} {
			n, err := ps.NoteFailureDay(ctx, "zalo", "c1", day)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{1, 1, 2, 3}[i]; n != want {
				t.Fatalf("failure %d on %s: %d days, want %d", i, day, n, want)
			}
		}
		if err := ps.ClearFailures(ctx, "zalo", "c1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := ps.NoteFailureDay(ctx, "zalo", "c1", "2026-12-05"); n != 1 {
			t.Fatalf("after clear: %d days, want 1", n)
		}

		if _, ok, err := ps.Setting(ctx, "zalo.webhook_secret"); err != nil || ok {
			t.Fatalf("unset setting: ok=%v err=%v", ok, err)
		}
		v, err := ps.SettingOrInit(ctx, "zalo.webhook_secret", "first-secret", at)
		if err != nil || v != "first-secret" {
			t.Fatalf("init = %q, %v", v, err)
		}
		if v, _ = ps.SettingOrInit(ctx, "zalo.webhook_secret", "second", at); v != "first-secret" {
			t.Fatalf("second init = %q, want the first value kept", v)
		}
	})
}
