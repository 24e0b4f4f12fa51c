package jobs_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// EnvBenchURL names the Postgres database of the 1M-dossier province.
const EnvBenchURL = "DONDOC_BENCH_DATABASE_URL"

// openBench opens the bench database, loading the province (1M dossiers,
// 20k officers) when it is empty (a province already there, of any size, is
// used as it is: scripts/bench-province.sh builds one), and links every
// active officer to a Telegram chat. It never writes to the figures branch's database.
func openBench(b *testing.B) *store.Store {
	u := os.Getenv(EnvBenchURL)
	if u == "" {
		b.Skip(EnvBenchURL + " not set (e.g. postgres://postgres@127.0.0.1:5432/dondoc_delivery_bench?sslmode=disable)")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	n, err := st.CountDossiers(ctx)
	if err != nil {
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	}
	readOnly := strings.Contains(u, "dondoc_figures_bench")
	if n == 0 {
		if readOnly {
			b.Fatalf("%s has %d dossiers and belongs to another branch: load your own", u, n)
		}
		b.Logf("loading the 1M-dossier province…")
		sink := &storetest.Loader{Ctx: ctx, Store: st, SkipSteps: true}
		err := sample.Generate(sample.Config{Seed: sample.DistrictSeed, Now: time.Now(), Dossiers: 1_000_000, Officers: 20_000}, sink)
		if err == nil {
			err = sink.Flush()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	var linked int64
	if err := st.DB().Raw("SELECT COUNT(*) FROM chat_accounts").Scan(&linked).Error; err != nil {
		b.Fatal(err)
	}
	if linked == 0 {
		if readOnly {
			b.Fatalf("%s has no chat accounts and belongs to another branch: copy it into your own database", u)
		}
		if err := st.DB().Exec(`INSERT INTO chat_accounts (platform, user_id, chat_id, officer_code, active, linked_at)
			SELECT 'telegram', code, code, code, true, now() FROM officers WHERE active`).Error; err != nil {
			b.Fatal(err)
		}
		if err := st.DB().Exec("ANALYZE chat_accounts").Error; err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkPlanDigests1M times, on the province, the bare SQL select the
// planning runs (the open dossiers of active officers, with their names),
// then the whole planning (who each channel reaches, that select, the
// planner and the rendering, no enqueue), and prints the ratio.
func BenchmarkPlanDigests1M(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	var maxRecv time.Time
	var s string
	if err := st.DB().Raw("SELECT MAX(received_at)::text FROM dossiers").Scan(&s).Error; err != nil {
		b.Fatal(err)
	}
	maxRecv, _ = time.Parse("2006-01-02 15:04:05.999999-07", s)
	if maxRecv.IsZero() {
		maxRecv = time.Now()
	}
	d := newDeps(st)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		rows, err := st.DB().Raw(store.OfficerOpenQuery()).Rows()
		if err != nil {
			b.Fatal(err)
		}
		var (
			code, proc, unit, handler, applicant, name string
			due                                        time.Time
			status                                     int16
			nrows                                      int
		)
		for rows.Next() {
			if err := rows.Scan(&code, &proc, &unit, &handler, &applicant, &due, &status, &name); err != nil {
				b.Fatal(err)
			}
			nrows++
		}
		rows.Close()
		query := time.Since(t0)
		// The planning also reads who each channel reaches: the officers
		// and their accounts, two more selects.
		t0 = time.Now()
		if _, err := st.Officers(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := st.ActiveAccounts(ctx); err != nil {
			b.Fatal(err)
		}
		selects := query + time.Since(t0)

		t1 := time.Now()
		stats, err := d.PlanDigests(ctx, maxRecv.Add(time.Hour), nil)
		if err != nil {
			b.Fatal(err)
		}
		plan := time.Since(t1)
		ratio := plan.Seconds() / query.Seconds()
		fmt.Printf("PlanDigests1M: %d rows, %d digests: SQL query %s, with the reach selects %s, planning %s, ratio %.2f (%.2f to all selects)\n",
			nrows, stats.Digests, query.Round(time.Millisecond), selects.Round(time.Millisecond), plan.Round(time.Millisecond),
			ratio, plan.Seconds()/selects.Seconds())
		b.ReportMetric(query.Seconds(), "query-s")
		b.ReportMetric(selects.Seconds(), "selects-s")
		b.ReportMetric(plan.Seconds(), "plan-s")
		b.ReportMetric(ratio, "ratio")
	}
}

// BenchmarkDispatch10k sends 10,000 messages through the store's outbox
// to a fake Telegram enforcing 30 msg/s on the real clock (~5.5 min): run
// it with DONDOC_BENCH_DISPATCH=1.
func BenchmarkDispatch10k(b *testing.B) {
	if os.Getenv("DONDOC_BENCH_DISPATCH") == "" {
		b.Skip("DONDOC_BENCH_DISPATCH not set: 10k messages take 5.5 minutes at 30/s")
	}
	for b.Loop() {
		rate, fake := dispatchAll(b, storetest.OpenSQLite(b), 10_000, nil)
		fmt.Printf("Dispatch10k: %.2f msg/s, %d violations\n", rate, fake.Violations())
		b.ReportMetric(rate, "msg/s")
	}
}
