package bot

import (
	"fmt"
	"html"
	"strings"
)

// The fixed Vietnamese texts of the router.
const (
	textUnlinked = "Tài khoản này chưa được liên kết với cán bộ nào trong hệ thống đôn đốc hồ sơ thủ tục hành chính.\n\n" +
		"Để liên kết:\n" +
		"1. Đề nghị Văn phòng (bộ phận một cửa) của đơn vị cấp mã kết nối cho bạn.\n" +
		"2. Bấm vào đường link kèm mã, hoặc gõ /start <mã kết nối> trong cuộc trò chuyện này.\n\n" +
		"Sau khi liên kết, bạn sẽ nhận nhắc việc hằng ngày và tra cứu được hồ sơ của mình."
	textGroupUnbound = "Nhóm này chưa được gắn với đơn vị nào nên bot chưa trả lời các lệnh tra cứu.\n\n" +
		"Để gắn nhóm: cán bộ Văn phòng tạo mã gắn nhóm dùng một lần bằng lệnh /maketnoi donvi <mã đơn vị> trong chat riêng với bot, " +
		"rồi gõ /lienket <mã gắn nhóm> trong nhóm này."
	textUnknownCommand = "Không có lệnh /%s. Gõ /trogiup để xem các lệnh bạn dùng được."
	textDidYouMean     = "Không có lệnh /%s. Ý anh/chị là /%s? Gõ /trogiup để xem các lệnh bạn dùng được."
	textNotAllowed     = "Lệnh /%s không dành cho vai trò %s trong cuộc trò chuyện này. Gõ /trogiup để xem các lệnh bạn dùng được."
	textNotReady       = "Lệnh /%s đang được hoàn thiện, bạn vui lòng dùng lại sau."
	textNotCommand     = "Bot chỉ hiểu các lệnh, gõ có hoặc không có dấu / (ví dụ: /quahan, quá hạn). Gõ /trogiup để xem hướng dẫn."
	textInternal       = "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau; nếu lỗi lặp lại, báo Văn phòng mã lỗi %s."
	textSlow           = "Đang xử lý, vui lòng chờ trong giây lát…"
	textTimeout        = "Yêu cầu xử lý quá lâu nên đã dừng. Vui lòng thử lại sau (mã lỗi %s)."
	textBusy           = "Hệ thống đang bận, vui lòng thử lại sau ít phút (mã lỗi %s)."
	textPageGone       = "Danh sách đã thay đổi, vui lòng gõ lại lệnh."
	textReplyFailed    = "Xin lỗi, bot không gửi được câu trả lời đầy đủ cho yêu cầu này. Vui lòng thử lại hoặc thu hẹp yêu cầu; nếu lỗi lặp lại, báo Văn phòng mã lỗi %s."
)

// UnknownCommandText answers a command that does not exist, naming the
// nearest one when there is one ("Ý anh/chị là /quahan?").
func UnknownCommandText(c Command, echo func(string) string) string {
	if c.Suggest != "" {
		return fmt.Sprintf(textDidYouMean, echo(c.Alias), c.Suggest)
	}
	return fmt.Sprintf(textUnknownCommand, echo(c.Alias))
}

// StartText is the /start answer without a payload.
func StartText(p Person, role Role) string {
	if role == RoleUnlinked {
		return textUnlinked
	}
	return fmt.Sprintf("Xin chào %s (%s).\n\nTài khoản của bạn đã được liên kết. Bot sẽ nhắc các hồ sơ quá hạn, đến hạn và sắp đến hạn mỗi sáng ngày làm việc.\n\nGõ /trogiup để xem các lệnh bạn dùng được.",
		p.Name, roleLabel(role))
}

// HelpText is the /trogiup answer for a role in a kind of chat (HTML).
func HelpText(role Role, kind ChatKind) string {
	var b strings.Builder
	where := "cuộc trò chuyện riêng"
	if kind == ChatGroup {
		where = "nhóm"
	}
	fmt.Fprintf(&b, "<b>Hướng dẫn sử dụng</b> (vai trò: %s, trong %s)\n\n", roleLabel(role), where)
	n := 0
	for _, c := range Commands {
		if !c.Access[role].Has(kind) {
			continue
		}
		n++
		fmt.Fprintf(&b, "/%s", c.Name)
		if c.Args != "" {
			b.WriteString(" " + html.EscapeString(c.Args))
		}
		b.WriteString(" — " + html.EscapeString(c.Description))
		if len(c.Aliases) > 0 {
			b.WriteString(" (hoặc /" + strings.Join(c.Aliases, ", /") + ")")
		}
		b.WriteString("\n")
	}
	if n == 0 {
		b.WriteString("Không có lệnh nào dành cho bạn ở đây.\n")
	} else {
		b.WriteString("\nGõ lệnh có hoặc không có dấu /, có dấu hoặc không dấu đều được (ví dụ: /quahan, quá hạn, qua han). " +
			"Trong nhóm, nhắc tên bot (@tên bot) hoặc trả lời tin nhắn của bot.\n")
	}
	if role == RoleUnlinked {
		b.WriteString("\n" + html.EscapeString(textUnlinked) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
