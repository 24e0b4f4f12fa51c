package store

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/notify"
)

// Progress tells how far the entries of jobs for period went: how many were
// sent, and the others (pending or failed) by id, without their payload
// (Message holds only the platform and chat). dondoc remind and broadcast
// use it to say what they could not deliver.
func (o *Outbox) Progress(ctx context.Context, jobs []string, period string) (sent int, unsent []notify.Entry, err error) {
	if len(jobs) == 0 {
		return 0, nil, nil
	}
	db := o.s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&outboxRow{}).Where("job IN ? AND period = ? AND status = ?", jobs, period, string(notify.StatusSent)).
		Count(&n).Error; err != nil {
		return 0, nil, fmt.Errorf("store: outbox progress %v %s: %w", jobs, period, err)
	}
	var rows []outboxRow
	if err := db.Select("id", "key", "job", "recipient", "period", "platform", "chat_id", "status", "attempts",
		"next_attempt_at", "last_error", "created_at").
		Where("job IN ? AND period = ? AND status <> ?", jobs, period, string(notify.StatusSent)).
		Order("id").Find(&rows).Error; err != nil {
		return 0, nil, fmt.Errorf("store: outbox progress %v %s: %w", jobs, period, err)
	}
	unsent = make([]notify.Entry, len(rows))
	for i, r := range rows {
		unsent[i] = notify.Entry{ID: r.ID, Key: r.Key, Job: r.Job, Recipient: r.Recipient, Period: r.Period,
			Status: notify.Status(r.Status), Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.time(),
			LastError: r.LastError, CreatedAt: r.CreatedAt.time(),
			Message: notify.Message{Key: r.Key, Platform: r.Platform, ChatID: r.ChatID}}
	}
	return int(n), unsent, nil
}
