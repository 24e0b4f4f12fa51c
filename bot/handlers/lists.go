package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// listScope is whose dossiers a list shows.
type listScope struct {
	units     []string
	all       bool
	handler   string // the asker's own dossiers only
	label     string // "của bạn", "— Phòng Tư pháp", "— toàn bộ các đơn vị"
	byHandler bool   // grouped by officer (group chats)
}

func unitNotFound(code string) error {
	return &bot.UserError{Msg: fmt.Sprintf("Không tìm thấy đơn vị %s trong phạm vi của bạn.", models.Clip(strings.TrimSpace(code), bot.DefaultEchoChars))}
}

// unitScope is the scope of a list command whose words may name a unit
// (unitArg, with command for its messages): that unit within the asker's
// scope, else the asker's scope (scopeFor).
func (h *handlers) unitScope(ctx context.Context, q *bot.Request, command string, words []string) (listScope, error) {
	unit, err := h.unitArg(ctx, command, words)
	if err != nil {
		return listScope{}, err
	}
	return h.scopeFor(ctx, q, unit)
}

// scopeFor resolves the scope of /quahan and /sapden: an officer's own
// dossiers; a leader's sub-tree (or unit, a unit within it); secretariat and
// admin everything (or unit); in a group, the group's unit, by officer.
func (h *handlers) scopeFor(ctx context.Context, q *bot.Request, unit string) (listScope, error) {
	tree, err := h.Directory.Tree(ctx)
	if err != nil {
		return listScope{}, err
	}
	sub := func(root string) listScope {
		name := tree.Name(root)
		units := tree.Scope(root)
		if units == nil {
			units = []string{root}
		}
		return listScope{units: units, label: "— " + name}
	}
	if q.Group != nil {
		root := q.Group.UnitCode
		if unit != "" {
			if !tree.Covers(root, unit) {
				return listScope{}, unitNotFound(unit)
			}
			root = unit
		}
		s := sub(root)
		s.byHandler = true
		return s, nil
	}
	switch {
	case q.Role == models.RoleOfficer:
		if unit != "" {
			return listScope{}, &bot.UserError{Msg: "Chuyên viên chỉ xem được hồ sơ của chính mình: gõ lệnh không kèm mã đơn vị."}
		}
		return listScope{handler: q.Person.OfficerCode, label: "của bạn"}, nil
	case unit == "" && q.Role.SeesAll():
		return listScope{all: true, label: "— toàn bộ các đơn vị"}, nil
	case unit == "":
		return sub(q.Person.UnitCode), nil
	}
	if _, ok := tree.Get(unit); !ok {
		return listScope{}, unitNotFound(unit)
	}
	in, err := h.Directory.InScope(ctx, q.Person, unit)
	if err != nil {
		return listScope{}, err
	}
	if !in {
		return listScope{}, unitNotFound(unit)
	}
	return sub(unit), nil
}

// pageSize is how many dossiers one page holds: an item takes at most
// about 300 characters, so a page stays under the platform's limit.
func pageSize(limit int) int { return max(3, (limit-500)/300) }

// listSpec is one of the dossier lists.
type listSpec struct {
	title string // "Hồ sơ quá hạn"
	empty string // "Không có hồ sơ nào quá hạn"
	what  string // "hồ sơ quá hạn"
	query store.OpenQuery
}

// showList renders one page of a list, the other pages left empty for the
// router's « Trước / Sau » (each press runs the handler again for its page).
func (h *handlers) showList(ctx context.Context, q *bot.Request, sc listScope, spec listSpec) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	now := h.Clock()
	size := pageSize(q.TextLimit())
	oq := spec.query
	oq.Units, oq.AllUnits, oq.Handler, oq.ByHandler = sc.units, sc.all, sc.handler, sc.byHandler
	page := max(q.Page, 0)
	oq.Offset, oq.Limit = page*size, size
	ds, total, err := h.Store.OpenDossiers(ctx, oq)
	if err != nil {
		return bot.Reply{}, err
	}
	if total > 0 && len(ds) == 0 { // the list shrank under a « Sau »
		page = (total - 1) / size
		oq.Offset = page * size
		if ds, total, err = h.Store.OpenDossiers(ctx, oq); err != nil {
			return bot.Reply{}, err
		}
	}
	header := f.b(spec.title+" "+sc.label) + "\n"
	if total == 0 {
		return f.reply(header + f.esc(spec.empty) + "."), nil
	}
	order := "hạn sớm nhất trước"
	if sc.byHandler {
		order = "theo từng cán bộ, hạn sớm nhất trước"
	}
	header += fmt.Sprintf("Có %s %s, %s.\n", f.b(num(total)), f.esc(spec.what), order)
	codes := make([]string, 0, len(ds))
	for i := range ds {
		codes = append(codes, ds[i].HandlerCode)
	}
	officers, err := h.Store.OfficersByCode(ctx, codes)
	if err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	b.WriteString(header)
	prev := "\x00"
	for i := range ds {
		d := &ds[i]
		if sc.byHandler && d.HandlerCode != prev {
			prev = d.HandlerCode
			b.WriteString("\n" + f.b(officerName(officers, d.HandlerCode)) + ":\n")
		} else if i == 0 {
			b.WriteString("\n")
		}
		opt := itemOptions{
			officer:   !sc.byHandler && sc.handler == "",
			unit:      sc.handler == "" && !sc.byHandler && len(sc.units) != 1,
			applicant: q.Update.ChatType == bot.ChatPrivate && d.HandlerCode == q.Person.OfficerCode && d.HandlerCode != "",
		}
		b.WriteString(h.item(ctx, f, oq.Offset+i+1, d, officers, opt, now))
	}
	pages := make([]string, (total+size-1)/size)
	pages[page] = strings.TrimRight(b.String(), "\n")
	if len(pages) == 1 {
		return f.reply(pages[0]), nil
	}
	return bot.Reply{Pages: pages, Format: f.format()}, nil
}

type itemOptions struct{ officer, unit, applicant bool }

func officerName(officers map[string]models.Officer, code string) string {
	if code == "" {
		return models.LabelUnassigned
	}
	if o, ok := officers[code]; ok {
		return o.Name
	}
	return models.UnknownAccount(code)
}

// item renders one dossier of a list, at most about 300 characters.
func (h *handlers) item(ctx context.Context, f fmtr, n int, d *models.Dossier, officers map[string]models.Officer, opt itemOptions, now time.Time) string {
	var b strings.Builder
	c := h.Rules.Classify(d, now)
	fmt.Fprintf(&b, "%d. %s — %s\n   %s · hạn %s", n, f.code(d.Code), f.esc(short(d.ProcedureName, 70)),
		f.esc(standing(c)), f.date(shownDeadline(d, c)))
	if opt.unit {
		b.WriteString(" · " + f.esc(short(h.currentUnitName(ctx, d.UnitCode), 40)))
	}
	if opt.officer {
		b.WriteString(" · CB: " + f.esc(short(officerName(officers, d.HandlerCode), 40)))
	}
	if opt.applicant && d.ApplicantName != "" {
		b.WriteString("\n   " + models.LabelApplicant + ": " + f.esc(short(d.ApplicantName, 50)))
	}
	b.WriteString("\n")
	return b.String()
}

// shownDeadline is the deadline a list shows for d: the effective one it
// was classified against (the due date moved by the supplement waits),
// else the due date when there is none (waiting on the applicant).
func shownDeadline(d *models.Dossier, c models.Classification) time.Time {
	if c.Deadline.IsZero() || !c.Deadline.Before(models.Forever) {
		return d.DueAt
	}
	return c.Deadline
}

// standing says where an open dossier stands, in Vietnamese.
func standing(c models.Classification) string {
	switch c.Class {
	case models.ClassOverdue:
		return fmt.Sprintf("Quá hạn %d ngày làm việc", c.WorkingDaysOverdue)
	case models.ClassDueToday:
		return "Đến hạn hôm nay"
	case models.ClassDueSoon, models.ClassInTime:
		if c.WorkingDaysLeft == 1 {
			return "Còn 1 ngày làm việc (hết hạn ngày mai)"
		}
		return fmt.Sprintf("Còn %d ngày làm việc", c.WorkingDaysLeft)
	case models.ClassPaused:
		return "Tạm dừng, chờ người nộp bổ sung hoặc thực hiện nghĩa vụ tài chính"
	}
	return c.Class.Label()
}

// mine answers /hoso: the officer's open dossiers, most urgent first.
func (h *handlers) mine(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	sc := listScope{handler: q.Person.OfficerCode, label: "bạn đang xử lý"}
	return h.showList(ctx, q, sc, listSpec{title: "Hồ sơ", empty: "Bạn không có hồ sơ nào đang xử lý",
		what: "hồ sơ đang xử lý"})
}

// overdue answers /quahan [mã đơn vị].
func (h *handlers) overdue(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	sc, err := h.unitScope(ctx, q, "quahan", q.Command.Args)
	if err != nil {
		return bot.Reply{}, err
	}
	return h.showList(ctx, q, sc, listSpec{title: "Hồ sơ quá hạn", empty: "Không có hồ sơ nào quá hạn",
		what: "hồ sơ quá hạn", query: store.OpenQuery{Running: true, DueBefore: h.Clock()}})
}

// due answers /sapden [n] [mã đơn vị]: running dossiers not yet overdue,
// due within n working days (default Rules.DueSoonDays, at least 1).
func (h *handlers) due(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	n := max(h.Rules.DueSoonDays, 1)
	var words []string
	for _, a := range q.Command.Args {
		if v, err := strconv.Atoi(a); err == nil {
			if v < 0 || v > 30 {
				return bot.Reply{}, &bot.UserError{Msg: "Số ngày làm việc phải từ 0 đến 30, ví dụ /sapden 3."}
			}
			n = v
		} else {
			words = append(words, a)
		}
	}
	sc, err := h.unitScope(ctx, q, "sapden", words)
	if err != nil {
		return bot.Reply{}, err
	}
	now := h.Clock()
	cal := h.Rules.Cal
	last := cal.AddWorkingDays(cal.Today(now), n)
	until := (last + 1).Start(cal.Location())
	what := fmt.Sprintf("hồ sơ đến hạn trong %d ngày làm việc tới", n)
	if n == 0 {
		what = "hồ sơ đến hạn hôm nay"
	}
	return h.showList(ctx, q, sc, listSpec{title: "Hồ sơ sắp đến hạn", empty: "Không có " + what,
		what: what, query: store.OpenQuery{Running: true, DueFrom: now, DueBefore: until}})
}

// find answers /tra <mã hồ sơ>: the dossier's record, only within the
// asker's scope (otherwise "not found", revealing nothing).
func (h *handlers) find(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	if len(q.Command.Args) != 1 {
		return bot.Reply{}, &bot.UserError{Msg: "Cách dùng: /tra <mã hồ sơ>, ví dụ /tra H12.34-241105-0001."}
	}
	code := q.Command.Args[0]
	notFound := &bot.UserError{Msg: fmt.Sprintf("Không tìm thấy hồ sơ %s trong phạm vi của bạn.", q.Echo(code))}
	d, err := h.Store.Dossier(ctx, code)
	if up := strings.ToUpper(code); errors.Is(err, models.ErrNotFound) && up != code {
		d, err = h.Store.Dossier(ctx, up) // codes as people type them: case-insensitive
	}
	if errors.Is(err, models.ErrNotFound) {
		return bot.Reply{}, notFound
	}
	if err != nil {
		return bot.Reply{}, err
	}
	steps, err := h.Store.Steps(ctx, d.Code)
	if err != nil {
		return bot.Reply{}, err
	}
	ok, err := h.canSee(ctx, q, &d, steps)
	if err != nil {
		return bot.Reply{}, err
	}
	if !ok {
		return bot.Reply{}, notFound
	}
	codes := []string{d.HandlerCode}
	for _, s := range steps {
		codes = append(codes, s.OfficerCode)
	}
	officers, err := h.Store.OfficersByCode(ctx, codes)
	if err != nil {
		return bot.Reply{}, err
	}
	f := newFmtr(q, h.loc())
	now := h.Clock()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", f.b("Hồ sơ "+d.Code))
	fmt.Fprintf(&b, "Thủ tục: %s\n", f.esc(d.ProcedureName))
	if d.Field != "" {
		fmt.Fprintf(&b, "Lĩnh vực: %s\n", f.esc(d.Field))
	}
	fmt.Fprintf(&b, "Đơn vị: %s\n", f.esc(h.unitHistoryName(ctx, d.UnitCode)))
	fmt.Fprintf(&b, "Cán bộ xử lý: %s\n", f.esc(officerName(officers, d.HandlerCode)))
	if q.Update.ChatType == bot.ChatPrivate && d.HandlerCode == q.Person.OfficerCode && d.ApplicantName != "" {
		fmt.Fprintf(&b, "%s: %s\n", models.LabelApplicant, f.esc(d.ApplicantName))
	}
	fmt.Fprintf(&b, "Tiếp nhận: %s · Hạn giải quyết: %s\n", f.date(d.ReceivedAt), f.date(d.DueAt))
	c := h.Rules.Classify(&d, now)
	if dl := h.Rules.Deadline(&d); dl.Before(models.Forever) && models.DateOf(dl, h.loc()) != models.DateOf(d.DueAt, h.loc()) {
		fmt.Fprintf(&b, "Hạn tính cả thời gian chờ bổ sung: %s\n", f.date(dl))
	}
	line := "Trạng thái: " + d.Status.String()
	switch {
	case c.Class.IsOpen():
		line += " — " + standing(c)
	case c.Class.IsFinished():
		line += fmt.Sprintf(" — hoàn thành ngày %s, %s", f.date(models.StopAt(&d)), c.Class.Label())
	default:
		line += " — " + c.Class.Label()
	}
	b.WriteString(f.esc(line) + "\n")
	if c.SecondExtension {
		b.WriteString(f.esc("Lưu ý: hồ sơ đã gia hạn lần thứ hai (chỉ được gia hạn một lần).") + "\n")
	}
	if len(steps) > 0 {
		b.WriteString("\n" + f.b("Các bước xử lý:") + "\n")
		// Each step against its effective deadline (the dossier's when the
		// step has none), as the officers' figures judge it.
		judged := map[int]models.Responsibility{}
		for _, r := range h.Rules.Responsible(&d, steps, now) {
			judged[r.StepSeq] = r
		}
		for _, s := range steps {
			name := s.Name
			if name == "" {
				name = "Bước " + strconv.Itoa(s.Seq)
			}
			r := judged[s.Seq]
			done := "đang xử lý"
			if !s.FinishedAt.IsZero() {
				done = "xong " + f.date(s.FinishedAt)
			}
			if r.Late || r.Overdue {
				done += " — ⏰ " + models.LabelStepLate
			}
			due := "hạn " + f.date(h.Rules.EffectiveDeadline(&d, s.DueAt))
			if s.DueAt.IsZero() {
				due = "không có hạn riêng (theo hạn hồ sơ " + f.date(c.Deadline) + ")"
			}
			fmt.Fprintf(&b, "%d. %s — %s: %s, %s\n", s.Seq, f.esc(name), f.esc(officerName(officers, s.OfficerCode)),
				due, f.esc(done))
		}
	}
	return f.reply(strings.TrimRight(b.String(), "\n")), nil
}

// canSee reports whether the asker may look at d: an officer the dossiers
// they handle or held a step of; a leader their sub-tree; secretariat and
// admin everything; in a group, the group unit's sub-tree.
func (h *handlers) canSee(ctx context.Context, q *bot.Request, d *models.Dossier, steps []models.Step) (bool, error) {
	if q.Group != nil {
		t, err := h.Directory.Tree(ctx)
		if err != nil {
			return false, err
		}
		return t.Covers(q.Group.UnitCode, d.UnitCode), nil
	}
	if q.Role == models.RoleOfficer {
		if d.HandlerCode == q.Person.OfficerCode {
			return true, nil
		}
		for _, s := range steps {
			if s.OfficerCode == q.Person.OfficerCode {
				return true, nil
			}
		}
		return false, nil
	}
	return h.Directory.InScope(ctx, q.Person, d.UnitCode)
}
