package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// UploadLinkRequest asks for a single-use upload link (/tailen) for the
// person who asked, bound to the chat the import's summary goes back to.
type UploadLinkRequest struct {
	OfficerCode string
	Platform    string
	UserID      string
	ChatID      string
	Now         time.Time
}

// UploadLink is a link to the upload page.
type UploadLink struct {
	URL     string
	Expires time.Time
}

// textUploadOff answers /tailen when the upload page is not configured.
const textUploadOff = "Chức năng tải tệp lên qua link chưa được bật: quản trị viên cần đặt PUBLIC_URL (địa chỉ công khai của máy chủ dondoc). " +
	"Trong lúc chờ, có thể gửi tệp trực tiếp cho bot trên Telegram hoặc nhập bằng lệnh dondoc import trên máy chủ."

// upload answers /tailen: a link, valid 15 minutes and usable once, to the
// upload page, for a secretariat or admin member in a private chat (the
// access table enforces who and where). A Zalo Bot Platform bot receives no
// files: this is how the secretariat imports from any chat.
func (h *handlers) upload(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	if h.UploadLink == nil {
		return f.reply(f.esc(textUploadOff)), nil
	}
	link, err := h.UploadLink(ctx, UploadLinkRequest{OfficerCode: q.Person.OfficerCode, Platform: q.Update.Platform,
		UserID: q.Update.UserID, ChatID: q.Update.ChatID, Now: h.Clock()})
	if errors.Is(err, models.ErrNotFound) {
		return bot.Reply{}, &bot.UserError{Msg: "Tài khoản của bạn không còn gắn với cán bộ nào đang làm việc; không cấp được link tải lên."}
	}
	if err != nil {
		return bot.Reply{}, err
	}
	h.Logger.Info("upload link created", "officer", q.Person.OfficerCode, "platform", q.Update.Platform, "expires", link.Expires)
	return f.reply(UploadLinkText(f.html, link, h.loc())), nil
}

// UploadLinkText tells how to use an upload link.
func UploadLinkText(htmlMode bool, link UploadLink, loc *time.Location) string {
	f := fmtr{html: htmlMode, loc: loc}
	exp := link.Expires.In(loc)
	return fmt.Sprintf("Link tải tệp dữ liệu lên (dùng một lần, hết hạn lúc %s ngày %s):\n%s\n\n", exp.Format("15:04"), f.date(exp), f.esc(link.URL)) +
		fmt.Sprintf("Mở link bằng trình duyệt trên điện thoại hoặc máy tính, chọn loại dữ liệu (%s) và tệp .csv hoặc .xlsx xuất từ hệ thống một cửa (tối đa %d MB). ",
			f.esc(KindNamesList()), MaxImportSize>>20) +
		"Kết quả nhập sẽ được gửi vào cuộc trò chuyện này.\n\n" +
		"Không chuyển link cho người khác: ai mở link cũng tải lên được dưới tên của bạn. Cần link mới, gõ lại /tailen."
}

// KindName is a kind in Vietnamese ("hồ sơ", "ngày nghỉ").
func KindName(k ingest.Kind) string { return kindNames[k] }

// KindNamesList names every kind, in the order of ingest.Kinds.
func KindNamesList() string {
	s := ""
	for i, k := range ingest.Kinds {
		if i > 0 {
			s += ", "
		}
		s += kindNames[k]
	}
	return s
}

// UploadReply is the message an import made on the upload page posts into
// the chat of the person who asked for the link, rendered for that chat's
// platform p: the same summary, row errors and error CSV as an import by
// chat (importErr: the import failed).
func UploadReply(p notify.Platform, name string, kind ingest.Kind, out ImportOutcome, importErr error) (bot.Reply, error) {
	f := fmtr{html: p.Format == notify.FormatHTML}
	if importErr != nil {
		return f.reply(fmt.Sprintf("Không nhập được tệp %s (%s) tải lên qua link: %s",
			f.b(models.Clip(name, bot.DefaultEchoChars)), f.esc(kindNames[kind]), f.esc(firstLine(importErr.Error())))), nil
	}
	return importReply(f, name, kind, out)
}

// Num writes a count the Vietnamese way, as the replies do: 1.234.
func Num(n int) string { return num(n) }
