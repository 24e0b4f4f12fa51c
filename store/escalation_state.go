package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// EscalationSent is what the escalation last sent to one recipient: the
// fingerprint of the overdue list and the day. It lives in its own table,
// apart from the outbox, so that pruning old outbox rows cannot make the
// escalation send again.
type EscalationSent struct {
	Recipient   string
	Fingerprint string
	Day         string // YYYY-MM-DD
	OutboxKey   string
	UpdatedAt   time.Time
}

type escalationRow struct {
	Recipient   string `gorm:"primaryKey"`
	Fingerprint string
	Day         string
	OutboxKey   string
	UpdatedAt   tstamp `gorm:"autoUpdateTime:false"`
}

func (escalationRow) TableName() string { return "escalation_state" }

// LastEscalation returns what the escalation last sent to recipient, and
// whether it sent anything.
func (s *Store) LastEscalation(ctx context.Context, recipient string) (EscalationSent, bool, error) {
	var rows []escalationRow
	if err := s.db.WithContext(ctx).Where("recipient = ?", recipient).Limit(1).Find(&rows).Error; err != nil {
		return EscalationSent{}, false, fmt.Errorf("store: last escalation %s: %w", recipient, err)
	}
	if len(rows) == 0 {
		return EscalationSent{}, false, nil
	}
	r := rows[0]
	return EscalationSent{Recipient: r.Recipient, Fingerprint: r.Fingerprint, Day: r.Day, OutboxKey: r.OutboxKey,
		UpdatedAt: r.UpdatedAt.time()}, true, nil
}

// RecordEscalation stores what the escalation just enqueued for a
// recipient (call it in the transaction that enqueues).
func (s *Store) RecordEscalation(ctx context.Context, e EscalationSent) error {
	r := escalationRow{Recipient: e.Recipient, Fingerprint: e.Fingerprint, Day: e.Day, OutboxKey: e.OutboxKey,
		UpdatedAt: tstamp(e.UpdatedAt)}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "recipient"}},
		DoUpdates: clause.AssignmentColumns([]string{"fingerprint", "day", "outbox_key", "updated_at"}),
	}).Create(&r).Error
	if err != nil {
		return fmt.Errorf("store: record escalation %s: %w", e.Recipient, err)
	}
	return nil
}
