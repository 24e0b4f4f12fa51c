package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestMigrateTwiceIsNoop(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate = %v, %v; want nothing applied", applied, err)
		}
		cur, latest, err := s.SchemaVersion(ctx)
		if err != nil || cur != latest || latest < 1 {
			t.Fatalf("SchemaVersion = %d, %d, %v", cur, latest, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after migrate: %v", err)
		}
	})
}

func TestCheckSchemaOnFreshDatabase(t *testing.T) {
	for _, u := range storetest.EmptyDatabases(t, "fresh.db") {
		ctx := context.Background()
		s, err := store.Open(ctx, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		t.Run(s.Dialect(), func(t *testing.T) {
			err := s.CheckSchema(ctx)
			if !errors.Is(err, store.ErrSchemaOutdated) {
				t.Fatalf("CheckSchema on a fresh database = %v, want ErrSchemaOutdated", err)
			}
			if !contains(err.Error(), "dondoc migrate") {
				t.Errorf("error %q does not tell the user to run dondoc migrate", err)
			}
			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, latest, _ := s.SchemaVersion(ctx)
			want := make([]int, latest)
			for i := range want {
				want[i] = i + 1
			}
			if !slices.Equal(applied, want) {
				t.Errorf("Migrate applied %v, want %v", applied, want)
			}
		})
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	if _, err := store.Open(context.Background(), ":memory:", nil); err == nil {
		t.Fatal("Open(:memory:) succeeded; want an error")
	}
}

// Two processes migrating the same fresh database at once: each migration
// is applied exactly once and both end up current.
func TestConcurrentMigrate(t *testing.T) {
	for _, u := range storetest.EmptyDatabases(t, "race.db") {
		ctx := context.Background()
		var stores [2]*store.Store
		for i := range stores {
			s, err := store.Open(ctx, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			stores[i] = s
		}
		t.Run(stores[0].Dialect(), func(t *testing.T) {
			var applied [2][]int
			var errs [2]error
			done := make(chan int)
			for i, s := range stores {
				go func() {
					applied[i], errs[i] = s.Migrate(ctx)
					done <- i
				}()
			}
			<-done
			<-done
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("Migrate errors: %v, %v", errs[0], errs[1])
			}
			_, latest, err := stores[0].SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			both := append(append([]int{}, applied[0]...), applied[1]...)
			slices.Sort(both)
			for v := 1; v <= latest; v++ {
				if len(both) != latest || both[v-1] != v {
					t.Fatalf("applied %v and %v; want each version 1..%d applied once", applied[0], applied[1], latest)
				}
			}
			for _, s := range stores {
				if err := s.CheckSchema(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// Migration 0003 renames the run log's old "escalate" rows to
// models.JobEscalation, so that an escalation already run is not run again.
func TestMigrationRenamesEscalateRuns(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		for _, period := range []string{"2026-11-30", "2026-12-01"} {
			if ok, err := s.RunLog().Begin(ctx, "escalate", period, at); !ok || err != nil {
				t.Fatalf("begin escalate %s: %v, %v", period, ok, err)
			}
			if err := s.RunLog().Finish(ctx, "escalate", period, at, nil); err != nil {
				t.Fatal(err)
			}
		}
		// A row under the new name for the same period is kept as it is.
		if ok, err := s.RunLog().Begin(ctx, models.JobEscalation, "2026-12-01", at); !ok || err != nil {
			t.Fatalf("begin escalation: %v, %v", ok, err)
		}
		if err := s.DB().Exec("DELETE FROM schema_migrations WHERE version = 3").Error; err != nil {
			t.Fatal(err)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || !slices.Equal(applied, []int{3}) {
			t.Fatalf("Migrate = %v, %v; want [3]", applied, err)
		}
		var jobs []string
		if err := s.DB().Raw("SELECT job FROM job_runs ORDER BY period, job").Scan(&jobs).Error; err != nil {
			t.Fatal(err)
		}
		want := []string{models.JobEscalation, "escalate", models.JobEscalation}
		if !slices.Equal(jobs, want) {
			t.Errorf("job_runs jobs %v, want %v", jobs, want)
		}
		if ok, err := s.RunLog().Begin(ctx, models.JobEscalation, "2026-11-30", at.Add(time.Hour)); ok || err != nil {
			t.Errorf("escalation of 2026-11-30 begins again after the rename: %v, %v", ok, err)
		}
	})
}
