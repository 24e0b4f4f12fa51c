package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// UnitHeaders are the Vietnamese column names of the units table (CSV, XLSX).
var UnitHeaders = []string{
	"Hạng", "Xếp hạng trong", "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Hồ sơ trong kỳ", "Tiếp nhận mới",
	"Trước hạn", "Đúng hạn", colLate, colLateApology, colLateOnSystem, "Đang giải quyết trong hạn",
	"Đang giải quyết quá hạn", "Tạm dừng", colRate, colScore + " (thang 20)",
}

// The column labels officials read (models' labels, capitalised).
var (
	colScore        = models.LabelScore766
	colRate         = "Tỷ lệ " + models.LabelEarlyOnTime
	colLate         = capitalise(models.LabelLate)
	colLateOnSystem = capitalise(models.LabelLateOnSystem)
	colOverdueOpen  = capitalise(models.LabelOverdueOpen)
	colLateApology  = capitalise(models.LabelLateApology)
	colHandlings    = capitalise(models.LabelHandlings)
)

func capitalise(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// OfficerHeaders are the Vietnamese column names of the slow-officer table.
var OfficerHeaders = []string{
	"STT", "Mã cán bộ", "Họ và tên", "Đơn vị", colHandlings, colLate, colLateApology, colLateOnSystem,
	colOverdueOpen, colRate,
}

// UnassignedLabel heads the number of dossiers without a handling officer.
const UnassignedLabel = "Hồ sơ chưa phân công cán bộ xử lý"

// RenderCSV writes the units table, a blank line, the slow-officer table,
// a blank line and the unassigned count (then, for a month not yet ended,
// a "Tạm tính đến" line), as UTF-8 with a BOM for Excel. Numbers use a
// decimal point; rates are percentages with two decimals (93.02 means
// 93,02 %), scores have two decimals; a rate or score that does not exist
// (nothing to judge) is an empty cell.
// Every text cell (codes, names) beginning with =, +, -, @, a tab or a
// carriage return gets a leading single quote, so that Excel shows it
// instead of running it.
func RenderCSV(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{UnitHeaders}
	for _, u := range r.Units {
		c := u.Counts
		rows = append(rows, []string{
			u.RankLabel(), text(u.Group), text(u.Code), text(u.Name), text(u.Parent), itoa(c.InScope), itoa(c.Received),
			itoa(c.FinishedEarly), itoa(c.FinishedOnTime), itoa(c.FinishedLate), itoa(c.FinishedLateApology),
			itoa(c.LateOnSystem), itoa(c.OpenInTime), itoa(c.OpenOverdue), itoa(c.Paused),
			pct(c.OnTimeRateOK()), ftoaOK(c.Score766OK()),
		})
	}
	rows = append(rows, []string{}, OfficerHeaders)
	for i, o := range r.Officers {
		rows = append(rows, []string{
			itoa(i + 1), text(o.Code), text(o.Name), text(o.UnitName), itoa(o.Handled), itoa(o.Late), itoa(o.LateApology),
			itoa(o.LateOnSystem), itoa(o.OverdueOpen), pct(o.OnTimeRateOK()),
		})
	}
	rows = append(rows, []string{}, []string{UnassignedLabel, itoa(r.Unassigned)}, []string{TieBreak})
	if note := r.ProvisionalNote(); note != "" {
		rows = append(rows, []string{ProvisionalLabel, r.JudgedAt.In(r.noteLoc()).Format("15:04 02/01/2006")})
	}
	for _, row := range rows {
		if len(row) == 0 {
			// encoding/csv writes an empty record as a blank line.
			row = []string{""}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// text is a text cell: neutralised when a spreadsheet would run it as a
// formula (models.CSVText). Figures go through itoa and ftoa and stay
// numbers, a negative one included.
func text(s string) string { return models.CSVText(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// ftoaOK is ftoa, or an empty cell when there is no value.
func ftoaOK(f float64, ok bool) string {
	if !ok {
		return ""
	}
	return ftoa(f)
}

// pct is a rate as a percentage cell, empty when there is none.
func pct(r float64, ok bool) string { return ftoaOK(r*100, ok) }

// ProvisionalLabel heads the instant a month not yet ended was judged at.
const ProvisionalLabel = "Tạm tính đến"
