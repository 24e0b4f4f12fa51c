package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/jobs/jobstest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// The leader of a commune formed on 1/7/2025 is escalated the overdue
// dossiers still in the codes of the communes merged into it, and so is
// its group, on SQLite and Postgres; the weekly summary counts them.
func TestEscalationFollowsSuccessors(t *testing.T) {
	m := storetest.NewMerger()
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		m.Load(t, s)
		var accs []models.ChatAccount
		for i, c := range []string{"lx1", "lx2", "ls"} {
			accs = append(accs, models.ChatAccount{Platform: "telegram", UserID: jobstest.ChatID(i), ChatID: jobstest.ChatID(i),
				OfficerCode: c, Active: true, LinkedAt: day1})
		}
		must(t, s.UpsertChatAccounts(ctx, accs))
		must(t, s.UpsertChatGroups(ctx, []models.ChatGroup{{Platform: "telegram", ChatID: "-100771", UnitCode: "X1", Active: true, BoundAt: day1}}))
		d := newDeps(s)
		d.EscalateToGroups = true
		// The leaders of X1 and X2 and X1's group; the Sở has nothing overdue.
		escalate(ctx, t, d, 3, "3")
		es, err := s.Outbox().Entries(ctx, "escalat")
		must(t, err)
		byChat := map[string]string{}
		for _, e := range es {
			byChat[e.Message.ChatID] = e.Message.Text
		}
		for chat, want := range map[string][2]string{
			jobstest.ChatID(0): {"XA-2", "XC-1"}, // X1's leader: its predecessor XA, not XC
			jobstest.ChatID(1): {"XC-1", "XA-2"}, // X2's leader
			"-100771":          {"XA-2", "XC-1"}, // X1's group
		} {
			text := byChat[chat]
			if !strings.Contains(text, want[0]) || strings.Contains(text, want[1]) {
				t.Errorf("escalation to %s: want %s and not %s:\n%s", chat, want[0], want[1], text)
			}
		}
		if _, ok := byChat[jobstest.ChatID(2)]; ok {
			t.Errorf("the Sở's leader got an escalation: %s", byChat[jobstest.ChatID(2)])
		}

		n, err := d.RunWeekly(ctx, weeklyPeriod(t, d))
		must(t, err)
		ws, err := s.Outbox().Entries(ctx, "weekly/")
		must(t, err)
		if n != 1 || len(ws) != 1 || !strings.Contains(ws[0].Message.Text, "Quá hạn: <b>1</b>") {
			t.Fatalf("weekly to X1's group: %d %+v", n, ws)
		}
	})
}
