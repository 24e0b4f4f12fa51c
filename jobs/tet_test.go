package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestSecretariatTetWarningOnceAWeek (issue #11 item 6): from 1 October,
// while next year's Tết has no official schedule in dondoc, the
// secretariat's morning note says so on the week's first working day only;
// once the schedule is imported it stops.
func TestSecretariatTetWarningOnceAWeek(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		small(t, s)
		d := newDeps(s)
		const words = "Lịch nghỉ Tết Nguyên Đán 2027 chưa có thông báo chính thức trong dondoc"
		for _, c := range []struct {
			day  time.Time
			want bool
		}{
			{time.Date(2026, 9, 28, 8, 0, 0, 0, ict), false}, // Monday, before 1 October
			{time.Date(2026, 11, 30, 8, 0, 0, 0, ict), true}, // Monday
			{time.Date(2026, 12, 1, 8, 0, 0, 0, ict), false}, // Tuesday
			{time.Date(2026, 12, 4, 8, 0, 0, 0, ict), false}, // Friday
			{time.Date(2026, 12, 7, 8, 0, 0, 0, ict), true},  // the next Monday
		} {
			st, err := d.RunDigest(ctx, period(d, c.day))
			must(t, err)
			e, ok, err := s.Outbox().Get(ctx, digest.SecretariatKey("S", models.DateOf(c.day, ict)))
			must(t, err)
			if got := st.Secretariat == 1 && ok && strings.Contains(e.Message.Text, words); got != c.want ||
				(!c.want && st.Secretariat != 0) {
				t.Errorf("%s: %d secretariat notes %q; want the Tết warning %v", c.day.Format("Mon 02/01"), st.Secretariat,
					e.Message.Text, c.want)
			}
		}
		// The 2027 schedule is imported: no warning on the Monday after.
		d.Rules.Cal.Replace(models.NewVietnamCalendar(ict, 15, 0,
			models.Holiday{Date: models.NewDate(2027, 2, 12), Kind: models.DayOff, Name: models.NameTet, Source: "Thông báo x/TB-BNV"}))
		monday := time.Date(2026, 12, 14, 8, 0, 0, 0, ict)
		st, err := d.RunDigest(ctx, period(d, monday))
		must(t, err)
		if st.Secretariat != 0 {
			t.Errorf("after the 2027 schedule: %d secretariat notes; want none", st.Secretariat)
		}
	})
}
