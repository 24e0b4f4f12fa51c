package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// RowError says which cell of which row is wrong and why. Column is the
// header text as in the file (the field name for JSON); Field the canonical
// field name.
type RowError struct {
	File   string
	Line   int
	Column string
	Field  string
	Value  string
	Reason string
}

// Error reads like: dossiers.csv:118: column "Ngày hẹn trả": "31/02/2026" is not a date
func (e *RowError) Error() string { return e.format("column", "field", e.Reason) }

// format writes the error in one language: its words for a column and a
// field, and the reason.
func (e *RowError) format(column, field, reason string) string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	switch {
	case e.Column != "":
		fmt.Fprintf(&b, "%s %q: ", column, e.Column)
	case e.Field != "":
		fmt.Fprintf(&b, "%s %s: ", field, e.Field)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "%q ", e.Value)
	}
	b.WriteString(reason)
	return b.String()
}

// Summary is the outcome of one import.
type Summary struct {
	Inserted, Updated, Unchanged, Rejected, Warnings int
	// NoDeadline counts the accepted steps that came without a step
	// deadline (han_xu_ly): they answer to their dossier's deadline.
	NoDeadline int
}

// String reads like: inserted 10, updated 2, unchanged 0, rejected 1, warnings 3
func (s Summary) String() string {
	out := fmt.Sprintf("inserted %d, updated %d, unchanged %d, rejected %d", s.Inserted, s.Updated, s.Unchanged, s.Rejected)
	if s.Warnings > 0 {
		out += fmt.Sprintf(", warnings %d", s.Warnings)
	}
	if s.NoDeadline > 0 {
		out += fmt.Sprintf(", steps without a deadline %d", s.NoDeadline)
	}
	return out
}

// WriteErrorsCSV writes an error report the secretariat can open in Excel:
// UTF-8 with a BOM, one line per error. Text cells that a spreadsheet
// would run as a formula (the wrong value may be one) are neutralised
// with a leading single quote (models.CSVText).
func WriteErrorsCSV(w io.Writer, errs []*RowError) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"Tệp", "Dòng", "Cột", "Trường", "Giá trị", "Lỗi"}); err != nil {
		return err
	}
	for _, e := range errs {
		row := []string{e.File, strconv.Itoa(e.Line), e.Column, e.Field, e.Value, ReasonVN(e.Reason)}
		for i, v := range row {
			if i != 1 { // the line number stays a number
				row[i] = models.CSVText(v)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatErrors lists the first max errors in Vietnamese, one a line, then
// how many more and the total.
func FormatErrors(errs []*RowError, max int) string {
	if max <= 0 {
		max = len(errs)
	}
	var b strings.Builder
	for i, e := range errs {
		if i == max {
			fmt.Fprintf(&b, "… và %d lỗi khác (tổng cộng %d lỗi)\n", len(errs)-max, len(errs))
			break
		}
		b.WriteString(e.Vietnamese())
		b.WriteByte('\n')
	}
	return b.String()
}
