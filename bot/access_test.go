package bot

import (
	"strings"
	"testing"

	"github.com/dondoc/dondoc/internal/golden"
)

// TestAccessTable checks every cell of the access table against a grid
// written out by hand: for each command, one entry per role (unlinked,
// officer, leader, secretariat, admin): P private, G group, PG both, - none.
func TestAccessTable(t *testing.T) {
	want := map[string]string{
		"start":     "PG PG PG PG PG",
		"trogiup":   "PG PG PG PG PG",
		"hoso":      "-  P  P  P  P",
		"quahan":    "-  P  PG PG PG",
		"sapden":    "-  P  PG PG PG",
		"nguyco":    "-  P  PG PG PG",
		"tra":       "-  P  PG PG PG",
		"xephang":   "-  -  PG PG PG",
		"baocao":    "-  -  PG PG PG",
		"lienket":   "-  -  -  G  G",
		"guibaocao": "-  -  -  P  P",
		"doisoat":   "-  -  -  P  P",
		"caidat":    "-  P  P  P  P",
		"maketnoi":  "-  -  -  P  P",
		"tailen":    "-  -  -  P  P",
	}
	if len(want) != len(Commands) {
		t.Fatalf("grid has %d commands, table %d", len(want), len(Commands))
	}
	for cmd, row := range want {
		cells := strings.Fields(row)
		for i, role := range Roles {
			for _, kind := range []ChatKind{ChatPrivate, ChatGroup} {
				letter := "P"
				if kind == ChatGroup {
					letter = "G"
				}
				exp := strings.Contains(cells[i], letter)
				if got := Allowed(role, kind, cmd); got != exp {
					t.Errorf("Allowed(%s, %s, %s) = %v, want %v", role, kind, cmd, got, exp)
				}
			}
		}
	}
	// Aliases share their command's row; unknown commands are refused.
	for alias, canon := range map[string]string{"help": "trogiup", "mine": "hoso", "overdue": "quahan", "due": "sapden", "risk": "nguyco", "find": "tra", "ranking": "xephang", "report": "baocao", "settings": "caidat"} {
		for _, role := range Roles {
			if Allowed(role, ChatPrivate, alias) != Allowed(role, ChatPrivate, canon) || Allowed(role, ChatGroup, alias) != Allowed(role, ChatGroup, canon) {
				t.Errorf("alias /%s differs from /%s for %s", alias, canon, role)
			}
		}
	}
	if Allowed("admin", ChatPrivate, "nosuch") {
		t.Error("unknown command allowed")
	}
}

func TestCommandNames(t *testing.T) {
	for _, c := range Commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			for _, r := range n {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') || len(n) > 32 {
					t.Errorf("command name %q is not 1–32 of a-z0-9_", n)
				}
			}
		}
		if c.Description == "" || c.Menu == Nowhere {
			t.Errorf("/%s: needs a description and a menu", c.Name)
		}
	}
}

func TestAccessMarkdown(t *testing.T) {
	golden.Testdata(t, "access.md", AccessMarkdown())
}
