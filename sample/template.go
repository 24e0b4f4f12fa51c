package sample

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/dondoc/dondoc/models"
)

// TemplateConfig shapes the units template a province fills in (`dondoc
// units template`).
type TemplateConfig struct {
	Province     string // the province's name; "" writes the placeholder "[Tên tỉnh]"
	Communes     int    // xã to write (each with its four rooms)
	Wards        int    // phường
	SpecialZones int    // đặc khu
	// History adds an example of a commune ended on 30/6/2025 with its
	// successor, to copy for each old unit whose dossiers are imported.
	History bool
}

// Template returns the structure of a province of the two-level local
// government, in the order the importer wants (a parent before its
// children): UBND tỉnh, its office and public-service centre, every Sở of
// 2025 (the Sở Nông nghiệp và Môi trường with its land registration
// office), then each commune-level unit with its Văn phòng HĐND và UBND,
// Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị in a phường), Phòng Văn hóa -
// Xã hội and Trung tâm Phục vụ hành chính công. The codes are placeholders
// to replace with the provincial system's codes (keeping the same parent
// links); the levels (cap) are the ones dondoc ranks by.
func Template(cfg TemplateConfig) []models.Unit {
	prov := cfg.Province
	if prov == "" {
		prov = "[Tên tỉnh]"
	}
	out := []models.Unit{{Code: "TINH", Name: "UBND tỉnh " + prov, Level: models.LevelProvince}}
	for _, s := range provinceSubs {
		if s.succ != "" { // a Sở merged on 1/3/2025: history, not structure
			continue
		}
		code := "TINH." + s.suffix
		out = append(out, models.Unit{Code: code, Name: fmt.Sprintf(s.name, prov), Level: s.level, ParentCode: "TINH"})
		if s.kind == kindSoNNMT {
			out = append(out, models.Unit{Code: code + "." + landOffice.suffix, Name: fmt.Sprintf(landOffice.name, prov),
				Level: landOffice.level, ParentCode: code})
		}
	}
	n := 0
	add := func(word, level string, count int) {
		for k := 1; k <= count; k++ {
			n++
			code := fmt.Sprintf("XA%02d", n)
			label := fmt.Sprintf("%s [Tên %s %d]", word, word, k)
			if count == 1 {
				label = fmt.Sprintf("%s [Tên %s]", word, word)
			}
			out = append(out, models.Unit{Code: code, Name: "UBND " + label, Level: level, ParentCode: "TINH", ValidFrom: mergeFirstDay})
			for _, s := range communeSubs {
				format := s.name
				if s.kind == kindCommEcon && word == "phường" {
					format = wardEconName
				}
				out = append(out, models.Unit{Code: code + "." + s.suffix, Name: fmt.Sprintf(format, label), Level: s.level,
					ParentCode: code, ValidFrom: mergeFirstDay})
			}
		}
	}
	add("xã", models.LevelCommune, cfg.Communes)
	add("phường", models.LevelWard, cfg.Wards)
	add("đặc khu", models.LevelSpecialZone, cfg.SpecialZones)
	if cfg.History && n > 0 {
		out = append(out,
			models.Unit{Code: "HUYEN01", Name: "UBND huyện [Tên huyện cũ]", Level: models.LevelDistrict, ParentCode: "TINH", ValidTo: mergeLastDay},
			models.Unit{Code: "HUYEN01.XA01", Name: "UBND xã [Tên xã cũ]", Level: models.LevelCommune, ParentCode: "HUYEN01",
				ValidTo: mergeLastDay, SuccessorCode: "XA01"},
		)
	}
	return out
}

// WriteUnitsCSV writes units as the units export dondoc imports (UTF-8
// with a BOM, the Vietnamese headers of UnitHeader, dates dd/MM/yyyy).
func WriteUnitsCSV(w io.Writer, units []models.Unit) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("sample: units csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(UnitHeader); err != nil {
		return fmt.Errorf("sample: units csv: %w", err)
	}
	for _, u := range units {
		if err := cw.Write([]string{u.Code, u.Name, u.Level, u.ParentCode, u.ValidFrom.VN(), u.ValidTo.VN(), u.SuccessorCode}); err != nil {
			return fmt.Errorf("sample: units csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sample: units csv: %w", err)
	}
	return nil
}
