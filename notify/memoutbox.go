package notify

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// MemOutbox is an in-memory Outbox for tests and the console. It is safe for
// concurrent use. The zero value is not usable: call NewMemOutbox.
type MemOutbox struct {
	mu     sync.Mutex
	now    func() time.Time
	nextID int64
	byID   map[int64]*Entry
	byKey  map[string]int64
	order  []int64 // ids ascending
}

// NewMemOutbox returns an empty outbox; now stamps CreatedAt and a zero
// NextAttemptAt (nil means the real clock).
func NewMemOutbox(now func() time.Time) *MemOutbox {
	if now == nil {
		now = clockwork.NewRealClock().Now
	}
	return &MemOutbox{now: now, byID: map[int64]*Entry{}, byKey: map[string]int64{}}
}

var _ Outbox = (*MemOutbox)(nil)

// Enqueue implements Outbox.
func (o *MemOutbox) Enqueue(ctx context.Context, entries []Entry) (int, error) {
	if err := validateEntries(entries); err != nil {
		return 0, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	added := 0
	for _, e := range entries {
		if e.Key == "" {
			e.Key = e.Message.Key
		}
		if _, dup := o.byKey[e.Key]; dup {
			continue
		}
		o.nextID++
		e.ID = o.nextID
		e.Message.Key = e.Key
		e.Status = StatusPending
		e.Attempts = 0
		e.LeaseUntil = time.Time{}
		e.LastError = ""
		e.SentAt = time.Time{}
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		if e.NextAttemptAt.IsZero() {
			e.NextAttemptAt = now
		}
		o.byID[e.ID] = &e
		o.byKey[e.Key] = e.ID
		o.order = append(o.order, e.ID)
		added++
	}
	return added, nil
}

// Claim implements Outbox.
func (o *MemOutbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Entry
	for _, id := range o.order {
		if len(out) >= limit {
			break
		}
		e := o.byID[id]
		if e.Status != StatusPending || e.NextAttemptAt.After(now) || e.LeaseUntil.After(now) {
			continue
		}
		e.LeaseUntil = now.Add(lease)
		out = append(out, *e)
	}
	return out, nil
}

// update applies change to the pending entry id; an entry already sent or
// failed is left alone (never reopened), an unknown id is an error.
func (o *MemOutbox) update(id int64, change func(e *Entry)) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.byID[id]
	if !ok {
		return fmt.Errorf("%w: id %d", ErrNotFound, id)
	}
	if e.Status == StatusPending {
		change(e)
	}
	return nil
}

// MarkSent implements Outbox.
func (o *MemOutbox) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return o.update(id, func(e *Entry) { e.Status, e.SentAt, e.LeaseUntil = StatusSent, at, time.Time{} })
}

// Retry implements Outbox.
func (o *MemOutbox) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.update(id, func(e *Entry) {
		e.Attempts++
		e.NextAttemptAt, e.LastError, e.LeaseUntil = next, reason, time.Time{}
	})
}

// Release implements Outbox.
func (o *MemOutbox) Release(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.update(id, func(e *Entry) {
		e.NextAttemptAt, e.LeaseUntil = next, time.Time{}
		if reason != "" {
			e.LastError = reason
		}
	})
}

// Fail implements Outbox.
func (o *MemOutbox) Fail(ctx context.Context, id int64, at time.Time, reason string) error {
	return o.update(id, func(e *Entry) {
		e.Attempts++
		e.Status, e.LastError, e.LeaseUntil = StatusFailed, reason, time.Time{}
	})
}

// UpdateChat implements Outbox.
func (o *MemOutbox) UpdateChat(ctx context.Context, id int64, chatID string) error {
	return o.update(id, func(e *Entry) { e.Message.ChatID = chatID })
}

// Entries returns a copy of every entry, ordered by ID.
func (o *MemOutbox) Entries() []Entry {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Entry, 0, len(o.order))
	for _, id := range o.order {
		out = append(out, *o.byID[id])
	}
	return out
}

// Get returns a copy of the entry with the given key.
func (o *MemOutbox) Get(key string) (Entry, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	id, ok := o.byKey[key]
	if !ok {
		return Entry{}, false
	}
	return *o.byID[id], true
}

// Count returns how many entries have each status.
func (o *MemOutbox) Count() map[Status]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := map[Status]int{}
	for _, e := range o.byID {
		m[e.Status]++
	}
	return m
}
