package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// Migration 0003 renames the run log's old "escalate" rows to
// models.JobEscalation, so that an escalation already run is not run again.
func TestMigrationRenamesEscalateRuns(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
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
