package handlers

import (
	"context"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/report"
)

// reconcile answers /doisoat [tháng] (secretariat, admin): per unit,
// dondoc's figure beside the national portal's, the difference and the
// dossiers that explain it (the month imported with dondoc import portal).
func (h *handlers) reconcile(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	if h.Reconcile == nil {
		return bot.Reply{}, &bot.UserError{Msg: "Đối soát với Cổng chưa được cấu hình trên máy chủ này."}
	}
	y, m, err := parseMonth(q.Command.Args, h.Clock().In(h.loc()))
	if err != nil {
		return bot.Reply{}, err
	}
	rc, err := h.Reconcile(ctx, y, m)
	if err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	if err := report.RenderReconcileText(&b, rc); err != nil {
		return bot.Reply{}, err
	}
	f := newFmtr(q, h.loc())
	return f.reply(f.esc(strings.TrimRight(b.String(), "\n"))), nil
}
