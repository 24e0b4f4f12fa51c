package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store/storetest"
)

// TestDispatcherFollowsMigrationAndKick: a group that became a supergroup
// is followed (binding and message moved); a group that kicked the bot is
// marked inactive and its message kept as failed with the reason.
func TestDispatcherFollowsMigrationAndKick(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "x.db")}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: discardLogger()}
	now := time.Now()
	if err := st.UpsertChatGroups(ctx, []models.ChatGroup{
		{Platform: "telegram", ChatID: "-1", UnitCode: "U1", Active: true, BoundAt: now},
		{Platform: "telegram", ChatID: "-2", UnitCode: "U2", Active: true, BoundAt: now},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Outbox().Enqueue(ctx, []notify.Entry{
		{Key: "weekly/-1", Job: "weekly", Message: notify.Message{Platform: "telegram", ChatID: "-1", Text: "Tổng hợp tuần"}},
		{Key: "weekly/-2", Job: "weekly", Message: notify.Message{Platform: "telegram", ChatID: "-2", Text: "Tổng hợp tuần"}},
	}); err != nil {
		t.Fatal(err)
	}
	fake := tgfake.New(tgfake.Options{Limits: true})
	defer fake.Close()
	fake.FailNext("sendMessage", 1, tgfake.Migrated(-1001))
	fake.FailNext("sendMessage", 1, tgfake.Kicked())
	tg, err := telegram.New(ctx, telegram.Config{Token: fake.Token(), Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := newDispatcher(a, st, map[string]notify.Channel{"telegram": tg})
	if err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	go disp.Run(dctx)
	if _, err := fake.WaitSent(15*time.Second, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if c, _ := st.OutboxCounts(ctx); c[notify.StatusPending] == 0 {
			break
		}
	}
	groups, err := st.ChatGroups(ctx, "telegram")
	if err != nil {
		t.Fatal(err)
	}
	es, _ := st.Outbox().Entries(ctx, "weekly/")
	sent := fake.SentBy("sendMessage")
	if len(groups) != 1 || groups[0].ChatID != "-1001" || len(sent) != 1 || sent[0].ChatID != "-1001" {
		t.Fatalf("groups %+v, sent %+v; want the migrated group only, delivered to -1001", groups, sent)
	}
	var failed int
	for _, e := range es {
		if e.Status == notify.StatusFailed && e.LastError != "" {
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("entries %+v; want the kicked group's kept as failed with its reason", es)
	}
}
