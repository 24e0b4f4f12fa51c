package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/dondoc/dondoc/models"
)

// officerChannelRow is the channel an officer chose for the daily digest.
type officerChannelRow struct {
	OfficerCode string `gorm:"primaryKey"`
	Platform    string
	UpdatedAt   tstamp `gorm:"autoUpdateTime:false"`
}

func (officerChannelRow) TableName() string { return "officer_channels" }

// OfficerChannels returns the digest channel each officer chose (/caidat),
// by officer code; an officer who chose nothing is absent.
func (s *Store) OfficerChannels(ctx context.Context) (map[string]string, error) {
	var rows []officerChannelRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: officer channels: %w", err)
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.OfficerCode] = r.Platform
	}
	return m, nil
}

// OfficerChannel returns the digest channel the officer chose, "" for none.
func (s *Store) OfficerChannel(ctx context.Context, officerCode string) (string, error) {
	var rows []officerChannelRow
	if err := s.db.WithContext(ctx).Where("officer_code = ?", models.NFC(officerCode)).Limit(1).Find(&rows).Error; err != nil {
		return "", fmt.Errorf("store: officer channel %s: %w", officerCode, err)
	}
	if len(rows) == 0 {
		return "", nil
	}
	return rows[0].Platform, nil
}

// SetOfficerChannel records the officer's digest channel; "" removes the
// choice (back to the configured order).
func (s *Store) SetOfficerChannel(ctx context.Context, officerCode, platform string, at time.Time) error {
	code := models.NFC(officerCode)
	db := s.db.WithContext(ctx)
	if platform == "" {
		if err := db.Where("officer_code = ?", code).Delete(&officerChannelRow{}).Error; err != nil {
			return fmt.Errorf("store: clear officer channel %s: %w", officerCode, err)
		}
		return nil
	}
	r := officerChannelRow{OfficerCode: code, Platform: platform, UpdatedAt: tstamp(at)}
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "officer_code"}},
		DoUpdates: clause.AssignmentColumns([]string{"platform", "updated_at"}),
	}).Create(&r).Error
	if err != nil {
		return fmt.Errorf("store: set officer channel %s: %w", officerCode, err)
	}
	return nil
}

// ActiveAccountsOf returns the officer's active chat accounts on the
// given platforms (none: every platform), when the officer is active.
func (s *Store) ActiveAccountsOf(ctx context.Context, officerCode string, platforms ...string) ([]models.ChatAccount, error) {
	code := models.NFC(officerCode)
	if len(platforms) == 0 {
		return s.accounts(ctx, "a.active AND o.active AND a.officer_code = ?", code)
	}
	return s.accounts(ctx, "a.active AND o.active AND a.officer_code = ? AND a.platform IN ?", code, platforms)
}

// InactiveAccountsOn returns the inactive chat accounts of active
// officers on the given platforms (at least one), of one officer when
// officerCode is set: the addresses a channel refused, or put on standby.
func (s *Store) InactiveAccountsOn(ctx context.Context, officerCode string, platforms ...string) ([]models.ChatAccount, error) {
	if officerCode == "" {
		return s.accounts(ctx, "NOT a.active AND o.active AND a.platform IN ?", platforms)
	}
	return s.accounts(ctx, "NOT a.active AND o.active AND a.officer_code = ? AND a.platform IN ?", models.NFC(officerCode), platforms)
}

// SentCount counts the outbox entries delivered on platform with
// from <= sent_at < to (the ZNS messages of a month, for their cost). The
// outbox keeps finished entries OUTBOX_RETENTION_DAYS (at least 40), so a
// month is complete when counted in the first days of the next.
func (s *Store) SentCount(ctx context.Context, platform string, from, to time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&outboxRow{}).
		Where("platform = ? AND status = ? AND sent_at >= ? AND sent_at < ?", platform, "sent", tstamp(from), tstamp(to)).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: count sent on %s: %w", platform, err)
	}
	return n, nil
}

// OutboxRecipients returns the recipients that have an entry of job for
// period in the outbox, whatever its key or status: the officers who
// already have that day's digest, under any key an earlier version gave it.
func (s *Store) OutboxRecipients(ctx context.Context, job, period string) (map[string]bool, error) {
	var recipients []string
	err := s.db.WithContext(ctx).Model(&outboxRow{}).Distinct("recipient").
		Where("job = ? AND period = ?", job, period).Pluck("recipient", &recipients).Error
	if err != nil {
		return nil, fmt.Errorf("store: outbox recipients of %s %s: %w", job, period, err)
	}
	out := make(map[string]bool, len(recipients))
	for _, r := range recipients {
		out[r] = true
	}
	return out, nil
}

// officerOpenQuery selects the open dossiers of active officers with the
// officer's name, grouped by handler and soonest due first.
var officerOpenQuery = `SELECT d.code, d.procedure_name, d.unit_code, d.handler_code, d.applicant_name, COALESCE(d.deadline, d.due_at), d.status, o.name
	FROM dossiers d
	JOIN officers o ON o.code = d.handler_code AND o.active
	WHERE d.` + openStatuses + `%s
	ORDER BY d.handler_code, d.deadline`

// EachOfficerOpenDossier streams, in one query, the open dossiers (running
// or paused) of active officers, linked to a chat or not, ordered by
// handler then effective deadline; officerCode non-empty keeps that
// officer's only. The dossier is filled as by EachLinkedOpenDossier; name
// is the officer's. Both are reused after fn returns; fn's error stops the
// stream and is returned.
func (s *Store) EachOfficerOpenDossier(ctx context.Context, officerCode string, fn func(d *models.Dossier, name string) error) error {
	q, args := fmt.Sprintf(officerOpenQuery, ""), []any{}
	if officerCode != "" {
		q, args = fmt.Sprintf(officerOpenQuery, " AND d.handler_code = ?"), []any{models.NFC(officerCode)}
	}
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return fmt.Errorf("store: open dossiers of officers: %w", err)
	}
	defer rows.Close()
	var (
		d      models.Dossier
		name   string
		due    tstamp
		status int16
	)
	for rows.Next() {
		if err := rows.Scan(&d.Code, &d.ProcedureName, &d.UnitCode, &d.HandlerCode, &d.ApplicantName, &due, &status, &name); err != nil {
			return fmt.Errorf("store: open dossiers of officers: %w", err)
		}
		d.DueAt, d.Status = due.time(), models.Status(status)
		if err := fn(&d, name); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: open dossiers of officers: %w", err)
	}
	return nil
}
