package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

type dossierRow struct {
	Code                  string `gorm:"primaryKey"`
	ProcedureCode         string
	ProcedureName         string
	Field                 string
	UnitCode              string
	HandlerCode           string
	ReceivedAt            tstamp
	DueAt                 tstamp
	FinishedAt            tstamp
	SystemFinishedAt      tstamp
	ReturnedAt            tstamp
	Status                int16
	Channel               string
	SupplementCount       int
	SupplementRequestedAt tstamp
	SupplementDoneAt      tstamp
	ApplicantName         string
	Unassigned            bool
	RowHash               string
	UpdatedAt             tstamp `gorm:"column:updated_at;autoUpdateTime:false"`
	OriginalDueAt         tstamp
	ExtendedDueAt         tstamp
	ExtensionCount        int
	// Deadline is the effective deadline (models.Rules.Deadline) under the
	// store's rules: written with the row, recomputed with its facts.
	Deadline tstamp
}

func (dossierRow) TableName() string { return "dossiers" }

var dossierUpdateColumns = []string{"procedure_code", "procedure_name", "field", "unit_code", "handler_code",
	"received_at", "due_at", "finished_at", "system_finished_at", "returned_at", "status", "channel",
	"supplement_count", "supplement_requested_at", "supplement_done_at", "applicant_name", "row_hash", "updated_at",
	"original_due_at", "extended_due_at", "extension_count", "deadline"}

type supplementRow struct {
	DossierCode string `gorm:"primaryKey"`
	Seq         int    `gorm:"primaryKey"`
	RequestedAt tstamp
	DoneAt      tstamp
}

func (supplementRow) TableName() string { return "dossier_supplements" }

// DossierHash returns the digest of everything the store keeps of d (times
// at the stored microsecond precision): equal hashes mean an unchanged
// dossier. An import skips rows whose stored hash is equal.
func DossierHash(d *models.Dossier) string { return dossierHash(d, models.NFC) }

// dossierHash is DossierHash with nfc applied to the text (the identity
// when the text is known to be NFC already).
func dossierHash(d *models.Dossier, nfc func(string) string) string {
	// One buffer hashed at once: the same bytes as writing field by field.
	buf := make([]byte, 0, 512)
	w := func(s string) { buf = append(append(buf, s...), 0x1f) }
	t := func(x time.Time) {
		if !x.IsZero() {
			// UnixMicro drops what is below the microsecond: the
			// instant as stored (x.Truncate(time.Microsecond), the same
			// number).
			buf = strconv.AppendInt(buf, x.UnixMicro(), 10)
		}
		buf = append(buf, 0x1f)
	}
	for _, s := range []string{d.Code, d.ProcedureCode, d.ProcedureName, d.Field, d.UnitCode, d.HandlerCode} {
		w(nfc(s))
	}
	for _, x := range []time.Time{d.ReceivedAt, d.DueAt, d.FinishedAt, d.SystemFinishedAt, d.ReturnedAt} {
		t(x)
	}
	buf = append(strconv.AppendInt(buf, int64(d.Status), 10), 0x1f)
	w(string(d.Channel))
	buf = append(strconv.AppendInt(buf, int64(d.SupplementCount), 10), 0x1f)
	for _, iv := range d.Supplements {
		t(iv.Start)
		t(iv.End)
	}
	w(nfc(d.ApplicantName))
	// The extension fields (migration 0004) are hashed only when set, so
	// that the hashes of dossiers without them do not change.
	if !d.OriginalDueAt.IsZero() || !d.ExtendedDueAt.IsZero() || d.ExtensionCount != 0 {
		t(d.OriginalDueAt)
		t(d.ExtendedDueAt)
		buf = append(strconv.AppendInt(buf, int64(d.ExtensionCount), 10), 0x1f)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// dossierToRowNFC maps a dossier to its row, with nfc applied to the text
// and the instants as stored (to the microsecond), so that the row's
// model is the dossier as stored: what its facts are computed from.
func dossierToRowNFC(d *models.Dossier, now time.Time, nfc func(string) string) dossierRow {
	r := dossierRow{
		Code: nfc(d.Code), ProcedureCode: nfc(d.ProcedureCode), ProcedureName: nfc(d.ProcedureName),
		Field: nfc(d.Field), UnitCode: nfc(d.UnitCode), HandlerCode: nfc(d.HandlerCode),
		ReceivedAt: usTstamp(d.ReceivedAt), DueAt: usTstamp(d.DueAt), FinishedAt: usTstamp(d.FinishedAt),
		SystemFinishedAt: usTstamp(d.SystemFinishedAt), ReturnedAt: usTstamp(d.ReturnedAt),
		Status: int16(d.Status), Channel: string(d.Channel), SupplementCount: d.SupplementCount,
		ApplicantName: nfc(d.ApplicantName), RowHash: dossierHash(d, nfc), UpdatedAt: tstamp(now),
		Unassigned:    d.HandlerCode == "" || d.UnitCode == "",
		OriginalDueAt: usTstamp(d.OriginalDueAt), ExtendedDueAt: usTstamp(d.ExtendedDueAt), ExtensionCount: d.ExtensionCount,
	}
	if len(d.Supplements) > 0 {
		r.SupplementRequestedAt, r.SupplementDoneAt = usTstamp(d.Supplements[0].Start), usTstamp(d.Supplements[0].End)
	}
	return r
}

func (r *dossierRow) model() models.Dossier {
	d := models.Dossier{
		Code: r.Code, ProcedureCode: r.ProcedureCode, ProcedureName: r.ProcedureName, Field: r.Field,
		UnitCode: r.UnitCode, HandlerCode: r.HandlerCode, ReceivedAt: r.ReceivedAt.time(), DueAt: r.DueAt.time(),
		FinishedAt: r.FinishedAt.time(), SystemFinishedAt: r.SystemFinishedAt.time(), ReturnedAt: r.ReturnedAt.time(),
		Status: models.Status(r.Status), Channel: models.Channel(r.Channel), SupplementCount: r.SupplementCount,
		ApplicantName: r.ApplicantName, OriginalDueAt: r.OriginalDueAt.time(), ExtendedDueAt: r.ExtendedDueAt.time(),
		ExtensionCount: r.ExtensionCount,
	}
	if !r.SupplementRequestedAt.time().IsZero() || !r.SupplementDoneAt.time().IsZero() {
		d.Supplements = []models.Interval{{Start: r.SupplementRequestedAt.time(), End: r.SupplementDoneAt.time()}}
	}
	return d
}

// usTstamp is t as the store keeps it: to the microsecond.
func usTstamp(t time.Time) tstamp { return tstamp(t.Truncate(time.Microsecond)) }

// unassignedExpr is true for a dossier whose handler or unit is empty or
// unknown. Updates compare it with the stored flag so that unchanged rows
// are not rewritten.
const unassignedExpr = `(handler_code = '' OR unit_code = ''
	OR NOT EXISTS (SELECT 1 FROM officers o WHERE o.code = dossiers.handler_code)
	OR NOT EXISTS (SELECT 1 FROM units u WHERE u.code = dossiers.unit_code))`

// RefreshUnassigned recomputes the unassigned flag of every dossier (after
// officers or units were imported) and returns how many dossiers changed.
func (s *Store) RefreshUnassigned(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE dossiers SET unassigned = NOT unassigned WHERE unassigned <> " + unassignedExpr)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		if n == 0 {
			return nil
		}
		// The facts carry the flag for the figures.
		return tx.Exec(`UPDATE dossier_facts SET unassigned = (SELECT d.unassigned FROM dossiers d WHERE d.code = dossier_facts.code)
			WHERE unassigned <> (SELECT d.unassigned FROM dossiers d WHERE d.code = dossier_facts.code)`).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: refresh unassigned: %w", err)
	}
	return n, nil
}

// models converts rows, adding the supplement waits after the first.
func (s *Store) dossierModels(ctx context.Context, rows []dossierRow) ([]models.Dossier, error) {
	out := make([]models.Dossier, len(rows))
	idx := make(map[string]int, len(rows))
	codes := make([]string, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
		idx[rows[i].Code] = i
		codes[i] = rows[i].Code
	}
	for _, chunk := range chunks(codes, s.maxParams()) {
		var sups []supplementRow
		err := s.db.WithContext(ctx).Where("dossier_code IN ?", chunk).
			Order("dossier_code, seq").Find(&sups).Error
		if err != nil {
			return nil, fmt.Errorf("store: dossier supplements: %w", err)
		}
		for _, sp := range sups {
			d := &out[idx[sp.DossierCode]]
			d.Supplements = append(d.Supplements, models.Interval{Start: sp.RequestedAt.time(), End: sp.DoneAt.time()})
		}
	}
	return out, nil
}

// Dossier returns the dossier with code, or models.ErrNotFound.
func (s *Store) Dossier(ctx context.Context, code string) (models.Dossier, error) {
	r, err := takeByCode[dossierRow](ctx, s.db, "dossier", code)
	if err != nil {
		return models.Dossier{}, err
	}
	ds, err := s.dossierModels(ctx, []dossierRow{r})
	if err != nil {
		return models.Dossier{}, err
	}
	return ds[0], nil
}

// eachBatch is how many dossiers EachDossier reads at a time (a variable
// so that tests can cross batch boundaries with few rows).
var eachBatch = 2000

// EachDossier calls fn for every dossier in code order, reading them in
// batches (keyset pagination), never all at once. It stops at the first
// error of fn, which it returns.
func (s *Store) EachDossier(ctx context.Context, fn func(*models.Dossier) error) error {
	after := ""
	for {
		var rows []dossierRow
		err := s.db.WithContext(ctx).Where("code > ?", after).Order("code").Limit(eachBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: each dossier: %w", err)
		}
		ds, err := s.dossierModels(ctx, rows)
		if err != nil {
			return err
		}
		for i := range ds {
			if err := fn(&ds[i]); err != nil {
				return err
			}
		}
		if len(rows) < eachBatch {
			return nil
		}
		after = rows[len(rows)-1].Code
	}
}

// CountDossiers returns how many dossiers are stored.
func (s *Store) CountDossiers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&dossierRow{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count dossiers: %w", err)
	}
	return n, nil
}

// UnassignedDossiers returns the dossiers flagged unassigned (handler or
// unit empty or unknown), by code, at most limit of them (0: all), and
// how many there are in all. The applicant's name is left out.
func (s *Store) UnassignedDossiers(ctx context.Context, limit int) ([]models.Dossier, int64, error) {
	var total int64
	db := s.db.WithContext(ctx)
	if err := db.Model(&dossierRow{}).Where("unassigned").Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: unassigned dossiers: %w", err)
	}
	q := db.Where("unassigned").Order("code").Omit("applicant_name")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []dossierRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("store: unassigned dossiers: %w", err)
	}
	out := make([]models.Dossier, len(rows))
	for i := range rows {
		rows[i].ApplicantName = ""
		out[i] = rows[i].model()
	}
	return out, total, nil
}

// CountUnassignedOpen returns how many open dossiers are unassigned
// (unknown or missing officer or unit).
func (s *Store) CountUnassignedOpen(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM dossiers WHERE unassigned AND " + openStatuses).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: count unassigned: %w", err)
	}
	return n, nil
}
