package store_test

import (
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// TestDossierHashStable: the hashes stored by earlier releases stay those
// of their dossiers (another hash would rewrite every stored dossier at the
// next import), instants below the microsecond and before 1970 included.
func TestDossierHashStable(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	d := &models.Dossier{
		Code: "H04.X05-250204-000440", ProcedureCode: "1.001", ProcedureName: "Cấp giấy phép xây dựng",
		Field: "Xây dựng", UnitCode: "X05", HandlerCode: "cv.an", Status: models.Status(2), Channel: models.Channel("online"),
		ReceivedAt:      time.Date(2025, 2, 4, 8, 30, 15, 123456789, loc),
		DueAt:           time.Date(2025, 2, 18, 17, 0, 0, 999, loc),
		FinishedAt:      time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		SupplementCount: 1,
		Supplements:     []models.Interval{{Start: time.Date(2025, 2, 5, 9, 0, 0, 500, loc)}},
		ApplicantName:   "Nguyễn Thị Hoà",
	}
	got := store.DossierHash(d)
	if want := "7c9daed8436907e1343e77c679a68a48"; got != want {
		t.Fatalf("DossierHash = %s, want %s", got, want)
	}
}
