package app

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/store"
)

// openStore opens a.cfg.DatabaseURL. With autoMigrate it applies pending
// migrations; otherwise it refuses a schema that is not current, telling
// the user to run dondoc migrate.
func openStore(ctx context.Context, a *app, autoMigrate bool) (*store.Store, error) {
	s, err := store.Open(ctx, a.cfg.DatabaseURL, a.log, store.WithClock(a.clock()))
	if err != nil {
		return nil, err
	}
	if autoMigrate {
		applied, err := s.Migrate(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		if len(applied) > 0 {
			a.log.Info("schema migrated", "applied", applied)
		}
		return s, nil
	}
	if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("cơ sở dữ liệu: %w", err)
	}
	return s, nil
}
