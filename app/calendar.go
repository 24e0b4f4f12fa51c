package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

const calendarUsage = `usage:
  dondoc calendar --year YYYY                  ngày nghỉ trong tuần và ngày làm bù của năm
  dondoc calendar add-workdays YYYY-MM-DD N    ngày làm việc thứ N sau ngày đã cho
  dondoc calendar workdays YYYY-MM-DD YYYY-MM-DD  số ngày làm việc (tính cả hai đầu)
  dondoc calendar lunar YYYY-MM-DD             ngày âm lịch`

// runCalendar answers working-day questions with the Vietnamese calendar
// in the configured time zone and cut-off.
func runCalendar(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return usagef("thiếu lệnh con\n%s", calendarUsage)
	}
	var cal *models.Calendar
	if sub := args[0]; sub != "lunar" {
		var err error
		if cal, err = calendarWithDB(ctx, a); err != nil {
			return err
		}
	}
	switch sub := args[0]; {
	case sub == "--year" || sub == "-year" || strings.HasPrefix(sub, "--year="):
		var v string
		switch {
		case strings.HasPrefix(sub, "--year="):
			if len(args) != 1 {
				return usagef("thừa tham số %q\n%s", args[1], calendarUsage)
			}
			v = strings.TrimPrefix(sub, "--year=")
		case len(args) == 2:
			v = args[1]
		default:
			return usagef("--year cần đúng một năm\n%s", calendarUsage)
		}
		year, err := strconv.Atoi(v)
		if err != nil || year < 1990 || year > 2100 {
			return usagef("năm %q không hợp lệ (1990–2100)", v)
		}
		var b strings.Builder
		for _, h := range cal.Exceptions(year) {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", h.Date, h.Kind.Label(), h.Name, dayOrigin(cal, h))
		}
		if !cal.Confirmed(year) {
			fmt.Fprintf(a.stderr, "Năm %d chưa có lịch nghỉ chính thức trong dondoc: các ngày theo quy tắc của Bộ luật Lao động là dự kiến; "+
				"khi Chính phủ công bố, nhập lịch bằng dondoc import holidays.\n", year)
		}
		_, err = fmt.Fprint(a.stdout, b.String())
		return err
	case sub == "add-workdays":
		if len(args) != 3 {
			return usagef("add-workdays cần một ngày và một số ngày\n%s", calendarUsage)
		}
		d, err := parseDateArg("ngày bắt đầu", args[1])
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(args[2])
		if err != nil || n < -3650 || n > 3650 {
			return usagef("số ngày làm việc %q không hợp lệ (số nguyên, tối đa 3650)", args[2])
		}
		_, err = fmt.Fprintln(a.stdout, cal.AddWorkingDays(d, n))
		return err
	case sub == "workdays":
		if len(args) != 3 {
			return usagef("workdays cần hai ngày\n%s", calendarUsage)
		}
		from, err := parseDateArg("ngày đầu", args[1])
		if err != nil {
			return err
		}
		to, err := parseDateArg("ngày cuối", args[2])
		if err != nil {
			return err
		}
		if to < from {
			return usagef("ngày cuối %s trước ngày đầu %s", to, from)
		}
		_, err = fmt.Fprintln(a.stdout, cal.WorkingDaysBetween(from, to))
		return err
	case sub == "lunar":
		if len(args) != 2 {
			return usagef("lunar cần một ngày\n%s", calendarUsage)
		}
		d, err := parseDateArg("ngày", args[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(a.stdout, models.SolarToLunar(d))
		return err
	default:
		return usagef("lệnh con %q không có\n%s", sub, calendarUsage)
	}
}

// dayOrigin says what a day of the calendar rests on: the notice (shipped
// or imported, with "văn phòng nhập" for the database's overrides), or the
// built-in rule — "dự kiến" in a year without an official schedule.
func dayOrigin(cal *models.Calendar, h models.Holiday) string {
	switch h.Origin {
	case models.OriginImported:
		if h.Source == "" {
			return "văn phòng nhập"
		}
		return "văn phòng nhập: " + h.Source
	case models.OriginOfficial:
		return h.Source
	}
	src := h.Source
	if src == "" {
		src = models.SourceLabourCode
	}
	if !cal.Confirmed(h.Date.Year()) {
		return "dự kiến (" + src + ")"
	}
	return src
}

// parseDateArg reads an ISO date argument; what names it in the error.
func parseDateArg(what, s string) (models.Date, error) {
	d, err := models.ParseDate(s)
	if err != nil {
		return models.NoDate, usagef("%s %q không hợp lệ (cần dạng YYYY-MM-DD, ví dụ 2026-02-13)", what, s)
	}
	return d, nil
}
