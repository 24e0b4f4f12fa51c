package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/report"
)

// monthlyScope is the unit a report or ranking covers: the group's unit in
// a group, a leader's unit, everything ("") for secretariat and admin.
func monthlyScope(q *bot.Request) string {
	if q.Group != nil {
		return q.Group.UnitCode
	}
	if q.Role.SeesAll() {
		return ""
	}
	return q.Person.UnitCode
}

func (h *handlers) monthly(ctx context.Context, q *bot.Request) (*report.Report, error) {
	if h.Reports == nil {
		return nil, &bot.UserError{Msg: "Báo cáo tháng chưa được cấu hình trên máy chủ này."}
	}
	y, m, err := parseMonth(q.Command.Args, h.Clock().In(h.loc()))
	if err != nil {
		return nil, err
	}
	rep, err := h.Reports.Monthly(ctx, y, m, monthlyScope(q))
	if errors.Is(err, report.ErrFutureMonth) {
		return nil, &bot.UserError{Msg: fmt.Sprintf("Tháng %02d/%04d chưa bắt đầu: chưa có kết quả.", int(m), y)}
	}
	return rep, err
}

// ranking answers /xephang [tháng]: the month's ranking (the month before
// by default). For a unit (a group's, a leader's) it first gives the unit's
// place among its peers in the whole ranking ("hạng 13/19 trong các xã,
// phường"), then its sub-units ranked within it; for the secretariat, each
// group of peers (the Sở, the communes) apart.
func (h *handlers) ranking(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	rep, err := h.monthly(ctx, q)
	if err != nil {
		return bot.Reply{}, err
	}
	f := newFmtr(q, h.loc())
	header := f.b(fmt.Sprintf("Xếp hạng đơn vị — tháng %02d/%04d", int(rep.Month), rep.Year))
	if rep.Issuer != "" {
		header += "\n" + f.esc(rep.Issuer)
	}
	if note := rep.ProvisionalNote(); note != "" {
		header += "\n" + f.esc("("+note+")")
	}
	if rep.NoData() {
		return f.reply(header + "\n" + f.esc(fmt.Sprintf("Tháng %02d/%04d %s.", int(rep.Month), rep.Year, report.NoData))), nil
	}
	header += "\n" + f.esc("Điểm theo Quyết định 766 (thang 20), tỷ lệ đúng hạn, số hồ sơ quá hạn. "+report.TieBreak) + "\n"
	var lines []string
	// A unit's place among its peers needs the whole report; the top of
	// the tree (the province's leader) has no peers: no second report.
	if scope := monthlyScope(q); scope != "" && !rep.IsRoot(scope) {
		all, err := h.Reports.Monthly(ctx, rep.Year, rep.Month, "")
		if err != nil {
			return bot.Reply{}, err
		}
		if u, ok := all.Row(scope); ok && u.Rank > 0 {
			lines = append(lines, f.b(u.Name+": "+u.PlaceLine()),
				f.esc(report.UnitLine(u)), "")
		}
	}
	for _, g := range rep.TopGroups() {
		if g.Ranked() == 0 || (len(g.Rows) == 1 && g.Rows[0].Code == rep.Scope) {
			continue // a unit with no sub-units is not ranked against itself
		}
		label := "Xếp hạng " + g.Label
		if rep.Scope != "" && g.Class == models.PeerSubUnit && rep.Issuer != "" {
			label += " — " + rep.Issuer
		}
		lines = append(lines, f.b(label+":"))
		for _, u := range g.Rows {
			if u.Rank > 0 {
				lines = append(lines, f.esc(report.UnitLine(u)))
			}
		}
	}
	if un := rep.Unranked(); len(un) > 0 {
		names := make([]string, len(un))
		for i, u := range un {
			names[i] = u.Name
		}
		lines = append(lines, f.esc(fmt.Sprintf("Không xếp hạng (%s): %s.", report.NoDossiers, strings.Join(names, ", "))))
	}
	if len(lines) == 0 {
		return f.reply(header + f.esc("Không có đơn vị nào có hồ sơ trong tháng này.")), nil
	}
	pages := bot.Paginate(header, lines, q.TextLimit())
	if len(pages) == 1 {
		return f.reply(pages[0]), nil
	}
	return bot.Reply{Pages: pages, Format: f.format()}, nil
}

// report answers /baocao [tháng]: the month's report text.
func (h *handlers) report(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	rep, err := h.monthly(ctx, q)
	if err != nil {
		return bot.Reply{}, err
	}
	f := newFmtr(q, h.loc())
	// Room for the router's "Trang i/n" footer.
	pages := report.TextChunks(rep, report.TextOptions{HTML: f.html, MaxLen: q.TextLimit() - 40})
	if len(pages) == 1 {
		return f.reply(pages[0]), nil
	}
	return bot.Reply{Pages: pages, Format: f.format()}, nil
}
