package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// OpenQuery selects open dossiers for the chat commands.
type OpenQuery struct {
	Units     []string // the units to look in; ignored when AllUnits
	AllUnits  bool
	Handler   string    // only this handling officer's, when set
	Running   bool      // leave out paused dossiers (status 5, 6)
	DueFrom   time.Time // due_at ≥ DueFrom, when set
	DueBefore time.Time // due_at < DueBefore, when set
	ByHandler bool      // order by handling officer first, then due date
	Offset    int
	Limit     int // 0: no limit
}

// OpenDossiers returns one page of the open dossiers q selects, soonest due
// first, and how many there are in all.
func (s *Store) OpenDossiers(ctx context.Context, q OpenQuery) ([]models.Dossier, int, error) {
	if !q.AllUnits && len(q.Units) == 0 && q.Handler == "" {
		return nil, 0, nil
	}
	base := func() *gorm.DB { return s.filterOpen(ctx, q) }
	var total int64
	if err := base().Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count open dossiers: %w", err)
	}
	if total == 0 || q.Offset >= int(total) {
		return nil, int(total), nil
	}
	var rows []dossierRow
	if sql, args, ok := s.mergedPage(q); ok {
		if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
			return nil, 0, fmt.Errorf("store: open dossiers: %w", err)
		}
	} else {
		order := "due_at, code"
		if q.ByHandler {
			order = "handler_code, due_at, code"
		}
		db := base().Order(order).Offset(q.Offset)
		if q.Limit > 0 {
			db = db.Limit(q.Limit)
		}
		if err := db.Find(&rows).Error; err != nil {
			return nil, 0, fmt.Errorf("store: open dossiers: %w", err)
		}
	}
	ds, err := s.dossierModels(ctx, rows)
	return ds, int(total), err
}

func (s *Store) filterOpen(ctx context.Context, q OpenQuery) *gorm.DB {
	db := s.db.WithContext(ctx).Model(&dossierRow{})
	if q.Running {
		db = db.Where(runningStatuses)
	} else {
		db = db.Where(openStatuses)
	}
	if !q.AllUnits && len(q.Units) > 0 {
		if len(q.Units) == 1 {
			db = db.Where("unit_code = ?", q.Units[0])
		} else {
			db = db.Where("unit_code IN ?", q.Units)
		}
	}
	if q.Handler != "" {
		db = db.Where("handler_code = ?", models.NFC(q.Handler))
	}
	if !q.DueFrom.IsZero() {
		db = db.Where("due_at >= ?", tstamp(q.DueFrom))
	}
	if !q.DueBefore.IsZero() {
		db = db.Where("due_at < ?", tstamp(q.DueBefore))
	}
	return db
}

// OfficersByCode returns the officers with the given codes, by code
// (unknown codes are left out).
func (s *Store) OfficersByCode(ctx context.Context, codes []string) (map[string]models.Officer, error) {
	out := map[string]models.Officer{}
	for _, chunk := range chunks(codes, s.maxParams()) {
		var rows []officerRow
		if err := s.db.WithContext(ctx).Where("code IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: officers: %w", err)
		}
		for i := range rows {
			out[rows[i].Code] = rows[i].model()
		}
	}
	return out, nil
}

// EachStep calls fn for every step, in (dossier, seq) order, in batches.
func (s *Store) EachStep(ctx context.Context, fn func(models.Step) error) error {
	afterCode, afterSeq := "", 0
	for {
		var rows []stepRow
		err := s.db.WithContext(ctx).Where("dossier_code > ? OR (dossier_code = ? AND seq > ?)", afterCode, afterCode, afterSeq).
			Order("dossier_code, seq").Limit(eachBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: each step: %w", err)
		}
		for _, r := range rows {
			st := models.Step{DossierCode: r.DossierCode, Seq: r.Seq, Name: r.Name, OfficerCode: r.OfficerCode,
				StartedAt: r.StartedAt.time(), DueAt: r.DueAt.time(), FinishedAt: r.FinishedAt.time()}
			if err := fn(st); err != nil {
				return err
			}
		}
		if len(rows) < eachBatch {
			return nil
		}
		afterCode, afterSeq = rows[len(rows)-1].DossierCode, rows[len(rows)-1].Seq
	}
}

// maxMergedParts bounds the (unit, status) pairs mergedPage merges.
const maxMergedParts = 64

// mergedPage writes a page of a due-ordered list over few units as a merge
// of one small ordered read per (unit, status) pair, each an ordered range
// of dossiers_unit_status_due_idx, instead of sorting every matching row:
// a unit with 50,000 overdue dossiers answers in a few milliseconds.
func (s *Store) mergedPage(q OpenQuery) (string, []any, bool) {
	if q.AllUnits || q.Handler != "" || q.ByHandler || q.Limit <= 0 {
		return "", nil, false
	}
	statuses := []int{1, 2, 4}
	if !q.Running {
		statuses = append(statuses, 5, 6)
	}
	if len(q.Units)*len(statuses) > maxMergedParts {
		return "", nil, false
	}
	n := q.Offset + q.Limit
	var b strings.Builder
	var args []any
	b.WriteString("SELECT * FROM (")
	for i, u := range q.Units {
		for j, st := range statuses {
			if i+j > 0 {
				b.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&b, "SELECT * FROM (SELECT * FROM dossiers WHERE unit_code = ? AND status = %d", st)
			args = append(args, u)
			if !q.DueFrom.IsZero() {
				b.WriteString(" AND due_at >= ?")
				args = append(args, tstamp(q.DueFrom))
			}
			if !q.DueBefore.IsZero() {
				b.WriteString(" AND due_at < ?")
				args = append(args, tstamp(q.DueBefore))
			}
			fmt.Fprintf(&b, " ORDER BY due_at, code LIMIT %d) AS p%d_%d", n, i, j)
		}
	}
	fmt.Fprintf(&b, ") AS merged ORDER BY due_at, code LIMIT %d OFFSET %d", q.Limit, q.Offset)
	return b.String(), args, true
}
