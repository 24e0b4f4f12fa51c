package digest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// DefaultRepeatDays is ESCALATE_REPEAT_DAYS when unset or not positive.
const DefaultRepeatDays = 5

// OfficerOverdue is one officer's overdue dossiers in an escalation,
// oldest due first. Items carry no applicant name.
type OfficerOverdue struct {
	OfficerCode string // "" for dossiers without a handler
	Name        string // from names; "" when unknown
	Items       []Item
}

// Escalation is a leader's list of the overdue dossiers in their unit's
// sub-tree, grouped by officer. It never holds applicant names, so it may
// also go to the unit's group chat.
type Escalation struct {
	LeaderCode  string
	UnitCode    string
	UnitName    string
	Day         models.Date
	ByOfficer   []OfficerOverdue // the officer with the oldest dossier first
	Total       int
	Fingerprint string // hex SHA-256 of the sorted dossier codes
	// AtRisk counts, per unit of the sub-tree, the dossiers the
	// early-warning model says are likely to finish late (not overdue yet,
	// not due soon); set by the caller (models.RiskList.CountByUnit). It
	// is shown under the greeting and takes no part in Fingerprint.
	AtRisk []models.UnitRisk
}

// Sent is what is remembered of the last escalation sent to a leader.
type Sent struct {
	Fingerprint string
	Day         models.Date // the working day it was sent
}

// PlanEscalation picks, among overdue, the dossiers of leader's unit
// sub-tree that are overdue at now (open, running, past due_at), groups
// them by handling officer (names: officer code → name), each officer's
// oldest first. It returns false when there is none, or when the leader's
// unit is empty or not in tree.
func PlanEscalation(rules *models.Rules, now time.Time, leader models.Officer, tree *models.UnitTree, overdue []models.Dossier, names map[string]string) (Escalation, bool) {
	e := Escalation{LeaderCode: leader.Code, UnitCode: leader.UnitCode, Day: rules.Cal.Today(now)}
	if tree == nil || leader.UnitCode == "" {
		return Escalation{}, false
	}
	u, ok := tree.Get(leader.UnitCode)
	if !ok {
		return Escalation{}, false
	}
	e.UnitName = u.Name
	var items []Item
	for i := range overdue {
		d := &overdue[i]
		if !tree.Covers(leader.UnitCode, d.UnitCode) {
			continue
		}
		c := rules.Classify(d, now)
		if c.Class != models.ClassOverdue {
			continue
		}
		it := itemOf(d, c)
		it.ApplicantName = "" // personal data never leaves the handler's chat
		items = append(items, it)
	}
	if len(items) == 0 {
		return Escalation{}, false
	}
	// Group by officer, oldest first within each.
	slices.SortFunc(items, func(a, b Item) int {
		if c := cmp.Compare(a.HandlerCode, b.HandlerCode); c != 0 {
			return c
		}
		return byDue(a, b)
	})
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].HandlerCode == items[i].HandlerCode {
			j++
		}
		code := items[i].HandlerCode
		e.ByOfficer = append(e.ByOfficer, OfficerOverdue{OfficerCode: code, Name: names[code], Items: items[i:j:j]})
		i = j
	}
	slices.SortStableFunc(e.ByOfficer, func(a, b OfficerOverdue) int {
		if c := byDue(a.Items[0], b.Items[0]); c != 0 {
			return c
		}
		return cmp.Compare(a.OfficerCode, b.OfficerCode)
	})
	e.Total = len(items)
	e.Fingerprint = Fingerprint(items)
	return e, true
}

// Fingerprint returns a stable hash of the set of the items' dossier codes
// (order and duplicates do not matter).
func Fingerprint(items []Item) string {
	codes := make([]string, len(items))
	for i := range items {
		codes[i] = items[i].Code
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	h := sha256.New()
	for _, c := range codes {
		h.Write([]byte(c))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ShouldRepeat says whether cur is to be sent today: yes when nothing was
// sent before, when the set of dossiers changed, or when at least
// repeatDays working days (DefaultRepeatDays when repeatDays ≤ 0) have
// passed since the last send (sent Monday, repeatDays 5: sent again the
// following Monday, later across days off). Never for an empty escalation.
func ShouldRepeat(prev *Sent, cur Escalation, today models.Date, cal *models.Calendar, repeatDays int) bool {
	if cur.Total == 0 {
		return false
	}
	if prev == nil || prev.Day == models.NoDate || prev.Fingerprint != cur.Fingerprint {
		return true
	}
	if repeatDays <= 0 {
		repeatDays = DefaultRepeatDays
	}
	return cal.WorkingDaysBetween(prev.Day+1, today) >= repeatDays
}

// officerLabel is "Nguyễn Văn An (CB001)", or a stand-in.
func officerLabel(o *OfficerOverdue) (name, code string) {
	switch {
	case o.OfficerCode == "":
		return "Chưa phân công cán bộ xử lý", ""
	case strings.TrimSpace(o.Name) == "":
		return o.OfficerCode, ""
	}
	return o.Name, o.OfficerCode
}

// RenderEscalation writes a leader's escalation: a greeting with the unit
// and the total, then each officer (name, code, count) with their overdue
// dossiers oldest first. When not everything fits in opt.MaxLen (or
// opt.MaxItems), every officer's oldest dossiers are taken in turns — the
// oldest of each, then the second oldest of each, … — so that one officer
// with many dossiers does not hide the others, and the rest is summed up
// as "… và N hồ sơ khác — gõ /quahan". Applicant names are never shown
// (opt.ShowApplicant is ignored). It returns "" for an empty escalation.
func RenderEscalation(e Escalation, opt RenderOptions) string {
	total := 0
	for i := range e.ByOfficer {
		total += len(e.ByOfficer[i].Items)
	}
	if total == 0 {
		return ""
	}
	max := opt.maxLen()
	w := newWriter(&opt)
	greeting(w, opt.OfficerName, e.Day)
	w.text(": ")
	unit := strings.TrimSpace(e.UnitName)
	if unit == "" {
		unit = e.UnitCode
	}
	w.val(unit)
	w.text(" có " + countVN(total, "quá hạn"))
	if n := len(e.ByOfficer); n > 1 {
		w.text(" của " + strconv.Itoa(n) + " cán bộ")
	}
	w.text(".")
	if riskTotal(e.AtRisk) > 0 {
		w.text("\n")
		riskUnitsLine(w, e.AtRisk)
	}
	head := w.take()
	if u16len(head) > max {
		return clip(head, max, w.html)
	}

	// Lay out every line once, then choose how many of each officer's
	// items to show.
	heads := make([]string, len(e.ByOfficer))
	lines := make([][]string, len(e.ByOfficer))
	for i := range e.ByOfficer {
		o := &e.ByOfficer[i]
		name, code := officerLabel(o)
		w.text("\n👤 ")
		w.bold(name)
		if code != "" {
			w.text(" (")
			w.val(code)
			w.text(")")
		}
		w.text(" — " + countVN(len(o.Items), "quá hạn") + "\n")
		heads[i] = w.take()
		lines[i] = make([]string, len(o.Items))
		for j := range o.Items {
			itemLine(w, &o.Items[j], false, false)
			lines[i][j] = w.take()
		}
	}
	quota := make([]int, len(lines))
	fits := func(reserve int) int {
		clear(quota)
		used, shown := u16len(head), 0
		for k := 0; ; k++ {
			more := false
			for i := range lines {
				if k >= len(lines[i]) {
					continue
				}
				more = true
				cost := 1 + u16len(lines[i][k])
				if k == 0 {
					cost += u16len(heads[i])
				}
				if used+cost+reserve > max || (opt.MaxItems > 0 && shown >= opt.MaxItems) {
					return shown
				}
				used += cost
				quota[i]++
				shown++
			}
			if !more {
				return shown
			}
		}
	}
	shown := fits(0)
	if shown < total {
		shown = fits(2 + u16len(moreLine(total, "/quahan")))
	}
	var b strings.Builder
	b.WriteString(head)
	for i := range lines {
		for j := 0; j < quota[i]; j++ {
			b.WriteByte('\n')
			if j == 0 {
				b.WriteString(heads[i])
			}
			b.WriteString(lines[i][j])
		}
	}
	if shown < total {
		b.WriteString("\n\n" + moreLine(total-shown, "/quahan"))
	}
	return b.String()
}
