package digest

import (
	"math"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// countVN is "3 hồ sơ <what>".
func countVN(n int, what string) string {
	return strconv.Itoa(n) + " hồ sơ " + what
}

// summaryVN is "3 hồ sơ quá hạn, 1 hồ sơ đến hạn hôm nay, …".
func (d *Digest) summaryVN() string {
	var parts []string
	if n := len(d.Overdue); n > 0 {
		parts = append(parts, countVN(n, "quá hạn"))
	}
	if n := len(d.DueToday); n > 0 {
		parts = append(parts, countVN(n, "đến hạn hôm nay"))
	}
	if n := len(d.Apology); n > 0 {
		parts = append(parts, countVN(n, "cần gửi văn bản xin lỗi (Mẫu 04)"))
	}
	if n := len(d.DueSoon); n > 0 {
		parts = append(parts, countVN(n, "sắp đến hạn"))
	}
	if n := d.AtRiskTotal; n > 0 {
		parts = append(parts, countVN(n, "có nguy cơ trễ"))
	}
	return strings.Join(parts, ", ")
}

// itemLine writes "• CODE — procedure — hạn … — …" and the applicant line.
func itemLine(w *writer, it *Item, showApplicant bool, apologySection bool) {
	w.text("• ")
	w.code(it.Code)
	if p := strings.TrimSpace(it.ProcedureName); p != "" {
		w.text(" — ")
		w.val(p)
	}
	if !it.DueAt.IsZero() {
		w.text(" — hạn ")
		if apologySection {
			w.text(WeekdayVN(models.DateOf(it.DueAt, w.loc)))
			w.text(" ")
		}
		w.due(it.DueAt)
	}
	c := &it.Class
	switch c.Class {
	case models.ClassOverdue:
		w.text(" — quá hạn ")
		w.int(c.WorkingDaysOverdue)
		w.text(" ngày làm việc")
	case models.ClassDueSoon, models.ClassInTime:
		if !apologySection {
			w.text(" — còn ")
			w.int(c.WorkingDaysLeft)
			w.text(" ngày làm việc")
		}
	}
	if c.NeedsApology && !apologySection {
		w.text(" — ⚠️ cần văn bản xin lỗi (Mẫu 04)")
	}
	if it.RiskReason != "" || it.Risk > 0 {
		w.text(" — nguy cơ trễ ")
		w.int(RiskPercent(it.Risk))
		w.text(" %")
		if r := strings.TrimSpace(it.RiskReason); r != "" {
			w.text("\n   Lý do: ")
			w.val(models.Clip(r, MaxReasonChars))
		}
	}
	if showApplicant {
		if a := strings.TrimSpace(it.ApplicantName); a != "" {
			w.text("\n   " + models.LabelApplicant + ": ")
			w.val(a)
		}
	}
}

// MaxReasonChars bounds the early-warning reason shown under an item (it
// names a step, which comes from the imported files).
const MaxReasonChars = 300

// RiskPercent is a probability as a whole percentage, 0–100.
func RiskPercent(p float64) int {
	return int(math.Round(math.Min(1, math.Max(0, p)) * 100))
}

// RenderDigest writes an officer's digest: a greeting with the name, the
// day and the counts, then the dossiers most urgent first (overdue by days
// overdue, due today, apology, due soon, then at most MaxAtRisk at risk of
// finishing late with the reason), as many as fit in opt.MaxLen and
// opt.MaxItems, then "… và N hồ sơ khác — gõ /hoso" for the rest. It
// returns "" for an empty digest.
func RenderDigest(d Digest, opt RenderOptions) string {
	total := d.Len()
	if total == 0 {
		return ""
	}
	w, l := beginList(&opt)
	greeting(w, opt.OfficerName, d.Day)
	w.text(": ")
	w.text(d.summaryVN())
	w.text(".")
	if !l.commit(false) {
		// Only a huge name could do this: keep what fits of the greeting.
		greeting(w, opt.OfficerName, d.Day)
		return clip(w.done(), l.max, opt.Format == notify.FormatHTML)
	}
	secs := [...]struct {
		mark, title string
		items       []Item
		apology     bool
	}{
		{"🔴", "Quá hạn", d.Overdue, false},
		{"🟠", "Đến hạn hôm nay", d.DueToday, false},
		{"📝", "Cần gửi " + models.LabelApologyForm + " trước hạn", d.Apology, true},
		{"🟡", "Sắp đến hạn", d.DueSoon, false},
		{"🟣", "Có nguy cơ trễ", d.AtRisk, false},
	}
	for k, s := range secs {
		for i := range s.items {
			if l.full {
				break
			}
			l.begin()
			if i == 0 {
				w.text("\n" + s.mark + " ")
				w.bold(s.title)
				w.text(" (")
				if k == len(secs)-1 && d.AtRiskTotal > len(s.items) {
					w.int(len(s.items))
					w.text(" trong ")
					w.int(d.AtRiskTotal)
					w.text(" hồ sơ, nguy cơ cao nhất — gõ /nguyco để xem hết")
				} else {
					w.int(len(s.items))
					w.text(" hồ sơ")
				}
				w.text(")\n")
			}
			itemLine(w, &s.items[i], opt.ShowApplicant, s.apology)
			l.commit(true)
		}
	}
	l.tail(total, moreDossiers("/hoso"))
	return w.done()
}
