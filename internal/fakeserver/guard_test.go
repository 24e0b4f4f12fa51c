package fakeserver

import (
	"testing"
	"time"
)

func TestWaitForWakesOnChange(t *testing.T) {
	var g Guard
	n := 0
	go func() {
		for i := 0; i < 3; i++ {
			g.Lock()
			n++
			g.Changed()
			g.Unlock()
		}
	}()
	if !g.WaitFor(10*time.Second, func() bool { return n == 3 }) {
		t.Fatalf("WaitFor gave up with n = %d", n)
	}
}

func TestWaitForTimesOut(t *testing.T) {
	var g Guard
	if g.WaitFor(time.Millisecond, func() bool { return false }) {
		t.Fatal("WaitFor held for a condition that never holds")
	}
}

func TestAwaitCancelled(t *testing.T) {
	var g Guard
	cancel := make(chan struct{})
	close(cancel)
	g.Lock()
	if w := g.Await(nil, cancel); w != Cancelled {
		t.Fatalf("Await = %v, want Cancelled", w)
	}
	g.Unlock() // Await holds g again on return
}
