package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// Broadcaster sends a month's results to every bound unit group (the
// monthly job's work, on demand); it returns how many messages it queued.
// Each group gets the month once, whoever asks and however often.
type Broadcaster interface {
	Groups(ctx context.Context) (int, error)
	Broadcast(ctx context.Context, year int, month time.Month) (int, error)
}

// confirmPage is the "page" a confirmation button asks for: the router's
// callback mechanism carries it back to this handler.
const confirmPage = 1

// broadcast answers /guibaocao [tháng]: first a preview of what will be sent
// and to how many groups, with a «Gửi» button; the button (page 1) sends.
func (h *handlers) broadcast(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	if h.Broadcaster == nil {
		return bot.Reply{}, &bot.UserError{Msg: "Gửi báo cáo tháng chưa được cấu hình trên máy chủ này."}
	}
	y, m, err := parseMonth(q.Command.Args, h.Clock().In(h.loc()))
	if err != nil {
		return bot.Reply{}, err
	}
	f := newFmtr(q, h.loc())
	month := fmt.Sprintf("%02d/%04d", int(m), y)
	if p := models.MonthPeriod(y, m, h.loc()); h.Clock().Before(p.End) { // as jobs.CheckBroadcastMonth
		return bot.Reply{}, &bot.UserError{Msg: "Tháng " + month + " chưa kết thúc: chỉ gửi kết quả của tháng đã qua " +
			"(số liệu tháng đang chạy là tạm tính; xem bằng /baocao " + fmt.Sprintf("%04d-%02d", y, int(m)) + ")."}
	}
	if q.Page == confirmPage {
		n, err := h.Broadcaster.Broadcast(ctx, y, m)
		if err != nil {
			return bot.Reply{}, err
		}
		if n == 0 {
			return f.reply(f.esc("Kết quả tháng " + month + " đã được gửi tới mọi nhóm trước đó; không gửi lại.")), nil
		}
		return f.reply(f.esc(fmt.Sprintf("Đã xếp %d tin kết quả tháng %s vào hàng gửi tới các nhóm đơn vị.", n, month))), nil
	}
	groups, err := h.Broadcaster.Groups(ctx)
	if err != nil {
		return bot.Reply{}, err
	}
	if groups == 0 {
		return f.reply(f.esc("Chưa có nhóm nào được gắn với đơn vị (dùng /maketnoi donvi <mã đơn vị> rồi /lienket trong nhóm).")), nil
	}
	var b strings.Builder
	b.WriteString(f.b("Gửi kết quả tháng " + month))
	b.WriteString("\n" + f.esc(fmt.Sprintf("%d nhóm đơn vị sẽ nhận: bảng xếp hạng và danh sách cán bộ chậm, muộn, biểu đồ và tệp Excel. Xem trước bằng /baocao %04d-%02d.", groups, y, int(m))))
	b.WriteString("\n" + f.esc("Bấm «Gửi» để xác nhận."))
	rep := f.reply(b.String())
	rep.Buttons = [][]notify.Button{{{Text: "Gửi", Data: bot.PageData("guibaocao", fmt.Sprintf("%04d-%02d", y, int(m)), confirmPage)}}}
	return rep, nil
}
