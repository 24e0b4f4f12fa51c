package bottest

import (
	"strings"
	"testing"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
)

// Command is a text typed in a chat and what the bot's reply must contain.
type Command struct{ Text, Want string }

// PrivateCommands are every command, as people type them (with and without
// "/", with and without diacritics, mistyped, with a unit by name or code),
// for a linked leader of the sample district: dossier is an open dossier
// of the leader's unit, unit a unit below it and words the folded words of
// its name that name it alone (see Fixture).
func PrivateCommands(dossier string, unit models.Unit, words string) []Command {
	return []Command{
		{"/trogiup", "/quahan"},
		{"trợ giúp", "Hướng dẫn sử dụng"},
		{"/hoso", "Hồ sơ"},
		{"/quahan", "quá hạn"},
		{"quá hạn", "quá hạn"},
		{"quahan", "quá hạn"},
		{"Qua Han", "quá hạn"},
		{"/sapden", "sắp đến hạn"},
		{"sắp đến 3", "3 ngày làm việc"},
		{"/tra " + strings.ToLower(dossier), "Hồ sơ " + dossier},
		{"tra " + dossier, "Hồ sơ " + dossier},
		{"/xephang", "Xếp hạng"},
		{"/baocao", "KẾT QUẢ"},
		{"/quahn", "Ý anh/chị là /quahan?"},
		{"/quahan " + words, "quá hạn — " + unit.Name},
		{"quá hạn " + strings.ToUpper(unit.Code), "quá hạn — " + unit.Name},
		{"/sapden 3 " + words, "sắp đến hạn — " + unit.Name},
		{"/sapden năm", "Không hiểu «năm»"},
		{"/quahan khong co don vi nay", "Không tìm thấy đơn vị"},
		{"xin chào", "/trogiup"},
	}
}

// GroupMentions are the ways a group member addresses the bot named name
// with the overdue command: they must all answer as "@name /quahan" does.
func GroupMentions(name string) []string {
	return []string{"@" + name + " quá hạn", "@" + strings.ToUpper(name[:1]) + name[1:] + " quahan", "quá hạn @" + name}
}

// Fixture picks the actors of an end-to-end test in the sample district: an
// active leader and secretariat member, an open dossier of the leader's
// unit, and a unit below it whose name has diacritics with the last two
// words of its name, folded, as people type them (naming that unit alone).
type Fixture struct {
	Leader, Secretariat models.Officer
	Dossier             string
	Unit                models.Unit
	UnitWords           string
}

// NewFixture finds the Fixture in data; the test fails when the sample
// lacks one of them.
func NewFixture(t testing.TB, data *sample.Data) Fixture {
	t.Helper()
	var f Fixture
	for _, o := range data.Officers {
		switch {
		case !o.Active:
		case o.Role == models.RoleLeader && f.Leader.Code == "":
			f.Leader = o
		case o.Role == models.RoleSecretariat && f.Secretariat.Code == "":
			f.Secretariat = o
		}
	}
	if f.Leader.Code == "" || f.Secretariat.Code == "" {
		t.Fatal("bottest: the sample has no leader or secretariat")
	}
	tree, err := models.NewUnitTree(data.Units)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data.Dossiers {
		if d.Status.IsOpen() && tree.Contains(f.Leader.UnitCode, d.UnitCode) {
			f.Dossier = d.Code
			break
		}
	}
	if f.Dossier == "" {
		t.Fatalf("bottest: no open dossier under %s", f.Leader.UnitCode)
	}
	for _, u := range data.Units {
		w := strings.Fields(u.Name)
		if u.Code == f.Leader.UnitCode || !tree.Contains(f.Leader.UnitCode, u.Code) || len(w) < 3 || bot.Fold(u.Name) == strings.ToLower(u.Name) {
			continue
		}
		words := bot.Fold(strings.Join(w[len(w)-2:], " "))
		n := 0
		for _, o := range data.Units {
			if strings.Contains(" "+bot.Fold(o.Name)+" ", " "+words+" ") {
				n++
			}
		}
		if n == 1 {
			f.Unit, f.UnitWords = u, words
			return f
		}
	}
	t.Fatal("bottest: no unit with a distinctive name")
	return f
}
