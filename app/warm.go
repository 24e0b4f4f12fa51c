package app

import (
	"context"
	"time"

	"github.com/dondoc/dondoc/store"
)

// warmEvery is how often the leader looks whether facts were written since
// it last computed the ended months' figures.
const warmEvery = time.Minute

// addFiguresWarmer makes the leader keep the figures of last month and the
// month before computed (store.MonthFigures keeps them per period): after
// an import, the first /xephang, /baocao or public page of a province
// answers from what is kept instead of waiting seconds for the SQL. A
// running month is judged at now and always computed on demand.
func addFiguresWarmer(a *app, st *store.Store, rp *replica) {
	reps := monthlySource(a, st)
	rp.add(leaderTask{name: "figures warmer", run: func(ctx context.Context) error {
		last := int64(-1)
		for {
			if gen, err := st.FactsGeneration(ctx); err == nil && gen != last {
				now := a.clock().Now().In(a.cfg.Location)
				m := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, a.cfg.Location).AddDate(0, -1, 0)
				start := a.wall().Now()
				if _, err := reps.Monthly(ctx, m.Year(), m.Month(), ""); err != nil {
					a.log.Warn("figures warmer: last month's figures", "err", err)
				} else {
					last = gen
					a.log.Debug("figures warmer: last month's figures kept", "month", m.Format("2006-01"),
						"took", a.wall().Since(start).Round(time.Millisecond))
				}
			}
			select {
			case <-ctx.Done():
				return nil
			case <-a.wall().After(warmEvery):
			}
		}
	}})
}
