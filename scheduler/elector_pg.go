package scheduler

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrNotLeader is what PGElector.IsLeader returns on a follower.
var ErrNotLeader = errors.New("scheduler: not the leader")

// errElectorClosed is returned after Close.
var errElectorClosed = errors.New("scheduler: elector closed")

// electorTimeout bounds each database round trip of the elector.
const electorTimeout = 5 * time.Second

// PGElector elects one leader among the dondoc replicas sharing a Postgres
// database: the replica whose pinned connection holds the session advisory
// lock key is the leader. It implements gocron.Elector.
//
// When the leader dies, Postgres ends its session and releases the lock; the
// next IsLeader call of another replica (gocron asks before each run; Watch
// asks every few seconds) takes it. Safe for concurrent use.
type PGElector struct {
	db  *sql.DB
	key int64
	log *slog.Logger

	mu      sync.Mutex
	conn    *sql.Conn // pinned connection holding the lock; nil: follower
	closed  bool
	leading bool
	subs    []chan<- bool
}

// NewPGElector returns an elector on db for advisory lock key (one key per
// dondoc deployment). log nil means slog.Default().
func NewPGElector(db *sql.DB, key int64, log *slog.Logger) *PGElector {
	if log == nil {
		log = slog.Default()
	}
	return &PGElector{db: db, key: key, log: log}
}

// IsLeader returns nil when this replica holds the lock, trying to take it
// if it does not; ErrNotLeader when another replica holds it; another error
// when the database cannot be reached (then this replica is not leader).
func (e *PGElector) IsLeader(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errElectorClosed
	}
	ctx, cancel := context.WithTimeout(ctx, electorTimeout)
	defer cancel()
	if e.conn != nil {
		err := e.conn.PingContext(ctx)
		if err == nil {
			return nil
		}
		// The session may be gone, and the lock with it: drop the
		// connection (closing it ends the session if it still lives) and
		// try to take the lock again below.
		e.log.Warn("scheduler: leader connection lost", "err", err)
		e.drop()
	}
	conn, err := e.db.Conn(ctx)
	if err != nil {
		e.setLeading(false)
		return err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", e.key).Scan(&got); err != nil {
		discard(conn)
		e.setLeading(false)
		return err
	}
	if !got {
		_ = conn.Close()
		e.setLeading(false)
		return ErrNotLeader
	}
	e.conn = conn
	e.setLeading(true)
	return nil
}

// Leading reports whether this replica is the leader, trying to become it.
func (e *PGElector) Leading(ctx context.Context) bool { return e.IsLeader(ctx) == nil }

// Watch calls IsLeader every interval until ctx ends, so that a replica
// takes over within that interval after the leader died, even between job
// runs. every <= 0 means 5 s.
func (e *PGElector) Watch(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = e.IsLeader(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Notify makes ch receive the new state each time this replica becomes or
// stops being the leader, and true at once when it leads already (the
// scheduler's first IsLeader may come before the subscription). Sends do
// not block: give ch a buffer.
func (e *PGElector) Notify(ch chan<- bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subs = append(e.subs, ch)
	if e.leading {
		select {
		case ch <- true:
		default:
		}
	}
}

// Close gives up leadership (unlocks and returns the connection) and makes
// every later IsLeader call fail.
func (e *PGElector) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if e.conn == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), electorTimeout)
	defer cancel()
	var ok bool
	err := e.conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", e.key).Scan(&ok)
	if err != nil || !ok {
		e.drop() // ending the session releases the lock
	} else {
		_ = e.conn.Close()
		e.conn = nil
	}
	e.setLeading(false)
	return err
}

// drop discards the pinned connection instead of returning it to the pool,
// so that no pooled session ever holds the lock. Call with e.mu held.
func (e *PGElector) drop() {
	discard(e.conn)
	e.conn = nil
	e.setLeading(false)
}

// discard closes conn's underlying session rather than pooling it.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

func (e *PGElector) setLeading(v bool) {
	if v != e.leading {
		if v {
			e.log.Info("scheduler: this replica is now the leader", "lock", e.key)
		} else {
			e.log.Info("scheduler: this replica is no longer the leader", "lock", e.key)
		}
		for _, ch := range e.subs {
			select {
			case ch <- v:
			default:
			}
		}
	}
	e.leading = v
}
