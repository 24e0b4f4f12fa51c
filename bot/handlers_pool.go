package bot

import (
	"context"
	"sync"
)

// Handlers runs update handlers in goroutines of their own — at most n at
// once for polled updates — and waits for them: the part of receiving that
// every channel adapter shares.
type Handlers struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

// NewHandlers returns a pool of n slots (n < 1 is 1).
func NewHandlers(n int) *Handlers { return &Handlers{sem: make(chan struct{}, max(1, n))} }

// Go runs fn once a slot is free; it returns false, without running fn,
// when ctx ends first.
func (h *Handlers) Go(ctx context.Context, fn func()) bool {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	h.wg.Add(1)
	go func() {
		defer func() { <-h.sem; h.wg.Done() }()
		fn()
	}()
	return true
}

// Spawn runs fn at once, outside the slots (a webhook delivery, which the
// platform throttles by waiting for the HTTP answer).
func (h *Handlers) Spawn(fn func()) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		fn()
	}()
}

// Wait blocks until every handler started by Go or Spawn has returned.
func (h *Handlers) Wait() { h.wg.Wait() }
