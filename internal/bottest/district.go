package bottest

import (
	"log/slog"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// ICT is Vietnam's time (UTC+7), the zone of the chat tests' clocks.
var ICT = time.FixedZone("ICT", 7*3600)

// District stores the sample district as of 27/11/2026 10:00 ICT (the
// chat tests' "now") in st, and returns it with that instant and its
// calendar (17:00 cut-off).
func District(tb testing.TB, st *store.Store) (data *sample.Data, now time.Time, cal *models.Calendar) {
	tb.Helper()
	now = time.Date(2026, 11, 27, 10, 0, 0, 0, ICT)
	cal = models.NewVietnamCalendar(ICT, 17, 0)
	data, err := sample.District(now, cal)
	if err != nil {
		tb.Fatal(err)
	}
	storetest.LoadSample(tb, st, data)
	return data, now, cal
}

// Router is a chat router over dir logging to logger, naming every error
// "e0"; its "đang xử lý" notice comes only after a minute (it has its own
// test in bot; here, on a busy machine, it would shift the transcript).
func Router(dir bot.Directory, logger *slog.Logger) *bot.Router {
	return bot.NewRouter(bot.Config{Directory: dir, Logger: logger, NewErrorID: func() string { return "e0" }, SlowAfter: time.Minute})
}
