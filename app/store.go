package app

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/store"
)

// openStore opens a.cfg.DatabaseURL with the configured rules
// (SUPPLEMENT_CLOCK, time zone) for the dossiers' facts. With autoMigrate
// it applies pending migrations; otherwise it refuses a schema that is not
// current, telling the user to run dondoc migrate. Then it recomputes the
// dossiers' facts if they were computed under other rules.
func openStore(ctx context.Context, a *app, autoMigrate bool) (*store.Store, error) {
	s, err := store.Open(ctx, a.cfg.DatabaseURL, a.log, store.WithClock(a.clock()),
		store.WithRules(supplementClock(a), a.cfg.Location), store.WithExcess(supplementExcess(a)))
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
	} else if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("cơ sở dữ liệu: %w", err)
	}
	if n, err := s.EnsureFacts(ctx); err != nil {
		s.Close()
		return nil, err
	} else if n > 0 {
		a.log.Info("dossier facts recomputed", "dossiers", n, "supplement_clock", string(supplementClock(a)))
	}
	return s, nil
}
