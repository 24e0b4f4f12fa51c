package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

// linkedOpenQuery selects the open dossiers of officers with an active chat
// account, grouped by handler and soonest due first, through the partial
// index dossiers_open_handler_idx (handler_code, due_at).
const linkedOpenQuery = `SELECT d.code, d.procedure_name, d.unit_code, d.handler_code, d.applicant_name, d.due_at, d.status
	FROM dossiers d
	WHERE ` + "d." + openStatuses + ` AND d.handler_code IN (SELECT a.officer_code FROM chat_accounts a WHERE a.active%s)
	ORDER BY d.handler_code, d.due_at`

// EachLinkedOpenDossier streams, in one query, the open dossiers (running
// or paused) whose handler has an active chat account on one of platforms
// (none: any), ordered by handler then due_at: the rows of one officer are
// consecutive. Only the fields a digest shows are filled (code, procedure
// name, unit, handler, applicant, due_at, status). The *Dossier is reused
// after fn returns. fn's error stops the stream and is returned.
func (s *Store) EachLinkedOpenDossier(ctx context.Context, platforms []string, fn func(*models.Dossier) error) error {
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
		due    tstamp
		status int16
	)
	for rows.Next() {
		if err := rows.Scan(&d.Code, &d.ProcedureName, &d.UnitCode, &d.HandlerCode, &d.ApplicantName, &due, &status); err != nil {
			return fmt.Errorf("store: open dossiers of linked officers: %w", err)
		}
		d.DueAt, d.Status = due.time(), models.Status(status)
		if err := fn(&d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: open dossiers of linked officers: %w", err)
	}
	return nil
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

// LinkedOpenQuery returns the SQL EachLinkedOpenDossier runs for any
// platform, for benchmarks that time the bare query.
func LinkedOpenQuery() string { return fmt.Sprintf(linkedOpenQuery, "") }
