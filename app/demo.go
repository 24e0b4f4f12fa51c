package app

import (
	"context"
	"errors"
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

// runDemo builds a fresh sample province slice in an embedded SQLite file
// and prints what a provincial leader wants to see first: the dossiers
// overdue now by level and unit, last month's two rankings (Sở, communes)
// and the slow-officer list; then the console, as the secretariat.
func runDemo(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
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
	st, err := store.Open(ctx, *path, a.log, store.WithClock(a.clock()), store.WithRules(supplementClock(a), a.cfg.Location), store.WithExcess(supplementExcess(a)))
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
	fmt.Fprintln(w, demoTitle(data, models.DateOf(now, loc)))
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
		report.Options{Location: loc, Place: sample.ProvinceName, GeneratedAt: now})
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
	who := secretariatOf(tree, data)
	if who == "" {
		return nil
	}
	fmt.Fprintf(w, "\nTrò chuyện với bot trong vai chuyên viên Văn phòng UBND tỉnh — DATABASE_URL=%s go run ./cmd/dondoc console --as %s:\n\n", *path, who)
	return chatConsole(ctx, a, st, who, "")
}

// demoTitle is the demo's first line: the province of now, and the units
// kept as history.
func demoTitle(d *sample.Data, today models.Date) string {
	var depts, communes, old int
	for _, u := range d.Units {
		switch models.PeerClassOf(u.Level) {
		case models.PeerDepartment:
			if u.ValidOn(today) {
				depts++
			}
		case models.PeerCommune:
			if u.ValidOn(today) {
				communes++
			} else {
				old++
			}
		}
	}
	return fmt.Sprintf("dondoc — dữ liệu mẫu: UBND tỉnh %s (chính quyền địa phương hai cấp): %d sở, ban, ngành và %d xã, phường, đặc khu; "+
		"lưu lịch sử huyện %s và %d xã, thị trấn đến 30/6/2025", sample.ProvinceName, depts, communes, sample.DistrictName, old)
}

// secretariatOf returns the code of a secretariat officer of the root's
// office (the first by code), else of a leader of the root; "" when none.
func secretariatOf(tree *models.UnitTree, d *sample.Data) string {
	roots := tree.Roots()
	if len(roots) == 0 {
		return ""
	}
	best, leader := "", ""
	for _, o := range d.Officers {
		if !o.Active {
			continue
		}
		u, ok := tree.Get(o.UnitCode)
		switch {
		case o.Role == models.RoleSecretariat && ok && u.ParentCode == roots[0] && strings.HasPrefix(u.Name, "Văn phòng"):
			if best == "" || o.Code < best {
				best = o.Code
			}
		case o.Role == models.RoleLeader && o.UnitCode == roots[0]:
			if leader == "" || o.Code < leader {
				leader = o.Code
			}
		}
	}
	if best == "" {
		return leader
	}
	return best
}

// seed writes the sample province as the provincial system's CSV exports
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

// printOverdueByUnit lists the dossiers open and overdue now by level
// (the Sở, the communes) and unit just under the root, worst first. A
// dossier still in the code of a unit ended in 2025 counts under the unit
// that took it in (models.UnitTree.Resolve), so no unit that stopped
// existing is shown as current.
func printOverdueByUnit(w io.Writer, rules *models.Rules, tree *models.UnitTree, d *sample.Data, now time.Time) {
	type agg struct {
		code          string
		n, oldest, pr int
	}
	today := rules.Cal.Today(now)
	byUnit := map[string]*agg{}
	total := 0
	for i := range d.Dossiers {
		c := rules.Classify(&d.Dossiers[i], now)
		if c.Class != models.ClassOverdue {
			continue
		}
		total++
		own := d.Dossiers[i].UnitCode
		cur := tree.Resolve(own, today)
		code := topUnit(tree, cur)
		a := byUnit[code]
		if a == nil {
			a = &agg{code: code}
			byUnit[code] = a
		}
		a.n++
		if cur != own {
			a.pr++
		}
		a.oldest = max(a.oldest, c.WorkingDaysOverdue)
	}
	groups := map[models.PeerClass][]*agg{}
	for _, a := range byUnit {
		cls := models.PeerOther
		if u, ok := tree.Get(a.code); ok {
			cls = models.PeerClassOf(u.Level)
		}
		groups[cls] = append(groups[cls], a)
	}
	fmt.Fprintf(w, "HỒ SƠ ĐANG QUÁ HẠN THEO CẤP VÀ ĐƠN VỊ — %d hồ sơ\n", total)
	if total == 0 {
		fmt.Fprintln(w, "  Không có hồ sơ nào quá hạn.")
	}
	for _, g := range []struct {
		cls   models.PeerClass
		label string
	}{
		{models.PeerDepartment, "Sở, ban, ngành"}, {models.PeerCommune, "Xã, phường, đặc khu"},
		{models.PeerSubUnit, "Phòng, ban, trung tâm"}, {models.PeerProvince, "UBND tỉnh"}, {models.PeerOther, "Đơn vị khác"},
	} {
		list := groups[g.cls]
		if len(list) == 0 {
			continue
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].n != list[j].n {
				return list[i].n > list[j].n
			}
			return list[i].code < list[j].code
		})
		n := 0
		for _, a := range list {
			n += a.n
		}
		fmt.Fprintf(w, "  %s — %d hồ sơ:\n", g.label, n)
		for _, a := range list {
			name := tree.Name(a.code)
			carried := ""
			if a.pr > 0 {
				carried = fmt.Sprintf(" (%d hồ sơ tiếp nhận từ đơn vị trước sắp xếp)", a.pr)
			}
			fmt.Fprintf(w, "    • %s: %d hồ sơ%s, lâu nhất quá hạn %d ngày làm việc\n", name, a.n, carried, a.oldest)
		}
	}
}

// topUnit returns the unit just under the root on code's path (a Sở or a
// commune of the province), or code itself.
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
