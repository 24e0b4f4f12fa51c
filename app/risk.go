package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// runRisk lists the open dossiers by risk of finishing late:
// dondoc risk [--at RFC3339] [--unit CODE] [--format text|json] [--limit N],
// or backtests the model: dondoc risk eval --from YYYY-MM --to YYYY-MM.
func runRisk(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 && args[0] == "eval" {
		return runRiskEval(ctx, a, args[1:])
	}
	fs := a.flags()
	atFlag := fs.String("at", "", "instant to judge at, RFC 3339 (default: now); the model learns only what was known then")
	unit := fs.String("unit", "", "unit code: only dossiers of its scope (sub-tree and predecessors)")
	format := fs.String("format", "text", "text or json")
	limit := fs.Int("limit", 0, "show at most this many dossiers in text (0: all)")
	minEvents := fs.Int("min-events", 0, "finished examples a group needs before it is trusted (0: the default chosen by the backtest)")
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be text or json, got %q", *format)
	}
	at := a.clock().Now()
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return usagef("--at must be RFC 3339 (2026-12-01T08:00:00+07:00), got %q", *atFlag)
		}
		at = t
	}
	st, data, err := loadRiskData(ctx, a)
	if err != nil {
		return err
	}
	defer st.Close()
	var keep func(string) bool
	if *unit != "" {
		tree, err := st.UnitTree(ctx)
		if err != nil {
			return err
		}
		if _, ok := tree.Get(*unit); !ok {
			return usagef("unknown unit %q", *unit)
		}
		keep = func(code string) bool { return tree.Covers(*unit, code) }
	}
	start := a.wall().Now()
	m := data.Fit(at, models.RiskOptions{MinEvents: *minEvents, DueSoonDays: a.cfg.DueSoonDays})
	list := m.Assess(keep)
	a.log.Info("risk assessed", "dossiers", data.Len(), "open", len(list), "elapsed", a.wall().Since(start).Round(time.Millisecond))
	if *format == "json" {
		return writeRiskJSON(a.stdout, list)
	}
	return writeRiskText(a.stdout, list, at, a.cfg.Location, *limit)
}

// loadRiskData opens the store and reads the whole case history.
func loadRiskData(ctx context.Context, a *app) (*store.Store, *models.RiskData, error) {
	st, err := openStore(ctx, a, false)
	if err != nil {
		return nil, nil, err
	}
	cal, err := loadCalendar(ctx, a, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	data := models.NewRiskData(cal)
	err = st.EachDossierWithSteps(ctx, func(d *models.Dossier, steps []models.Step) error {
		data.Add(d, steps)
		return ctx.Err()
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, data, nil
}

// riskJSON is one dossier of dondoc risk --format json.
type riskJSON struct {
	Code             string    `json:"code"`
	Risk             float64   `json:"risk"`
	Reason           string    `json:"reason"`
	Unit             string    `json:"unit"`
	Procedure        string    `json:"procedure"`
	Step             string    `json:"step,omitempty"`
	Holder           string    `json:"holder,omitempty"`
	Deadline         time.Time `json:"deadline"`
	WorkingHoursLeft float64   `json:"working_hours_left"`
	Level            string    `json:"level"`
	Examples         int       `json:"examples"`
	Thin             bool      `json:"thin"`
}

func writeRiskJSON(w io.Writer, list []models.RiskAssessment) error {
	out := make([]riskJSON, len(list))
	for i, r := range list {
		out[i] = riskJSON{Code: r.Code, Risk: math.Round(r.Risk*1e4) / 1e4, Reason: r.Reason, Unit: r.UnitCode,
			Procedure: r.ProcedureCode, Step: r.Step, Holder: r.HolderCode, Deadline: r.Deadline,
			WorkingHoursLeft: math.Round(float64(r.WorkingMinutesLeft)/6) / 10, Level: r.Level, Examples: r.Examples, Thin: r.Thin}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeRiskText(w io.Writer, list []models.RiskAssessment, at time.Time, loc *time.Location, limit int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "NGUY CƠ TRỄ HẠN — %d hồ sơ đang mở, chưa quá hạn, lúc %s\n", len(list), at.In(loc).Format("15:04 02/01/2006"))
	if len(list) == 0 {
		b.WriteString("  Không có hồ sơ nào.\n")
	}
	for i, r := range list {
		if limit > 0 && i >= limit {
			fmt.Fprintf(&b, "… và %d hồ sơ khác.\n", len(list)-limit)
			break
		}
		fmt.Fprintf(&b, "%3d. %s  %3.0f %%  hạn %s", i+1, r.Code, r.Risk*100, r.Deadline.In(loc).Format("15:04 02/01/2006"))
		if r.HolderCode != "" {
			fmt.Fprintf(&b, " · %s", r.HolderCode)
		}
		fmt.Fprintf(&b, "\n     %s\n", r.Reason)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// riskThresholds are the MinEvents values --tune compares.
var riskThresholds = []int{5, 10, 20, 40, 80, 160}

// runRiskEval backtests the model month by month:
// dondoc risk eval --from YYYY-MM --to YYYY-MM [--tune] [--format text|json].
func runRiskEval(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("risk eval", flag.ContinueOnError)
	from := fs.String("from", "", "first month YYYY-MM (required)")
	to := fs.String("to", "", "last month YYYY-MM (required)")
	format := fs.String("format", "text", "text or json")
	tune := fs.Bool("tune", false, "also compare the pooling thresholds (finished examples a group needs)")
	minEvents := fs.Int("min-events", 0, "finished examples a group needs (0: the default)")
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be text or json, got %q", *format)
	}
	loc := a.cfg.Location
	var months [2]time.Time
	for i, s := range []string{*from, *to} {
		t, err := time.ParseInLocation("2006-01", s, loc)
		if err != nil {
			return usagef("--from and --to must be YYYY-MM, got %q", s)
		}
		months[i] = t
	}
	if months[1].Before(months[0]) {
		return usagef("--to %s is before --from %s", *to, *from)
	}
	if months[1].Sub(months[0]) > 10*366*24*time.Hour {
		return usagef("at most ten years at a time")
	}
	now := a.clock().Now()
	st, data, err := loadRiskData(ctx, a)
	if err != nil {
		return err
	}
	defer st.Close()
	var ats []time.Time
	for _, t := range models.MonthStarts(data.Calendar(), months[0], months[1]) {
		if t.Before(now) {
			ats = append(ats, t)
		}
	}
	if len(ats) == 0 {
		return usagef("no month between %s and %s has started yet", *from, *to)
	}
	opt := models.RiskOptions{MinEvents: *minEvents, DueSoonDays: a.cfg.DueSoonDays}
	ev := data.Backtest(ats, now, opt)
	var grid []riskTune
	if *tune {
		for _, th := range riskThresholds {
			o := opt
			o.MinEvents = th
			grid = append(grid, riskTune{MinEvents: th, Overall: data.Backtest(ats, now, o).Overall.Model})
		}
	}
	if *format == "json" {
		return writeEvalJSON(a.stdout, ev, grid)
	}
	return writeEvalText(a.stdout, ev, grid, now, loc)
}

type riskTune struct {
	MinEvents int
	Overall   models.RiskScores
}

func writeEvalText(w io.Writer, ev models.RiskEval, grid []riskTune, now time.Time, loc *time.Location) error {
	var b strings.Builder
	fmt.Fprintf(&b, "KIỂM TRA LẠI MÔ HÌNH NGUY CƠ TRỄ HẠN — dự báo lúc 08:00 ngày làm việc đầu mỗi tháng, đối chiếu với kết quả đến %s\n", now.In(loc).Format("15:04 02/01/2006"))
	b.WriteString("mô hình / quy tắc sắp đến hạn (hiện nay) / tỉ lệ thời hạn đã dùng\n\n")
	fmt.Fprintf(&b, "%-8s %6s %5s   %-20s   %-20s   %-20s\n", "tháng", "hồ sơ", "trễ", "AUC", "Brier", "precision@k")
	line := func(name string, p models.RiskEvalPeriod) {
		fmt.Fprintf(&b, "%-8s %6d %5d   %-20s   %-20s   %-20s\n", name, p.N, p.Late,
			triple(p.Model.AUC, p.DueSoon.AUC, p.Elapsed.AUC), triple(p.Model.Brier, p.DueSoon.Brier, p.Elapsed.Brier),
			triple(p.Model.PrecisionAtK, p.DueSoon.PrecisionAtK, p.Elapsed.PrecisionAtK))
	}
	for _, p := range ev.Periods {
		line(p.At.In(loc).Format("01/2006"), p)
	}
	line("tất cả", ev.Overall)
	if len(ev.Workload) > 0 {
		b.WriteString("\nKhối lượng công việc (số hồ sơ đang mở người giữ hồ sơ có) — nguy cơ dự báo trung bình / tỉ lệ trễ thực tế:\n")
		for _, w := range ev.Workload {
			fmt.Fprintf(&b, "  %3d–%3d hồ sơ: %5d dự báo, %s / %s\n", w.MinOpen, w.MaxOpen, w.N, num(w.MeanRisk), num(w.LateShare))
		}
	}
	if len(grid) > 0 {
		b.WriteString("\nNgưỡng gộp nhóm (số ví dụ đã xong một nhóm cần có) — toàn kỳ:\n")
		for _, g := range grid {
			fmt.Fprintf(&b, "  %4d ví dụ: AUC %s, Brier %s, precision@k %s\n", g.MinEvents, num(g.Overall.AUC), num(g.Overall.Brier), num(g.Overall.PrecisionAtK))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func triple(a, b, c float64) string { return num(a) + " " + num(b) + " " + num(c) }

func num(x float64) string {
	if math.IsNaN(x) {
		return "  –  "
	}
	return fmt.Sprintf("%.3f", x)
}

type evalScoresJSON struct {
	AUC          *float64 `json:"auc"`
	Brier        *float64 `json:"brier"`
	PrecisionAtK *float64 `json:"precision_at_k"`
}

type evalPeriodJSON struct {
	At      time.Time      `json:"at"`
	N       int            `json:"n"`
	Late    int            `json:"late"`
	Model   evalScoresJSON `json:"model"`
	DueSoon evalScoresJSON `json:"due_soon"`
	Elapsed evalScoresJSON `json:"elapsed_share"`
}

func scoresJSON(s models.RiskScores) evalScoresJSON {
	f := func(x float64) *float64 {
		if math.IsNaN(x) {
			return nil
		}
		v := math.Round(x*1e4) / 1e4
		return &v
	}
	return evalScoresJSON{AUC: f(s.AUC), Brier: f(s.Brier), PrecisionAtK: f(s.PrecisionAtK)}
}

func periodJSON(p models.RiskEvalPeriod) evalPeriodJSON {
	return evalPeriodJSON{At: p.At, N: p.N, Late: p.Late, Model: scoresJSON(p.Model), DueSoon: scoresJSON(p.DueSoon), Elapsed: scoresJSON(p.Elapsed)}
}

func writeEvalJSON(w io.Writer, ev models.RiskEval, grid []riskTune) error {
	type tuneJSON struct {
		MinEvents int            `json:"min_events"`
		Overall   evalScoresJSON `json:"overall"`
	}
	out := struct {
		Months  []evalPeriodJSON `json:"months"`
		Overall evalPeriodJSON   `json:"overall"`
		Tune    []tuneJSON       `json:"tune,omitempty"`
	}{Overall: periodJSON(ev.Overall)}
	for _, p := range ev.Periods {
		out.Months = append(out.Months, periodJSON(p))
	}
	for _, g := range grid {
		out.Tune = append(out.Tune, tuneJSON{MinEvents: g.MinEvents, Overall: scoresJSON(g.Overall)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
