package store_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// chatFixture: T ⊃ P1 ⊃ X1, T ⊃ P2; an officer in P1, a leader of P1, a
// secretariat at T.
func chatFixture(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := s.UpsertUnits(ctx, []models.Unit{{Code: "T", Name: "UBND huyện"}, {Code: "P1", Name: "Phòng Một", ParentCode: "T"},
		{Code: "X1", Name: "Tổ Một", ParentCode: "P1"}, {Code: "P2", Name: "Phòng Hai", ParentCode: "T"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertOfficers(ctx, []models.Officer{
		{Code: "cb1", Name: "Nguyễn Văn An", UnitCode: "P1", Role: models.RoleOfficer, Active: true},
		{Code: "ld1", Name: "Trần Thị Bình", UnitCode: "P1", Role: models.RoleLeader, Active: true},
		{Code: "vp1", Name: "Lê Văn Cường", UnitCode: "T", Role: models.RoleSecretariat, Active: true},
		{Code: "old", Name: "Đã Nghỉ", UnitCode: "P1", Role: models.RoleOfficer, Active: false},
	}); err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestLinkCodes(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		chatFixture(t, s)
		now := at(2026, 11, 27, 9, 0)
		dir := s.ChatDirectory(time.Minute)
		mk := func(officer string, at time.Time) string {
			t.Helper()
			c, err := s.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: officer, CreatedBy: "vp1", Now: at})
			if err != nil {
				t.Fatal(err)
			}
			if !codeRE.MatchString(c) {
				t.Fatalf("code %q is not fit for a deep link", c)
			}
			return c
		}
		if _, err := s.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: "nobody", Now: now}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown officer: %v", err)
		}
		if _, err := s.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: "old", Now: now}); err == nil {
			t.Error("an inactive officer got a code")
		}

		code := mk("cb1", now)
		if _, err := dir.Account(ctx, "telegram", "11"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("account before linking: %v", err)
		}
		res, err := s.RedeemLinkCode(ctx, "telegram", "11", "11", code, store.LinkOfficer, now.Add(time.Hour))
		if err != nil || res.Officer.Code != "cb1" || res.Unit.Name != "Phòng Một" {
			t.Fatalf("redeem: %+v %v", res, err)
		}
		p, err := dir.Account(ctx, "telegram", "11")
		if err != nil || p.OfficerCode != "cb1" || p.Role != models.RoleOfficer || p.UnitCode != "P1" {
			t.Fatalf("account: %+v %v", p, err)
		}
		// Reused.
		if _, err := s.RedeemLinkCode(ctx, "telegram", "12", "12", code, store.LinkOfficer, now.Add(time.Hour)); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Errorf("reused code: %v", err)
		}
		// Expired.
		exp := mk("ld1", now)
		if _, err := s.RedeemLinkCode(ctx, "telegram", "13", "13", exp, store.LinkOfficer, now.Add(store.LinkCodeTTL)); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Errorf("expired code: %v", err)
		}
		// Relinking cb1 from another account revokes the first.
		res, err = s.RedeemLinkCode(ctx, "telegram", "14", "14", mk("cb1", now), store.LinkOfficer, now.Add(2*time.Hour))
		if err != nil || len(res.Revoked) != 1 || res.Revoked[0] != "11" {
			t.Fatalf("relink: %+v %v", res, err)
		}
		if _, err := dir.Account(ctx, "telegram", "11"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("old account still linked: %v", err)
		}
		// A group code is not an officer code, and is not consumed.
		g, err := s.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkGroup, UnitCode: "P1", Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RedeemLinkCode(ctx, "telegram", "15", "15", g, store.LinkOfficer, now); !errors.Is(err, store.ErrLinkCodeInvalid) {
			t.Errorf("group code in private: %v", err)
		}
		if res, err := s.RedeemLinkCode(ctx, "telegram", "14", "-100", g, store.LinkGroup, now); err != nil || res.Unit.Code != "P1" {
			t.Fatalf("bind: %+v %v", res, err)
		}
		gb, err := dir.Group(ctx, "telegram", "-100")
		if err != nil || gb.UnitCode != "P1" || gb.UnitName != "Phòng Một" {
			t.Fatalf("group: %+v %v", gb, err)
		}
		// Supergroup migration keeps the binding.
		if err := s.MigrateGroup(ctx, "telegram", "-100", "-100200"); err != nil {
			t.Fatal(err)
		}
		if _, err := dir.Group(ctx, "telegram", "-100"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("old group id still bound: %v", err)
		}
		if gb, err := dir.Group(ctx, "telegram", "-100200"); err != nil || gb.UnitCode != "P1" {
			t.Errorf("migrated group: %+v %v", gb, err)
		}
	})
}

func TestLinkFailuresRefuseAChatForAnHour(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		chatFixture(t, s)
		now := at(2026, 11, 27, 9, 0)
		good, err := s.CreateLinkCode(ctx, store.LinkCodeRequest{Kind: store.LinkOfficer, OfficerCode: "cb1", Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for i := range store.MaxLinkFailures {
			if _, err := s.RedeemLinkCode(ctx, "telegram", "7", "7", "wrong", store.LinkOfficer, now.Add(time.Duration(i)*time.Minute)); !errors.Is(err, store.ErrLinkCodeInvalid) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if _, err := s.RedeemLinkCode(ctx, "telegram", "7", "7", good, store.LinkOfficer, now.Add(10*time.Minute)); !errors.Is(err, store.ErrLinkRefused) {
			t.Fatalf("6th attempt with the right code: %v", err)
		}
		// Another chat is not affected; after an hour the chat may try again.
		if refused, _ := s.LinkRefused(ctx, "telegram", "8", now); refused {
			t.Error("another chat refused")
		}
		if _, err := s.RedeemLinkCode(ctx, "telegram", "7", "7", good, store.LinkOfficer, now.Add(65*time.Minute)); err != nil {
			t.Fatalf("after an hour: %v", err)
		}
	})
}

func TestChatDirectoryScopes(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		chatFixture(t, s)
		dir := s.ChatDirectory(time.Minute)
		tests := []struct {
			p    bot.Person
			unit string
			want bool
		}{
			{bot.Person{UnitCode: "P1", Role: models.RoleOfficer}, "P1", true},
			{bot.Person{UnitCode: "P1", Role: models.RoleOfficer}, "X1", false},
			{bot.Person{UnitCode: "P1", Role: models.RoleLeader}, "X1", true},
			{bot.Person{UnitCode: "P1", Role: models.RoleLeader}, "P2", false},
			{bot.Person{UnitCode: "P1", Role: models.RoleLeader}, "T", false},
			{bot.Person{UnitCode: "T", Role: models.RoleSecretariat}, "X1", true},
			{bot.Person{UnitCode: "T", Role: models.RoleAdmin}, "ZZ", true},
		}
		for _, tt := range tests {
			got, err := dir.InScope(ctx, tt.p, tt.unit)
			if err != nil || got != tt.want {
				t.Errorf("InScope(%s of %s, %s) = %v, %v; want %v", tt.p.Role, tt.p.UnitCode, tt.unit, got, err, tt.want)
			}
		}
	})
}

func TestOpenDossiersPagesMatchTheWholeList(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		chatFixture(t, s)
		now := at(2026, 11, 27, 9, 0)
		var ds []models.Dossier
		for i := range 40 {
			unit := []string{"P1", "X1", "P2"}[i%3]
			st := []models.Status{models.StatusRegistered, models.StatusAccepted, models.StatusProcessing, models.StatusSupplement, models.StatusFinished}[i%5]
			d := models.Dossier{Code: fmt.Sprintf("D%02d", i), UnitCode: unit, HandlerCode: "cb1", Status: st,
				ReceivedAt: now.Add(-30 * 24 * time.Hour), DueAt: now.Add(time.Duration(i%7-4) * 24 * time.Hour)}
			if st == models.StatusFinished {
				d.FinishedAt = now.Add(-time.Hour)
			}
			ds = append(ds, d)
		}
		if err := storetest.SeedDossiers(ctx, s, ds); err != nil {
			t.Fatal(err)
		}
		for _, q := range []store.OpenQuery{
			{Units: []string{"P1", "X1"}, Running: true, DueBefore: now},
			{Units: []string{"P1", "X1", "P2"}},
			{Units: []string{"P2"}, Running: true, DueFrom: now, DueBefore: now.Add(5 * 24 * time.Hour)},
		} {
			all, total, err := s.OpenDossiers(ctx, q)
			if err != nil || total != len(all) || total == 0 {
				t.Fatalf("%+v: %d of %d, %v", q, len(all), total, err)
			}
			var paged []string
			for off := 0; off < total; off += 4 {
				q.Offset, q.Limit = off, 4
				page, n, err := s.OpenDossiers(ctx, q)
				if err != nil || n != total {
					t.Fatalf("page at %d: %d, %v", off, n, err)
				}
				for _, d := range page {
					paged = append(paged, d.Code)
				}
			}
			var want []string
			for _, d := range all {
				want = append(want, d.Code)
			}
			if fmt.Sprint(paged) != fmt.Sprint(want) {
				t.Errorf("pages %v\nwhole %v", paged, want)
			}
		}
	})
}
