package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// nopResponder discards replies (server-side handling only).
type nopResponder struct{ n int }

func (r *nopResponder) Reply(context.Context, bot.Update, bot.Reply) error { r.n++; return nil }
func (r *nopResponder) AnswerCallback(context.Context, bot.Update, string) error {
	return nil
}
func (r *nopResponder) Describe() notify.Platform {
	return telegram.Description(notify.TelegramLimits())
}

// benchQuahan dispatches /quahan from user b.N times and reports the p50
// and p99 of one dispatch (directory lookups, queries, rendering).
func benchQuahan(b *testing.B, st *store.Store, rules *models.Rules, now time.Time, user string) {
	benchCommand(b, st, handlers.Deps{Rules: rules}, now, user, "/quahan")
}

// benchCommand dispatches text from user b.N times through the real
// router and handlers (deps completed with the store, its directory and a
// clock at now) and reports the p50 and p99 of one dispatch.
func benchCommand(b *testing.B, st *store.Store, deps handlers.Deps, now time.Time, user, text string) {
	dir := st.ChatDirectory(time.Minute)
	r := bot.NewRouter(bot.Config{Directory: dir, Logger: slog.New(slog.DiscardHandler)})
	deps.Store, deps.Directory, deps.Clock = st, dir, func() time.Time { return now }
	handlers.Register(r, deps)
	rs := &nopResponder{}
	u := bot.Update{Platform: "telegram", ChatID: user, ChatType: bot.ChatPrivate, UserID: user, Text: text}
	r.Dispatch(context.Background(), u, rs) // warm the unit tree cache (and the month's figures)
	rs.n = 0                                // a slow first answer may have come with "đang xử lý"
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		u.UpdateID = int64(i + 1)
		t0 := time.Now()
		r.Dispatch(context.Background(), u, rs)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	if rs.n != b.N {
		b.Fatalf("%d replies for %d commands", rs.n, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// linkUser links a chat user to officer through a fresh code.
func linkUser(b *testing.B, st *store.Store, user, officer string, now time.Time) {
	ctx := context.Background()
	code, err := st.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: officer, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.RedeemLinkCode(ctx, "telegram", user, user, code, store.LinkOfficer, now); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkQuahan: the district's top leader asks /quahan, on SQLite with
// the sample district (always runnable).
func BenchmarkQuahan(b *testing.B) {
	st := storetest.OpenSQLite(b)
	e := seedDistrict(b, st)
	leader := ""
	for _, o := range e.data.Officers {
		if o.Role == models.RoleLeader && o.UnitCode == e.tree.Roots()[0] && (leader == "" || o.Code < leader) {
			leader = o.Code
		}
	}
	linkUser(b, st, "500", leader, e.now)
	benchQuahan(b, st, e.rules, e.now, "500")
}

// BenchmarkProvinceLeader: the province's top leader (a leader of the root
// unit) asks /quahan and /xephang of last month on the province at
// DONDOC_BENCH_PROVINCE_URL (built by scripts/bench-province.sh: dondoc
// sample --dossiers 1000000 imported into Postgres), judged at
// DONDOC_BENCH_NOW (default 2026-12-01T10:00+07:00, the sample's date).
// /xephang reads the month's figures as dondoc serve does (report.Reports:
// kept per period once computed, so every ask after the first is warm).
func BenchmarkProvinceLeader(b *testing.B) {
	url := os.Getenv("DONDOC_BENCH_PROVINCE_URL")
	if url == "" {
		b.Skip("DONDOC_BENCH_PROVINCE_URL is not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, ict)
	if v := os.Getenv("DONDOC_BENCH_NOW"); v != "" {
		if now, err = time.Parse(time.RFC3339, v); err != nil {
			b.Fatal(err)
		}
	}
	units, err := st.Units(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := models.NewUnitTree(units)
	if err != nil {
		b.Fatal(err)
	}
	officers, err := st.Officers(ctx)
	if err != nil {
		b.Fatal(err)
	}
	leader := ""
	for _, o := range officers {
		if o.Role == models.RoleLeader && o.Active && slices.Contains(tree.Roots(), o.UnitCode) && (leader == "" || o.Code < leader) {
			leader = o.Code
		}
	}
	if leader == "" {
		b.Fatal("no leader of a root unit in the province")
	}
	linkUser(b, st, "700", leader, now)
	rules := &models.Rules{Cal: models.NewVietnamCalendar(ict, 17, 0), DueSoonDays: 2}
	reps := &report.Reports{Store: st, Clock: func() time.Time { return now }, Options: report.Options{Location: ict}}
	last := now.AddDate(0, -1, 0).Format("2006-01")
	for _, text := range []string{"/quahan", "/xephang " + last} {
		b.Run(strings.TrimPrefix(strings.Fields(text)[0], "/"), func(b *testing.B) {
			benchCommand(b, st, handlers.Deps{Rules: rules, Reports: reps}, now, "700", text)
		})
	}
}

// BenchmarkQuahanPostgres50k: a leader of a unit holding 50,000 open
// overdue dossiers (and 100,000 other dossiers elsewhere) asks /quahan, on
// the Postgres database at DONDOC_BENCH_DATABASE_URL (loaded once, kept).
func BenchmarkQuahanPostgres50k(b *testing.B) {
	url := os.Getenv("DONDOC_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("DONDOC_BENCH_DATABASE_URL is not set")
	}
	ctx := context.Background()
	st := storetest.OpenURL(b, url)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, ict)
	if err := loadBig(ctx, st, now); err != nil {
		b.Fatal(err)
	}
	linkUser(b, st, "600", "BIG.LD", now)
	rules := &models.Rules{Cal: models.NewVietnamCalendar(ict, 17, 0), DueSoonDays: 2}
	benchQuahan(b, st, rules, now, "600")
}

// loadBig loads the synthetic province slice unless it is there already:
// unit BIG with 50,000 running overdue dossiers over 100 officers, and 20
// other units with 5,000 dossiers each, half finished.
func loadBig(ctx context.Context, st *store.Store, now time.Time) error {
	if n, err := st.CountDossiers(ctx); err != nil || n >= 150000 {
		return err
	}
	units := []models.Unit{{Code: "P", Name: "UBND tỉnh"}, {Code: "BIG", Name: "UBND thành phố Lớn", ParentCode: "P"}}
	officers := []models.Officer{{Code: "BIG.LD", Name: "Lãnh Đạo Lớn", UnitCode: "BIG", Role: models.RoleLeader, Active: true}}
	for i := range 20 {
		units = append(units, models.Unit{Code: fmt.Sprintf("U%02d", i), Name: fmt.Sprintf("UBND xã Số %d", i), ParentCode: "P"})
	}
	for i := range 100 {
		officers = append(officers, models.Officer{Code: fmt.Sprintf("BIG.CB%03d", i), Name: fmt.Sprintf("Cán Bộ Số %d", i), UnitCode: "BIG", Role: models.RoleOfficer, Active: true})
	}
	if err := st.UpsertUnits(ctx, units); err != nil {
		return err
	}
	if err := st.UpsertOfficers(ctx, officers); err != nil {
		return err
	}
	batch := make([]models.Dossier, 0, 5000)
	flush := func() error {
		err := storetest.SeedDossiers(ctx, st, batch)
		batch = batch[:0]
		return err
	}
	for i := range 150000 {
		d := models.Dossier{Code: fmt.Sprintf("H.%07d", i), ProcedureName: "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
			Status: models.StatusAccepted, ApplicantName: "Người Nộp"}
		received := now.Add(-time.Duration(40+i%300) * 24 * time.Hour)
		d.ReceivedAt, d.DueAt = received, received.Add(20*24*time.Hour)
		if i < 50000 {
			d.UnitCode, d.HandlerCode = "BIG", fmt.Sprintf("BIG.CB%03d", i%100)
		} else {
			d.UnitCode, d.HandlerCode = fmt.Sprintf("U%02d", i%20), ""
			if i%2 == 0 {
				d.Status, d.FinishedAt = models.StatusFinished, d.DueAt.Add(-time.Hour)
			}
		}
		batch = append(batch, d)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return st.DB().WithContext(ctx).Exec("VACUUM ANALYZE dossiers").Error
}
