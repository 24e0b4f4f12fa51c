package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// fakeElector is a leadership the test drives by hand: Notify hands the
// subscriber channel to the test, Watch records its interval and waits for
// the end of ctx.
type fakeElector struct {
	subscribed chan chan<- bool
	watching   chan time.Duration
}

func newFakeElector() *fakeElector {
	return &fakeElector{subscribed: make(chan chan<- bool, 1), watching: make(chan time.Duration, 1)}
}

func (f *fakeElector) Notify(ch chan<- bool) { f.subscribed <- ch }

func (f *fakeElector) Watch(ctx context.Context, every time.Duration) {
	f.watching <- every
	<-ctx.Done()
}

// fakeDispatch is a dispatcher's Run that reports each start and each stop.
type fakeDispatch struct {
	started, stopped chan struct{}
	wakes            atomic.Int32
}

func newFakeDispatch() *fakeDispatch {
	return &fakeDispatch{started: make(chan struct{}, 8), stopped: make(chan struct{}, 8)}
}

func (d *fakeDispatch) run(ctx context.Context) error {
	d.started <- struct{}{}
	<-ctx.Done()
	d.stopped <- struct{}{}
	return ctx.Err()
}

func (d *fakeDispatch) wake() { d.wakes.Add(1) }

// startDispatchWhileLeading runs dispatchWhileLeading on a fake elector
// and dispatcher until ctx ends; done is closed when it returns.
func startDispatchWhileLeading(ctx context.Context) (*fakeElector, *fakeDispatch, <-chan struct{}) {
	el, d := newFakeElector(), newFakeDispatch()
	done := make(chan struct{})
	go func() {
		defer close(done)
		dispatchWhileLeading(ctx, discardLogger(), el, d.run, d.wake)
	}()
	return el, d, done
}

// TestDispatchWhileLeadingFollowsTheElector: the outbox is dispatched only
// while the elector says this replica leads — started (and woken) on
// gaining the lead, stopped on losing it, restarted on regaining it,
// untouched by repeated notices, and stopped before the loop returns when
// the service shuts down.
func TestDispatchWhileLeadingFollowsTheElector(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	el, d, done := startDispatchWhileLeading(ctx)
	leading := <-el.subscribed
	if every := <-el.watching; every != electorEvery {
		t.Errorf("Watch interval = %s, want %s", every, electorEvery)
	}

	leading <- true
	<-d.started
	leading <- true // already leading: no second dispatcher
	leading <- false
	<-d.stopped
	if n := d.wakes.Load(); n != 1 {
		t.Fatalf("after one takeover: %d wakes, want 1 (a repeated notice must not start a second dispatcher)", n)
	}
	leading <- false // already following: nothing to stop
	leading <- true
	<-d.started
	cancel()
	<-d.stopped
	<-done
	if n := d.wakes.Load(); n != 2 {
		t.Errorf("after two takeovers: %d wakes, want 2", n)
	}
	if len(d.started) != 0 || len(d.stopped) != 0 {
		t.Errorf("extra dispatcher starts/stops: %d/%d", len(d.started), len(d.stopped))
	}
}

// TestDispatchWhileLeadingNeverLeading: a follower that never leads never
// dispatches, and returns when the service shuts down.
func TestDispatchWhileLeadingNeverLeading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	el, d, done := startDispatchWhileLeading(ctx)
	leading := <-el.subscribed
	<-el.watching
	leading <- false
	cancel()
	<-done
	if len(d.started) != 0 || d.wakes.Load() != 0 {
		t.Errorf("a follower dispatched: %d starts, %d wakes", len(d.started), d.wakes.Load())
	}
}
