package digest

import (
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// countVN is "3 hồ sơ <what>".
func countVN(n int, what string) string {
	return strconv.Itoa(n) + " hồ sơ " + what
}

// section is one part of an officer's digest.
type section struct {
	mark, title string
	items       []Item
	kind        models.Class // how the item's tail reads
	apology     bool         // the Apology section
}

func (d *Digest) sections() []section {
	return []section{
		{mark: "🔴", title: "Quá hạn", items: d.Overdue, kind: models.ClassOverdue},
		{mark: "🟠", title: "Đến hạn hôm nay", items: d.DueToday, kind: models.ClassDueToday},
		{mark: "📝", title: "Cần gửi văn bản xin lỗi trước hạn", items: d.Apology, apology: true},
		{mark: "🟡", title: "Sắp đến hạn", items: d.DueSoon, kind: models.ClassDueSoon},
	}
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
		parts = append(parts, countVN(n, "cần gửi văn bản xin lỗi"))
	}
	if n := len(d.DueSoon); n > 0 {
		parts = append(parts, countVN(n, "sắp đến hạn"))
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
			w.text(WeekdayVN(models.DateOf(it.DueAt, w.loc)) + " ")
		}
		w.text(dueVN(it.DueAt, w.loc))
	}
	c := &it.Class
	switch c.Class {
	case models.ClassOverdue:
		w.text(" — quá hạn " + strconv.Itoa(c.WorkingDaysOverdue) + " ngày làm việc")
	case models.ClassDueSoon, models.ClassInTime:
		if !apologySection {
			w.text(" — còn " + strconv.Itoa(c.WorkingDaysLeft) + " ngày làm việc")
		}
	}
	if c.NeedsApology && !apologySection {
		w.text(" — ⚠️ cần văn bản xin lỗi")
	}
	if showApplicant {
		if a := strings.TrimSpace(it.ApplicantName); a != "" {
			w.text("\n   Chủ hồ sơ: ")
			w.val(a)
		}
	}
}

// RenderDigest writes an officer's digest: a greeting with the name, the
// day and the counts, then the dossiers most urgent first (overdue by days
// overdue, due today, apology, due soon), as many as fit in opt.MaxLen and
// opt.MaxItems, then "… và N hồ sơ khác — gõ /hoso" for the rest. It
// returns "" for an empty digest.
func RenderDigest(d Digest, opt RenderOptions) string {
	total := d.Len()
	if total == 0 {
		return ""
	}
	out, shown := renderDigest(&d, &opt, 0)
	if shown < total {
		reserve := 2 + u16len(moreLine(total, "/hoso"))
		out, _ = renderDigest(&d, &opt, reserve)
	}
	return out
}

func renderDigest(d *Digest, opt *RenderOptions, reserve int) (string, int) {
	max := opt.maxLen()
	w := newWriter(opt)
	l := lister{max: max, maxItems: opt.MaxItems}

	greeting(w, opt.OfficerName, d.Day)
	w.text(": " + d.summaryVN() + ".")
	head := w.take()
	if !l.add(head, reserve, false) {
		// Only a huge name could do this: keep what fits of the greeting.
		return clip(head, max, w.html), 0
	}
	for _, s := range d.sections() {
		for i := range s.items {
			if i == 0 {
				w.text("\n" + s.mark + " ")
				w.bold(s.title)
				w.text(" (" + strconv.Itoa(len(s.items)) + " hồ sơ)")
				w.text("\n")
			}
			itemLine(w, &s.items[i], opt.ShowApplicant, s.apology)
			l.add(w.take(), reserve, true)
		}
	}
	if rest := d.Len() - l.shown; rest > 0 {
		l.tail(moreLine(rest, "/hoso"))
	}
	return l.out.String(), l.shown
}
