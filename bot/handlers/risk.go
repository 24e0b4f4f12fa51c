package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
)

// riskItemReason bounds the reason shown per dossier (it names a step,
// which comes from the imported files).
const riskItemReason = 220

// risk answers /nguyco [mã đơn vị]: the dossiers of the asker's scope the
// early-warning model says are likely to finish late (open, not overdue,
// not yet due soon, risk at least RISK_THRESHOLD), riskiest first, each
// with the model's reason; paged like the other lists. Applicant names
// are never shown.
func (h *handlers) risk(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	if h.Risks == nil {
		return bot.Reply{}, &bot.UserError{Msg: "Chức năng cảnh báo sớm hồ sơ có nguy cơ trễ hạn chưa được bật."}
	}
	sc, err := h.unitScope(ctx, q, "nguyco", q.Command.Args)
	if err != nil {
		return bot.Reply{}, err
	}
	list, err := h.Risks.Risks(ctx, h.Clock())
	if errors.Is(err, models.ErrRiskNotReady) {
		return bot.Reply{}, &bot.UserError{Msg: "Hệ thống đang tính lại nguy cơ trễ hạn từ lịch sử hồ sơ, anh/chị vui lòng thử lại sau ít phút."}
	}
	if err != nil {
		return bot.Reply{}, err
	}
	in := map[string]bool{}
	for _, u := range sc.units {
		in[u] = true
	}
	ws := list.Filter(func(w *models.RiskWarning) bool {
		switch {
		case sc.handler != "":
			return w.HandlerCode == sc.handler
		case sc.all:
			return true
		}
		return in[w.UnitCode]
	})
	f := newFmtr(q, h.loc())
	header := f.b("Hồ sơ có nguy cơ trễ hạn "+sc.label) + "\n"
	pct := int(math.Round(list.Threshold * 100))
	if len(ws) == 0 {
		return f.reply(header + f.esc(fmt.Sprintf("Không có hồ sơ nào có nguy cơ trễ từ %d %% trở lên.", pct))), nil
	}
	header += fmt.Sprintf("Có %s hồ sơ chưa đến hạn nhưng nguy cơ trễ từ %d %% trở lên, nguy cơ cao nhất trước (ước tính lúc %s).\n",
		f.b(num(len(ws))), pct, f.esc(list.At.In(h.loc()).Format("15:04 02/01/2006")))
	size := pageSize(q.TextLimit())
	pages := make([]string, (len(ws)+size-1)/size)
	page := min(max(q.Page, 0), len(pages)-1)
	lo, hi := page*size, min(len(ws), (page+1)*size)
	codes := make([]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		codes = append(codes, ws[i].HandlerCode)
	}
	officers, err := h.Store.OfficersByCode(ctx, codes)
	if err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := lo; i < hi; i++ {
		w := &ws[i]
		fmt.Fprintf(&b, "%d. %s — %s\n   Nguy cơ trễ %s · hạn %s", i+1, f.code(w.Code), f.esc(short(w.ProcedureName, 70)),
			f.b(fmt.Sprintf("%d %%", int(math.Round(w.Risk*100)))), f.date(w.DueAt))
		if sc.handler == "" {
			if len(sc.units) != 1 {
				b.WriteString(" · " + f.esc(short(h.unitName(ctx, w.UnitCode), 40)))
			}
			b.WriteString(" · CB: " + f.esc(short(officerName(officers, w.HandlerCode), 40)))
		}
		b.WriteString("\n   Lý do: " + f.esc(short(w.Reason, riskItemReason)) + "\n")
	}
	pages[page] = strings.TrimRight(b.String(), "\n")
	if len(pages) == 1 {
		return f.reply(pages[0]), nil
	}
	return bot.Reply{Pages: pages, Format: f.format()}, nil
}
