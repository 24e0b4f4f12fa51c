// Package fakeserver holds what the fake platform servers (tgfake,
// zalofake) share beyond their wire formats: a lock whose holders announce
// state changes, so that long polls and tests wait for a change instead of
// sleeping; the log of the calls served and the faults queued for them.
package fakeserver

import (
	"sync"
	"time"
)

// Guard is a fake server's mutex with change notification. Its zero value
// is unlocked and ready.
type Guard struct {
	sync.Mutex
	changed chan struct{} // closed and replaced on every state change
}

// Changed wakes every waiter; callers hold g.
func (g *Guard) Changed() {
	if g.changed != nil {
		close(g.changed)
	}
	g.changed = make(chan struct{})
}

// Wake says why Await returned.
type Wake int

const (
	// Woken: a holder called Changed.
	Woken Wake = iota
	// Deadline: the deadline channel fired.
	Deadline
	// Cancelled: the cancel channel was closed (the request went away).
	Cancelled
)

// Await releases g until the next change, the deadline or cancel (nil
// channels never fire), then holds g again; callers hold g.
func (g *Guard) Await(deadline <-chan time.Time, cancel <-chan struct{}) Wake {
	if g.changed == nil {
		g.changed = make(chan struct{})
	}
	ch := g.changed
	g.Unlock()
	defer g.Lock()
	select {
	case <-ch:
		return Woken
	case <-deadline:
		return Deadline
	case <-cancel:
		return Cancelled
	}
}

// WaitFor blocks until cond (called with g held) holds or timeout passes;
// it reports whether cond held. Callers do not hold g.
func (g *Guard) WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	g.Lock()
	defer g.Unlock()
	for !cond() {
		if g.Await(deadline.C, nil) == Deadline {
			return false
		}
	}
	return true
}
