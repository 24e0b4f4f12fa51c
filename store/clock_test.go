package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestStoreStampsWithItsClock checks that the store's own stamps (applied
// migrations, outbox CreatedAt) come from the injected clock.
func TestStoreStampsWithItsClock(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	for _, u := range storetest.EmptyDatabases(t, "clock.db") {
		ctx := context.Background()
		s, err := store.Open(ctx, u, nil, store.WithClock(clockwork.NewFakeClockAt(at)))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		t.Run(s.Dialect(), func(t *testing.T) {
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var applied []string
			if err := s.DB().Raw("SELECT CAST(applied_at AS TEXT) FROM schema_migrations").Scan(&applied).Error; err != nil {
				t.Fatal(err)
			}
			for _, a := range applied {
				if !contains(a, "2026-03-02") {
					t.Errorf("migration applied_at = %q, want the fake clock's day 2026-03-02", a)
				}
			}
			if !s.Clock().Now().Equal(at) {
				t.Errorf("Clock().Now() = %v, want %v", s.Clock().Now(), at)
			}
			ob := s.Outbox()
			e := notify.Entry{Key: "k1", Job: "digest", Message: notify.Message{Platform: "telegram", ChatID: "1", Text: "x"}}
			if _, err := ob.Enqueue(ctx, []notify.Entry{e}); err != nil {
				t.Fatal(err)
			}
			got, ok, err := ob.Get(ctx, "k1")
			if err != nil || !ok {
				t.Fatalf("Get = %v, %v", ok, err)
			}
			if !got.CreatedAt.Equal(at) {
				t.Errorf("CreatedAt = %v, want the fake clock's %v", got.CreatedAt, at)
			}
		})
	}
}
