package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is where an outbox entry stands.
type Status string

// The entry statuses. An entry leaves pending once: to sent or to failed.
const (
	StatusPending Status = "pending"
	StatusSent    Status = "sent"
	StatusFailed  Status = "failed"
)

// Entry is one message in the outbox. Key is unique for ever: a key that
// was enqueued once (whatever became of it) is never enqueued again, so a
// job that runs twice for the same period sends nothing the second time.
type Entry struct {
	ID        int64
	Key       string // Key(job, recipient, period); unique
	Job       string // e.g. "digest", "escalation", "monthly"
	Recipient string // e.g. "officer:42", "unit:7"
	Period    string // e.g. "2026-11-27", "2026-10"
	Message   Message

	Status        Status
	Attempts      int       // failed send attempts so far
	NextAttemptAt time.Time // not claimed before this instant
	LeaseUntil    time.Time // claimed by a dispatcher until this instant
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}

// Key builds an entry key from its parts: "job/recipient/period".
func Key(job, recipient, period string) string {
	return job + "/" + recipient + "/" + period
}

// ErrNotFound is returned by Outbox methods given an unknown entry id.
var ErrNotFound = errors.New("notify: outbox entry not found")

// Outbox is the durable queue the dispatcher drains. Implementations must be
// safe for concurrent use by several dispatchers (in one or many processes).
//
// SQL shape (store package): a table with a unique index on key and an index
// on (status, next_attempt_at, id).
//   - Enqueue: INSERT … ON CONFLICT (key) DO NOTHING, counting rows added. A
//     store may offer a transaction-bound Outbox so the job writes its keys in
//     the same transaction that decides to send.
//   - Claim on Postgres: UPDATE outbox SET lease_until = $now+lease WHERE id IN
//     (SELECT id FROM outbox WHERE status='pending' AND next_attempt_at <= $now
//     AND (lease_until IS NULL OR lease_until <= $now) ORDER BY id LIMIT $n
//     FOR UPDATE SKIP LOCKED) RETURNING *. On SQLite the same conditional
//     UPDATE … RETURNING without the locking clause (one writer at a time).
//   - MarkSent, Retry, Release, Fail, UpdateChat: UPDATE … WHERE id = ? AND
//     status = 'pending' (a finished entry is never reopened).
type Outbox interface {
	// Enqueue adds entries whose key is not present yet (pending, sent or
	// failed: a key is never sent twice) and returns how many were added.
	// Entries must have a Key, Message.Platform and Message.ChatID; a
	// zero NextAttemptAt means "now". ID, Status, Attempts and the lease
	// are set by the outbox.
	Enqueue(ctx context.Context, entries []Entry) (added int, err error)
	// Claim returns up to limit pending entries due at now (NextAttemptAt
	// <= now) and not leased, ordered by ID, and leases them until
	// now+lease: no other Claim returns them before the lease expires.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Entry, error)
	// MarkSent records a delivery.
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// Retry records a failed attempt (Attempts+1, LastError) and makes the
	// entry due again at next; the lease ends.
	Retry(ctx context.Context, id int64, next time.Time, reason string) error
	// Release gives a claimed entry back without counting an attempt (rate
	// limited, shut down, or waiting behind another message to its chat):
	// due again at next, lease ended; a non-empty reason replaces LastError.
	Release(ctx context.Context, id int64, next time.Time, reason string) error
	// Fail records that the entry will never be sent (Attempts+1, reason).
	Fail(ctx context.Context, id int64, at time.Time, reason string) error
	// UpdateChat moves a pending entry to another chat (a Telegram group
	// that became a supergroup).
	UpdateChat(ctx context.Context, id int64, chatID string) error
}

// validateEntries checks what Enqueue needs, naming the entry at fault.
func validateEntries(entries []Entry) error {
	var problems []string
	for i, e := range entries {
		var miss []string
		if e.Key == "" && e.Message.Key == "" {
			miss = append(miss, "key")
		}
		if e.Message.Platform == "" {
			miss = append(miss, "message platform")
		}
		if e.Message.ChatID == "" {
			miss = append(miss, "message chat id")
		}
		if e.Message.Text == "" && e.Message.Document == nil && e.Message.Photo == nil {
			miss = append(miss, "message text or attachment")
		}
		if len(miss) > 0 {
			problems = append(problems, fmt.Sprintf("entry %d (key %q): missing %s", i, e.Key, strings.Join(miss, ", ")))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("notify: enqueue: %s", strings.Join(problems, "; "))
	}
	return nil
}
