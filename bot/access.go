package bot

import (
	"fmt"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// Role is a models.Role, or RoleUnlinked for a chat account that is not
// linked to an officer.
type Role = models.Role

// RoleUnlinked is an account nobody linked to an officer yet.
const RoleUnlinked Role = "unlinked"

// Roles lists every role in the access table, least privileged first.
var Roles = []Role{RoleUnlinked, models.RoleOfficer, models.RoleLeader, models.RoleSecretariat, models.RoleAdmin}

// Where is a set of chat kinds a command may be used in.
type Where uint8

// The chat kinds, as a set.
const (
	Nowhere Where = 0
	Private Where = 1 << iota
	Group
	Both = Private | Group
)

// Has reports whether w includes kind.
func (w Where) Has(kind ChatKind) bool {
	switch kind {
	case ChatPrivate:
		return w&Private != 0
	case ChatGroup:
		return w&Group != 0
	}
	return false
}

// CommandInfo describes one command: its names, its menu text and who may
// use it where.
type CommandInfo struct {
	Name        string   // canonical Vietnamese name, 1–32 of a-z0-9_
	Aliases     []string // English aliases
	Args        string   // argument hint for /trogiup, e.g. "<mã hồ sơ>"
	Description string   // Vietnamese, for the platform menu and /trogiup
	Menu        Where    // which command menus (setMyCommands scopes) list it
	Access      map[Role]Where
}

// Commands is THE access table: role × chat kind × command → allowed. The
// router enforces it before any handler runs; AccessMarkdown renders it for
// the README. Groups have one more rule, enforced by the router: a group
// must be bound to a unit and the sender's scope must cover that unit.
var Commands = []CommandInfo{
	{Name: "start", Description: "Bắt đầu, liên kết tài khoản", Menu: Private,
		Access: all(Both)},
	{Name: "trogiup", Aliases: []string{"help"}, Description: "Hướng dẫn sử dụng", Menu: Both,
		Access: all(Both)},
	{Name: "hoso", Aliases: []string{"mine"}, Description: "Hồ sơ tôi đang xử lý", Menu: Private,
		Access: linked(Private, Private, Private, Private)},
	{Name: "quahan", Aliases: []string{"overdue"}, Args: "[mã hoặc tên đơn vị]", Description: "Hồ sơ quá hạn", Menu: Both,
		Access: linked(Private, Both, Both, Both)},
	{Name: "sapden", Aliases: []string{"due"}, Args: "[số ngày] [mã hoặc tên đơn vị]", Description: "Hồ sơ sắp đến hạn", Menu: Both,
		Access: linked(Private, Both, Both, Both)},
	{Name: "nguyco", Aliases: []string{"risk"}, Args: "[mã hoặc tên đơn vị]", Description: "Hồ sơ có nguy cơ trễ hạn (cảnh báo sớm)", Menu: Both,
		Access: linked(Private, Both, Both, Both)},
	{Name: "tra", Aliases: []string{"find"}, Args: "<mã hồ sơ>", Description: "Tra cứu một hồ sơ", Menu: Both,
		Access: linked(Private, Both, Both, Both)},
	{Name: "xephang", Aliases: []string{"ranking"}, Args: "[tháng]", Description: "Xếp hạng đơn vị, cán bộ trong tháng", Menu: Both,
		Access: linked(Nowhere, Both, Both, Both)},
	{Name: "baocao", Aliases: []string{"report"}, Args: "[tháng]", Description: "Báo cáo kết quả giải quyết hồ sơ", Menu: Both,
		Access: linked(Nowhere, Both, Both, Both)},
	{Name: "lienket", Args: "<mã gắn nhóm>", Description: "Gắn nhóm này với một đơn vị", Menu: Group,
		Access: linked(Nowhere, Nowhere, Group, Group)},
	{Name: "guibaocao", Args: "[tháng]", Description: "Gửi báo cáo tháng tới các đơn vị", Menu: Private,
		Access: linked(Nowhere, Nowhere, Private, Private)},
	{Name: "doisoat", Aliases: []string{"reconcile"}, Args: "[tháng]", Description: "Đối soát số liệu với Cổng Dịch vụ công quốc gia", Menu: Private,
		Access: linked(Nowhere, Nowhere, Private, Private)},
	{Name: "caidat", Aliases: []string{"settings"}, Args: "[kênh]", Description: "Xem, đổi kênh nhận bản tin hằng ngày", Menu: Private,
		Access: linked(Private, Private, Private, Private)},
	{Name: "maketnoi", Args: "<mã cán bộ> hoặc donvi <mã đơn vị>", Description: "Tạo mã kết nối cho một cán bộ", Menu: Private,
		Access: linked(Nowhere, Nowhere, Private, Private)},
	{Name: "tailen", Aliases: []string{"upload"}, Description: "Lấy link tải tệp dữ liệu (.csv, .xlsx) lên qua trình duyệt", Menu: Private,
		Access: linked(Nowhere, Nowhere, Private, Private)},
}

func all(w Where) map[Role]Where {
	m := map[Role]Where{}
	for _, r := range Roles {
		m[r] = w
	}
	return m
}

func linked(officer, leader, secretariat, admin Where) map[Role]Where {
	return map[Role]Where{RoleUnlinked: Nowhere, models.RoleOfficer: officer, models.RoleLeader: leader,
		models.RoleSecretariat: secretariat, models.RoleAdmin: admin}
}

// Lookup returns the command whose canonical name or alias is name.
func Lookup(name string) (CommandInfo, bool) {
	canon, ok := aliases[strings.ToLower(name)]
	if !ok {
		return CommandInfo{}, false
	}
	for _, c := range Commands {
		if c.Name == canon {
			return c, true
		}
	}
	return CommandInfo{}, false
}

// Allowed reports whether role may use command (canonical name or alias)
// in a chat of kind. Unknown commands are never allowed.
func Allowed(role Role, kind ChatKind, command string) bool {
	c, ok := Lookup(command)
	if !ok {
		return false
	}
	return c.Access[role].Has(kind)
}

// AccessMarkdown renders the access table as a Markdown table: one row per
// command, one column per role, each cell "riêng", "nhóm", "riêng, nhóm" or "—".
func AccessMarkdown() string {
	var b strings.Builder
	b.WriteString("| lệnh | bí danh |")
	for _, r := range Roles {
		fmt.Fprintf(&b, " %s |", roleLabel(r))
	}
	b.WriteString("\n|---|---|")
	for range Roles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, c := range Commands {
		al := "—"
		if len(c.Aliases) > 0 {
			al = "/" + strings.Join(c.Aliases, ", /")
		}
		fmt.Fprintf(&b, "| /%s | %s |", c.Name, al)
		for _, r := range Roles {
			fmt.Fprintf(&b, " %s |", whereLabel(c.Access[r]))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nriêng: chat riêng với bot; nhóm: nhóm đã gắn với đơn vị, chỉ thành viên đã liên kết có phạm vi bao gồm đơn vị của nhóm.\n")
	return b.String()
}

func roleLabel(r Role) string {
	if r == RoleUnlinked {
		return "chưa liên kết"
	}
	return r.Label()
}

func whereLabel(w Where) string {
	switch w {
	case Private:
		return "riêng"
	case Group:
		return "nhóm"
	case Both:
		return "riêng, nhóm"
	}
	return "—"
}
