package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

var countRE = regexp.MustCompile(`Có <b>(\d+)</b> hồ sơ quá hạn`)

// The leader of the commune formed on 1/7/2025 that took over an overdue
// dossier of an old commune sees, in private and in the commune's group,
// every open dossier still in the code of a unit merged into it (the old
// communes, the district's rooms), on SQLite and Postgres.
func TestSuccessorLeaderSeesPredecessors(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// The sample keeps a couple of dossiers open since before the
		// reform (sample.maxStuck): the root is the unit of today whose
		// leader inherited one.
		root := ""
		for i := range e.data.Dossiers {
			d := &e.data.Dossiers[i]
			if e.rules.Classify(d, e.now).Class != models.ClassOverdue {
				continue
			}
			for _, o := range e.data.Officers {
				if o.Role == models.RoleLeader && o.Active && e.tree.Covers(o.UnitCode, d.UnitCode) &&
					!e.tree.Contains(o.UnitCode, d.UnitCode) && (root == "" || o.UnitCode < root) {
					root = o.UnitCode
				}
			}
		}
		var leader string
		for _, o := range e.data.Officers {
			if o.UnitCode == root && o.Role == models.RoleLeader && (leader == "" || o.Code < leader) {
				leader = o.Code
			}
		}
		// Expected: the overdue dossiers the scope covers, and those of
		// its predecessors by unit.
		want, old := 0, map[string][]string{}
		for i := range e.data.Dossiers {
			d := &e.data.Dossiers[i]
			if !e.tree.Covers(root, d.UnitCode) || e.rules.Classify(d, e.now).Class != models.ClassOverdue {
				continue
			}
			want++
			if !e.tree.Contains(root, d.UnitCode) {
				old[d.UnitCode] = append(old[d.UnitCode], d.Code)
			}
		}
		if len(old) == 0 {
			t.Fatal("the sample has no overdue dossier of a unit merged into a unit of today")
		}
		// One more open dossier in a predecessor's code, not overdue but due
		// tomorrow: /sapden must list it too.
		var oldUnit, oldHandler string
		for unit, codes := range old {
			if oldUnit == "" || unit < oldUnit {
				oldUnit = unit
				for i := range e.data.Dossiers {
					if e.data.Dossiers[i].Code == codes[0] {
						oldHandler = e.data.Dossiers[i].HandlerCode
					}
				}
			}
		}
		loc := e.rules.Cal.Location()
		tomorrow := e.rules.Cal.AddWorkingDays(e.rules.Cal.Today(e.now), 1)
		const dueSoon = "CU-SAPDEN-1"
		if err := storetest.SeedDossiers(context.Background(), st, []models.Dossier{{Code: dueSoon, ProcedureCode: "1.001",
			ProcedureName: "Thủ tục thử", UnitCode: oldUnit, HandlerCode: oldHandler, Status: models.StatusProcessing,
			ReceivedAt: time.Date(2025, 6, 20, 9, 0, 0, 0, loc).UTC(), DueAt: tomorrow.End(loc).UTC()}}); err != nil {
			t.Fatal(err)
		}
		if r := e.link(uLeader, leader); !strings.Contains(r.Text, "Xin chào") {
			t.Fatalf("link: %q", r.Text)
		}
		count := func(text string) int {
			m := countRE.FindStringSubmatch(text)
			if m == nil {
				return 0
			}
			var n int
			fmt.Sscan(m[1], &n)
			return n
		}
		if got := count(e.say(uLeader, uLeader, "/quahan").Text); got != want {
			t.Errorf("/quahan of %s's leader: %d overdue, want %d", root, got, want)
		}
		if r := e.say(uLeader, uLeader, "/sapden"); !strings.Contains(r.Text, dueSoon) {
			t.Errorf("/sapden of %s's leader lacks %s of %s:\n%s", root, dueSoon, oldUnit, r.Text)
		}
		for unit, codes := range old {
			r := e.say(uLeader, uLeader, "/quahan "+unit)
			for _, c := range codes {
				if !strings.Contains(r.Text, c) {
					t.Errorf("/quahan %s lacks %s:\n%s", unit, c, r.Text)
				}
			}
			r = e.say(uLeader, uLeader, "/tra "+codes[0])
			if !strings.Contains(r.Text, "nay: ") || strings.Contains(r.Text, "Không tìm thấy") {
				t.Errorf("/tra %s:\n%s", codes[0], r.Text)
			}
		}
		// The phường's group.
		r := e.say(uSecretariat, uSecretariat, "/maketnoi donvi "+root)
		if m := lienketRE.FindStringSubmatch(r.Text); m == nil {
			// The secretariat must be linked first.
			var sec string
			for _, o := range e.data.Officers {
				if o.Role == models.RoleSecretariat && o.Active {
					sec = o.Code
					break
				}
			}
			e.link(uSecretariat, sec)
			r = e.say(uSecretariat, uSecretariat, "/maketnoi donvi "+root)
		}
		m := lienketRE.FindStringSubmatch(r.Text)
		if m == nil {
			t.Fatalf("/maketnoi donvi: %q", r.Text)
		}
		e.say(group, uSecretariat, "/lienket "+m[1])
		if got := count(e.say(group, uLeader, "/quahan").Text); got != want {
			t.Errorf("/quahan in %s's group: %d overdue, want %d", root, got, want)
		}
		for _, codes := range old {
			if r := e.say(group, uLeader, "/tra "+codes[0]); strings.Contains(r.Text, "Không tìm thấy") {
				t.Errorf("group /tra %s: %s", codes[0], r.Text)
			}
		}
		if r := e.say(group, uLeader, "/sapden"); !strings.Contains(r.Text, dueSoon) {
			t.Errorf("/sapden in %s's group lacks %s:\n%s", root, dueSoon, r.Text)
		}
		// Another commune's leader does not see them.
		other := ""
		ru, _ := e.tree.Get(root)
		for _, o := range e.data.Officers {
			u, ok := e.tree.Get(o.UnitCode)
			if !ok || o.Role != models.RoleLeader || !o.Active || u.Level != ru.Level || !u.ValidOn(e.rules.Cal.Today(e.now)) ||
				e.tree.Covers(o.UnitCode, root) || e.tree.Covers(root, o.UnitCode) {
				continue
			}
			e.link(uOther, o.Code)
			other = o.UnitCode
			break
		}
		if other == "" {
			t.Fatal("no other commune's leader in the sample")
		}
		for _, codes := range old {
			if r := e.say(uOther, uOther, "/tra "+codes[0]); !strings.Contains(r.Text, "Không tìm thấy") {
				t.Errorf("%s's leader sees %s:\n%s", other, codes[0], r.Text)
			}
		}
		if r := e.say(uOther, uOther, "/sapden"); strings.Contains(r.Text, dueSoon) {
			t.Errorf("%s's leader sees %s in /sapden:\n%s", other, dueSoon, r.Text)
		}
	})
}
