package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/store"
)

// runMigrate applies the pending migrations and reports the version:
// "schema: version N (applied: 1, 2)" or "schema: up to date (version N)".
func runMigrate(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q (usage: dondoc migrate)", strings.Join(args, " "))
	}
	s, err := store.Open(ctx, a.cfg.DatabaseURL, a.log, store.WithRules(supplementClock(a), a.cfg.Location), store.WithExcess(supplementExcess(a)))
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	// The dossiers' facts follow SUPPLEMENT_CLOCK: recomputed when it (or
	// the schema, at 0005) changed.
	if n, err := s.EnsureFacts(ctx); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(a.stdout, "facts: recomputed for %d dossiers (SUPPLEMENT_CLOCK=%s)\n", n, supplementClock(a))
	}
	cur, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(a.stdout, "schema: up to date (version %d)\n", cur)
		return nil
	}
	parts := make([]string, len(applied))
	for i, v := range applied {
		parts[i] = strconv.Itoa(v)
	}
	fmt.Fprintf(a.stdout, "schema: version %d (applied: %s)\n", cur, strings.Join(parts, ", "))
	return nil
}
