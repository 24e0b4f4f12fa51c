package digest

import (
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// maxRiskUnits is how many units a count of dossiers at risk names.
const maxRiskUnits = 5

// riskTotal sums the counts.
func riskTotal(units []models.UnitRisk) int {
	n := 0
	for _, u := range units {
		n += u.N
	}
	return n
}

// riskUnitsLine writes "🟣 Có nguy cơ trễ: 7 hồ sơ (Phòng Tư pháp 4,
// Văn phòng 3) — gõ /nguyco": the most affected units first, at most
// maxRiskUnits of them; nothing when no dossier is at risk.
func riskUnitsLine(w *writer, units []models.UnitRisk) {
	total := riskTotal(units)
	if total == 0 {
		return
	}
	w.text("🟣 Có nguy cơ trễ: ")
	w.bold(strconv.Itoa(total))
	w.text(" hồ sơ")
	if len(units) > 1 || len(units) == 1 && units[0].N != total {
		w.text(" (")
		for i, u := range units {
			if i == maxRiskUnits {
				w.text(", …")
				break
			}
			if i > 0 {
				w.text(", ")
			}
			name := strings.TrimSpace(u.Name)
			if name == "" {
				name = u.UnitCode
			}
			w.val(models.Clip(name, 60))
			w.text(" ")
			w.int(u.N)
		}
		w.text(")")
	}
	w.text(" — gõ /nguyco")
}
