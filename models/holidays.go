package models

import "time"

// VietnamHolidays returns the built-in public holidays of year (Labour Code
// 2019 Art. 112). PLACEHOLDER: solar holidays only; the lunar ones and the
// nghỉ bù rule come with the lunar calendar.
func VietnamHolidays(year int) []Holiday {
	return []Holiday{
		{Date: NewDate(year, time.January, 1), Kind: DayOff, Name: "Tết Dương lịch"},
		{Date: NewDate(year, time.April, 30), Kind: DayOff, Name: "Ngày Giải phóng miền Nam"},
		{Date: NewDate(year, time.May, 1), Kind: DayOff, Name: "Quốc tế Lao động"},
		{Date: NewDate(year, time.September, 2), Kind: DayOff, Name: "Quốc khánh"},
	}
}
