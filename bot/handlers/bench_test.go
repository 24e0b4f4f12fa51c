package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// nopResponder discards replies (server-side handling only).
type nopResponder struct{ n int }

func (r *nopResponder) Reply(context.Context, bot.Update, bot.Reply) error { r.n++; return nil }
func (r *nopResponder) AnswerCallback(context.Context, bot.Update, string) error {
	return nil
}

// benchQuahan dispatches /quahan from user b.N times and reports the p50
// and p99 of one dispatch (directory lookups, queries, rendering).
func benchQuahan(b *testing.B, st *store.Store, rules *models.Rules, now time.Time, user string) {
	dir := st.ChatDirectory(time.Minute)
	r := bot.NewRouter(bot.Config{Directory: dir, Logger: slog.New(slog.DiscardHandler)})
	handlers.Register(r, handlers.Deps{Store: st, Directory: dir, Rules: rules, Clock: func() time.Time { return now }})
	rs := &nopResponder{}
	u := bot.Update{Platform: "telegram", ChatID: user, ChatType: bot.ChatPrivate, UserID: user, Text: "/quahan"}
	r.Dispatch(context.Background(), u, rs) // warm the unit tree cache
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		u.UpdateID = int64(i + 1)
		t0 := time.Now()
		r.Dispatch(context.Background(), u, rs)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	if rs.n != b.N+1 {
		b.Fatalf("%d replies for %d commands", rs.n, b.N+1)
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
