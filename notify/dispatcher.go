package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// DispatcherConfig configures a Dispatcher. Only Outbox and Channels are
// required; every other zero field takes the default written beside it.
type DispatcherConfig struct {
	Outbox   Outbox
	Channels map[string]Channel // by platform
	Clock    clockwork.Clock    // nil: the real clock

	// Limits by platform; a platform missing from the map gets
	// TelegramLimits(), a present zero Limits means unlimited.
	Limits       map[string]Limits
	MaxAttempts  int                             // 20: failed attempts before an entry fails (≈ 1 h 45 min of outage with the default backoff)
	Backoff      func(attempt int) time.Duration // ExponentialBackoff(time.Second, 10*time.Minute)
	BatchSize    int                             // 100 entries claimed at a time
	Lease        time.Duration                   // 5m; a batch holds nothing beyond Lease/2
	Concurrency  int                             // 4 sends in flight (never two to one chat)
	SendTimeout  time.Duration                   // 30s per Send
	PollInterval time.Duration                   // 1s: Run's wait when nothing is due
	MaxChats     int                             // 10000 chats' limiters kept per platform (idle ones go first)
	// Pacer, when set, holds the limits' state, shared with other senders
	// of this process (the bot's replies); nil: a pacer of the
	// dispatcher's own on Limits and Clock.
	Pacer *Pacer

	// OnPermanent is called after an entry failed for a Permanent error:
	// mark the link inactive, tell the secretariat.
	OnPermanent func(ctx context.Context, e Entry, err *SendError)
	// OnMigrated is called when a chat of platform moved (a Telegram
	// group that became a supergroup).
	OnMigrated func(ctx context.Context, platform, oldChat, newChat string)
	Metrics    Metrics      // nil: none
	Logger     *slog.Logger // nil: discard
}

// Dispatcher delivers outbox entries through channels, keeping each
// platform's limits. Run and Drain may not be called concurrently on one
// Dispatcher; several Dispatchers may share an Outbox.
type Dispatcher struct {
	cfg        DispatcherConfig
	clock      clockwork.Clock
	log        *slog.Logger
	metrics    Metrics
	wake       chan struct{}
	mu         sync.Mutex // one batch at a time
	pace       *Pacer
	migrations map[string]string // platform+"\x00"+old chat → new chat
}

// NewDispatcher checks cfg and fills in the defaults.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Outbox == nil {
		return nil, errors.New("notify: dispatcher: no outbox")
	}
	if len(cfg.Channels) == 0 {
		return nil, errors.New("notify: dispatcher: no channels")
	}
	for p, ch := range cfg.Channels {
		if ch == nil {
			return nil, fmt.Errorf("notify: dispatcher: channel %q is nil", p)
		}
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	// 20 attempts at the default backoff span about 1 h 45 min: a
	// platform unreachable for that long delays messages, it loses none.
	def(&cfg.MaxAttempts, 20)
	def(&cfg.BatchSize, 100)
	def(&cfg.Concurrency, 4)
	def(&cfg.MaxChats, 10000)
	defDur(&cfg.Lease, 5*time.Minute)
	defDur(&cfg.SendTimeout, 30*time.Second)
	defDur(&cfg.PollInterval, time.Second)
	if cfg.Backoff == nil {
		cfg.Backoff = ExponentialBackoff(time.Second, 10*time.Minute)
	}
	d := &Dispatcher{cfg: cfg, clock: cfg.Clock, log: cfg.Logger, metrics: cfg.Metrics,
		wake: make(chan struct{}, 1), pace: cfg.Pacer, migrations: map[string]string{}}
	if d.clock == nil {
		d.clock = clockwork.NewRealClock()
	}
	if d.pace == nil {
		d.pace = NewPacer(cfg.Limits, d.clock)
	}
	d.pace.mu.Lock()
	d.pace.maxChats = cfg.MaxChats
	d.pace.mu.Unlock()
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.metrics == nil {
		d.metrics = noMetrics{}
	}
	return d, nil
}

// Wake makes a waiting Run look at the outbox at once (call it after Enqueue).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers entries until ctx ends, looking at the outbox again after
// PollInterval when nothing is due, or at once after Wake. It returns nil
// when ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		n, err := d.deliver(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.log.Error("notify: dispatch", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		t := d.clock.NewTimer(d.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
			t.Stop()
		case <-t.Chan():
		}
	}
}

// Drain delivers every entry due now and returns when no entry is due any
// more: entries retried or rate limited into the future stay pending.
func (d *Dispatcher) Drain(ctx context.Context) error {
	for {
		n, err := d.deliver(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return ctx.Err()
		}
	}
}

// platform returns the pacing state of a platform; call with d.pace.mu held.
func (d *Dispatcher) platform(name string) *platformState { return d.pace.platform(name) }

// item is one claimed entry in a batch.
type item struct {
	e          Entry
	plainTried bool
	migrated   bool
}

// queue holds a batch's entries for one chat, in ID order.
type queue struct {
	key, platform, chat string
	items               []*item
	busy                bool // a send is in flight
}

type result struct {
	q        *queue
	it       *item
	err      error
	canceled bool // the dispatcher's ctx ended during the send
}

type batch struct {
	queues    map[string]*queue
	order     []*queue
	platforms map[string]bool
	done      chan result
	active    int
}

func (b *batch) queue(platform, chat string) *queue {
	k := platform + "\x00" + chat
	q, ok := b.queues[k]
	if !ok {
		q = &queue{key: k, platform: platform, chat: chat}
		b.queues[k] = q
		b.platforms[platform] = true
		b.order = append(b.order, q)
	}
	return q
}

// deliver claims one batch and sends it; it returns how many entries it claimed.
func (d *Dispatcher) deliver(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	start := d.clock.Now()
	entries, err := d.cfg.Outbox.Claim(ctx, start, d.cfg.Lease, d.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("notify: claim: %w", err)
	}
	if len(entries) == 0 {
		return 0, nil
	}
	b := &batch{queues: map[string]*queue{}, platforms: map[string]bool{}, done: make(chan result, d.cfg.Concurrency)}
	for _, e := range entries {
		q := b.queue(e.Message.Platform, e.Message.ChatID)
		q.items = append(q.items, &item{e: e})
	}
	// Records survive a cancelled ctx: an in-flight send's outcome is kept.
	rec := context.WithoutCancel(ctx)
	horizon := start.Add(d.cfg.Lease / 2)
	stopping := false
	for {
		if ctx.Err() != nil && !stopping {
			stopping = true
		}
		now := d.clock.Now()
		// No chat can be ready before its platform is: the earliest
		// platform-wide instant ends the search early (ID order wins ties).
		d.pace.mu.Lock()
		var floor time.Time
		for name := range b.platforms {
			if at := d.platform(name).base(now); floor.IsZero() || at.Before(floor) {
				floor = at
			}
		}
		var next *queue
		var nextAt time.Time
		live := b.order[:0]
		for _, q := range b.order {
			if !q.busy && len(q.items) == 0 {
				delete(b.queues, q.key) // done with this chat
				continue
			}
			live = append(live, q)
			if q.busy || (next != nil && !nextAt.After(floor)) {
				continue
			}
			p := d.platform(q.platform)
			at := p.ready(p.chat(q.chat, now, d.cfg.MaxChats), now)
			if stopping {
				d.pace.mu.Unlock()
				d.releaseRest(rec, q, at, "")
				d.pace.mu.Lock()
				continue
			}
			if next == nil || at.Before(nextAt) {
				next, nextAt = q, at
			}
		}
		d.pace.mu.Unlock()
		clear(b.order[len(live):])
		b.order = live
		if next != nil && nextAt.After(horizon) {
			// Nothing more goes out within this lease: give the rest back.
			stopping = true
			continue
		}
		if next == nil || b.active >= d.cfg.Concurrency {
			if b.active == 0 {
				return len(entries), nil
			}
			d.record(rec, b, <-b.done)
			continue
		}
		if wait := nextAt.Sub(now); wait > 0 {
			if r, ok := d.sleep(ctx, b, wait); ok {
				d.record(rec, b, r)
			}
			continue
		}
		d.pace.mu.Lock()
		p := d.platform(next.platform)
		c := p.chat(next.chat, now, d.cfg.MaxChats)
		wait := p.take(c, now)
		d.pace.mu.Unlock()
		if wait > 0 {
			// Rounding only: the token is ours, wait for it.
			t := d.clock.NewTimer(wait)
			select {
			case <-t.Chan():
			case <-ctx.Done():
				t.Stop()
			}
		}
		it := next.items[0]
		next.items = next.items[1:]
		if ctx.Err() != nil {
			next.items = append([]*item{it}, next.items...)
			continue
		}
		d.send(ctx, rec, b, next, it)
	}
}

// sleep waits for d, a send's result or the end of ctx.
func (d *Dispatcher) sleep(ctx context.Context, b *batch, wait time.Duration) (result, bool) {
	t := d.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.Chan():
	case <-ctx.Done():
	case r := <-b.done:
		return r, true
	}
	return result{}, false
}

func (d *Dispatcher) send(ctx, rec context.Context, b *batch, q *queue, it *item) {
	if newChat, ok := d.migrations[q.platform+"\x00"+it.e.Message.ChatID]; ok && !it.migrated {
		if err := d.cfg.Outbox.UpdateChat(rec, it.e.ID, newChat); err != nil {
			d.log.Error("notify: update chat", "key", it.e.Key, "chat", newChat, "err", err)
		}
		it.e.Message.ChatID, it.migrated = newChat, true
	}
	ch, ok := d.cfg.Channels[q.platform]
	q.busy = true
	b.active++
	if !ok {
		b.done <- result{q: q, it: it, err: &SendError{Class: Retryable, Reason: "no channel for platform " + q.platform}}
		return
	}
	go func() {
		// A send in flight finishes even when ctx ends (a graceful
		// shutdown, a lost lead): cutting it off would lose the answer of
		// a message the platform may have accepted, and send it twice.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.SendTimeout)
		defer cancel()
		err := ch.Send(sctx, it.e.Message)
		b.done <- result{q: q, it: it, err: err, canceled: err != nil && ctx.Err() != nil}
	}()
}

// releaseRest gives the chat's remaining entries back to the outbox, due at
// next, so they keep their order behind one that was put back.
func (d *Dispatcher) releaseRest(ctx context.Context, q *queue, next time.Time, reason string) {
	for _, it := range q.items {
		if err := d.cfg.Outbox.Release(ctx, it.e.ID, next, reason); err != nil {
			d.log.Error("notify: release", "key", it.e.Key, "err", err)
		}
	}
	q.items = nil
}

// record stores the outcome of one send and decides what comes next.
func (d *Dispatcher) record(ctx context.Context, b *batch, r result) {
	q, it, e := r.q, r.it, &r.it.e
	q.busy = false
	b.active--
	now := d.clock.Now()
	log := d.log.With("key", e.Key, "platform", q.platform, "chat", e.Message.ChatID)
	check := func(what string, err error) {
		if err != nil {
			log.Error("notify: "+what, "err", err)
		}
	}
	if r.err == nil {
		check("mark sent", d.markSent(ctx, e.ID, now))
		d.metrics.Observe(q.platform, OutcomeSent)
		log.Debug("notify: sent")
		return
	}
	if r.canceled {
		// Shutting down: not the message's fault, no attempt counted.
		check("release", d.cfg.Outbox.Release(ctx, e.ID, now, ""))
		d.releaseRest(ctx, q, now, "")
		return
	}
	var se *SendError
	if !errors.As(r.err, &se) {
		se = &SendError{Class: Retryable, Reason: r.err.Error(), Err: r.err}
	}
	reason := se.Error()
	if eo, ok := d.metrics.(ErrorObserver); ok {
		eo.ObserveError(q.platform, se.Class)
	}
	switch se.Class {
	case RateLimited:
		wait := max(se.RetryAfter, time.Second)
		if d.pace.RateLimited(q.platform, q.chat, wait) {
			log.Warn("notify: platform flood, pausing every chat", "retry_after", wait)
		}
		next := now.Add(wait)
		check("release", d.cfg.Outbox.Release(ctx, e.ID, next, reason))
		d.releaseRest(ctx, q, next, "")
		d.metrics.Observe(q.platform, OutcomeRateLimited)
		log.Info("notify: rate limited", "retry_after", wait)
	case BadMarkup:
		if e.Message.Format == FormatPlain || it.plainTried {
			d.fail(ctx, log, q, e, reason)
			return
		}
		e.Message.Text, e.Message.Format, it.plainTried = PlainText(e.Message.Text), FormatPlain, true
		q.items = append([]*item{it}, q.items...)
		d.metrics.Observe(q.platform, OutcomePlainResent)
		log.Warn("notify: bad markup, resending as plain text", "err", se)
	case Migrated:
		old := e.Message.ChatID
		if se.MigrateTo == "" || se.MigrateTo == old || it.migrated {
			d.fail(ctx, log, q, e, reason)
			return
		}
		check("update chat", d.cfg.Outbox.UpdateChat(ctx, e.ID, se.MigrateTo))
		if len(d.migrations) > 1000 {
			clear(d.migrations)
		}
		d.migrations[q.platform+"\x00"+old] = se.MigrateTo
		if d.cfg.OnMigrated != nil {
			d.cfg.OnMigrated(ctx, q.platform, old, se.MigrateTo)
		}
		e.Message.ChatID, it.migrated = se.MigrateTo, true
		nq := b.queue(q.platform, se.MigrateTo)
		nq.items = append(append([]*item{it}, q.items...), nq.items...)
		q.items = nil
		d.metrics.Observe(q.platform, OutcomeMigrated)
		log.Info("notify: chat migrated", "new_chat", se.MigrateTo)
	case Permanent:
		d.fail(ctx, log, q, e, reason)
		if d.cfg.OnPermanent != nil {
			d.cfg.OnPermanent(ctx, *e, se)
		}
	default:
		attempt := e.Attempts + 1
		if attempt >= d.cfg.MaxAttempts {
			d.fail(ctx, log, q, e, reason)
			return
		}
		next := now.Add(d.cfg.Backoff(attempt))
		check("retry", d.cfg.Outbox.Retry(ctx, e.ID, next, reason))
		d.releaseRest(ctx, q, next, "")
		d.metrics.Observe(q.platform, OutcomeRetried)
		log.Warn("notify: send failed, will retry", "attempt", attempt, "next", next, "err", se)
	}
}

// markSent records a delivery, trying again for a few seconds when the
// outbox cannot be reached (a database restarting): an unrecorded send
// would be claimed and sent again once its lease ends.
func (d *Dispatcher) markSent(ctx context.Context, id int64, at time.Time) error {
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := d.cfg.Outbox.MarkSent(ctx, id, at)
		if err == nil || errors.Is(err, ErrNotFound) || attempt == 8 {
			return err
		}
		d.log.Warn("notify: mark sent failed, trying again", "id", id, "attempt", attempt, "err", err)
		t := d.clock.NewTimer(wait)
		<-t.Chan()
		wait = min(2*wait, 3*time.Second)
	}
}

func (d *Dispatcher) fail(ctx context.Context, log *slog.Logger, q *queue, e *Entry, reason string) {
	if err := d.cfg.Outbox.Fail(ctx, e.ID, d.clock.Now(), reason); err != nil {
		log.Error("notify: fail", "err", err)
	}
	d.metrics.Observe(q.platform, OutcomeFailed)
	log.Error("notify: message not delivered", "attempts", e.Attempts+1, "reason", reason)
}
