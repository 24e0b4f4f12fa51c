// Package bottest holds the helpers shared by the chat adapters'
// end-to-end tests (bot/telegram, bot/zalo): a log sink that a test waits
// on instead of sleeping, the polling loop started for a test's lifetime,
// and the small directory those tests route with.
package bottest

import (
	"bytes"
	"strings"
	"sync"
	"time"
)

// Logs is a goroutine-safe log sink. Its zero value is ready to use.
type Logs struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced at each Write
}

// Write appends p and wakes the goroutines waiting in WaitFor.
func (s *Logs) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
	}
	s.changed = make(chan struct{})
	return s.b.Write(p)
}

// WaitFor blocks until the log contains sub or timeout passes, and
// reports whether it does.
func (s *Logs) WaitFor(sub string, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		found, ch := strings.Contains(s.b.String(), sub), s.changed
		s.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-ch:
		case <-deadline:
			return false
		}
	}
}

// String returns what was logged so far.
func (s *Logs) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
