package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// dondoc units template writes a file that dondoc import units takes as
// it is: the province, every Sở, the communes with their four rooms, the
// example of a unit ended on 30/6/2025.
func TestUnitsTemplate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	out := filepath.Join(dir, "units.csv")
	env := map[string]string{"LOG_LEVEL": "warn", "DATABASE_URL": db, "DONDOC_ENV_FILE": filepath.Join(dir, "none.env")}
	code, stdout, errs := runWith(t, env, "units", "template", "--out", out, "--province", "Phú Lâm", "--communes", "3", "--wards", "2", "--special-zones", "1")
	if code != 0 || !strings.Contains(stdout, "dondoc import units") {
		t.Fatalf("template: exit %d %s\n%s", code, errs, stdout)
	}
	if code, _, errs := runWith(t, env, "units", "template", "--out", out); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("an existing file: exit %d %s", code, errs)
	}
	if code, _, errs := runWith(t, env, "units"); code != 2 {
		t.Errorf("no subcommand: exit %d %s", code, errs)
	}
	if code, _, errs := runWith(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	if code, stdout, errs := runWith(t, env, "import", "units", out); code != 0 || !strings.Contains(stdout, "rejected 0") {
		t.Fatalf("import: exit %d %s\n%s", code, errs, stdout)
	}
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	units, err := st.Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tree, err := models.NewUnitTree(units)
	if err != nil || len(tree.Warnings()) != 0 {
		t.Fatalf("tree: %v %v", err, tree.Warnings())
	}
	levels := map[models.PeerClass]int{}
	for _, u := range units {
		levels[models.PeerClassOf(u.Level)]++
	}
	// 1 province; 14 provincial bodies (Văn phòng, Trung tâm PVHCC, 11 Sở,
	// Công an tỉnh); 6 communes with 4 rooms
	// each, the land office; the old district and its commune.
	if levels[models.PeerProvince] != 1 || levels[models.PeerDepartment] != 14 || levels[models.PeerCommune] != 7 ||
		levels[models.PeerSubUnit] != 25 || levels[models.PeerDistrict] != 1 {
		t.Errorf("levels %v", levels)
	}
	if got := tree.Children("XA01"); len(got) != 4 {
		t.Errorf("a commune's rooms: %v", got)
	}
	if u, _ := tree.Get("HUYEN01.XA01"); u == nil || u.SuccessorCode != "XA01" || !tree.Covers("XA01", "HUYEN01.XA01") {
		t.Errorf("the example of an ended unit: %+v", u)
	}
	b, _ := os.ReadFile(out)
	wantLines(t, "template", string(b), "Phòng Kinh tế, Hạ tầng và Đô thị phường", "UBND đặc khu", "Sở Nông nghiệp và Môi trường tỉnh Phú Lâm")
}
