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
	DueFrom   time.Time // effective deadline ≥ DueFrom, when set
	DueBefore time.Time // effective deadline < DueBefore, when set
	ByHandler bool      // order by handling officer first, then due date
	Offset    int
	Limit     int // 0: no limit
}

// OpenDossiers returns one page of the open dossiers q selects, soonest
// effective deadline first (models.Rules.Deadline: the due date moved by
// the supplement waits, kept in the deadline column), and how many there
// are in all.
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
		order := "deadline, code"
		if q.ByHandler {
			order = "handler_code, deadline, code"
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
		db = db.Where("deadline >= ?", tstamp(q.DueFrom))
	}
	if !q.DueBefore.IsZero() {
		db = db.Where("deadline < ?", tstamp(q.DueBefore))
	}
	return db
}

// OpenDossiersByHandler returns the open dossiers (running or paused) the
// officer holds, soonest effective deadline first.
func (s *Store) OpenDossiersByHandler(ctx context.Context, officerCode string) ([]models.Dossier, error) {
	var rows []dossierRow
	err := s.db.WithContext(ctx).Where("handler_code = ? AND "+openStatuses, models.NFC(officerCode)).
		Order("deadline, code").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: open dossiers of %q: %w", officerCode, err)
	}
	return s.dossierModels(ctx, rows)
}

// OpenDossiersInUnits returns the open dossiers (running or paused) of the
// units whose effective deadline is strictly before dueBefore (zero: any
// time), soonest first, at most limit of them (0: no limit).
func (s *Store) OpenDossiersInUnits(ctx context.Context, unitCodes []string, dueBefore time.Time, limit int) ([]models.Dossier, error) {
	if len(unitCodes) == 0 {
		return nil, nil
	}
	q := s.db.WithContext(ctx).Where("unit_code IN ? AND "+openStatuses, unitCodes)
	if !dueBefore.IsZero() {
		q = q.Where("deadline < ?", tstamp(dueBefore))
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []dossierRow
	if err := q.Order("deadline, code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: open dossiers of units: %w", err)
	}
	return s.dossierModels(ctx, rows)
}

// maxMergedParts bounds the (unit, status) pairs mergedPage merges.
const maxMergedParts = 64

// mergedPage writes a page of a due-ordered list over few units as a merge
// of one small ordered read per (unit, status) pair, each an ordered range
// of dossiers_unit_status_deadline_idx, instead of sorting every matching row:
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
				b.WriteString(" AND deadline >= ?")
				args = append(args, tstamp(q.DueFrom))
			}
			if !q.DueBefore.IsZero() {
				b.WriteString(" AND deadline < ?")
				args = append(args, tstamp(q.DueBefore))
			}
			fmt.Fprintf(&b, " ORDER BY deadline, code LIMIT %d) AS p%d_%d", n, i, j)
		}
	}
	fmt.Fprintf(&b, ") AS merged ORDER BY deadline, code LIMIT %d OFFSET %d", q.Limit, q.Offset)
	return b.String(), args, true
}

// linkedOpenQuery selects the open dossiers of active officers with an
// active chat account, one row per dossier and account, with the account's
// chat and the officer's name, grouped by handler (then account) and
// soonest due first.
var linkedOpenQuery = `SELECT d.code, d.procedure_name, d.unit_code, d.handler_code, d.applicant_name, COALESCE(d.deadline, d.due_at), d.status,
	a.platform, a.user_id, a.chat_id, o.name
	FROM dossiers d
	JOIN chat_accounts a ON a.officer_code = d.handler_code AND a.active%s
	JOIN officers o ON o.code = d.handler_code AND o.active
	WHERE ` + "d." + openStatuses + `
	ORDER BY d.handler_code, a.platform, a.user_id, d.deadline`

// EachLinkedOpenDossier streams, in one query, the open dossiers (running
// or paused) of active officers with an active chat account on one of
// platforms (none: any): one row per dossier and account, ordered by
// handler, then account, then effective deadline, so the rows of one officer are
// consecutive and each of their accounts sees the dossiers in order. Only
// the fields a digest shows are filled (code, procedure name, unit,
// handler, applicant, status, and DueAt holding the effective deadline —
// models.Rules.Deadline under the store's rules — so that Classify judges
// the dossier against it); acc has Platform, UserID, ChatID,
// OfficerCode and OfficerName. Both are reused after fn returns. fn's
// error stops the stream and is returned.
func (s *Store) EachLinkedOpenDossier(ctx context.Context, platforms []string, fn func(d *models.Dossier, acc *models.ChatAccount) error) error {
	q, args := fmt.Sprintf(linkedOpenQuery, ""), []any{}
	if len(platforms) > 0 {
		q, args = fmt.Sprintf(linkedOpenQuery, " AND a.platform IN ?"), []any{platforms}
	}
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return fmt.Errorf("store: open dossiers of linked officers: %w", err)
	}
	defer rows.Close()
	var (
		d      models.Dossier
		a      models.ChatAccount
		due    tstamp
		status int16
	)
	for rows.Next() {
		if err := rows.Scan(&d.Code, &d.ProcedureName, &d.UnitCode, &d.HandlerCode, &d.ApplicantName, &due, &status,
			&a.Platform, &a.UserID, &a.ChatID, &a.OfficerName); err != nil {
			return fmt.Errorf("store: open dossiers of linked officers: %w", err)
		}
		d.DueAt, d.Status = due.time(), models.Status(status)
		a.OfficerCode, a.Active = d.HandlerCode, true
		if err := fn(&d, &a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: open dossiers of linked officers: %w", err)
	}
	return nil
}

// OfficerOpenQuery returns the SQL EachOfficerOpenDossier runs for every
// officer (the morning digests' select), for benchmarks that time the bare
// query.
func OfficerOpenQuery() string { return fmt.Sprintf(officerOpenQuery, "") }
