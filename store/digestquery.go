package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/models"
)

// linkedOpenQuery selects the open dossiers of active officers with an
// active chat account, one row per dossier and account, with the account's
// chat and the officer's name, grouped by handler (then account) and
// soonest due first.
var linkedOpenQuery = `SELECT d.code, d.procedure_name, d.unit_code, d.handler_code, d.applicant_name, d.due_at, d.status,
	a.platform, a.user_id, a.chat_id, o.name
	FROM dossiers d
	JOIN chat_accounts a ON a.officer_code = d.handler_code AND a.active%s
	JOIN officers o ON o.code = d.handler_code AND o.active
	WHERE ` + "d." + openStatuses + `
	ORDER BY d.handler_code, a.platform, a.user_id, d.due_at`

// EachLinkedOpenDossier streams, in one query, the open dossiers (running
// or paused) of active officers with an active chat account on one of
// platforms (none: any): one row per dossier and account, ordered by
// handler, then account, then due_at, so the rows of one officer are
// consecutive and each of their accounts sees the dossiers in order. Only
// the fields a digest shows are filled (code, procedure name, unit,
// handler, applicant, due_at, status); acc has Platform, UserID, ChatID,
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
