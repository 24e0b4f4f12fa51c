// Package jobstest seeds a store with the sample district and chat links,
// for the tests of the jobs and of dondoc serve.
package jobstest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// ChatID is the Telegram private chat id given to the i-th officer (0-based).
func ChatID(i int) string { return strconv.Itoa(100000 + i) }

// GroupChatID is the Telegram group chat id given to the i-th root unit.
func GroupChatID(i int) string { return strconv.Itoa(-1000 - i) }

// Seed writes the sample district at now into st and links every active
// officer to a Telegram chat (ChatID) and every top-level unit to a group
// (GroupChatID). It returns the sample.
func Seed(ctx context.Context, st *store.Store, now time.Time, cal *models.Calendar) (*sample.Data, error) {
	data, err := sample.District(now, cal)
	if err != nil {
		return nil, err
	}
	if err := Load(ctx, st, data, now); err != nil {
		return nil, err
	}
	return data, nil
}

// Load writes data and the chat links.
func Load(ctx context.Context, st *store.Store, data *sample.Data, now time.Time) error {
	if err := st.UpsertUnits(ctx, data.Units); err != nil {
		return err
	}
	if err := st.UpsertOfficers(ctx, data.Officers); err != nil {
		return err
	}
	if err := st.UpsertProcedures(ctx, data.Procedures); err != nil {
		return err
	}
	for i := 0; i < len(data.Dossiers); i += 1000 {
		if err := storetest.SeedDossiers(ctx, st, data.Dossiers[i:min(i+1000, len(data.Dossiers))]); err != nil {
			return err
		}
	}
	if _, err := st.RefreshUnassigned(ctx); err != nil {
		return err
	}
	var accs []models.ChatAccount
	for i, o := range data.Officers {
		if !o.Active {
			continue
		}
		accs = append(accs, models.ChatAccount{Platform: "telegram", UserID: ChatID(i), ChatID: ChatID(i),
			OfficerCode: o.Code, Active: true, LinkedAt: now})
	}
	if err := st.UpsertChatAccounts(ctx, accs); err != nil {
		return err
	}
	var groups []models.ChatGroup
	for _, u := range data.Units {
		if u.ParentCode == "" {
			groups = append(groups, models.ChatGroup{Platform: "telegram", ChatID: GroupChatID(len(groups)),
				UnitCode: u.Code, Active: true, BoundAt: now})
		}
	}
	if len(groups) == 0 {
		return fmt.Errorf("jobstest: the sample has no top-level unit")
	}
	return st.UpsertChatGroups(ctx, groups)
}
