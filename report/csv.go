package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/dondoc/dondoc/models"
)

// UnitHeaders are the Vietnamese column names of the units table (CSV, XLSX).
var UnitHeaders = []string{
	"Hạng", "Xếp hạng trong", "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Hồ sơ trong kỳ", "Tiếp nhận mới",
	"Trước hạn", "Đúng hạn", "Trễ hạn", "Trễ trên hệ thống", "Đang giải quyết trong hạn",
	"Đang giải quyết quá hạn", "Tạm dừng", "Tỷ lệ đúng hạn", "Điểm 766 (thang 20)",
}

// OfficerHeaders are the Vietnamese column names of the slow-officer table.
var OfficerHeaders = []string{
	"STT", "Mã cán bộ", "Họ và tên", "Đơn vị", "Hồ sơ xử lý", "Trễ hạn", "Trễ trên hệ thống",
	"Quá hạn chưa giải quyết xong", "Tỷ lệ đúng hạn",
}

// UnassignedLabel heads the number of dossiers without a handling officer.
const UnassignedLabel = "Hồ sơ chưa phân công cán bộ xử lý"

// RenderCSV writes the units table, a blank line, the slow-officer table,
// a blank line and the unassigned count, as UTF-8 with a BOM for Excel.
// Numbers use a decimal point; rates are percentages with two decimals
// (93.02 means 93,02 %), scores have two decimals. Every text cell (codes,
// names) beginning with =, +, -, @, a tab or a carriage return gets a
// leading single quote, so that Excel shows it instead of running it.
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
			itoa(c.FinishedEarly), itoa(c.FinishedOnTime), itoa(c.FinishedLate), itoa(c.LateOnSystem),
			itoa(c.OpenInTime), itoa(c.OpenOverdue), itoa(c.Paused),
			ftoa(c.OnTimeRate() * 100), ftoa(c.Score766()),
		})
	}
	rows = append(rows, []string{}, OfficerHeaders)
	for i, o := range r.Officers {
		rows = append(rows, []string{
			itoa(i + 1), text(o.Code), text(o.Name), text(o.UnitName), itoa(o.Handled), itoa(o.Late), itoa(o.LateOnSystem),
			itoa(o.OverdueOpen), ftoa(o.OnTimeRate() * 100),
		})
	}
	rows = append(rows, []string{}, []string{UnassignedLabel, itoa(r.Unassigned)}, []string{TieBreak})
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
