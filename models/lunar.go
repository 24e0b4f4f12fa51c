package models

import (
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed with the
// astronomical algorithm published by Hồ Ngọc Đức ("Âm lịch Việt Nam",
// informatik.uni-leipzig.de/~duc/amlich): Julian day numbers, new-moon times
// by Meeus' formulae, the sun's apparent longitude, the major solar terms
// (trung khí) and the leap-month rule, all evaluated at UTC+7. The Chinese
// calendar runs the same rules at UTC+8, so the two differ whenever a new
// moon or a major term falls between 16:00 and 17:00 UTC (Tết 2007: Vietnam
// 17/2, China 18/2; Tết 1985: Vietnam 21/1, China 20/2).

// vnTimeZone is the time zone of the Vietnamese lunar calendar, in hours.
const vnTimeZone = 7.0

// LunarDate is a date of the Vietnamese lunar calendar. Leap marks the
// leap month (tháng nhuận), which repeats the number of the month before it.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// String formats the date as D/M/YYYY, with " nhuận" after the month of a
// leap month: "1/1/2026", "15/6 nhuận/2025".
func (l LunarDate) String() string {
	if l.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", l.Day, l.Month, l.Year)
	}
	return fmt.Sprintf("%d/%d/%d", l.Day, l.Month, l.Year)
}

// jdOf returns the Julian day number of d (noon-based, integer).
func jdOf(d Date) int {
	// NewDate(2000, 1, 1) is JDN 2451545.
	return int(d-jan1st2000) + 2451545
}

// dateOfJD returns the civil date of Julian day number jd.
func dateOfJD(jd int) Date { return jan1st2000 + Date(jd-2451545) }

var jan1st2000 = NewDate(2000, time.January, 1)

// newMoonJD returns the Julian day (fractional, UT) of the k-th new moon
// after the one of 1900-01-01 13:52 UT (Meeus, Astronomical Algorithms).
func newMoonJD(k int) float64 {
	kf := float64(k)
	T := kf / 1236.85
	T2 := T * T
	T3 := T2 * T
	dr := math.Pi / 180
	Jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*T2 - 0.000000155*T3
	Jd1 += 0.00033 * math.Sin((166.56+132.87*T-0.009173*T2)*dr)
	M := 359.2242 + 29.10535608*kf - 0.0000333*T2 - 0.00000347*T3
	Mpr := 306.0253 + 385.81691806*kf + 0.0107306*T2 + 0.00001236*T3
	F := 21.2964 + 390.67050646*kf - 0.0016528*T2 - 0.00000239*T3
	C1 := (0.1734-0.000393*T)*math.Sin(M*dr) + 0.0021*math.Sin(2*dr*M)
	C1 = C1 - 0.4068*math.Sin(Mpr*dr) + 0.0161*math.Sin(dr*2*Mpr)
	C1 = C1 - 0.0004*math.Sin(dr*3*Mpr)
	C1 = C1 + 0.0104*math.Sin(dr*2*F) - 0.0051*math.Sin(dr*(M+Mpr))
	C1 = C1 - 0.0074*math.Sin(dr*(M-Mpr)) + 0.0004*math.Sin(dr*(2*F+M))
	C1 = C1 - 0.0004*math.Sin(dr*(2*F-M)) - 0.0006*math.Sin(dr*(2*F+Mpr))
	C1 = C1 + 0.0010*math.Sin(dr*(2*F-Mpr)) + 0.0005*math.Sin(dr*(2*Mpr+M))
	var deltat float64
	if T < -11 {
		deltat = 0.001 + 0.000839*T + 0.0002261*T2 - 0.00000845*T3 - 0.000000081*T*T3
	} else {
		deltat = -0.000278 + 0.000265*T + 0.000262*T2
	}
	return Jd1 + C1 - deltat
}

// newMoonDay returns the local Julian day number of the k-th new moon.
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoonJD(k) + 0.5 + tz/24))
}

// sunLongitude returns the sun's apparent longitude, in radians in
// [0, 2π), at Julian day jdn (UT, fractional).
func sunLongitude(jdn float64) float64 {
	T := (jdn - 2451545.0) / 36525
	T2 := T * T
	dr := math.Pi / 180
	M := 357.52910 + 35999.05030*T - 0.0001559*T2 - 0.00000048*T*T2
	L0 := 280.46645 + 36000.76983*T + 0.0003032*T2
	DL := (1.914600-0.004817*T-0.000014*T2)*math.Sin(dr*M) +
		(0.019993-0.000101*T)*math.Sin(dr*2*M) + 0.000290*math.Sin(dr*3*M)
	L := (L0 + DL) * dr
	L -= math.Pi * 2 * math.Floor(L/(math.Pi*2))
	return L
}

// sunSector returns which of the 12 thirty-degree sectors of longitude the
// sun is in at the start of local day dayNumber (0 = [0°, 30°)).
func sunSector(dayNumber int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-tz/24) / math.Pi * 6))
}

// lunarMonth11 returns the local Julian day of the start of the 11th lunar
// month (the one containing the winter solstice) of solar year yy.
func lunarMonth11(yy int, tz float64) int {
	off := jdOf(NewDate(yy, time.December, 31)) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 {
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset returns the index, counted from the 11th month starting at
// a11, of the first month without a major term: the leap month of a lunar
// year with 13 months.
func leapMonthOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	last := sunSector(newMoonDay(k+1, tz), tz)
	i := 1
	arc := sunSector(newMoonDay(k+2, tz), tz)
	for arc != last && i < 14 {
		last = arc
		i++
		arc = sunSector(newMoonDay(k+i+1, tz), tz)
	}
	return i
}

// SolarToLunar returns the Vietnamese lunar date of d.
func SolarToLunar(d Date) LunarDate { return solarToLunar(d, vnTimeZone) }

func solarToLunar(d Date, tz float64) LunarDate {
	dayNumber := jdOf(d)
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := newMoonDay(k+1, tz)
	for monthStart > dayNumber {
		// The mean-lunation estimate k can run one new moon ahead.
		k--
		monthStart = newMoonDay(k+1, tz)
	}
	yy := d.Year()
	a11 := lunarMonth11(yy, tz)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = yy
		a11 = lunarMonth11(yy-1, tz)
	} else {
		lunarYear = yy + 1
		b11 = lunarMonth11(yy+1, tz)
	}
	day := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	month := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11, tz)
		if diff >= leapDiff {
			month = diff + 10
			if diff == leapDiff {
				leap = true
			}
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Day: day, Month: month, Year: lunarYear, Leap: leap}
}

// LunarToSolar returns the solar date of lunar day/month/year (leap for the
// leap month). It fails when the month is not leap that year, or the day is
// past the end of the month (a lunar month has 29 or 30 days).
func LunarToSolar(day, month, year int, leap bool) (Date, error) {
	return lunarToSolar(day, month, year, leap, vnTimeZone)
}

func lunarToSolar(day, month, year int, leap bool, tz float64) (Date, error) {
	bad := func(why string) (Date, error) {
		return NoDate, fmt.Errorf("âm lịch %s: %s", LunarDate{day, month, year, leap}, why)
	}
	if month < 1 || month > 12 {
		return bad("tháng phải từ 1 đến 12")
	}
	if day < 1 || day > 30 {
		return bad("ngày phải từ 1 đến 30")
	}
	if year < 1 || year > 9999 {
		return bad("năm ngoài phạm vi")
	}
	var a11, b11 int
	if month < 11 {
		a11 = lunarMonth11(year-1, tz)
		b11 = lunarMonth11(year, tz)
	} else {
		a11 = lunarMonth11(year, tz)
		b11 = lunarMonth11(year+1, tz)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && month != leapMonth {
			return bad(fmt.Sprintf("năm %d không có tháng %d nhuận", year, month))
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return bad(fmt.Sprintf("năm %d không có tháng nhuận", year))
	}
	start := newMoonDay(k+off, tz)
	next := newMoonDay(k+off+1, tz)
	if day > next-start {
		return bad(fmt.Sprintf("tháng này chỉ có %d ngày", next-start))
	}
	return dateOfJD(start + day - 1), nil
}
