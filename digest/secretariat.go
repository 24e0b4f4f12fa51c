package digest

import (
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// InactiveLink is an officer whose chat link no longer works, so they no
// longer receive reminders.
type InactiveLink struct {
	OfficerCode string
	Name        string
	Platform    string    // the platform as people name it: its notify.Platform Label ("Telegram", "Zalo")
	Reason      string    // e.g. "đã chặn bot"; shown as given
	Since       time.Time // zero when unknown
}

// RenderSecretariat writes the secretariat's notes for opt.Day: which officers
// no longer receive reminders (their chat link became inactive) and how
// many dossiers are unassigned (unknown officer or unit). It returns ""
// when there is nothing to say. Officers beyond opt.MaxLen/MaxItems are
// summed up as "… và N cán bộ khác".
func RenderSecretariat(inactive []InactiveLink, unassigned int, opt RenderOptions) string {
	if len(inactive) == 0 && unassigned <= 0 && opt.TetWarning == nil {
		return ""
	}
	w, l := beginList(&opt)
	greeting(w, opt.OfficerName, opt.Day)
	w.text(":")
	if !l.commit(false) {
		greeting(w, opt.OfficerName, opt.Day)
		return clip(w.done(), l.max, w.html)
	}
	var unassignedLine string
	if unassigned > 0 {
		unassignedLine = "\n📥 " + countVN(unassigned, "chưa xác định được cán bộ hoặc đơn vị xử lý (chưa phân công).")
	}
	if tw := opt.TetWarning; tw != nil {
		unassignedLine += "\n📅 " + TetWarningText(*tw)
	}
	if unassignedLine != "" {
		l.reserve = 1 + u16len(unassignedLine) // always said
	}
	if len(inactive) > 0 {
		l.begin()
		w.text("\n🔕 ")
		w.int(len(inactive))
		w.text(" cán bộ không còn nhận được nhắc việc (liên kết trò chuyện đã ngừng hoạt động):")
		l.commit(false)
		for i := range inactive {
			if l.full {
				break
			}
			x := &inactive[i]
			l.begin()
			w.text("• ")
			name := strings.TrimSpace(x.Name)
			if name == "" {
				name = x.OfficerCode
			}
			w.bold(name)
			if x.OfficerCode != "" && name != x.OfficerCode {
				w.text(" (")
				w.val(x.OfficerCode)
				w.text(")")
			}
			if p := x.Platform; p != "" {
				w.text(" — ")
				w.val(p)
			}
			if r := strings.TrimSpace(x.Reason); r != "" {
				w.text(" — ")
				w.val(r)
			}
			if !x.Since.IsZero() {
				w.text(" — từ ")
				w.date(models.DateOf(x.Since, w.loc))
			}
			l.commit(true)
		}
		l.tail(len(inactive), moreInactive)
	}
	if unassignedLine != "" {
		l.reserve, l.full = 0, false
		l.add(unassignedLine, false)
	}
	return clip(w.done(), l.max, opt.Format == notify.FormatHTML)
}

// TetWarningText says that next year's Tết is not official in dondoc.
func TetWarningText(w models.TetWarning) string {
	return "Lịch nghỉ Tết Nguyên Đán " + strconv.Itoa(w.Year) + " chưa có thông báo chính thức trong dondoc: " +
		"hạn giải quyết đang tính theo quy tắc của Bộ luật Lao động (nghỉ dự kiến " + w.From.VN() + "–" + w.To.VN() +
		"). Khi Chính phủ công bố lịch nghỉ, hãy nhập vào dondoc (dondoc import holidays)."
}

func moreInactive(n int) string { return "… và " + strconv.Itoa(n) + " cán bộ khác" }
