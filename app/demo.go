package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
)

func init() {
	register("demo", "tạo huyện mẫu trong dondoc-demo.db (SQLite) và xem thử", runDemo)
}

// runDemo builds a fresh sample district in an embedded SQLite file and
// prints what a leader wants to see first: overdue dossiers by unit and
// last month's ranking.
func runDemo(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	path := fs.String("db", "dondoc-demo.db", "SQLite file to (re)create")
	noConsole := fs.Bool("no-console", false, "không mở console trò chuyện với bot sau khi tạo dữ liệu")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	now := a.clock().Now()
	loc := a.cfg.Location
	start := a.wall().Now()
	if a.getenv == nil || a.getenv("LOG_LEVEL") == "" {
		// A newcomer's first screen: the summary, not the info log.
		quiet := a.cfg
		quiet.LogLevel = slog.LevelWarn
		a.log = newLogger(quiet, a.stderr)
	}

	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(*path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("demo: %w", err)
		}
	}
	st, err := store.Open(ctx, *path, a.log, store.WithClock(a.clock()))
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	cal, err := loadCalendar(ctx, a, nil)
	if err != nil {
		return err
	}
	data, err := sample.Demo(now, cal)
	if err != nil {
		return err
	}
	w := a.stdout
	fmt.Fprintf(w, "dondoc — dữ liệu mẫu: UBND huyện %s, tỉnh %s\n", sample.DistrictName, sample.ProvinceName)
	if err := seed(ctx, a, st, now, cal); err != nil {
		return err
	}
	rules := rulesFor(a, cal)
	fmt.Fprintf(w, "Đã tạo %s: %d đơn vị, %d cán bộ, %d hồ sơ, %d bước xử lý (trong %.1f giây).\n",
		*path, len(data.Units), len(data.Officers), len(data.Dossiers), len(data.Steps), a.wall().Since(start).Seconds())
	fmt.Fprintf(w, "Thời điểm xem: %s (đặt DONDOC_NOW để xem một ngày khác).\n\n", now.In(loc).Format("15:04 02/01/2006"))

	tree, err := models.NewUnitTree(data.Units)
	if err != nil {
		return err
	}
	printOverdueByUnit(w, rules, tree, data, now)

	y, m, _ := now.In(loc).AddDate(0, -1, 0).Date()
	root := ""
	if roots := tree.Roots(); len(roots) == 1 {
		root = roots[0]
	}
	rep, err := report.Monthly(ctx, st, data.Units, data.Officers, y, m, root,
		report.Options{Location: loc, Place: sample.DistrictName, GeneratedAt: now})
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	var text strings.Builder
	if err := report.RenderText(&text, rep, report.TextOptions{}); err != nil {
		return err
	}
	io.WriteString(w, shortenOfficerList(text.String(), 10))
	fmt.Fprintf(w, "\nThử thêm: DATABASE_URL=%s go run ./cmd/dondoc report --month %04d-%02d --format html -o bao-cao.html\n", *path, y, int(m))
	if *noConsole {
		return nil
	}
	leader := topLeader(tree, data)
	if leader == "" {
		return nil
	}
	fmt.Fprintf(w, "\nTrò chuyện với bot (như trên Telegram) trong vai lãnh đạo huyện — DATABASE_URL=%s go run ./cmd/dondoc console --as %s:\n\n", *path, leader)
	return chatConsole(ctx, a, st, leader, "")
}

// topLeader returns the code of a leader of the district's root unit (the
// first by code), or "" when there is none.
func topLeader(tree *models.UnitTree, d *sample.Data) string {
	roots := tree.Roots()
	best := ""
	for _, o := range d.Officers {
		if o.Role != models.RoleLeader || !o.Active || len(roots) == 0 || o.UnitCode != roots[0] {
			continue
		}
		if best == "" || o.Code < best {
			best = o.Code
		}
	}
	return best
}

// seed writes the sample district as the provincial system's CSV exports
// (Vietnamese headers, dd/MM/yyyy HH:mm:ss, status names) and imports them
// the way the secretariat does, printing each file's summary line.
func seed(ctx context.Context, a *app, st *store.Store, now time.Time, cal *models.Calendar) error {
	dir, err := os.MkdirTemp("", "dondoc-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := sample.DemoConfig(now, cal)
	cfg.Location = a.cfg.Location
	files, err := sample.WriteExports(dir, cfg)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		kind ingest.Kind
		file sample.File
	}{
		{ingest.KindUnits, files.Units}, {ingest.KindOfficers, files.Officers},
		{ingest.KindDossiers, files.Dossiers}, {ingest.KindSteps, files.Steps},
	} {
		r, err := ingest.Open(f.file.Path, ingest.Options{Kind: f.kind, Location: a.cfg.Location, Name: f.file.Name, Limits: ingest.Limits(a.cfg.IngestLimits)})
		if err != nil {
			return err
		}
		res, err := ingest.Run(ctx, st, r, ingest.RunOptions{Now: a.clock().Now, Log: a.log})
		r.Close()
		if err != nil {
			return fmt.Errorf("demo: import %s: %w", f.file.Name, err)
		}
		fmt.Fprintf(a.stdout, "  nhập %s: %s\n", f.file.Name, res.Summary)
	}
	return nil
}

// printOverdueByUnit lists, per top-level unit, the dossiers open and
// overdue now, worst first.
func printOverdueByUnit(w io.Writer, rules *models.Rules, tree *models.UnitTree, d *sample.Data, now time.Time) {
	type agg struct {
		code      string
		n, oldest int
	}
	byUnit := map[string]*agg{}
	total := 0
	for i := range d.Dossiers {
		c := rules.Classify(&d.Dossiers[i], now)
		if c.Class != models.ClassOverdue {
			continue
		}
		total++
		code := topUnit(tree, d.Dossiers[i].UnitCode)
		a := byUnit[code]
		if a == nil {
			a = &agg{code: code}
			byUnit[code] = a
		}
		a.n++
		a.oldest = max(a.oldest, c.WorkingDaysOverdue)
	}
	list := make([]*agg, 0, len(byUnit))
	for _, a := range byUnit {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].code < list[j].code
	})
	fmt.Fprintf(w, "HỒ SƠ ĐANG QUÁ HẠN THEO ĐƠN VỊ — %d hồ sơ\n", total)
	if total == 0 {
		fmt.Fprintln(w, "  Không có hồ sơ nào quá hạn.")
	}
	for _, a := range list {
		name := a.code
		if u, ok := tree.Get(a.code); ok {
			name = u.Name
		}
		fmt.Fprintf(w, "  • %s: %d hồ sơ, lâu nhất quá hạn %d ngày làm việc\n", name, a.n, a.oldest)
	}
}

// topUnit returns the unit just under the root on code's path (a phòng or
// a xã of the district), or code itself.
func topUnit(tree *models.UnitTree, code string) string {
	p := tree.Path(code)
	if len(p) >= 2 {
		return p[1]
	}
	if len(p) == 1 {
		return p[0]
	}
	return code
}

// shortenOfficerList keeps the first n numbered lines of the slow-officer
// list of a rendered report and says how many more there are.
func shortenOfficerList(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	var out []string
	inList, shown, hidden := false, 0, 0
	more := func() {
		if hidden > 0 {
			out = append(out, fmt.Sprintf("… và %d cán bộ khác (xem đủ: dondoc report).", hidden))
			hidden = 0
		}
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "Cán bộ có hồ sơ chậm"):
			inList = true
		case inList && l == "":
			inList = false
			more()
		case inList && len(l) > 0 && l[0] >= '0' && l[0] <= '9':
			if shown >= n {
				hidden++
				continue
			}
			shown++
		}
		out = append(out, l)
	}
	more()
	return strings.Join(out, "\n") + "\n"
}
