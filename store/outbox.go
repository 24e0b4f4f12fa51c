package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dondoc/dondoc/notify"
)

// Outbox is notify.Outbox on the outbox table. A claim is a lease: its end
// (lease_until) and its owner (lease_owner, the replica's id) are kept apart
// from next_attempt_at, so that a new leader can give back at once what a
// dead leader had claimed (Reclaim) without touching entries waiting for a
// retry. Every change of a claimed entry ends its lease. The payload is the
// JSON of the notify.Message (attachments included, base64); the chat_id
// column wins over the payload's, so that a chat migration only rewrites
// the column.
type Outbox struct {
	s     *Store
	now   func() time.Time
	owner string // lease_owner of claims; "" for one-shot commands
}

var _ notify.Outbox = (*Outbox)(nil)

// Outbox returns the store's outbox, stamping CreatedAt with the store's clock.
// On a store returned to InTx's callback it is bound to that transaction:
// what a job enqueues commits or rolls back with what it decided.
func (s *Store) Outbox() *Outbox { return &Outbox{s: s, now: s.clock.Now} }

// OutboxAt is Outbox with the clock now for CreatedAt and a zero
// NextAttemptAt.
func (s *Store) OutboxAt(now func() time.Time) *Outbox {
	if now == nil {
		now = s.clock.Now
	}
	return &Outbox{s: s, now: now}
}

// Owned returns o claiming in the name of owner (the replica id), for
// Reclaim by the next leader.
func (o *Outbox) Owned(owner string) *Outbox {
	c := *o
	c.owner = owner
	return &c
}

// ReclaimDelay is how long after a Reclaim the reclaimed entries are due:
// the dead leader may have sent one of them to a chat a moment ago (its
// answer lost), and the new leader's pacer does not know it — resending
// within Telegram's second per chat would earn a 429.
const ReclaimDelay = 2 * time.Second

// Reclaim ends, at now, every lease of a pending entry held by an owner
// other than o's: a replica that just became the leader calls it, since
// the leader it replaces is gone (the leader election says so) and what it
// had claimed would otherwise wait for its lease to end; they are due
// ReclaimDelay later. It returns how many entries it gave back.
func (o *Outbox) Reclaim(ctx context.Context, now time.Time) (int, error) {
	due := tstamp(now.Add(ReclaimDelay))
	res := o.s.db.WithContext(ctx).Exec(
		`UPDATE outbox SET lease_until = NULL, next_attempt_at = CASE WHEN next_attempt_at < ? THEN ? ELSE next_attempt_at END
		WHERE status = 'pending' AND lease_until > ? AND lease_owner <> ?`,
		due, due, tstamp(now), o.owner)
	if res.Error != nil {
		return 0, fmt.Errorf("store: outbox reclaim: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// PruneOutbox deletes sent and failed entries created before before, in
// batches, and returns how many it deleted (OUTBOX_RETENTION_DAYS). The
// escalation's "last sent" state lives apart (escalation_state), and the
// jobs' run log blocks a rerun of a period, so pruning resends nothing.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res := s.db.WithContext(ctx).Exec(`DELETE FROM outbox WHERE id IN (
			SELECT id FROM outbox WHERE status <> 'pending' AND created_at < ? ORDER BY id LIMIT 5000)`, tstamp(before))
		if res.Error != nil {
			return total, fmt.Errorf("store: prune outbox: %w", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < 5000 {
			return total, nil
		}
	}
}

type outboxRow struct {
	ID            int64 `gorm:"primaryKey"`
	Key           string
	Job           string
	Recipient     string
	Period        string
	Platform      string
	ChatID        string
	ThreadID      int64
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt tstamp
	LastError     string
	CreatedAt     tstamp `gorm:"autoCreateTime:false"`
	SentAt        tstamp
	LeaseOwner    string
	LeaseUntil    tstamp
}

func (outboxRow) TableName() string { return "outbox" }

func (r *outboxRow) entry() (notify.Entry, error) {
	e := notify.Entry{ID: r.ID, Key: r.Key, Job: r.Job, Recipient: r.Recipient, Period: r.Period,
		Status: notify.Status(r.Status), Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.time(),
		LastError: r.LastError, CreatedAt: r.CreatedAt.time(), SentAt: r.SentAt.time(), LeaseUntil: r.LeaseUntil.time()}
	if err := json.Unmarshal([]byte(r.Payload), &e.Message); err != nil {
		return e, fmt.Errorf("store: outbox entry %d (%s): payload: %w", r.ID, r.Key, err)
	}
	e.Message.Key, e.Message.Platform, e.Message.ChatID = r.Key, r.Platform, r.ChatID
	return e, nil
}

// Enqueue implements notify.Outbox: INSERT … ON CONFLICT (key) DO NOTHING.
func (o *Outbox) Enqueue(ctx context.Context, entries []notify.Entry) (int, error) {
	now := o.now()
	rows := make([]outboxRow, 0, len(entries))
	var problems []error
	for i, e := range entries {
		if e.Key == "" {
			e.Key = e.Message.Key
		}
		if e.Key == "" || e.Message.Platform == "" || e.Message.ChatID == "" ||
			(e.Message.Text == "" && e.Message.Document == nil && e.Message.Photo == nil) {
			problems = append(problems, fmt.Errorf("entry %d (key %q): needs a key, a platform, a chat id and a text or attachment", i, e.Key))
			continue
		}
		m := e.Message
		m.Key = e.Key
		payload, err := json.Marshal(m)
		if err != nil {
			problems = append(problems, fmt.Errorf("entry %d (key %q): %w", i, e.Key, err))
			continue
		}
		next := e.NextAttemptAt
		if next.IsZero() {
			next = now
		}
		created := e.CreatedAt
		if created.IsZero() {
			created = now
		}
		rows = append(rows, outboxRow{Key: e.Key, Job: e.Job, Recipient: e.Recipient, Period: e.Period,
			Platform: m.Platform, ChatID: m.ChatID, ThreadID: int64(m.ThreadID), Payload: string(payload),
			Status: string(notify.StatusPending), NextAttemptAt: tstamp(next), CreatedAt: tstamp(created)})
	}
	if err := errors.Join(problems...); err != nil {
		return 0, fmt.Errorf("store: outbox enqueue: %w", err)
	}
	rows = dedupe(rows, func(r *outboxRow) string { return r.Key })
	if len(rows) == 0 {
		return 0, nil
	}
	res := o.s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		CreateInBatches(&rows, o.s.batchSize(13))
	if res.Error != nil {
		return 0, fmt.Errorf("store: outbox enqueue %d entries: %w", len(rows), res.Error)
	}
	added := int(res.RowsAffected)
	return added, nil
}

// Claim implements notify.Outbox. On Postgres the due rows are picked FOR
// UPDATE SKIP LOCKED, so concurrent dispatchers (replicas) never claim the
// same entry; on SQLite the transaction begins IMMEDIATE (one writer).
func (o *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]notify.Entry, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rows []outboxRow
	err := o.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?`
		if o.s.dialect == DialectPostgres {
			q += " FOR UPDATE SKIP LOCKED"
		}
		if err := tx.Raw(q, tstamp(now), tstamp(now), limit).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		return tx.Exec("UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE id IN ?", tstamp(now.Add(lease)), o.owner, ids).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox claim: %w", err)
	}
	out := make([]notify.Entry, 0, len(rows))
	for i := range rows {
		e, err := rows[i].entry()
		if err != nil {
			// An unreadable payload can never be sent: fail it, keep going.
			_ = o.Fail(ctx, rows[i].ID, now, err.Error())
			continue
		}
		e.LeaseUntil = now.Add(lease)
		out = append(out, e)
	}
	return out, nil
}

// update runs a conditional update of a pending entry; an unknown id is
// notify.ErrNotFound, a finished one is left alone without error.
func (o *Outbox) update(ctx context.Context, what string, id int64, set string, args ...any) error {
	db := o.s.db.WithContext(ctx)
	res := db.Exec("UPDATE outbox SET "+set+" WHERE id = ? AND status = 'pending'", append(args, id)...)
	if res.Error != nil {
		return fmt.Errorf("store: outbox %s %d: %w", what, id, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := db.Model(&outboxRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("store: outbox %s %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: id %d", notify.ErrNotFound, id)
	}
	return nil
}

// MarkSent implements notify.Outbox.
func (o *Outbox) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return o.update(ctx, "mark sent", id, "status = 'sent', sent_at = ?, lease_until = NULL", tstamp(at))
}

// Retry implements notify.Outbox.
func (o *Outbox) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.update(ctx, "retry", id, "attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = NULL", tstamp(next), reason)
}

// Release implements notify.Outbox.
func (o *Outbox) Release(ctx context.Context, id int64, next time.Time, reason string) error {
	if reason == "" {
		return o.update(ctx, "release", id, "next_attempt_at = ?, lease_until = NULL", tstamp(next))
	}
	return o.update(ctx, "release", id, "next_attempt_at = ?, last_error = ?, lease_until = NULL", tstamp(next), reason)
}

// Fail implements notify.Outbox: the entry is kept, status failed, with its
// reason.
func (o *Outbox) Fail(ctx context.Context, id int64, at time.Time, reason string) error {
	return o.update(ctx, "fail", id, "status = 'failed', attempts = attempts + 1, last_error = ?, sent_at = NULL, lease_until = NULL", reason)
}

// UpdateChat implements notify.Outbox.
func (o *Outbox) UpdateChat(ctx context.Context, id int64, chatID string) error {
	return o.update(ctx, "update chat", id, "chat_id = ?", chatID)
}

// Get returns the entry with key, and whether there is one.
func (o *Outbox) Get(ctx context.Context, key string) (notify.Entry, bool, error) {
	var rows []outboxRow
	if err := o.s.db.WithContext(ctx).Where("key = ?", key).Limit(1).Find(&rows).Error; err != nil {
		return notify.Entry{}, false, fmt.Errorf("store: outbox get %s: %w", key, err)
	}
	if len(rows) == 0 {
		return notify.Entry{}, false, nil
	}
	e, err := rows[0].entry()
	return e, err == nil, err
}

// Last returns the latest entry (highest id) of job for recipient that did
// not fail, and whether there is one: the escalation's "last sent" state.
func (o *Outbox) Last(ctx context.Context, job, recipient string) (notify.Entry, bool, error) {
	var rows []outboxRow
	err := o.s.db.WithContext(ctx).Where("job = ? AND recipient = ? AND status <> 'failed'", job, recipient).
		Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return notify.Entry{}, false, fmt.Errorf("store: outbox last %s %s: %w", job, recipient, err)
	}
	if len(rows) == 0 {
		return notify.Entry{}, false, nil
	}
	e, err := rows[0].entry()
	return e, err == nil, err
}

// Entries returns the entries whose key starts with prefix ("" for all), by
// id; for tests and the console.
func (o *Outbox) Entries(ctx context.Context, prefix string) ([]notify.Entry, error) {
	var rows []outboxRow
	q := o.s.db.WithContext(ctx).Order("id")
	if prefix != "" {
		q = q.Where("key LIKE ?", prefix+"%")
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: outbox entries: %w", err)
	}
	out := make([]notify.Entry, 0, len(rows))
	for i := range rows {
		e, err := rows[i].entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// OutboxCounts returns how many entries have each status.
func (s *Store) OutboxCounts(ctx context.Context) (map[notify.Status]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := s.db.WithContext(ctx).Raw("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	out := map[notify.Status]int{}
	for _, r := range rows {
		out[notify.Status(r.Status)] = r.N
	}
	return out, nil
}

// OutboxOldestPending returns when the oldest pending entry was created
// (zero when nothing is pending): the outbox age alert's source.
func (s *Store) OutboxOldestPending(ctx context.Context) (time.Time, error) {
	var rows []struct{ CreatedAt tstamp }
	if err := s.db.WithContext(ctx).Raw("SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1").
		Scan(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("store: outbox oldest pending: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, nil
	}
	return rows[0].CreatedAt.time(), nil
}
