package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

func TestMigrateTwiceIsNoop(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
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
	urls := []string{filepath.Join(t.TempDir(), "fresh.db")}
	if u := getenv(storetest.EnvURL); u != "" {
		urls = append(urls, storetest.CreateDatabase(t, u))
	}
	for _, u := range urls {
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
