package models

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a civil date in the local calendar, without time of day or zone.
// It counts days since 0000-03-01 (proleptic Gregorian), so every real date
// is positive and the zero value means "no date".
type Date int32

// NoDate is the zero Date: no date given.
const NoDate Date = 0

// NewDate returns the Date for year y, month m, day d. Out-of-range days
// normalise as time.Date does (31 April is 1 May).
func NewDate(y int, m time.Month, d int) Date {
	// Normalise month and day through the days count, as time.Date does.
	yy := int64(y)
	mm := int64(m)
	if mm < 1 || mm > 12 {
		yy += (mm - 1) / 12
		mm = (mm-1)%12 + 1
		if mm < 1 {
			mm += 12
			yy--
		}
	}
	return Date(daysFromCivil(yy, mm, 1) + int64(d) - 1)
}

// daysFromCivil is Howard Hinnant's algorithm, shifted so 0000-03-01 is day 0.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe
}

// YMD returns the year, month and day of d.
func (d Date) YMD() (int, time.Month, int) {
	z := int64(d)
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(day)
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// IsZero reports whether d is NoDate.
func (d Date) IsZero() bool { return d == NoDate }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 0000-03-01 was a Wednesday.
	w := (int64(d) + 3) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// AddDays returns d moved by n calendar days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Start returns the first instant of d in loc.
func (d Date) Start(loc *time.Location) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// Resolution is the precision of dondoc's instants: the microsecond, which
// is what Postgres (and the store on SQLite) keeps. "The last instant" of a
// day or a period is one Resolution before the next one starts, so that a
// time read back from the database compares as the one written.
const Resolution = time.Microsecond

// End returns the last instant of d in loc: a due date given without a time
// of day means the end of that day (23:59:59.999999).
func (d Date) End(loc *time.Location) time.Time {
	return d.AddDays(1).Start(loc).Add(-Resolution)
}

// At returns the instant at hour:minute of d in loc.
func (d Date) At(hour, minute int, loc *time.Location) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, hour, minute, 0, 0, loc)
}

// DateOf returns the civil date of instant t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// String formats d as ISO 8601 (2006-01-02); NoDate formats as "".
func (d Date) String() string {
	if d == NoDate {
		return ""
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// VN formats d the Vietnamese way, dd/MM/yyyy.
func (d Date) VN() string {
	if d == NoDate {
		return ""
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d/%02d/%04d", dd, int(m), y)
}

// ParseDate reads an ISO 8601 date (2006-01-02).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return NoDate, fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:])
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || d > DaysIn(y, time.Month(m)) {
		return NoDate, fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", s)
	}
	return NewDate(y, time.Month(m), d), nil
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return int(NewDate(y, m+1, 1) - NewDate(y, m, 1))
}

// MarshalText implements encoding.TextMarshaler (ISO form).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (ISO form, or empty).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = NoDate
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
