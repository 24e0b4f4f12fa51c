package fakeserver

import (
	"fmt"
	"time"
)

// Call is one recorded call of a sending method; Method names it.
type Call interface{ APIMethod() string }

// Log is what a fake server records of the calls it serves, guarded by the
// server's Guard: the sends (of type S), the number of calls per method
// (faults included) and the faults queued per method. A server embeds it:
// its exported methods are the server's.
type Log[S Call] struct {
	g      *Guard
	name   string // the fake's package, for errors
	sent   []S
	calls  map[string]int
	faults map[string][]Fault
}

// NewLog is an empty log guarded by g; name prefixes its errors.
func NewLog[S Call](g *Guard, name string) *Log[S] {
	return &Log[S]{g: g, name: name, calls: map[string]int{}, faults: map[string][]Fault{}}
}

// FailNext makes the next n calls of method fail with f.
func (l *Log[S]) FailNext(method string, n int, f Fault) {
	l.g.Lock()
	defer l.g.Unlock()
	for range n {
		l.faults[method] = append(l.faults[method], f)
	}
}

// Sent returns every recorded send call.
func (l *Log[S]) Sent() []S {
	l.g.Lock()
	defer l.g.Unlock()
	return append([]S(nil), l.sent...)
}

// SentBy returns the recorded calls of one method.
func (l *Log[S]) SentBy(method string) []S {
	l.g.Lock()
	defer l.g.Unlock()
	return l.by(method)
}

// Calls returns how many times method was called (faults included).
func (l *Log[S]) Calls(method string) int {
	l.g.Lock()
	defer l.g.Unlock()
	return l.calls[method]
}

// WaitSent waits until method was sent n times and returns those calls,
// or an error after timeout.
func (l *Log[S]) WaitSent(timeout time.Duration, method string, n int) ([]S, error) {
	if !l.g.WaitFor(timeout, func() bool { return len(l.by(method)) >= n }) {
		got := l.SentBy(method)
		return got, fmt.Errorf("%s: %d %s calls after %v, want %d: %+v", l.name, len(got), method, timeout, n, got)
	}
	return l.SentBy(method), nil
}

// Record adds a send call and wakes the waiters.
func (l *Log[S]) Record(rec S) {
	l.g.Lock()
	l.sent = append(l.sent, rec)
	l.g.Changed()
	l.g.Unlock()
}

// Count counts a call of method; callers hold the guard.
func (l *Log[S]) Count(method string) { l.calls[method]++ }

// NextFault takes the next fault queued for method (nil: none); callers
// hold the guard.
func (l *Log[S]) NextFault(method string) *Fault {
	q := l.faults[method]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	l.faults[method] = q[1:]
	return &f
}

// Queued is how many faults wait for method; callers hold the guard.
func (l *Log[S]) Queued(method string) int { return len(l.faults[method]) }

// Recorded and CallCounts are the log as it is, for a wait condition;
// callers hold the guard and do not keep them.
func (l *Log[S]) Recorded() []S { return l.sent }

// CallCounts: see Recorded.
func (l *Log[S]) CallCounts() map[string]int { return l.calls }

func (l *Log[S]) by(method string) []S {
	var out []S
	for _, x := range l.sent {
		if x.APIMethod() == method {
			out = append(out, x)
		}
	}
	return out
}
