package email_test

import (
	"context"
	"testing"

	"github.com/dondoc/dondoc/bot/email"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// E-mail is the fallback of officers without a working chat: an account
// appears for them, goes on standby when they link a chat, comes back when
// that chat fails, and an address refused for good is not retried until
// the import brings another one.
func TestSyncAccounts(t *testing.T) {
	storetest.ForEach(t, testSyncAccounts)
}

func testSyncAccounts(t *testing.T, st *store.Store) {
	ctx := context.Background()
	if err := st.UpsertUnits(ctx, []models.Unit{{Code: "P1", Name: "Phòng Một"}}); err != nil {
		t.Fatal(err)
	}
	officers := []models.Officer{
		{Code: "CB1", Name: "Nguyễn Văn An", UnitCode: "P1", Role: models.RoleOfficer, Email: "an@camhoa.gov.vn", Active: true},
		{Code: "CB2", Name: "Trần Thị Bình", UnitCode: "P1", Role: models.RoleOfficer, Email: "binh@camhoa.gov.vn", Active: true},
		{Code: "CB3", Name: "Lê Văn Cường", UnitCode: "P1", Role: models.RoleOfficer, Email: "", Active: true},
		{Code: "CB4", Name: "Phạm Thị Dung", UnitCode: "P1", Role: models.RoleOfficer, Email: "không phải địa chỉ", Active: true},
	}
	if err := st.UpsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo", UserID: "z2", ChatID: "z2", OfficerCode: "CB2", Active: true, LinkedAt: now}}); err != nil {
		t.Fatal(err)
	}
	emailOf := func() map[string]string {
		t.Helper()
		accs, err := st.ActiveAccounts(ctx, email.Platform)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range accs {
			out[a.OfficerCode] = a.ChatID
		}
		return out
	}
	sync := func(want int) {
		t.Helper()
		n, err := email.SyncAccounts(ctx, st, now)
		if err != nil || n != want {
			t.Fatalf("SyncAccounts = %d, %v; want %d changes", n, err, want)
		}
	}
	sync(1)
	if got := emailOf(); len(got) != 1 || got["CB1"] != "an@camhoa.gov.vn" {
		t.Fatalf("after the first sync: %v; want CB1 alone (CB2 has Zalo, CB3 and CB4 no address)", got)
	}
	sync(0)

	// CB2's Zalo chat fails: e-mail takes over; CB1 links Zalo: standby.
	if _, err := st.MarkChatInactive(ctx, "zalo", "z2", "404 invalid request", now); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertChatAccounts(ctx, []models.ChatAccount{{Platform: "zalo", UserID: "z1", ChatID: "z1", OfficerCode: "CB1", Active: true, LinkedAt: now}}); err != nil {
		t.Fatal(err)
	}
	sync(2)
	if got := emailOf(); len(got) != 1 || got["CB2"] != "binh@camhoa.gov.vn" {
		t.Fatalf("after the chat changes: %v; want CB2 alone", got)
	}
	links, err := st.InactiveLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.OfficerCode == "CB1" {
			t.Errorf("CB1's e-mail on standby is reported as a lost link: %+v", l)
		}
	}

	// The mail server refuses CB2's address for good: not retried...
	if _, err := st.MarkChatInactive(ctx, email.Platform, "binh@camhoa.gov.vn", "refused: 550 No such user", now); err != nil {
		t.Fatal(err)
	}
	sync(0)
	if got := emailOf(); len(got) != 0 {
		t.Fatalf("a refused address came back: %v", got)
	}
	// ... until the import brings another address.
	officers[1].Email = "binh.tt@camhoa.gov.vn"
	if err := st.UpsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	sync(1)
	if got := emailOf(); got["CB2"] != "binh.tt@camhoa.gov.vn" {
		t.Fatalf("after the new address: %v", got)
	}
}
