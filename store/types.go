package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// tstamp is an instant as stored: UTC, microseconds, NULL when zero.
type tstamp time.Time

// SQLTime returns t as the store writes it (UTC, truncated to the
// microsecond; nil for a zero time): use it for the parameters of
// hand-written queries so that comparisons work on both databases.
func SQLTime(t time.Time) any {
	v, _ := tstamp(t).Value()
	return v
}

func (t tstamp) time() time.Time { return time.Time(t) }

// Value implements driver.Valuer.
func (t tstamp) Value() (driver.Value, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil, nil
	}
	return tt.UTC().Truncate(time.Microsecond), nil
}

// sqliteTimeLayouts are the forms a SQLite TEXT instant may take.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
}

// Scan implements sql.Scanner.
func (t *tstamp) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = tstamp{}
	case time.Time:
		*t = tstamp(v.UTC())
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("store: cannot read %T as a time", src)
	}
	return nil
}

func (t *tstamp) parse(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		*t = tstamp{}
		return nil
	}
	for _, l := range sqliteTimeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			*t = tstamp(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("store: %q is not a stored time", s)
}

// civil is a models.Date as stored: "YYYY-MM-DD", NULL when NoDate.
type civil models.Date

// Value implements driver.Valuer.
func (d civil) Value() (driver.Value, error) {
	if models.Date(d) == models.NoDate {
		return nil, nil
	}
	return models.Date(d).String(), nil
}

// Scan implements sql.Scanner.
func (d *civil) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = civil(models.NoDate)
		return nil
	case time.Time:
		y, m, dd := v.Date()
		*d = civil(models.NewDate(y, m, dd))
		return nil
	case []byte:
		src = string(v)
	}
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("store: cannot read %T as a date", src)
	}
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := models.ParseDate(s)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	*d = civil(v)
	return nil
}
