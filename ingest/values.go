package ingest

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

var errNotDate = errors.New("is not a date")

// ParseDate reads a date or date-time as exports write them: dd/MM/yyyy,
// d/M/yyyy, dd/MM/yyyy HH:mm[:ss], ISO 8601 (date, date-time with or
// without a zone) or an Excel serial number. Local times are in loc.
// hasTime reports whether a time of day was given; when it was not, the
// returned instant is the start of the day in loc.
func ParseDate(s string, loc *time.Location) (t time.Time, hasTime bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, errNotDate
	}
	if loc == nil {
		loc = models.DefaultLocation()
	}
	switch {
	case isSerial(s):
		t, hasTime, err = parseSerial(s, loc)
	case len(s) >= 10 && s[4] == '-' && isDigits(s[:4]):
		t, hasTime, err = parseISO(s, loc)
	default:
		t, hasTime, err = parseVN(s, loc)
	}
	if err != nil {
		return time.Time{}, false, err
	}
	// A year outside 1900–2200 is a typing slip, not a dossier's date.
	if y := t.In(loc).Year(); y < 1900 || y > 2200 {
		return time.Time{}, false, errNotDate
	}
	return t, hasTime, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSerial reports digits with at most one decimal point (Excel serial).
func isSerial(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}

// Excel serials count days from 1899-12-30 (after Excel's phantom
// 1900-02-29). Only 1990-01-01 (32874) to 2199-12-31 (109574) are taken as
// dates: anything else is a number typed in the wrong column.
func parseSerial(s string, loc *time.Location) (time.Time, bool, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 32874 || f > 109574 || math.IsNaN(f) {
		return time.Time{}, false, errNotDate
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
	y, m, d := base.AddDate(0, 0, int(days)).Date()
	hasTime := secs > 0
	t := time.Date(y, m, d, 0, 0, 0, 0, loc).Add(time.Duration(secs) * time.Second)
	return t, hasTime, nil
}

var isoLayouts = []struct {
	layout  string
	zone    bool
	hasTime bool
}{
	{"2006-01-02", false, false},
	{"2006-01-02T15:04:05Z07:00", true, true},
	{"2006-01-02 15:04:05Z07:00", true, true},
	{"2006-01-02T15:04:05", false, true},
	{"2006-01-02 15:04:05", false, true},
	{"2006-01-02T15:04Z07:00", true, true},
	{"2006-01-02T15:04", false, true},
	{"2006-01-02 15:04", false, true},
}

func parseISO(s string, loc *time.Location) (time.Time, bool, error) {
	for _, l := range isoLayouts {
		if l.zone != hasZone(s) {
			continue
		}
		if t, err := time.ParseInLocation(l.layout, s, loc); err == nil {
			return t, l.hasTime, nil
		}
	}
	return time.Time{}, false, errNotDate
}

func hasZone(s string) bool {
	if len(s) <= 10 {
		return false
	}
	rest := s[10:]
	return strings.HasSuffix(rest, "Z") || strings.LastIndexAny(rest, "+-") > 0
}

// parseVN reads d/M/yyyy with an optional " H:mm" or " H:mm:ss"; '-' and '.'
// are accepted as date separators too.
func parseVN(s string, loc *time.Location) (time.Time, bool, error) {
	var n [6]int
	var count [6]int
	part := 0
	i := 0
	for ; i < len(s) && part < 3; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if count[part] >= 4 {
				return time.Time{}, false, errNotDate
			}
			n[part] = n[part]*10 + int(c-'0')
			count[part]++
		case (c == '/' || c == '-' || c == '.') && part < 2 && count[part] > 0:
			part++
		case c == ' ' || c == 'T':
			if part != 2 {
				return time.Time{}, false, errNotDate
			}
			part = 3
		default:
			return time.Time{}, false, errNotDate
		}
	}
	if count[0] > 2 || count[1] > 2 || count[2] != 4 {
		return time.Time{}, false, errNotDate
	}
	hasTime := false
	if part == 3 {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		p := 3
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= '0' && c <= '9':
				if count[p] >= 2 {
					return time.Time{}, false, errNotDate
				}
				n[p] = n[p]*10 + int(c-'0')
				count[p]++
			case c == ':' && p < 5 && count[p] > 0:
				p++
			default:
				return time.Time{}, false, errNotDate
			}
		}
		if p < 4 || count[p] == 0 || n[3] > 23 || n[4] > 59 || n[5] > 59 {
			return time.Time{}, false, errNotDate
		}
		hasTime = true
	}
	d, m, y := n[0], n[1], n[2]
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > models.DaysIn(y, time.Month(m)) {
		return time.Time{}, false, errNotDate
	}
	return time.Date(y, time.Month(m), d, n[3], n[4], n[5], 0, loc), hasTime, nil
}

// parseCount reads a non-negative whole number, with '.' (Vietnamese) or
// ',' as thousands separators in groups of three, or a whole float such as
// "2.0" as spreadsheets write it.
func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0
	}
	var sep byte
	digits := 0
	group := -1
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int(c-'0')
			digits++
			if group >= 0 {
				group++
			}
			if v > 1e9 {
				return 0, false
			}
		case (c == '.' || c == ',') && digits > 0 && (sep == 0 || sep == c) && (group < 0 || group == 3):
			if group < 0 && digits > 3 {
				return 0, false
			}
			sep, group = c, 0
		default:
			return 0, false
		}
	}
	if group != 3 {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f == math.Trunc(f) && f < 1e9 {
			return int(f), true
		}
		return 0, false
	}
	return v, true
}

var channelAliases = map[string]models.Channel{
	"truc tiep": models.ChannelDirect, "direct": models.ChannelDirect, "tai quay": models.ChannelDirect,
	"nop truc tiep": models.ChannelDirect, "mot cua": models.ChannelDirect,
	"truc tuyen": models.ChannelOnline, "online": models.ChannelOnline, "dvc truc tuyen": models.ChannelOnline,
	"dich vu cong truc tuyen": models.ChannelOnline, "nop truc tuyen": models.ChannelOnline,
	"truc tuyen mot phan": models.ChannelOnline, "truc tuyen toan trinh": models.ChannelOnline,
	"dvc": models.ChannelOnline, "qua mang": models.ChannelOnline,
	"buu chinh": models.ChannelPostal, "postal": models.ChannelPostal, "bcci": models.ChannelPostal,
	"buu chinh cong ich": models.ChannelPostal, "qua buu chinh": models.ChannelPostal,
	"qua buu chinh cong ich": models.ChannelPostal, "buu dien": models.ChannelPostal,
}

// ParseChannel reads a submission channel (trực tiếp / trực tuyến / bưu
// chính / BCCI...); empty is ChannelUnknown.
func ParseChannel(s string) (models.Channel, bool) {
	if strings.TrimSpace(s) == "" {
		return models.ChannelUnknown, true
	}
	c, ok := channelAliases[models.Fold(s)]
	return c, ok
}

var dayKindAliases = map[string]models.DayKind{
	"nghi": models.DayOff, "nghi le": models.DayOff, "nghi bu": models.DayOff, "ngay nghi": models.DayOff,
	"off": models.DayOff, "holiday": models.DayOff, "le": models.DayOff,
	"lam bu": models.DayWorking, "di lam bu": models.DayWorking, "ngay lam bu": models.DayWorking,
	"lam viec": models.DayWorking, "working": models.DayWorking,
}

// ParseDayKind reads nghỉ / làm bù (or off / working); empty is a day off.
func ParseDayKind(s string) (models.DayKind, bool) {
	if strings.TrimSpace(s) == "" {
		return models.DayOff, true
	}
	k, ok := dayKindAliases[models.Fold(s)]
	return k, ok
}
