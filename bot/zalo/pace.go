package zalo

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Adaptive pace after a 429: every 429 doubles the spacing of sends (up
// to maxSlow times the configured one); every success takes a little of
// it back.
const (
	maxSlow     = 64.0
	recoverRate = 0.9
	maxChats    = 10000
)

// pacer spaces the sends of one bot: at most perSecond overall and
// perChat in one chat, both slowed down after a 429.
type pacer struct {
	clock   clockwork.Clock
	every   time.Duration // between two sends overall
	perChat time.Duration // between two sends to one chat
	retry   time.Duration // the first pause after a 429

	mu    sync.Mutex
	slow  float64 // ≥ 1
	next  time.Time
	chats map[string]time.Time
}

// newPacer paces perSecond sends overall and perChat per chat; a
// negative perSecond does not pace.
func newPacer(clock clockwork.Clock, perSecond, perChat float64, retry time.Duration) *pacer {
	if perSecond < 0 {
		return &pacer{clock: clock, retry: retry, slow: 1, chats: map[string]time.Time{}}
	}
	return &pacer{clock: clock, retry: retry, every: time.Duration(float64(time.Second) / perSecond),
		perChat: time.Duration(float64(time.Second) / perChat), slow: 1, chats: map[string]time.Time{}}
}

// wait blocks until a send to chatID may go; false when ctx ended first.
func (p *pacer) wait(ctx context.Context, chatID string) bool {
	if p.every <= 0 {
		return ctx.Err() == nil
	}
	p.mu.Lock()
	now := p.clock.Now()
	at := now
	if p.next.After(at) {
		at = p.next
	}
	if c := p.chats[chatID]; c.After(at) {
		at = c
	}
	p.next = at.Add(time.Duration(float64(p.every) * p.slow))
	if len(p.chats) >= maxChats {
		for k, v := range p.chats {
			if !v.After(now) {
				delete(p.chats, k)
			}
		}
	}
	p.chats[chatID] = at.Add(time.Duration(float64(p.perChat) * p.slow))
	p.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-p.clock.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// quota records a 429 and returns how long the refused send should wait.
func (p *pacer) quota() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slow = min(p.slow*2, maxSlow)
	return max(time.Duration(float64(p.retry)*p.slow/2), time.Duration(float64(p.perChat)*p.slow))
}

// ok records a successful send.
func (p *pacer) ok() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slow > 1 {
		p.slow = max(1, p.slow*recoverRate)
	}
}

// factor is the current slow-down (1 = the configured pace).
func (p *pacer) factor() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slow
}
