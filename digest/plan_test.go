package digest

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
)

// loc is Vietnam's zone; the tests do not depend on the zone database.
var loc = time.FixedZone("ICT", 7*3600)

// holiday is an invented day off (Wed 2/12/2026) so that the tests cross
// a weekend and a holiday; the built-in rules are left out.
var holiday = models.NewDate(2026, 12, 2)

func testCal() *models.Calendar {
	return models.NewCalendar(models.CalendarConfig{
		Location:  loc,
		Rules:     func(int) []models.Holiday { return nil },
		Overrides: []models.Holiday{{Date: holiday, Kind: models.DayOff, Name: "nghỉ (thử nghiệm)"}},
	})
}

func testRules() *models.Rules { return &models.Rules{Cal: testCal(), DueSoonDays: 2} }

// at is d/m/2026 hh:mm local, in UTC as dossiers store it.
func at(m time.Month, d, hh, mm int) time.Time {
	return time.Date(2026, m, d, hh, mm, 0, 0, loc).UTC()
}

// endOf is the end of d/m/2026 local: a due date given as a day.
func endOf(m time.Month, d int) time.Time { return models.NewDate(2026, m, d).End(loc).UTC() }

// friday is the morning of Fri 27/11/2026, when the digests go out.
var friday = at(11, 27, 7, 30)

func dossier(code string, due time.Time, st models.Status) models.Dossier {
	return models.Dossier{
		Code: code, ProcedureName: "Cấp giấy phép xây dựng", UnitCode: "P1", HandlerCode: "CB1",
		ReceivedAt: at(11, 2, 9, 0), DueAt: due, Status: st, ApplicantName: "Trần Thị Bình",
	}
}

func codes(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestPlan(t *testing.T) {
	r := testRules()
	overdue4 := dossier("QH4", endOf(11, 23), models.StatusProcessing) // Mon 23/11: 24..27 = 4 days
	overdue1 := dossier("QH1", endOf(11, 26), models.StatusProcessing) // Thu 26/11: 1 day
	today := dossier("HN", at(11, 27, 17, 0), models.StatusAccepted)   // today 17:00
	monday := dossier("T2", endOf(11, 30), models.StatusProcessing)    // next working day, across the weekend
	tuesday := dossier("T3", endOf(12, 1), models.StatusProcessing)    // 2 working days left: due soon
	thursday := dossier("T5", endOf(12, 3), models.StatusProcessing)   // 3 working days (2/12 off): in time
	paused := dossier("BS", endOf(11, 20), models.StatusSupplement)    // overdue but waiting on the applicant
	duty := dossier("NVTC", endOf(11, 27), models.StatusFinancialDuty) // paused
	finished := dossier("XONG", endOf(11, 20), models.StatusFinished)  // settled
	finished.FinishedAt = at(11, 26, 10, 0)
	ended := dossier("RUT", endOf(11, 20), models.StatusWithdrawn)

	type want struct {
		ok                               bool
		overdue, dueToday, apology, soon []string
		silent                           bool
	}
	cases := []struct {
		name string
		now  time.Time
		in   []models.Dossier
		want want
	}{
		{"nothing to say", friday, nil, want{}},
		{"only in time, paused, finished, ended", friday,
			[]models.Dossier{thursday, paused, duty, finished, ended}, want{}},
		{"every section, most overdue first", friday,
			[]models.Dossier{tuesday, overdue1, today, monday, overdue4, thursday, paused},
			want{ok: true, overdue: []string{"QH4", "QH1"}, dueToday: []string{"HN"}, apology: []string{"T2"}, soon: []string{"T3"}}},
		{"only due soon goes out silently", friday,
			[]models.Dossier{tuesday}, want{ok: true, soon: []string{"T3"}, silent: true}},
		{"apology alone rings", friday,
			[]models.Dossier{monday}, want{ok: true, apology: []string{"T2"}}},
		{"apology on Friday for Monday, across the weekend, not for Tuesday", friday,
			[]models.Dossier{monday, tuesday}, want{ok: true, apology: []string{"T2"}, soon: []string{"T3"}}},
		{"apology on Tuesday for Thursday, across the holiday", at(12, 1, 7, 30),
			[]models.Dossier{thursday}, want{ok: true, apology: []string{"T5"}}},
		{"overdue still listed on Monday", at(11, 30, 7, 30),
			[]models.Dossier{overdue4}, want{ok: true, overdue: []string{"QH4"}}},
		{"dropped the day it is settled", at(11, 30, 7, 30),
			[]models.Dossier{func() models.Dossier {
				d := overdue4
				d.Status, d.FinishedAt = models.StatusFinished, at(11, 27, 16, 0)
				return d
			}()}, want{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := Plan(r, tc.now, "CB1", tc.in)
			if ok != tc.want.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.want.ok, d)
			}
			if !ok {
				return
			}
			for _, c := range []struct {
				name      string
				got, want []string
			}{{"overdue", codes(d.Overdue), tc.want.overdue}, {"due today", codes(d.DueToday), tc.want.dueToday},
				{"apology", codes(d.Apology), tc.want.apology}, {"due soon", codes(d.DueSoon), tc.want.soon}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if d.Silent != tc.want.silent {
				t.Errorf("Silent = %v, want %v", d.Silent, tc.want.silent)
			}
			if d.OfficerCode != "CB1" || d.Day != models.DateOf(tc.now, loc) {
				t.Errorf("officer %q day %v", d.OfficerCode, d.Day)
			}
		})
	}
}

func TestPlanOverdueEveryDay(t *testing.T) {
	r := testRules()
	in := []models.Dossier{dossier("QH", endOf(11, 26), models.StatusProcessing)}
	// Fri 27/11: 1; Mon 30/11: 2; Tue 1/12: 3; Thu 3/12 (after the holiday): 4.
	for i, day := range []time.Time{at(11, 27, 7, 0), at(11, 30, 7, 0), at(12, 1, 7, 0), at(12, 3, 7, 0)} {
		d, ok := Plan(r, day, "CB1", in)
		if !ok || len(d.Overdue) != 1 {
			t.Fatalf("%v: ok=%v overdue=%v", day, ok, codes(d.Overdue))
		}
		if got := d.Overdue[0].Class.WorkingDaysOverdue; got != i+1 {
			t.Errorf("%v: %d working days overdue, want %d", day, got, i+1)
		}
	}
}

func TestPlanKeepsApplicantAndMarksApology(t *testing.T) {
	d, _ := Plan(testRules(), friday, "CB1", []models.Dossier{dossier("HN", endOf(11, 27), models.StatusProcessing)})
	it := d.DueToday[0]
	if !it.Class.NeedsApology || it.ApplicantName != "Trần Thị Bình" {
		t.Errorf("item = %+v", it)
	}
}

// rows builds n dossiers for each officer in order.
func rows(officers, n int) ([]string, []models.Dossier) {
	var who []string
	var ds []models.Dossier
	dues := []time.Time{endOf(11, 20), endOf(11, 27), endOf(11, 30), endOf(12, 1), endOf(12, 10)}
	for o := 0; o < officers; o++ {
		code := "CB" + strconv.Itoa(o)
		for i := 0; i < n; i++ {
			d := dossier(code+"-"+strconv.Itoa(i), dues[(o+i)%len(dues)], models.StatusProcessing)
			if o%3 == 2 {
				d.DueAt = endOf(12, 10) // nothing to say
			}
			d.HandlerCode = code
			who = append(who, code)
			ds = append(ds, d)
		}
	}
	return who, ds
}

func TestPlannerMatchesPlan(t *testing.T) {
	r := testRules()
	who, ds := rows(7, 6)
	var got []Digest
	p := NewPlanner(r, friday, func(d *Digest) error { got = append(got, d.Clone()); return nil })
	var scratch models.Dossier // rows scanned into one reused struct, as from SQL
	for i := range ds {
		scratch = ds[i]
		if err := p.Add(who[i], &scratch); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	var want []Digest
	for o := 0; o < 7; o++ {
		if d, ok := Plan(r, friday, "CB"+strconv.Itoa(o), ds[o*6:(o+1)*6]); ok {
			want = append(want, d)
		}
	}
	if len(got) != len(want) || p.Sent != len(want) || p.Rows != len(ds) {
		t.Fatalf("%d digests (Sent %d, Rows %d), want %d", len(got), p.Sent, p.Rows, len(want))
	}
	for i := range want {
		if g, w := RenderDigest(got[i], RenderOptions{}), RenderDigest(want[i], RenderOptions{}); g != w || got[i].Silent != want[i].Silent {
			t.Errorf("officer %s: planner\n%s\nPlan\n%s", want[i].OfficerCode, g, w)
		}
	}
}

func TestPlannerRejectsUngroupedRows(t *testing.T) {
	r := testRules()
	n := 0
	p := NewPlanner(r, friday, func(*Digest) error { n++; return nil })
	d := dossier("A", endOf(11, 20), models.StatusProcessing)
	for _, o := range []string{"CB1", "CB1", "CB2"} {
		if err := p.Add(o, &d); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Add("CB1", &d); err == nil {
		t.Fatal("CB1 after CB2: no error")
	}
	if err := p.Flush(); err != nil || n != 2 {
		t.Fatalf("Flush = %v, %d digests; want nil, 2 (what was good stands)", err, n)
	}
}

func TestPlannerStopsOnCallbackError(t *testing.T) {
	boom := errors.New("outbox full")
	p := NewPlanner(testRules(), friday, func(*Digest) error { return boom })
	d := dossier("A", endOf(11, 20), models.StatusProcessing)
	_ = p.Add("CB1", &d)
	if err := p.Add("CB2", &d); !errors.Is(err, boom) {
		t.Fatalf("Add = %v, want %v", err, boom)
	}
	if err := p.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush = %v", err)
	}
}

func TestKeys(t *testing.T) {
	day := models.NewDate(2026, 11, 27)
	if got := DigestKey("CB001", day); got != "digest/CB001/2026-11-27" {
		t.Errorf("DigestKey = %q", got)
	}
	if got := EscalationKey("LD01", "0123456789abcdef0123", day); got != "escalation/LD01/2026-11-27/0123456789abcdef" {
		t.Errorf("EscalationKey = %q", got)
	}
}
