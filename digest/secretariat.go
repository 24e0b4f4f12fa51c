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
	if len(inactive) == 0 && unassigned <= 0 && opt.TetWarning == nil && opt.ZNS == nil {
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
	if z := opt.ZNS; z != nil {
		unassignedLine += "\n💬 " + z.Text()
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

// ZNSMonth is a month's ZNS template messages (the digest's fallback) and
// their estimated cost, for the secretariat's monthly note.
type ZNSMonth struct {
	Year     int
	Month    time.Month
	Messages int64
	CostVND  int64 // Messages × ZALO_ZNS_PRICE_VND
}

// Text says the month's ZNS messages and cost:
// "Tháng 11/2026: 1.234 tin nhắn ZNS, chi phí ước tính 370.200 đồng."
func (z ZNSMonth) Text() string {
	return "Tháng " + strconv.Itoa(int(z.Month)) + "/" + strconv.Itoa(z.Year) + ": " + groupVN(z.Messages) +
		" tin nhắn ZNS, chi phí ước tính " + groupVN(z.CostVND) + " đồng."
}

// groupVN writes n with dots between groups of three digits (1.234.567).
func groupVN(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
