package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

const (
	textCodeInvalid = "Mã kết nối không đúng, đã được dùng hoặc đã hết hạn (mỗi mã chỉ dùng một lần, trong 72 giờ).\n\n" +
		"Đề nghị Văn phòng (bộ phận một cửa) cấp cho bạn mã mới."
	textCodeRefused = "Bạn đã nhập sai mã kết nối quá nhiều lần. Vui lòng thử lại sau 1 giờ, hoặc liên hệ Văn phòng để được hỗ trợ."
)

// bareCodeRE is a link code sent on its own (Zalo has no deep links; a
// Telegram user may paste the code without /start).
var bareCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

const textNotCommand = "Bot chỉ hiểu các lệnh, gõ có hoặc không có dấu / (ví dụ: /quahan, quá hạn). Gõ /trogiup để xem hướng dẫn."

// other answers a private message that is not a command: a bare link code
// links the account as /start <mã> would; a file from a linked account is
// an import (see document); anything else gets a hint.
func (h *handlers) other(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	text := strings.TrimSpace(q.Update.Text)
	if q.Update.Document == nil && bareCodeRE.MatchString(text) {
		q.Command = bot.Command{Name: "start", Alias: "start", Known: true, Args: []string{text}, ArgText: text}
		return h.start(ctx, q)
	}
	if q.Role == bot.RoleUnlinked {
		return bot.Reply{Text: bot.StartText(q.Person, q.Role)}, nil
	}
	if q.Update.Document != nil && q.Update.ChatType == bot.ChatPrivate {
		return h.document(ctx, q)
	}
	if text == "" && q.Update.Document == nil {
		return bot.Reply{}, nil
	}
	return bot.Reply{Text: textNotCommand}, nil
}

// start answers /start: without a payload the router's greeting; with one,
// in a private chat, links the account to the officer the code names.
func (h *handlers) start(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	code := strings.TrimSpace(q.Command.ArgText)
	if code == "" || q.Update.ChatType != bot.ChatPrivate {
		return bot.Reply{Text: bot.StartText(q.Person, q.Role)}, nil
	}
	res, err := h.Store.RedeemLinkCode(ctx, q.Update.Platform, q.Update.UserID, q.Update.ChatID, code, store.LinkOfficer, h.Clock())
	if text := linkCodeText(err); text != "" {
		return f.reply(f.esc(text)), nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	h.Logger.Info("chat account linked", "platform", q.Update.Platform, "user", q.Update.UserID,
		"officer", res.Officer.Code, "revoked", len(res.Revoked))
	return f.reply(welcome(f, res)), nil
}

// linkCodeText is the answer to a link code that was refused or is
// invalid (err from RedeemLinkCode), or "" for any other outcome.
func linkCodeText(err error) string {
	switch {
	case errors.Is(err, store.ErrLinkRefused):
		return textCodeRefused
	case errors.Is(err, store.ErrLinkCodeInvalid):
		return textCodeInvalid
	}
	return ""
}

// welcome greets a newly linked officer with what dondoc will send them.
func welcome(f fmtr, res store.LinkResult) string {
	o := res.Officer
	var b strings.Builder
	fmt.Fprintf(&b, "Xin chào %s!\n\n", f.b(o.Name))
	who := o.Role.Label()
	if o.Position != "" {
		who = o.Position
	}
	unit := res.Unit.Name
	if unit == "" {
		unit = res.Unit.Code
	}
	fmt.Fprintf(&b, "Tài khoản này đã được liên kết với cán bộ %s — %s, %s.\n\n", f.esc(o.Name), f.esc(who), f.esc(unit))
	b.WriteString("Từ nay bot sẽ gửi bạn:\n")
	b.WriteString("• mỗi sáng ngày làm việc: các hồ sơ bạn đang xử lý đã quá hạn, đến hạn hôm nay và sắp đến hạn;\n")
	switch o.Role {
	case models.RoleLeader:
		fmt.Fprintf(&b, "• tổng hợp hồ sơ quá hạn của %s và các đơn vị trực thuộc;\n", f.esc(unit))
		b.WriteString("• báo cáo kết quả giải quyết hồ sơ hằng tháng.\n")
	case models.RoleSecretariat, models.RoleAdmin:
		b.WriteString("• tổng hợp hồ sơ quá hạn của toàn bộ các đơn vị;\n")
		b.WriteString("• báo cáo kết quả giải quyết hồ sơ hằng tháng.\n")
		b.WriteString("Bạn cũng có thể cấp mã kết nối cho cán bộ (/maketnoi) và gắn nhóm với đơn vị (/lienket).\n")
	}
	b.WriteString("\nGõ /trogiup để xem các lệnh bạn dùng được.")
	if len(res.Revoked) > 0 {
		b.WriteString("\n\nLiên kết cũ của bạn trên tài khoản khác đã bị hủy.")
	}
	return b.String()
}

// makeCode answers /maketnoi <mã cán bộ> and /maketnoi donvi <mã đơn vị>.
func (h *handlers) makeCode(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	args := q.Command.Args
	req := store.LinkCodeRequest{Kind: store.LinkOfficer, CreatedBy: q.Person.OfficerCode, Now: h.Clock()}
	switch {
	case len(args) == 2 && (strings.EqualFold(args[0], "donvi") || models.Fold(args[0]) == "don vi"):
		req.Kind, req.UnitCode = store.LinkGroup, args[1]
	case len(args) == 1:
		req.OfficerCode = args[0]
	default:
		return bot.Reply{}, &bot.UserError{Msg: "Cách dùng: /maketnoi <mã cán bộ> để cấp mã cho một cán bộ, hoặc /maketnoi donvi <mã đơn vị> để cấp mã gắn nhóm với đơn vị."}
	}
	code, err := h.Store.CreateLinkCode(ctx, req)
	if errors.Is(err, models.ErrNotFound) {
		if req.Kind == store.LinkGroup {
			return bot.Reply{}, &bot.UserError{Msg: fmt.Sprintf("Không có đơn vị mã %s.", q.Echo(req.UnitCode))}
		}
		return bot.Reply{}, &bot.UserError{Msg: fmt.Sprintf("Không có cán bộ mã %s.", q.Echo(req.OfficerCode))}
	}
	if err != nil {
		if req.Kind == store.LinkOfficer && strings.Contains(err.Error(), "not active") {
			return bot.Reply{}, &bot.UserError{Msg: fmt.Sprintf("Cán bộ %s đã nghỉ hoặc tạm ngừng, không cấp mã được.", q.Echo(req.OfficerCode))}
		}
		return bot.Reply{}, err
	}
	h.Logger.Info("link code created", "kind", req.Kind, "officer", req.OfficerCode, "unit", req.UnitCode, "by", req.CreatedBy)
	return f.reply(LinkCodeText(f.html, req, h.unitOrOfficerName(ctx, req), code, h.BotUsername)), nil
}

func (h *handlers) unitOrOfficerName(ctx context.Context, req store.LinkCodeRequest) string {
	if req.Kind == store.LinkGroup {
		return h.unitName(ctx, req.UnitCode)
	}
	if o, err := h.Store.Officer(ctx, req.OfficerCode); err == nil {
		return o.Name
	}
	return req.OfficerCode
}

// LinkCodeText tells how to use a new link code: a deep link when the bot's
// username is known, else the /start form (or /lienket for a group code).
func LinkCodeText(htmlMode bool, req store.LinkCodeRequest, name, code, botUsername string) string {
	f := fmtr{html: htmlMode}
	var b strings.Builder
	if req.Kind == store.LinkGroup {
		fmt.Fprintf(&b, "Mã gắn nhóm với %s: %s\n\n", f.b(name), f.code(code))
		fmt.Fprintf(&b, "Thêm bot vào nhóm của đơn vị rồi gõ trong nhóm: %s\n", f.code("/lienket "+code))
	} else {
		fmt.Fprintf(&b, "Mã kết nối cho cán bộ %s: %s\n\n", f.b(name), f.code(code))
		if botUsername != "" {
			fmt.Fprintf(&b, "Gửi cán bộ đường link: %s\n", f.esc("https://t.me/"+botUsername+"?start="+code))
			fmt.Fprintf(&b, "hoặc để cán bộ gõ %s trong chat riêng với bot.\n", f.code("/start "+code))
		} else {
			fmt.Fprintf(&b, "Cán bộ gõ %s trong chat riêng với bot.\n", f.code("/start "+code))
		}
	}
	b.WriteString("\nMã chỉ dùng được một lần, trong 72 giờ.")
	return b.String()
}

// bindGroup answers /lienket <mã> in a group: binds the group to the unit
// of a group link code.
func (h *handlers) bindGroup(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	if len(q.Command.Args) != 1 {
		return bot.Reply{}, &bot.UserError{Msg: "Cách dùng: /lienket <mã gắn nhóm>. Văn phòng tạo mã bằng lệnh /maketnoi donvi <mã đơn vị> trong chat riêng với bot."}
	}
	res, err := h.Store.RedeemLinkCode(ctx, q.Update.Platform, q.Update.UserID, q.Update.ChatID, q.Command.Args[0], store.LinkGroup, h.Clock())
	if text := linkCodeText(err); text != "" {
		return f.reply(f.esc(text)), nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	h.Logger.Info("group bound", "platform", q.Update.Platform, "chat", q.Update.ChatID, "unit", res.Unit.Code)
	return f.reply(fmt.Sprintf("Đã gắn nhóm này với %s.\n\nThành viên đã liên kết tài khoản và có phạm vi bao gồm đơn vị này dùng được /quahan, /sapden, /tra, /xephang, /baocao trong nhóm.",
		f.b(res.Unit.Name))), nil
}
