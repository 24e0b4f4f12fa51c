package report

import (
	"fmt"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// vi formats numbers as Vietnamese write them: 1.234 and 18,6.
var vi = message.NewPrinter(language.Vietnamese)

// fmtInt writes n with Vietnamese digit grouping ("1.234").
func fmtInt(n int) string { return vi.Sprintf("%d", n) }

// Every format shows scores and rates with two decimals, as the portal
// shows them (the XLSX number formats 0.00 and 0.00%, CSV too).
const decimals = 2

// fmtScore writes a 766 score with two decimals ("18,60").
func fmtScore(s float64) string { return vi.Sprintf("%.2f", s) }

// fmtRate writes a 0–1 rate as a percentage with two decimals ("93,00%").
func fmtRate(r float64) string { return vi.Sprintf("%.2f", r*100) + "%" }

// NoValue stands for a rate or score that does not exist (nothing to
// judge) in text and HTML; CSV and XLSX leave the cell empty, JSON has null.
const NoValue = "—"

// fmtScoreOK writes a 766 score, or NoValue when there is none.
func fmtScoreOK(s float64, ok bool) string {
	if !ok {
		return NoValue
	}
	return fmtScore(s)
}

// fmtRateOK writes a rate, or NoValue when there is none.
func fmtRateOK(r float64, ok bool) string {
	if !ok {
		return NoValue
	}
	return fmtRate(r)
}

// NoDossiers is said of a unit or officer with no dossier in scope.
const NoDossiers = "không phát sinh hồ sơ"

// NoData is said of a month with no dossier at all.
const NoData = "chưa có dữ liệu"

// MonthTitle returns "Tháng 10 năm 2026".
func (r *Report) MonthTitle() string {
	return fmt.Sprintf("Tháng %02d năm %04d", int(r.Month), r.Year)
}

// DateLine returns "<Place>, ngày dd tháng MM năm yyyy" for GeneratedAt in
// its own location.
func (r *Report) DateLine() string {
	t := r.GeneratedAt
	if t.IsZero() {
		t = time.Date(r.Year, r.Month+1, 1, 0, 0, 0, 0, time.UTC)
	}
	s := fmt.Sprintf("ngày %02d tháng %02d năm %04d", t.Day(), int(t.Month()), t.Year())
	if r.Place == "" {
		return "Ngày" + s[len("ngày"):]
	}
	return r.Place + ", " + s
}

// DocNumberLine is the document-number line under the issuer, left for
// the secretariat to fill in when the report is registered.
const DocNumberLine = "Số: …/BC-UBND"

// XLSXFooter numbers the printed pages ("Trang 1/3"), centred.
const XLSXFooter = "&CTrang &P/&N"

// Title is the report's title as an official document carries it.
const Title = "BÁO CÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"
