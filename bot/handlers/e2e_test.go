package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/store"
)

const (
	uOfficer, uLeader, uOther, uSecretariat, uAdmin, uStranger = 101, 102, 103, 104, 105, 199
	group                                                      = -1001
)

// transcript renders a conversation for a golden file.
func transcript(b *strings.Builder, cmd string, s tgfake.Sent) {
	fmt.Fprintf(b, ">>> %s\n[%s %s]\n%s\n", cmd, s.Method, s.ParseMode, s.Text)
	if s.ReplyMarkup != "" {
		fmt.Fprintf(b, "[buttons] %s\n", s.ReplyMarkup)
	}
	b.WriteString("\n")
}

func TestChatEndToEnd(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {

		t.Run("linking", func(t *testing.T) {
			// An unlinked user gets only the explanation.
			r := e.say(uStranger, uStranger, "/quahan")
			if !strings.Contains(r.Text, "chưa được liên kết") {
				t.Errorf("unlinked /quahan: %q", r.Text)
			}
			// Five wrong codes, then even the right one is refused.
			for i := range store.MaxLinkFailures {
				r := e.say(uStranger, uStranger, fmt.Sprintf("/start wrong%d", i))
				if !strings.Contains(r.Text, "không đúng") {
					t.Fatalf("wrong code %d: %q", i, r.Text)
				}
			}
			r = e.link(uStranger, p.officer.Code)
			if !strings.Contains(r.Text, "sai mã kết nối quá nhiều lần") {
				t.Errorf("6th attempt: %q", r.Text)
			}
			var b strings.Builder
			// The secretariat links through a code from the store; the
			// others through /maketnoi and the deep link it prints.
			transcript(&b, "/start <mã của văn phòng>", e.link(uSecretariat, p.secretariat.Code))
			for _, x := range []struct {
				user    int64
				officer string
			}{{uOfficer, p.officer.Code}, {uLeader, p.leader.Code}, {uOther, p.otherLeader.Code}, {uAdmin, p.admin.Code}} {
				r := e.say(uSecretariat, uSecretariat, "/maketnoi "+x.officer)
				m := startLinkRE.FindStringSubmatch(r.Text)
				if m == nil || !strings.Contains(r.Text, "https://t.me/"+e.fake.BotUsername()+"?start=") {
					t.Fatalf("/maketnoi: %q", r.Text)
				}
				w := e.say(x.user, x.user, "/start "+m[1])
				if !strings.Contains(w.Text, "Xin chào") {
					t.Fatalf("/start: %q", w.Text)
				}
				if x.user == uLeader {
					transcript(&b, "/maketnoi <mã cán bộ>", tgfake.Sent{Method: r.Method, ParseMode: r.ParseMode,
						Text: strings.ReplaceAll(r.Text, m[1], "MÃ")})
					transcript(&b, "/start MÃ", w)
				}
				// Reused.
				if r := e.say(uStranger+1, uStranger+1, "/start "+m[1]); !strings.Contains(r.Text, "không đúng") {
					t.Errorf("reused code: %q", r.Text)
				}
			}
			golden.Testdata(t, "linking.golden", b.String())

			// Expired: 72 h later the code no longer works.
			r = e.say(uSecretariat, uSecretariat, "/maketnoi "+p.officer.Code)
			code := startLinkRE.FindStringSubmatch(r.Text)[1]
			e.setNow(e.clock().Add(store.LinkCodeTTL))
			if r := e.say(uStranger+2, uStranger+2, "/start "+code); !strings.Contains(r.Text, "không đúng") {
				t.Errorf("expired code: %q", r.Text)
			}
			e.setNow(e.clock().Add(-store.LinkCodeTTL))

			// Relinking the officer from another account revokes the old one.
			r = e.say(uSecretariat, uSecretariat, "/maketnoi "+p.officer.Code)
			code = startLinkRE.FindStringSubmatch(r.Text)[1]
			if r := e.say(uStranger+3, uStranger+3, "/start "+code); !strings.Contains(r.Text, "Liên kết cũ") {
				t.Errorf("relink: %q", r.Text)
			}
			if r := e.say(uOfficer, uOfficer, "/hoso"); !strings.Contains(r.Text, "chưa được liên kết") {
				t.Errorf("old account after relink: %q", r.Text)
			}
			e.link(uOfficer, p.officer.Code) // back to the first account
		})

		roles := []struct {
			name string
			user int64
		}{{"officer", uOfficer}, {"leader", uLeader}, {"secretariat", uSecretariat}, {"admin", uAdmin}}
		for _, role := range roles {
			t.Run("private/"+role.name, func(t *testing.T) {
				var b strings.Builder
				for _, cmd := range []string{"/trogiup", "/hoso", "/quahan", "/sapden", "/sapden 0", "/tra " + p.own.Code, "/xephang", "/baocao 2026-10"} {
					r := e.say(role.user, role.user, cmd)
					if n := len([]rune(r.Text)); n > 4096 {
						t.Errorf("%s: %d characters", cmd, n)
					}
					if r.ParseMode == "HTML" {
						if msg := tgfake.CheckHTML(r.Text); msg != "" {
							t.Errorf("%s: bad HTML: %s", cmd, msg)
						}
					}
					transcript(&b, cmd, r)
				}
				golden.Testdata(t, "private_"+role.name+".golden", b.String())
			})
		}

		t.Run("applicant only for the handler in private", func(t *testing.T) {
			if r := e.say(uOfficer, uOfficer, "/tra "+p.own.Code); !strings.Contains(r.Text, p.own.ApplicantName) {
				t.Errorf("handler's /tra lacks the applicant:\n%s", r.Text)
			}
			if r := e.say(uLeader, uLeader, "/tra "+p.own.Code); strings.Contains(r.Text, "Người nộp") {
				t.Errorf("leader sees the applicant:\n%s", r.Text)
			}
			if r := e.say(uOfficer, uOfficer, "/quahan"); !strings.Contains(r.Text, p.own.ApplicantName) {
				t.Errorf("handler's /quahan lacks the applicant:\n%s", r.Text)
			}
		})

		t.Run("scope", func(t *testing.T) {
			notFound := e.say(uLeader, uLeader, "/tra KHONG-CO-HO-SO-NAY").Text
			other := e.say(uLeader, uLeader, "/tra "+p.foreign.Code).Text
			if strings.ReplaceAll(notFound, "KHONG-CO-HO-SO-NAY", "X") != strings.ReplaceAll(other, p.foreign.Code, "X") {
				t.Errorf("another unit's dossier is told apart from a missing one:\n%s\n%s", notFound, other)
			}
			if r := e.say(uLeader, uLeader, "/quahan "+p.foreign.UnitCode); !strings.Contains(r.Text, "Không tìm thấy đơn vị") {
				t.Errorf("leader /quahan of another unit: %q", r.Text)
			}
			if r := e.say(uOfficer, uOfficer, "/tra "+p.foreign.Code); !strings.Contains(r.Text, "Không tìm thấy hồ sơ") {
				t.Errorf("officer /tra of another unit: %q", r.Text)
			}
			if r := e.say(uSecretariat, uSecretariat, "/quahan "+p.foreign.UnitCode); strings.Contains(r.Text, "Không tìm thấy") {
				t.Errorf("secretariat /quahan <unit>: %q", r.Text)
			}
			if r := e.say(uOfficer, uOfficer, "/xephang"); !strings.Contains(r.Text, "không dành cho vai trò") {
				t.Errorf("officer /xephang: %q", r.Text)
			}
		})

		t.Run("group", func(t *testing.T) {
			// Unbound: only the explanation.
			if r := e.say(group, uLeader, "/quahan"); !strings.Contains(r.Text, "chưa được gắn") {
				t.Errorf("unbound group: %q", r.Text)
			}
			r := e.say(uSecretariat, uSecretariat, "/maketnoi donvi "+p.unit)
			m := lienketRE.FindStringSubmatch(r.Text)
			if m == nil {
				t.Fatalf("/maketnoi donvi: %q", r.Text)
			}
			var b strings.Builder
			transcript(&b, "/lienket MÃ", e.say(group, uSecretariat, "/lienket "+m[1]))
			r = e.say(group, uLeader, "/quahan")
			transcript(&b, "/quahan (lãnh đạo đơn vị)", r)
			if strings.Contains(r.Text, "Người nộp") || strings.Contains(r.Text, p.own.ApplicantName) {
				t.Errorf("applicant name in a group:\n%s", r.Text)
			}
			transcript(&b, "/sapden 5 (lãnh đạo đơn vị)", e.say(group, uLeader, "/sapden 5"))
			transcript(&b, "/tra (lãnh đạo đơn vị)", e.say(group, uLeader, "/tra "+p.own.Code))
			transcript(&b, "/xephang 2026-10 (lãnh đạo đơn vị)", e.say(group, uLeader, "/xephang 2026-10"))
			transcript(&b, "/baocao (văn phòng)", e.say(group, uSecretariat, "/baocao"))
			transcript(&b, "/trogiup (văn phòng)", e.say(group, uSecretariat, "/trogiup"))
			golden.Testdata(t, "group.golden", b.String())
			if r := e.say(group, uLeader, "/tra "+p.foreign.Code); !strings.Contains(r.Text, "Không tìm thấy hồ sơ") {
				t.Errorf("group /tra of another unit: %q", r.Text)
			}
			// A leader of another unit, an unlinked member: nothing at all.
			e.silent(group, uOther, "/quahan")
			e.silent(group, uStranger, "/quahan")
			// The group moved to a supergroup: the binding follows.
			if err := e.st.MigrateGroup(t.Context(), "telegram", fmt.Sprint(group), "-1009999"); err != nil {
				t.Fatal(err)
			}
			if r := e.say(-1009999, uLeader, "/quahan"); !strings.Contains(r.Text, "Hồ sơ quá hạn") {
				t.Errorf("migrated group: %q", r.Text)
			}
		})

		t.Run("paging", func(t *testing.T) {
			r := e.say(uSecretariat, uSecretariat, "/sapden 10")
			if !strings.Contains(r.ReplyMarkup, "Sau") || !strings.Contains(r.Text, "Trang 1/") {
				t.Fatalf("long list without pages:\n%s\n%s", r.Text, r.ReplyMarkup)
			}
			data := between(r.ReplyMarkup, `"callback_data":"`, `"`)
			before := len(e.replies())
			e.fake.PushCallback(uSecretariat, uSecretariat, r.MessageID, data)
			got := e.waitReplies(before, 1, "Sau »")[0]
			if got.Method != "editMessageText" || got.MessageID != r.MessageID || !strings.Contains(got.Text, "Trang 2/") {
				t.Fatalf("page 2: %s %d %q", got.Method, got.MessageID, got.Text)
			}
			if !strings.Contains(got.ReplyMarkup, "Trước") {
				t.Errorf("page 2 has no « Trước: %s", got.ReplyMarkup)
			}
			if n := len([]rune(got.Text)); n > 4096 {
				t.Errorf("page 2: %d characters", n)
			}
		})
	})
}

func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, b)
	return v
}
