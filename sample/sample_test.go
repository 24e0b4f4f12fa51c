package sample

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dondoc/dondoc/models"
)

var (
	testLoc = time.FixedZone("ICT", 7*3600)
	// A Friday, mid-morning: a working day, so something is due today.
	testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, testLoc)
	testCal = models.NewCalendar(models.CalendarConfig{Location: testLoc})
)

func district(t *testing.T) *Data {
	t.Helper()
	d, err := District(testNow, testCal)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDistrictRecordsAreValid(t *testing.T) {
	d := district(t)
	if len(d.Dossiers) != DefaultDossiers {
		t.Fatalf("got %d dossiers, want %d", len(d.Dossiers), DefaultDossiers)
	}
	for i := range d.Units {
		if err := d.Units[i].Validate(); err != nil {
			t.Error(err)
		}
	}
	for i := range d.Officers {
		if err := d.Officers[i].Validate(); err != nil {
			t.Error(err)
		}
	}
	codes := map[string]int{}
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		if err := x.Validate(); err != nil {
			t.Error(err)
		}
		if x.ReceivedAt.After(testNow) {
			t.Errorf("%s received %v, after now", x.Code, x.ReceivedAt)
		}
		for _, tm := range []time.Time{x.FinishedAt, x.SystemFinishedAt, x.ReturnedAt} {
			if tm.After(testNow) {
				t.Errorf("%s has an instant %v after now", x.Code, tm)
			}
		}
		if x.Status.IsOpen() != x.FinishedAt.IsZero() {
			t.Errorf("%s: status %v with finished_at %v", x.Code, x.Status, x.FinishedAt)
		}
		if x.ReceivedAt.Location() != time.UTC || x.DueAt.Location() != time.UTC {
			t.Errorf("%s: instants not in UTC", x.Code)
		}
		for _, iv := range x.Supplements {
			if !iv.Start.After(x.ReceivedAt) || (!iv.End.IsZero() && !iv.End.After(iv.Start)) {
				t.Errorf("%s: bad supplement interval %+v", x.Code, iv)
			}
			if end := x.EndAt(); !end.IsZero() && (iv.End.IsZero() || iv.End.After(end)) {
				t.Errorf("%s: supplement %+v still running after the end %v", x.Code, iv, end)
			}
		}
		codes[x.Code] = i
	}
	if len(codes) != len(d.Dossiers) {
		t.Errorf("%d distinct dossier codes for %d dossiers", len(codes), len(d.Dossiers))
	}
	prev := map[string]int{}
	for i := range d.Steps {
		s := &d.Steps[i]
		if err := s.Validate(); err != nil {
			t.Error(err)
		}
		if _, ok := codes[s.DossierCode]; !ok {
			t.Errorf("step %d belongs to unknown dossier %q", s.Seq, s.DossierCode)
		}
		if s.Seq != prev[s.DossierCode]+1 {
			t.Errorf("%s: step %d follows step %d", s.DossierCode, s.Seq, prev[s.DossierCode])
		}
		prev[s.DossierCode] = s.Seq
		if !s.FinishedAt.IsZero() && s.FinishedAt.Before(s.StartedAt) {
			t.Errorf("%s step %d finished before it started", s.DossierCode, s.Seq)
		}
	}
}

func TestUnitTree(t *testing.T) {
	d := district(t)
	units := map[string]models.Unit{}
	for _, u := range d.Units {
		if _, dup := units[u.Code]; dup {
			t.Errorf("unit %s twice", u.Code)
		}
		if u.ParentCode != "" {
			if _, ok := units[u.ParentCode]; !ok {
				t.Errorf("unit %s comes before its parent %s, or the parent is missing", u.Code, u.ParentCode)
			}
		}
		units[u.Code] = u
	}
	for code := range units {
		seen := map[string]bool{}
		for c := code; c != ""; c = units[c].ParentCode {
			if seen[c] {
				t.Fatalf("cycle through %s", c)
			}
			seen[c] = true
		}
	}
	merged := 0
	for _, u := range units {
		if u.SuccessorCode == "" {
			continue
		}
		s, ok := units[u.SuccessorCode]
		if !ok {
			t.Errorf("%s: successor %s missing", u.Code, u.SuccessorCode)
			continue
		}
		// The Sở merged on 1 March 2025, the communes on 1 July 2025: the
		// successor exists on the day after the unit's last.
		if (u.ValidTo != models.NewDate(2025, 6, 30) && u.ValidTo != models.NewDate(2025, 2, 28)) || !s.ValidOn(u.ValidTo+1) {
			t.Errorf("%s (to %s) → %s (from %s): not a 2025 merger", u.Code, u.ValidTo, s.Code, s.ValidFrom)
		}
		if u.Level == models.LevelCommune || u.Level == models.LevelTownship {
			merged++
		}
	}
	if merged != 12 {
		t.Errorf("%d old communes merged, want 12 (three into each of four)", merged)
	}
	// Nothing of 2026 is a district, a thị trấn or a room named after one.
	today := models.DateOf(testNow, testLoc)
	for _, u := range units {
		if u.ValidOn(today) && (u.Level == models.LevelDistrict || u.Level == models.LevelTownship ||
			strings.Contains(u.Name, "huyện") || strings.Contains(u.Name, "thị trấn") || strings.Contains(u.Name, "Thương binh")) {
			t.Errorf("%s %q is current in 2026", u.Code, u.Name)
		}
	}
	officersOf := map[string]int{}
	roles := map[models.Role]int{}
	for _, o := range d.Officers {
		if _, ok := units[o.UnitCode]; !ok {
			t.Errorf("officer %s in unknown unit %s", o.Code, o.UnitCode)
		}
		officersOf[o.UnitCode]++
		roles[o.Role]++
	}
	for _, r := range []models.Role{models.RoleOfficer, models.RoleLeader, models.RoleSecretariat, models.RoleAdmin} {
		if roles[r] == 0 {
			t.Errorf("no officer with role %s", r)
		}
	}
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		u, ok := units[x.UnitCode]
		if !ok {
			t.Fatalf("%s in unknown unit %s", x.Code, x.UnitCode)
		}
		if !u.ValidOn(models.DateOf(x.ReceivedAt, testLoc)) {
			t.Errorf("%s received by %s outside its validity", x.Code, u.Code)
		}
	}
}

// classify is the test's own reading of domain.md's classes.
func classify(x *models.Dossier, now time.Time) string {
	today := models.DateOf(now, testLoc)
	switch {
	case x.Status.IsFinished():
		switch {
		case x.FinishedAt.After(x.DueAt):
			return "late"
		case x.SystemFinishedAt.After(x.DueAt):
			return "late_on_system"
		case models.DateOf(x.FinishedAt, testLoc) < models.DateOf(x.DueAt, testLoc):
			return "early"
		}
		return "on_time"
	case x.Status.IsEndedWithoutResult():
		return "ended"
	case x.Status.IsPaused():
		return "paused"
	}
	due := models.DateOf(x.DueAt, testLoc)
	switch {
	case now.After(x.DueAt):
		return "overdue"
	case due == today:
		return "due_today"
	case due <= testCal.AddWorkingDays(today, 2):
		return "due_soon"
	}
	return "in_time"
}

func TestDistrictMix(t *testing.T) {
	d := district(t)
	n := map[string]int{}
	known := map[string]bool{}
	for _, o := range d.Officers {
		known[o.Code] = true
	}
	twice, unassigned, online, postal := 0, 0, 0, 0
	fields := map[string]int{}
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		n[classify(x, testNow)]++
		if x.SupplementRequests() >= 2 {
			twice++
		}
		if !known[x.HandlerCode] {
			unassigned++
		}
		switch x.Channel {
		case models.ChannelOnline:
			online++
		case models.ChannelPostal:
			postal++
		}
		fields[x.Field]++
	}
	t.Logf("classes %v, two requests %d, unassigned %d, online %d, postal %d", n, twice, unassigned, online, postal)
	finished := n["early"] + n["on_time"] + n["late"] + n["late_on_system"]
	share := func(k string) float64 { return float64(n[k]) / float64(finished) }
	if s := share("late"); s < 0.03 || s > 0.12 {
		t.Errorf("late share %.3f, want 3–12%%", s)
	}
	if s := share("late_on_system"); s < 0.01 || s > 0.05 {
		t.Errorf("late-on-system share %.3f, want 1–5%%", s)
	}
	if s := share("early") + share("on_time"); s < 0.80 {
		t.Errorf("early or on time %.3f, want most", s)
	}
	for _, k := range []string{"overdue", "due_today", "due_soon", "in_time", "paused", "ended", "late_on_system", "early", "on_time"} {
		if n[k] == 0 {
			t.Errorf("no dossier in class %s", k)
		}
	}
	if twice == 0 {
		t.Error("no dossier with two requests for papers")
	}
	if unassigned == 0 {
		t.Error("no dossier with an unknown handler")
	}
	if online < len(d.Dossiers)/5 || postal == 0 {
		t.Errorf("channel mix: %d online, %d postal of %d", online, postal, len(d.Dossiers))
	}
	// A province slice: the communes' hộ tịch and chứng thực are the bulk,
	// the Sở's fields the rest.
	if fields["Chứng thực"]+fields["Hộ tịch"] < len(d.Dossiers)*2/5 || fields["Đất đai"] == 0 || fields["Lý lịch tư pháp"] == 0 {
		t.Errorf("field mix %v: communes' hộ tịch and chứng thực should dominate", fields)
	}
	withSteps := map[string]bool{}
	late := 0
	for _, s := range d.Steps {
		withSteps[s.DossierCode] = true
		end := s.FinishedAt
		if end.IsZero() {
			end = testNow
		}
		if end.After(s.DueAt) {
			late++
		}
	}
	if late == 0 {
		t.Error("no late step")
	}
	limit := map[string]int{}
	for _, p := range d.Procedures {
		limit[p.Code] = p.LimitDays
	}
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		if x.Status == models.StatusRejected {
			continue
		}
		if multi := limit[x.ProcedureCode] > 0; multi != withSteps[x.Code] && x.ReceivedAt.Before(testNow.Add(-24*time.Hour)) {
			t.Errorf("dossier %s of a %d-day procedure: steps %v", x.Code, limit[x.ProcedureCode], withSteps[x.Code])
		}
	}
}

func TestReceivedInOfficeHoursMostly(t *testing.T) {
	d := district(t)
	off := 0
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		lt := x.ReceivedAt.In(testLoc)
		working := testCal.IsWorkingDay(models.DateOf(lt, testLoc))
		h := lt.Hour()*60 + lt.Minute()
		if !working || h < 7*60+30 || h > 17*60 {
			off++
			if x.Channel != models.ChannelOnline && !x.ReceivedAt.After(testNow.Add(-3*time.Hour)) {
				t.Errorf("%s (%s) received off hours %v", x.Code, x.Channel, lt)
			}
		}
	}
	if off == 0 || off > len(d.Dossiers)/5 {
		t.Errorf("%d dossiers received off hours, want some online ones", off)
	}
	// Officers take dossiers in during office hours, even those sent at night.
	bad := 0
	for _, s := range d.Steps {
		if s.Seq != 1 || s.FinishedAt.IsZero() {
			continue
		}
		lt := s.FinishedAt.In(testLoc)
		if m := lt.Hour()*60 + lt.Minute(); !testCal.IsWorkingDay(models.DateOf(lt, testLoc)) || m < 7*60+30 || m > 18*60 {
			bad++
			t.Logf("%s: step 1 finished %v", s.DossierCode, lt)
		}
	}
	if bad > 0 {
		t.Errorf("%d reception steps finished out of office hours", bad)
	}
}

func TestTextIsNFC(t *testing.T) {
	d := district(t)
	check := func(where, s string) {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%s: %q is not NFC", where, s)
		}
	}
	for _, u := range d.Units {
		check(u.Code, u.Name)
	}
	for _, o := range d.Officers {
		check(o.Code, o.Name)
		check(o.Code, o.Position)
		if o.Code != strings.ToLower(o.Code) || strings.ContainsAny(o.Code, " đ") {
			t.Errorf("officer code %q is not an ASCII account name", o.Code)
		}
	}
	for _, p := range d.Procedures {
		check(p.Code, p.Name)
		check(p.Code, p.Field)
	}
	for i := range d.Dossiers {
		check(d.Dossiers[i].Code, d.Dossiers[i].ApplicantName)
	}
	for _, s := range stepNames {
		check("step", s)
	}
	for _, h := range [][]string{UnitHeader, OfficerHeader, DossierHeader, StepHeader} {
		for _, s := range h {
			check("header", s)
		}
	}
}

func TestDeterministicInMemory(t *testing.T) {
	a, b := district(t), district(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	c := &Data{}
	if err := Generate(Config{Seed: DistrictSeed + 1, Now: testNow, Calendar: testCal}, c); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Dossiers, c.Dossiers) {
		t.Fatal("another seed gives the same dossiers")
	}
}

func TestProvince(t *testing.T) {
	d := &Data{}
	cfg := Config{Seed: 7, Now: testNow, Calendar: testCal, Dossiers: 20_000, Officers: 3000, Units: 40, Months: 6}
	if err := Generate(cfg, d); err != nil {
		t.Fatal(err)
	}
	if len(d.Officers) != 3000 || len(d.Dossiers) != 20_000 {
		t.Errorf("%d officers, %d dossiers", len(d.Officers), len(d.Dossiers))
	}
	communes, districts, depts := 0, 0, 0
	for _, u := range d.Units {
		switch u.Level {
		case models.LevelCommune, models.LevelWard, models.LevelSpecialZone:
			if u.ValidTo == models.NoDate {
				communes++
			}
		case "huyen":
			districts++
		case "so":
			depts++
		}
	}
	if d.Units[0].Code != "T01" || communes != 40 || districts != 4 || depts < 14 {
		t.Errorf("root %s, %d communes, %d old districts, %d departments", d.Units[0].Code, communes, districts, depts)
	}
	seen := map[string]bool{}
	for _, o := range d.Officers {
		if seen[o.Code] {
			t.Errorf("officer code %s twice", o.Code)
		}
		seen[o.Code] = true
	}
	byUnit := map[string]int{}
	for i := range d.Dossiers {
		byUnit[d.Dossiers[i].UnitCode]++
	}
	if byUnit["T01.SNNMT.VPDK"] == 0 || byUnit["T01.SYT"] == 0 || byUnit["X40.VP"] == 0 || byUnit["H04.X01"] == 0 {
		t.Errorf("departments, communes and every old district should receive dossiers: %v", byUnit)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Now: testNow, Dossiers: -1},
		{Now: testNow, Months: -2},
		{Now: testNow, Officers: -3},
	} {
		if err := Generate(cfg, &Data{}); err == nil {
			t.Errorf("Generate(%+v) accepted a bad config", cfg)
		}
	}
}

type countSink struct{ dossiers, steps int }

func (c *countSink) Unit(models.Unit) error           { return nil }
func (c *countSink) Officer(models.Officer) error     { return nil }
func (c *countSink) Procedure(models.Procedure) error { return nil }
func (c *countSink) Dossier(*models.Dossier) error    { c.dossiers++; return nil }
func (c *countSink) Step(models.Step) error           { c.steps++; return nil }

// BenchmarkGenerate streams a province of 200 000 dossiers per iteration;
// run it with -benchtime=1x.
func BenchmarkGenerate(b *testing.B) {
	const n = 200_000
	cfg := Config{Seed: 1, Now: testNow, Calendar: testCal, Dossiers: n, Officers: 20_000, Months: 12}
	start := time.Now()
	for b.Loop() {
		if err := Generate(cfg, &countSink{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "dossiers/s")
}

// A history across 1 July 2025: the old communes receive dossiers until
// 30 June, the merged one from 1 July, and nobody outside their validity;
// seen from December 2026, the months before the reform are kept and a
// couple of their dossiers are still open in the old units' codes.
func TestMergerHistory(t *testing.T) {
	now := time.Date(2025, 8, 15, 10, 0, 0, 0, testLoc)
	d, err := District(now, testCal)
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]models.Unit{}
	for _, u := range d.Units {
		units[u.Code] = u
	}
	old, merged := 0, 0
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		u := units[x.UnitCode]
		if !u.ValidOn(models.DateOf(x.ReceivedAt, testLoc)) {
			t.Errorf("%s received by %s outside its validity", x.Code, u.Code)
		}
		switch {
		case u.SuccessorCode != "":
			old++
		case u.ValidFrom == models.NewDate(2025, 7, 1):
			merged++
		}
	}
	if old == 0 || merged == 0 {
		t.Errorf("%d dossiers in the old communes, %d in the merged one; want both", old, merged)
	}
	d = district(t)
	units = map[string]models.Unit{}
	for _, u := range d.Units {
		units[u.Code] = u
	}
	before, open := 0, 0
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		if u := units[x.UnitCode]; u.ValidTo != models.NoDate {
			before++
			if x.Status.IsOpen() {
				open++
			}
		}
	}
	if before < 200 || open == 0 {
		t.Errorf("%d dossiers of ended units (%d still open); want the months before the reform", before, open)
	}
	// Seen from December 2026, the demo carries a couple of dossiers open
	// since before the reform, not dozens: the others were finished.
	demo, err := Demo(time.Date(2026, 12, 1, 10, 0, 0, 0, testLoc), testCal)
	if err != nil {
		t.Fatal(err)
	}
	stuck := 0
	for i := range demo.Dossiers {
		x := &demo.Dossiers[i]
		if x.Status.IsOpen() && models.DateOf(x.ReceivedAt, testLoc) <= mergeLastDay {
			stuck++
		}
	}
	if stuck == 0 || stuck > maxStuck {
		t.Errorf("demo: %d dossiers open since before the reform, want 1 to %d", stuck, maxStuck)
	}
}

func TestProceduresAreTheOnesUsed(t *testing.T) {
	d := district(t)
	byCode := map[string]models.Procedure{}
	for _, p := range d.Procedures {
		byCode[p.Code] = p
	}
	used := map[string]bool{}
	for i := range d.Dossiers {
		x := &d.Dossiers[i]
		p, ok := byCode[x.ProcedureCode]
		if !ok || p.Name != x.ProcedureName || p.Field != x.Field {
			t.Fatalf("%s: procedure %s %q not among the procedures", x.Code, x.ProcedureCode, x.ProcedureName)
		}
		used[p.Code] = true
	}
	for code := range byCode {
		if !used[code] {
			t.Errorf("procedure %s listed but never used in the district", code)
		}
	}
	for _, want := range []struct {
		name  string
		limit int
	}{{"Đăng ký khai sinh", 0}, {"Đăng ký thành lập hộ kinh doanh", 3}, {"Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", 15}} {
		found := false
		for _, p := range d.Procedures {
			if p.Name == want.name {
				found = p.LimitDays == want.limit
			}
		}
		if !found {
			t.Errorf("procedure %q with a limit of %d working days missing", want.name, want.limit)
		}
	}
}
