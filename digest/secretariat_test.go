package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

func TestRenderSecretariat(t *testing.T) {
	day := models.NewDate(2026, 11, 27)
	inactive := []InactiveLink{
		{OfficerCode: "CB7", Name: "Đỗ Thị Hạnh", Platform: "Telegram", Reason: "đã chặn bot", Since: at(11, 20, 8, 0)},
		{OfficerCode: "CB9", Name: "", Platform: "Zalo", Reason: "<không rõ> & lỗi"},
	}
	o := RenderOptions{Format: notify.FormatHTML, MaxLen: 4096, Location: loc, OfficerName: "Văn phòng UBND", Day: day}
	html := RenderSecretariat(inactive, 12, o)
	checkHTML(t, html)
	goldenText(t, "secretariat_html", html)
	o.Format, o.MaxLen = notify.FormatPlain, 2000
	goldenText(t, "secretariat_plain", RenderSecretariat(inactive, 12, o))
	goldenText(t, "secretariat_unassigned_plain", RenderSecretariat(nil, 3, o))
	if got := RenderSecretariat(nil, 0, o); got != "" {
		t.Errorf("nothing to say: %q", got)
	}
	// On 1/12/2026 there is no 2027 schedule: the rule's Tết is 5–11/2/2027.
	cal := models.NewVietnamCalendar(loc, 15, 0)
	tw, ok := models.NextTetWarning(cal, models.NewDate(2026, 12, 1))
	if !ok {
		t.Fatal("no Tết warning on 1/12/2026")
	}
	o.TetWarning = &tw
	goldenText(t, "secretariat_tet_plain", RenderSecretariat(nil, 0, o))
	o.Format, o.MaxLen = notify.FormatHTML, 4096
	tetHTML := RenderSecretariat(nil, 3, o)
	checkHTML(t, tetHTML)
	if !strings.Contains(tetHTML, "Tết Nguyên Đán 2027 chưa có thông báo chính thức") || !strings.Contains(tetHTML, "05/02/2027–11/02/2027") {
		t.Errorf("Tết warning missing:\n%s", tetHTML)
	}
	o.TetWarning, o.Format, o.MaxLen = nil, notify.FormatPlain, 2000

	var many []InactiveLink
	for i := 0; i < 200; i++ {
		many = append(many, InactiveLink{OfficerCode: fmt.Sprintf("CB%03d", i), Name: "Nguyễn Văn Thành", Platform: "Telegram", Reason: "Forbidden: bot was blocked by the user"})
	}
	for _, max := range []int{1, 50, 200, 600, 2000} {
		got := RenderSecretariat(many, 5, RenderOptions{Format: notify.FormatHTML, MaxLen: max, Location: loc, Day: day})
		if u16len(got) > max || got == "" {
			t.Fatalf("max %d: %d units", max, u16len(got))
		}
		checkHTML(t, got)
		if max >= 600 && (!strings.Contains(got, "cán bộ khác") || !strings.Contains(got, "5 hồ sơ chưa xác định")) {
			t.Errorf("max %d: tail or unassigned count missing:\n%s", max, got)
		}
	}
}

func TestGreetingByPersonOnly(t *testing.T) {
	for name, org := range map[string]bool{"Văn phòng UBND": true, "Bộ phận một cửa": true, "UBND xã Lạc Khánh": true,
		"Phòng Tư pháp": true, "Nguyễn Văn An": false, "Tô Thị Bình": false, "Bồ Văn Cường": false, "Sở Nội vụ": true} {
		if IsOrganisationName(name) != org {
			t.Errorf("IsOrganisationName(%q) = %v", name, !org)
		}
	}
	o := RenderOptions{Format: notify.FormatPlain, MaxLen: 2000, Location: loc, OfficerName: "Văn phòng UBND", Day: models.NewDate(2026, 11, 27)}
	if got := RenderSecretariat(nil, 3, o); !strings.HasPrefix(got, "Chào anh/chị, hôm nay") {
		t.Errorf("an office is greeted by name: %q", got)
	}
	o.OfficerName = "Đỗ Thị Hạnh"
	if got := RenderSecretariat(nil, 3, o); !strings.HasPrefix(got, "Chào anh/chị Đỗ Thị Hạnh, hôm nay") {
		t.Errorf("a person is not greeted by name: %q", got)
	}
}

func TestSecretariatZNSMonth(t *testing.T) {
	z := &ZNSMonth{Year: 2026, Month: time.November, Messages: 1234, CostVND: 370200}
	got := RenderSecretariat(nil, 0, RenderOptions{Format: notify.FormatPlain, MaxLen: 2000, ZNS: z,
		Day: models.NewDate(2026, time.December, 1)})
	if !strings.Contains(got, "💬 Tháng 11/2026: 1.234 tin nhắn ZNS, chi phí ước tính 370.200 đồng.") {
		t.Errorf("notes:\n%s", got)
	}
	if RenderSecretariat(nil, 0, RenderOptions{Format: notify.FormatPlain}) != "" {
		t.Error("nothing to say must render nothing")
	}
}
