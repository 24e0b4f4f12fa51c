package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/dondoc/dondoc/scheduler"
)

// leadership is what the dispatch loop needs of an elector (the
// scheduler's PGElector; a fake in tests): a stream of "this replica
// leads / no longer leads" and the watch that keeps it current.
type leadership interface {
	Notify(ch chan<- bool)
	Watch(ctx context.Context, every time.Duration)
}

// dispatchWhileLeading runs dispatch while el says this replica leads: it
// starts dispatch (and wakes it, so a takeover sends at once) on becoming
// the leader, cancels it and waits for it on losing the lead, and returns
// once ctx ends and dispatch has stopped. Repeated notices of the same
// state change nothing.
func dispatchWhileLeading(ctx context.Context, log *slog.Logger, el leadership,
	dispatch func(context.Context) error, wake func()) {
	leading := make(chan bool, 8)
	el.Notify(leading)
	go el.Watch(ctx, electorEvery)
	var run *runner
	for {
		select {
		case <-ctx.Done():
			run.stop()
			return
		case v := <-leading:
			if v && run == nil {
				log.Info("delivery: leader: dispatching")
				run = startRunner(ctx, dispatch)
				wake()
			} else if !v && run != nil {
				log.Warn("delivery: no longer the leader: dispatch stopped")
				run.stop()
				run = nil
			}
		}
	}
}

var _ leadership = (*scheduler.PGElector)(nil)

// runner is a goroutine running fn until stopped.
type runner struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startRunner(ctx context.Context, fn func(context.Context) error) *runner {
	rctx, cancel := context.WithCancel(ctx)
	r := &runner{cancel: cancel, done: make(chan struct{})}
	go func() { defer close(r.done); _ = fn(rctx) }()
	return r
}

// stop cancels the run and waits for it; a nil runner does nothing.
func (r *runner) stop() {
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
}
