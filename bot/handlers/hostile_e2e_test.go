package handlers_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store/storetest"
)

// The dossier with a 30 MB procedure name, stored before the
// import caps existed: /tra answers through the real Telegram client with
// one message the fake accepts (it refuses more than 4,096 characters and
// bad HTML), cut and marked. A 5,000-character argument is not echoed.
func TestHostileRepliesEndToEnd(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {
		d := p.own
		d.ProcedureName = strings.Repeat("Cấp giấy phép <xây dựng> & ", 30<<20/27)
		if err := storetest.SeedDossiers(context.Background(), e.st, []models.Dossier{d}); err != nil {
			t.Fatal(err)
		}
		e.link(uOfficer, p.officer.Code)
		for _, cmd := range []string{"/tra " + d.Code, "/tra " + strings.Repeat("H", 5000), "/" + strings.Repeat("x", 5000)} {
			r := e.say(uOfficer, uOfficer, cmd)
			if n := utf8.RuneCountInString(r.Text); n > 4096 {
				t.Errorf("%.20s: %d characters", cmd, n)
			}
			if r.ParseMode == "HTML" {
				if msg := tgfake.CheckHTML(r.Text); msg != "" {
					t.Errorf("%.20s: bad HTML: %s", cmd, msg)
				}
			}
			if strings.Contains(r.Text, strings.Repeat("H", 100)) || strings.Contains(r.Text, strings.Repeat("x", 100)) {
				t.Errorf("%.20s: the argument is echoed whole", cmd)
			}
			if cmd == "/tra "+d.Code && !strings.Contains(r.Text, bot.TruncMarker) {
				t.Errorf("/tra of the huge dossier is not marked as cut:\n%.300s", r.Text)
			}
		}
	})
}
